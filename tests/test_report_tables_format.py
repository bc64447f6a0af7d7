"""The report's tables as a paper shows them: one formatting layer for CSV, Markdown and HTML."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import numpy as np
import pandas as pd
import pytest

from blina_stats.endpoints import EndpointData
from blina_stats.report.build import build_report
from blina_stats.report.format import (
    DECIMALS,
    PERCENT_DECIMALS,
    format_table,
    interval,
    number,
    p_value,
    percent,
)
from blina_stats.report.tables import follow_up

NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.(\d+))?(?:[eE][-+]?\d+)?(?![\w.])")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "r"
    build_report(out=out, quiet=True, n_trials=20)
    return out


def _rows(path: Path) -> tuple[str, list[str], list[list[str]]]:
    caption, *body = path.read_text(encoding="utf-8").splitlines()
    header, *rows = list(csv.reader(body))
    return caption, header, rows


def test_formatting_of_single_values() -> None:
    assert percent(0.17647058823529413) == "17.6"
    assert interval(0.0947, 0.288, 1, scale=100.0) == "9.5-28.8"
    assert interval(399.0, np.nan, 0) == "399-NR"
    assert p_value(0.0412) == "0.041" and p_value(0.0004) == "<0.001" and p_value(np.nan) == ""
    assert number(3.0) == "3" and number(0.1880503) == "0.188" and number(np.nan) == ""


def test_a_table_is_formatted_for_a_paper() -> None:
    frame = pd.DataFrame(
        {
            "percent": [17.647058823529413, 25.0],
            "ci_lower": [0.0947, 0.153],
            "ci_upper": [0.288, np.nan],
            "n": [12.0, 17.0],
            "prob_stop": [1.880503e-01, 0.5],
            "failed": [("I2", "E6"), ()],
            "median": ["399-nan", "12-40"],
            "pfs p": [0.0412, 0.00001],
        }
    )
    frame.attrs["caption"] = "AE table"
    out = format_table(frame)
    assert out.columns.tolist() == [
        "percent", "95% CI (%)", "n", "prob_stop", "failed", "median", "pfs p",
    ]  # fmt: skip
    assert out.to_dict(orient="list") == {
        "percent": ["17.6", "25.0"],
        "95% CI (%)": ["9.5-28.8", "15.3-NR"],
        "n": ["12", "17"],
        "prob_stop": ["0.188", "0.500"],
        "failed": ["I2, E6", ""],
        "median": ["399-NR", "12-40"],
        "pfs p": ["0.041", "<0.001"],
    }
    assert out.attrs["caption"] == "AE table"


def test_a_named_index_is_a_column_and_row_numbers_are_dropped() -> None:
    named = pd.DataFrame({"x": [1]}, index=pd.Index(["os"], name="endpoint"))
    assert format_table(named).columns.tolist() == ["endpoint", "x"]
    assert format_table(pd.DataFrame({"x": [1]}, index=[7])).columns.tolist() == ["x"]


def test_every_report_table_csv_has_its_stated_decimals(report: Path) -> None:
    paths = sorted((report / "tables").glob("*.csv"))
    assert len(paths) > 20
    for path in paths:
        caption, header, rows = _rows(path)
        assert caption.startswith("# ") and len(caption) > 2, path.name
        assert not any(h == "" or h.startswith("Unnamed") or h == "index" for h in header)
        for row in rows:
            for column, cell in zip(header, row, strict=True):
                stated = PERCENT_DECIMALS if "%" in column or column == "percent" else DECIMALS
                where = f"{path.name}: {column}: {cell!r}"
                assert "nan" not in cell.lower().split("-"), where
                assert not re.search(r"\('|\[", cell), where  # no Python tuple or list
                for match in NUMBER.finditer(cell):
                    assert "e" not in match.group(0).lower(), where
                    assert len(match.group(1) or "") <= stated, where


def test_report_tables_show_percent_ci_in_percent_and_joined_criteria(report: Path) -> None:
    _, header, rows = _rows(report / "tables" / "ae_transplant_grade1.csv")
    assert header[-2:] == ["percent", "95% CI (%)"]
    for row in rows:
        pct, (lo, hi) = float(row[-2]), map(float, row[-1].split("-"))
        assert lo <= pct <= hi
    _, header, rows = _rows(report / "tables" / "eligibility.csv")
    failed = [row[header.index("failed")] for row in rows]
    assert any(", " in f for f in failed)
    page = (report / "report.html").read_text(encoding="utf-8")
    assert "17.647058823529413" not in page and "e-01" not in page


def test_a_follow_up_limit_not_reached_prints_nr() -> None:
    # reverse Kaplan-Meier: alive at last contact (status 0) is the event; the upper
    # limit of the median's interval is not reached with these eight patients
    time = np.array([100.0, 200, 300, 399, 500, 600, 700, 800])
    status = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    os_ = cast(EndpointData, SimpleNamespace(time=time, status=status, origin="transplant"))
    row = follow_up(os_).iloc[0]
    assert row["days"] == "600 (100-NR)"
    assert row["months"] == "19.7 (3.3-NR)"


def test_markdown_right_aligns_the_formatted_numbers_and_left_aligns_text(tmp_path: Path) -> None:
    from blina_stats.report.tables import write_table

    frame = pd.DataFrame(
        {"term": ["Pyrexia", "Nausea"], "n": [15, 13], "ci": ["12.9-33.8", "399-NR"]}
    )
    _, md = write_table(frame, tmp_path / "t")
    assert md.read_text().splitlines()[1] == "|:---|---:|---:|"


@pytest.mark.parametrize(
    "cells",
    [
        ["12", "-0.5", "<0.001", "12.9-33.8", "399-NR", "896 (709-1051)", "NR", "-"],
        ["12", "Fever"],
        ["", None, float("nan")],
        [None, "3", "", pd.NA, pd.NaT, np.nan, "4"],
        [1, 2.5, np.float64(3)],
        [],
        ["1 ", " 2"],
    ],
)
def test_numeric_column_decides_as_the_pandas_version_did(cells: list[object]) -> None:
    # numeric_column loops over the cells now (the report asks it of ~1,100 columns, four
    # times each); the decision must be that of the dropna/astype/map version it replaced
    from blina_stats.report.tables import _NUMBER_CELL, numeric_column

    series = pd.Series(cells, dtype=object)
    text = series.dropna().astype(str)
    text = text[text != ""]
    before = bool(len(text)) and bool(
        text.map(lambda v: _NUMBER_CELL.fullmatch(v) is not None).all()
    )
    assert numeric_column(series) is before
