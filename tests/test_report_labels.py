"""The report under the words of a paper (reviewer finding: ``forest_pfs.png``, the subgroup
tables and the Love plot printed raw column names): labels in figures and table rows,
``--label COLUMN=LABEL`` over them, the raw names in JSON, CSV column names and model terms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from blina_stats.cli import main
from blina_stats.report.context import Context, Inputs
from blina_stats.report.parts import external, subgroups
from blina_stats.synthetic import bundled

from .test_covariate_labels import PAPER


@pytest.fixture(scope="module")
def part() -> object:
    return subgroups.build(Context.load(Inputs.resolve(), n_trials=0, quiet=True))


def _ticks(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def test_default_report_forest_rows_are_a_papers_words(part) -> None:
    ((_, fig, name),) = part.figures
    assert name == "forest_pfs"
    rows = _ticks(fig.axes[0])
    for expected in (
        "Sex: male (reference)",
        "Sex: female",
        "Disease status: CR2+ (reference)",
        "MRD before HSCT: negative",
        "Ph status: Ph+",
        "Donor type: MMUD",
        "Conditioning: RIC",
    ):
        assert expected in rows
    assert not [r for r in rows if re.search(r"\b(sex|mrd_pre_hsct|donor_type|ph_status)\b", r)]


def test_subgroup_tables_show_labels_and_the_json_keeps_column_names(part) -> None:
    tables = {name: frame for _, frame, name in part.tables}
    assert list(tables["subgroup_tests"].index) == [
        PAPER[c]
        for c in (
            "sex",
            "disease_status",
            "mrd_pre_hsct",
            "ph_status",
            "donor_type",
            "conditioning",
        )
    ]
    assert tables["subgroup_tests"].index.name == "covariate"  # the CSV's column names stay
    cox = tables["subgroup_cox_pfs"]
    assert cox.index.names == ["covariate", "level"]
    assert ("Sex", "male") in cox.index and ("Donor type", "haplo") in cox.index
    assert list(cox.columns)[:3] == ["reference", "n", "events"]
    doc = part.json["subgroups"]
    assert set(doc["tests"]) == {
        "sex",
        "disease_status",
        "mrd_pre_hsct",
        "ph_status",
        "donor_type",
        "conditioning",
    }
    assert doc["references"]["sex"] == {"level": "M", "reason": "largest group, 37 patients"}


def test_the_love_plot_of_the_report_labels_its_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(external, "N_BOOT", 20)
    ctx = Context.load(Inputs.resolve(), n_trials=0, quiet=True)
    part = external.build(ctx, bundled("controls"))
    ((_, fig, _),) = part.figures
    love = [a for a in fig.axes if a.get_xlabel() == "absolute standardised mean difference"]
    assert _ticks(love[0])[:3] == [
        "Age (years)",
        "MRD before HSCT: negative",
        "MRD before HSCT: positive",
    ]
    balance = {name: f for _, f, name in part.tables}["external_balance"]
    assert list(balance.columns)[:2] == ["covariate", "level"]
    assert balance["covariate"].iloc[0] == "Age (years)"
    assert part.json["external_control"]["balance"][1]["covariate"] == "mrd_pre_hsct"


def test_report_labels_are_escaped_and_contracts_keep_column_names(tmp_path: Path) -> None:
    out = tmp_path / "r"
    args = ["report", "--out", str(out), "--quiet", "--design-trials", "0"]
    assert main([*args, "--label", "mrd_pre_hsct=<b>MRD</b> & 50% $x$"]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;MRD&lt;/b&gt; &amp; 50% $x$" in page and "<b>MRD</b>" not in page
    tex = (out / "tables.tex").read_text(encoding="utf-8")
    assert r"\textless{}b\textgreater{}MRD\textless{}/b\textgreater{} \& 50\% \$x\$ & " in tex
    doc = json.loads((out / "estimates.json").read_text(encoding="utf-8"))
    assert "mrd_pre_hsct" in doc["subgroups"]["tests"]  # the JSON keeps the column's name
    csv = pd.read_csv(out / "tables" / "subgroup_cox_pfs.csv", skiprows=1)  # under its caption
    assert list(csv.columns)[:2] == ["covariate", "level"]
    assert "Donor type" in set(csv["covariate"])


def test_bad_label_options_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r"
    for bad, said in (
        (["--label", "mrd_pre_hsct"], "argument --label: expected COLUMN=LABEL"),
        (["--label", "sex=A", "--label", "sex=B"], "'sex' given twice (sex=A and sex=B)"),
        (
            ["--label", "mrd_pre_hst=MRD"],
            "trial.csv: a label is given for 'mrd_pre_hst', not a "
            "covariate column (covariates: age, sex,",
        ),
    ):
        with pytest.raises(SystemExit) as stop:
            code = main(["report", "--out", str(out), "--quiet", *bad])
            raise SystemExit(code)
        assert stop.value.code == 2
        err = capsys.readouterr().err.strip()
        assert said in err and len(err.splitlines()) == 1
    assert not out.exists()  # nothing written


def test_table_one_shows_labels_and_level_words() -> None:
    from blina_stats.report.parts import baseline

    ctx = Context.load(Inputs.resolve(), n_trials=0, quiet=True)
    tables = {name: frame for _, frame, name in baseline.build(ctx).tables}
    table = tables["baseline"]
    rows = list(zip(table.index, table["level"], strict=True))
    for expected in (
        ("Age (years)", "median (range)"),
        ("Sex", "female"),
        ("Sex", "male"),
        ("MRD before HSCT", "negative"),
        ("Days from transplant to first dose", "median (range)"),
    ):
        assert expected in rows
    raw = {"age", "sex", "mrd_pre_hsct", "disease_status", "days_to_first_dose"}
    assert not raw & set(table.index)
    assert table.loc["Patients", "value"] == "68"
