"""The report's "External control" part: present with --controls only."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from blina_stats.report import build_report
from blina_stats.report.context import Context, Inputs
from blina_stats.report.part import build_part
from blina_stats.report.parts import PARTS, external
from blina_stats.synthetic import bundled


def test_report_has_the_external_part_with_controls(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build_report(out=out, quiet=True, n_trials=0, controls=bundled("controls"))
    assert not any(m.startswith("External control") for m in result.missing)
    doc = json.loads((out / "estimates.json").read_text())
    ext = doc["external_control"]
    assert [e["endpoint"] for e in ext["endpoints"]] == ["pfs", "os", "relapse", "nrm"]
    assert ext["n_boot"] == 2000
    assert doc["report"]["parts"]["external"]["status"] == "ok"
    assert str(bundled("controls")) in doc["report"]["inputs_sha256"]
    page = (out / "report.html").read_text()
    assert "External control" in page and "Love plot" in page
    assert any(p.name.startswith("external_control") for p in (out / "figures").iterdir())


def test_without_controls_no_part_and_bad_controls_say_why(tmp_path: Path) -> None:
    assert all(m.KEY != "external" for m in PARTS)  # only --controls adds it
    raw = pd.read_csv(bundled("controls")).drop(columns="age")
    bad = tmp_path / "reg.csv"
    raw.to_csv(bad, index=False)
    ctx = Context.load(Inputs.resolve(None), n_trials=0, quiet=True)
    part = external.for_controls(bad)
    built = build_part(part.KEY, part.TITLE, part.build, ctx)
    assert built.status == "missing"
    assert built.message == (
        "reg.csv: covariate 'age' is missing (it is needed in both tables; trial.csv has it)"
    )


def test_report_cli_takes_controls() -> None:
    from blina_stats.cli import build_parser

    args = build_parser().parse_args(["report", "--controls", "reg.csv"])
    assert args.controls == "reg.csv"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "the control table (controls): the file name is empty ('')"),
        (".", "the control table (controls): . is a folder (the current folder"),
        ("absent.csv", "the control table (controls): absent.csv: no such file"),
    ],
)
def test_report_controls_that_are_no_file_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, message: str
) -> None:
    # --controls= printed "[Errno 21] Is a directory: '.'", naming neither option nor table
    from blina_stats.cli import main

    out = tmp_path / "out"
    assert main(["report", "--quiet", "--out", str(out), f"--controls={given}"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err
    assert not out.exists()
