"""``python -m blina_stats.synthetic [OUT.csv]``: write the bundled trial."""

from .trial import main

main()
