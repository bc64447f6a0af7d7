"""The package's surface: public names, and a light import."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.slow
def test_installed_wheel_writes_the_full_report(tmp_path: Path) -> None:
    """``pip install .`` (not editable) into a fresh venv, then ``blina-stats report``."""
    root = Path(__file__).resolve().parents[1]
    dist, venv, out = tmp_path / "dist", tmp_path / "venv", tmp_path / "report"
    run = functools.partial(subprocess.run, check=True, capture_output=True, text=True)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(root)])
    (wheel,) = dist.glob("blina_stats-*.whl")
    run([sys.executable, "-m", "venv", str(venv)])
    bin_ = venv / "bin"
    run([str(bin_ / "python"), "-m", "pip", "install", "-q", str(wheel)])
    # run away from the source tree, so nothing can be found there
    done = run(
        [
            str(bin_ / "blina-stats"),
            "report",
            "--out",
            str(out),
            "--quiet",
            "--design-trials",
            "500",
        ],
        cwd=tmp_path,
    )
    assert "missing" not in done.stdout, done.stdout
    assert (out / "report.html").stat().st_size > 100_000
    doc = json.loads((out / "estimates.json").read_text())
    assert doc["n_patients"] == 68 and doc["report"]["missing"] == []
    for part in ("safety", "flow", "design", "subgroups"):
        assert part in doc
