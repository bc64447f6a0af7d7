"""``python -m blina_stats.synthetic [OUT.csv]``: write the bundled trial and its GVHD episodes.

The episodes go next to OUT.csv, as ``gvhd_episodes.csv`` (both bundled files by default).
"""

import sys
from pathlib import Path

from .paths import BUNDLED, bundled
from .trial import BUNDLED_SEED, simulate_both

out = Path(sys.argv[1]) if len(sys.argv) > 1 else bundled("trial")
events, episodes = simulate_both(68, seed=BUNDLED_SEED)
events.to_csv(out, index=False, date_format="%Y-%m-%d")
gvhd_out = out.with_name(BUNDLED["gvhd_episodes"])
episodes.to_csv(gvhd_out, index=False, date_format="%Y-%m-%d")
print(f"wrote {out} and {gvhd_out}")
