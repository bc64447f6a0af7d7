"""The report on the bundled synthetic trial, and a partial report from a poorer table."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.cli import main
from blina_stats.report import build_report
from blina_stats.synthetic import bundled

FIGURES = ("os", "pfs", "grfs", "relapse_nrm", "agvhd", "cgvhd", "engraftment")  # a column wide
WIDE_FIGURES = ("power_curve", "forest_pfs", "adverse_events", "swimmer", "consort")
TABLES = (
    "endpoints",
    "baseline",
    "follow_up",
    "design_power",
    "design_detectable",
    "design_simulation",
)


def png_size(path: Path) -> tuple[int, int]:
    with path.open("rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    assert main(["report", "--out", str(out), "--quiet", "--design-trials", "2000"]) == 0
    return out


def test_every_file_is_present_and_not_empty(report: Path) -> None:
    for name in FIGURES + WIDE_FIGURES:
        for ext in ("png", "pdf"):
            assert (report / "figures" / f"{name}.{ext}").stat().st_size > 10_000
    for name in TABLES:
        for ext in ("csv", "md"):
            assert (report / "tables" / f"{name}.{ext}").stat().st_size > 50
    assert (report / "report.html").stat().st_size > 100_000


def test_figures_are_300_dpi_at_column_width(report: Path) -> None:
    for name in FIGURES:
        width, height = png_size(report / "figures" / f"{name}.png")
        # 3.5 in wide at 300 dpi, cropped tight: about 1000-1200 pixels
        assert 900 <= width <= 1300, (name, width)
        assert 700 <= height <= 1300, (name, height)
    for name in ("power_curve", "swimmer", "consort"):
        width, _ = png_size(report / "figures" / f"{name}.png")
        assert 1800 <= width <= 2300, (name, width)  # 7 in at 300 dpi


def test_html_embeds_every_figure_and_table(report: Path) -> None:
    page = (report / "report.html").read_text()
    assert page.count("data:image/png;base64,") == len(FIGURES + WIDE_FIGURES)
    for name in FIGURES + WIDE_FIGURES:
        assert f"{name}.pdf" in page
    assert "Baseline characteristics" in page and "Endpoints at their horizons" in page
    assert bs.__version__ in page
    assert "sha256" in page


def test_estimates_json_keeps_the_estimate_contract(report: Path) -> None:
    doc = json.loads((report / "estimates.json").read_text())
    cohort = bs.load_events(bundled("trial"))
    direct = bs.estimate(cohort)
    assert doc["n_patients"] == 68
    for name, row in direct.iterrows():
        entry = doc["endpoints"][name]
        assert set(entry) >= {
            "horizon_days",
            "estimate",
            "ci_lower",
            "ci_upper",
            "se",
            "n_at_risk",
            "n_events",
            "method",
        }
        assert entry["estimate"] == pytest.approx(row["estimate"], abs=0, rel=0) or (
            pd.isna(row["estimate"]) and entry["estimate"] is None
        )
    assert doc["report"]["inputs_sha256"]
    assert doc["design"]["alpha_sides"] == "one-sided" and doc["design"]["n"] == 68
    assert set(doc["subgroups"]["tests"]) >= {"mrd_pre_hsct", "donor_type"}
    assert doc["safety"]["adverse_events"]["primary_window"] == "day +100 after transplant"
    assert doc["flow"]["enrolled"] == 68
    assert len(doc["report"]["inputs_sha256"]) == 6  # events, AEs, dosing, screening, labs, GVHD
    assert doc["report"]["missing"] == []
    # issue 13 item 5: the headline counts GVHD from day 0 for every enrolled patient;
    # entry at the first dose (conditional on being GVHD-free then) is the sensitivity
    assert doc["endpoints"]["agvhd"]["n_used"] == 68
    assert doc["sensitivity_gvhd_entry_at_first_dose"]["agvhd"]["n_used"] < 68


def test_endpoint_table_agrees_with_the_estimates(report: Path) -> None:
    table = pd.read_csv(report / "tables" / "endpoints.csv", index_col="endpoint", skiprows=1)
    doc = json.loads((report / "estimates.json").read_text())
    os_ = doc["endpoints"]["os"]
    assert table.loc["os", "estimate (%)"] == pytest.approx(round(100 * os_["estimate"], 1))


def test_a_table_without_gvhd_columns_gives_a_partial_report(tmp_path: Path) -> None:
    frame = pd.read_csv(bundled("trial")).drop(
        columns=[
            "agvhd_date",
            "agvhd_grade",
            "agvhd_3_4_date",
            "cgvhd_date",
            "cgvhd_severity",
            "cgvhd_mod_severe_date",
        ]
    )
    data = tmp_path / "no_gvhd.csv"
    frame.to_csv(data, index=False)
    result = build_report(data, out=tmp_path / "out", quiet=True, n_trials=0)
    text = " ".join(result.missing)
    assert "Acute GVHD" in text and "Chronic GVHD" in text
    # a table given without its companion files: those parts say what is missing
    assert "Adverse events: no ae file given (--ae FILE)" in result.missing
    assert "Exposure to blinatumomab: no dosing file given (--dosing FILE)" in result.missing
    assert (tmp_path / "out" / "figures" / "os.png").exists()
    assert not (tmp_path / "out" / "figures" / "agvhd.png").exists()
    page = (tmp_path / "out" / "report.html").read_text()
    assert "Partial report" in page
    doc = json.loads((tmp_path / "out" / "estimates.json").read_text())
    assert doc["endpoints"]["agvhd"]["estimable"] is False


def test_a_broken_event_table_is_one_clear_error(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("patient_id,hsct_date\nA,2021-01-01\nA,2021-02-01\n")
    assert main(["report", "--data", str(bad), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "error" in err and "Traceback" not in err


def test_a_companion_file_given_but_absent_is_an_error_before_anything_is_written(
    tmp_path: Path,
) -> None:
    # bad input is one error, not a report with a part missing (the boundary issue)
    with pytest.raises(FileNotFoundError, match=re.escape("nowhere.csv: no such file")):
        build_report(ae=tmp_path / "nowhere.csv", out=tmp_path / "out", quiet=True, n_trials=0)
    assert not (tmp_path / "out").exists()


def test_a_companion_file_not_given_is_a_missing_part(tmp_path: Path) -> None:
    result = build_report(bundled("trial"), out=tmp_path / "out", quiet=True, n_trials=0)
    assert any(m.startswith("Adverse events:") and "--ae FILE" in m for m in result.missing)
    assert (tmp_path / "out" / "figures" / "os.png").exists()  # the other parts are there
