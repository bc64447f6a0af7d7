"""The package's surface: public names, and a light import."""

from __future__ import annotations

import subprocess
import sys

import blina_stats as bs


def test_import_does_not_load_plotting_or_lifelines() -> None:
    code = "import sys, blina_stats; print('matplotlib' in sys.modules, 'lifelines' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_public_names_exist() -> None:
    for name in bs.__all__:
        assert hasattr(bs, name), name
    for name in ("kaplan_meier", "cumulative_incidence", "load_events", "estimate"):
        assert callable(getattr(bs, name))
