"""What the package writes is safe to open: strict JSON, escaped Markdown and HTML, inert CSV."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from blina_stats._formulas import neutralise, safe_frame
from blina_stats._json import dumps, to_strict
from blina_stats._markdown import escape_cell, markdown_table
from blina_stats.cli import main
from blina_stats.report.html import Section, render
from blina_stats.report.tables import write_table
from blina_stats.synthetic import bundled

HOSTILE = "<img src=x onerror=alert(7)>"


def strict(text: str) -> object:
    """json.loads refusing NaN, Infinity and -Infinity (as JavaScript's JSON.parse does)."""

    def refuse(constant: str) -> object:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_missing_values_are_null_in_strict_json() -> None:
    doc = {"a": math.nan, "b": [np.float64("inf"), -math.inf, 1.5], "c": np.int64(3), "d": pd.NA}
    assert to_strict(doc) == {"a": None, "b": [None, None, 1.5], "c": 3, "d": None}
    assert strict(dumps(doc)) == {"a": None, "b": [None, None, 1.5], "c": 3, "d": None}
    assert "NaN" not in json.dumps(to_strict({"x": float("nan")}))


def test_estimate_and_design_json_are_strict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", str(bundled("trial")), "--json"]) == 0
    strict(capsys.readouterr().out)
    assert main(["design", "--json", "--n-trials", "0", "--s0", "0.4", "--s1", "0.6"]) == 0
    strict(capsys.readouterr().out)


def test_the_bundled_report_writes_strict_json(tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert main(["report", "--out", str(out), "--quiet", "--design-trials", "0"]) == 0
    for path in out.rglob("*.json"):
        strict(path.read_text())
    doc = strict((out / "estimates.json").read_text())
    assert isinstance(doc, dict)
    # the exposure summary has rows without a denominator: null, not NaN
    ofs = [row["of"] for row in doc["safety"]["exposure"]["summary"]]
    assert None in ofs


def test_markdown_cells_carry_no_html_no_code_no_new_column() -> None:
    assert escape_cell(HOSTILE) == "&lt;img src=x onerror=alert(7)&gt;"
    assert escape_cell("a|b") == "a\\|b"
    assert escape_cell("`rm -rf`") == "\\`rm -rf\\`"
    assert escape_cell("back\\slash & co") == "back\\\\slash &amp; co"
    assert escape_cell("[x](javascript:alert(1))") == "[x]\\(javascript:alert(1))"
    assert escape_cell("two\nlines") == "two lines"
    assert escape_cell(math.nan) == "" and escape_cell(None) == ""
    table = markdown_table(pd.DataFrame({HOSTILE: ["<script>alert(1)</script>"], "n": [1]}))
    assert "<" not in table and ">" not in table
    assert table.count("\n") == 3  # heading, rule, one row


def test_csv_formula_cells_are_quoted_and_numbers_stay_numbers(tmp_path: Path) -> None:
    for text in ("=1+1", "+1+1", "-1+1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'):
        assert neutralise(text) == "'" + text
    for value in ("-", "-0.5", "+3", "-1e-3", "plain", "", -5, -0.5, math.nan):
        assert neutralise(value) is value or neutralise(value) == value
    frame = pd.DataFrame(
        {"term": ["=cmd|' /C calc'!A0", "ok"], "delta": [-1.5, 2.0], "n": [-3, 4]},
        index=pd.Index(["@id", "-x"], name="patient_id"),
    )
    safe = safe_frame(frame)
    assert safe["term"].tolist() == ["'=cmd|' /C calc'!A0", "ok"]
    assert safe.index.tolist() == ["'@id", "'-x"]
    assert safe["delta"].tolist() == [-1.5, 2.0] and safe["n"].dtype == frame["n"].dtype
    csv, md = write_table(frame, tmp_path / "t")
    back = pd.read_csv(csv)
    assert back["delta"].tolist() == [-1.5, 2.0] and back["n"].tolist() == [-3, 4]
    assert back["term"].iloc[0].startswith("'=")
    assert "| =cmd\\|' /C calc'!A0 |" in md.read_text()  # Markdown: escaped, not quoted
    assert frame["term"].iloc[0] == "=cmd|' /C calc'!A0"  # the caller's frame is unchanged


def test_report_html_escapes_captions_notes_messages_and_warnings() -> None:
    table = pd.DataFrame({HOSTILE: [HOSTILE]}, index=pd.Index([HOSTILE]))
    sections = [
        Section("a", HOSTILE, notes=[HOSTILE], tables=[(HOSTILE, table)]),
        Section("b", "Missing part", status="missing", message=HOSTILE),
        Section("c", "Partial part", status="partial", message=HOSTILE),
    ]
    page = render(HOSTILE, sections, {HOSTILE: HOSTILE}, [HOSTILE])
    assert "<img" not in page
    assert page.count("&lt;img src=x onerror=alert(7)&gt;") >= 10
    assert "not available: &lt;img" in page
