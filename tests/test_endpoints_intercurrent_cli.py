"""``--intercurrent`` and ``--relapse-definition`` on the commands; stated in every output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from blina_stats.cli import main
from blina_stats.errors import HorizonWarning
from blina_stats.report import build_report

REF = Path(__file__).parent / "reference"
DATA = REF / "intercurrent_data.csv"


def test_estimate_json_states_the_estimand(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "estimate",
        str(DATA),
        "--json",
        "--intercurrent",
        "dli=censor",
        "--intercurrent",
        "new_therapy=composite",
        "--relapse-definition",
        "hematologic_or_mrd",
    ]
    # PFS censored at DLI and failing at new therapy: no one followed to 2 years
    with pytest.warns(HorizonWarning, match="beyond all follow-up"):
        assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["intercurrent"] == {
        "dli": "censor",
        "second_hsct": "treatment_policy",
        "new_therapy": "composite",
    }
    assert doc["relapse_definition"] == "hematologic_or_mrd"
    assert doc["pfs_censoring"].startswith(
        "PFS and relapse: alive without relapse censored at the last disease assessment "
        "(FDA 2018, Table A)"
    )
    assert doc["endpoints"]["pfs"]["recoded"]["censored at dli"] > 0
    assert doc["endpoints"]["os"]["recoded"]["new_therapy as failure (composite)"] > 0
    assert "censored at last assessment" not in doc["endpoints"]["os"]["recoded"]


def test_estimate_table_states_the_estimand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", str(DATA), "--intercurrent", "dli=censor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (
        "Relapse: hematologic; intercurrent events: dli=censor, second_hsct=treatment_policy, "
        "new_therapy=treatment_policy"
    )
    assert lines[2].startswith("PFS and relapse: alive without relapse censored at the last")
    assert any(re.fullmatch(r"  pfs: \d+ censored at dli", line) for line in lines)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--intercurrent", "dli"],
            "argument --intercurrent: expected EVENT=STRATEGY, e.g. dli=censor, got 'dli'",
        ),
        (
            ["--intercurrent", "dli=ignore"],
            "intercurrent dli=ignore: the strategy must be one of "
            "treatment_policy, censor, composite",
        ),
        (
            ["--intercurrent", "second_hsct=censor"],
            "intercurrent second_hsct=censor needs a "
            "second_hsct_date or second_hsct_day column; the table has neither",
        ),
    ],
)
def test_bad_options_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["estimate", str(DATA), *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].endswith(message)


def test_report_states_cutoff_and_estimand(tmp_path: Path) -> None:
    from blina_stats.synthetic import bundled

    result = build_report(
        bundled("trial"),
        out=tmp_path / "r",
        quiet=True,
        n_trials=0,
        cutoff="2024-03-31",
        intercurrent={"dli": "treatment_policy"},
    )
    doc = result.estimates
    assert doc["cutoff"] == "2024-03-31" and doc["intercurrent"]["dli"] == "treatment_policy"
    html = (tmp_path / "r" / "report.html").read_text()
    assert "data cut-off" in html and "2024-03-31" in html and "PFS censoring" in html


def test_report_refuses_a_bad_strategy_before_writing(tmp_path: Path) -> None:
    from blina_stats.errors import InputError

    with pytest.raises(InputError, match=re.escape("intercurrent dli=never: the strategy")):
        build_report(
            None, out=tmp_path / "r", quiet=True, n_trials=0, intercurrent={"dli": "never"}
        )
    assert not (tmp_path / "r").exists()
