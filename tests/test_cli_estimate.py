"""``blina-stats estimate``: JSON contract, readable table, one-line errors, golden output."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.cli import main

GOLDEN = Path(__file__).parent / "golden"
TRIAL = bs.synthetic.bundled("trial")
CONTRACT = {
    "horizon_days",
    "estimate",
    "ci_lower",
    "ci_upper",
    "se",
    "n_at_risk",
    "n_events",
    "method",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["estimate", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_same(a: Any, b: Any, where: str = "") -> None:
    """Equal structure; floats equal to 1e-12 relative (platform rounding only)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for k in a:
            assert_same(a[k], b[k], f"{where}/{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15), f"{where}: {a!r} != {b!r}"
    else:
        assert a == b and type(a) is type(b), f"{where}: {a!r} != {b!r}"


@pytest.mark.parametrize(
    ("golden", "options"),
    [("estimate_trial.json", []), ("estimate_trial_enrollment.json", ["--origin", "enrollment"])],
)
def test_golden_json(capsys: pytest.CaptureFixture[str], golden: str, options: list[str]) -> None:
    code, out, _ = run(capsys, str(TRIAL), "--json", *options)
    assert code == 0
    assert_same(json.loads(out), json.loads((GOLDEN / golden).read_text()))


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, str(TRIAL), "--json", "--horizon", "nrm=365.25", "--horizon", "os=365.25"
    )
    doc = json.loads(out)
    assert code == 0
    assert doc["n_patients"] == 68
    assert list(doc["endpoints"]) == list(bs.ENDPOINTS)
    for name, e in doc["endpoints"].items():
        assert set(e) >= CONTRACT, name
        assert e["method"] in ("Kaplan-Meier", "Aalen-Johansen")
        assert e["n_used"] + e["n_excluded"] == 68
        assert sum(e["excluded"].values()) == e["n_excluded"]
    assert doc["endpoints"]["nrm"]["horizon_days"] == 365.25
    assert doc["endpoints"]["relapse"]["horizon_days"] == 730.5
    # the figures are those of the library
    table = bs.estimate(bs.load_events(TRIAL), {"nrm": 365.25, "os": 365.25})
    assert doc["endpoints"]["os"]["estimate"] == table.loc["os", "estimate"]
    assert doc["endpoints"]["nrm"]["n_events"] == table.loc["nrm", "n_events"]


def test_readable_table_lists_not_estimable_endpoints_and_warnings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    frame = pd.read_csv(TRIAL).drop(columns=["agvhd_grade", "cgvhd_severity"])
    dead = frame.index[frame["death_date"].notna()][0]  # a patient who died
    frame.loc[dead, "last_contact_date"] = None
    path = tmp_path / "site.csv"
    frame.to_csv(path, index=False)
    code, out, err = run(capsys, str(path))
    assert code == 0 and err == ""
    assert "agvhd_3_4         not estimable: no agvhd_grade column" in out
    assert "grfs              not estimable: no agvhd_grade, cgvhd_severity column" in out
    assert "Warnings: 3" in out
    pid = frame.loc[dead, "patient_id"]
    assert f"site.csv: patient {pid!r}: last_contact_date is empty; follow-up ends at death" in out
    doc = json.loads(run(capsys, str(path), "--json")[1])
    assert doc["endpoints"]["grfs"]["estimable"] is False
    assert doc["endpoints"]["grfs"]["estimate"] is None
    assert len(doc["warnings"]) == 3


def test_column_mapping_and_date_format_options(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    frame = pd.read_csv(TRIAL).rename(columns={"patient_id": "SUBJID"})
    for col in [c for c in frame.columns if c.endswith("_date")]:
        frame[col] = pd.to_datetime(frame[col]).dt.strftime("%d/%m/%Y")
    path = tmp_path / "site.csv"
    frame.to_csv(path, index=False)
    code, out, _ = run(
        capsys, str(path), "--json", "--column", "SUBJID=patient_id", "--date-format", "%d/%m/%Y"
    )
    assert code == 0
    assert_same(
        json.loads(out)["endpoints"],
        json.loads((GOLDEN / "estimate_trial.json").read_text())["endpoints"],
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.csv"], "no such file"),
        (["README_NOT_TABLE.md"], "not a table file"),
        (
            ["bad.csv"],
            "bad.csv: patient 'BLN-002': relapse_date (day {day}) is after last_contact_date",
        ),
        (["empty.csv"], "empty.csv: the table is empty (no patients)"),
        ([None, "--horizon", "dfs=100"], "unknown endpoint 'dfs'"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str | None], message: str
) -> None:
    frame = pd.read_csv(TRIAL)
    bad = frame.copy()
    bad.loc[1, "relapse_date"] = "2030-01-01"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    frame.iloc[:0].to_csv(tmp_path / "empty.csv", index=False)
    (tmp_path / "README_NOT_TABLE.md").write_text("# not a table\n")
    args = [
        str(TRIAL) if a is None else str(tmp_path / a) if i == 0 else a for i, a in enumerate(argv)
    ]
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.startswith("blina-stats estimate: error: ")
    day = (pd.Timestamp("2030-01-01") - pd.Timestamp(frame.loc[1, "hsct_date"])).days
    assert message.format(day=day) in err
    assert err.count("\n") == 1


def test_bad_horizon_is_a_one_line_argument_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", str(TRIAL), "--horizon", "os=-3"]) == 2
    assert capsys.readouterr().err == (
        "blina-stats estimate: error: argument --horizon: 'os=-3': DAYS must be a finite "
        "number > 0\n"
    )


@pytest.mark.parametrize(
    ("options", "header"),
    [
        ([], "time from transplant (entry at the first dose; GVHD from transplant"),
        (["--origin", "enrollment"], "time from the first dose; log-log 95% intervals"),
    ],
)
def test_the_header_words_the_origin_as_the_labels_do(
    capsys: pytest.CaptureFixture[str], options: list[str], header: str
) -> None:
    # the issue on estimands: no "time from enrollment" beside "after the first dose"
    assert main(["estimate", str(bs.synthetic.bundled("trial")), *options]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert header in first and "enrollment" not in first
