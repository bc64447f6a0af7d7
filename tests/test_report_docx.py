"""report.docx and bs.to_docx: real Word tables and every figure, read back with python-docx."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import docx
import pandas as pd
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

import blina_stats as bs
from blina_stats.report.build import build_report
from blina_stats.synthetic import bundled


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "r"
    build_report(out=out, quiet=True, n_trials=20)
    return out


def _body(path: Path) -> list[tuple[str, object]]:
    """The document's blocks in order: ("caption", text), ("table", Table), ("figure", None)."""
    document = docx.Document(str(path))
    tables = iter(document.tables)
    blocks: list[tuple[str, object]] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl"):
            blocks.append(("table", next(tables)))
        elif element.tag == qn("w:p"):
            style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            text = "".join(t.text or "" for t in element.iter(qn("w:t")))
            if element.findall(f".//{qn('w:drawing')}"):
                blocks.append(("figure", None))
            elif style is not None and style.get(qn("w:val")) == "Caption":
                blocks.append(("caption", text))
    return blocks


def _cells(table: docx.table.Table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_report_docx_holds_every_table_and_figure_in_order(report: Path) -> None:
    blocks = _body(report / "report.docx")
    kinds = [k for k, _ in blocks]
    n_tables = len(list((report / "tables").glob("*.csv")))
    n_figures = len(list((report / "figures").glob("*.png")))
    assert kinds.count("table") == n_tables > 20
    assert kinds.count("figure") == n_figures > 5
    html = (report / "report.html").read_text(encoding="utf-8")
    assert html.count('<div class="table-wrap">') == n_tables  # the provenance table aside
    for i, (kind, _) in enumerate(blocks):
        if kind == "table":  # a numbered Word caption right above every table
            assert blocks[i - 1][0] == "caption"
            assert str(blocks[i - 1][1]).startswith("Table ")
        if kind == "figure":
            assert blocks[i + 1][0] == "caption"
            assert str(blocks[i + 1][1]).startswith("Figure ")
    numbers = [int(str(v).split(":")[0].split()[1]) for k, v in blocks if k == "caption"]
    assert numbers[: kinds.count("table")] != [] and len(numbers) == n_tables + n_figures
    # captions read as on the page (the CSVs' first lines), in the page's order
    captions = [str(v).split(": ", 1)[1] for k, v in blocks if k == "caption"]
    csv_captions = {
        p.read_text(encoding="utf-8").splitlines()[0][2:] for p in (report / "tables").glob("*.csv")
    }
    assert csv_captions <= set(captions)


def test_the_outcome_table_in_word_equals_estimates_json(report: Path) -> None:
    doc = json.loads((report / "estimates.json").read_text(encoding="utf-8"))
    blocks = _body(report / "report.docx")
    at = next(
        i for i, (k, v) in enumerate(blocks) if k == "caption" and "Endpoints at their" in str(v)
    )
    header, *rows = _cells(blocks[at + 1][1])  # type: ignore[arg-type]
    assert header[:1] == ["endpoint"] and len(rows) == len(doc["endpoints"])
    col = {name: header.index(name) for name in header}
    checked = 0
    for row in rows:
        e = doc["endpoints"][row[col["endpoint"]]]
        assert row[col["label"]] == e["label"]
        assert row[col["patients used"]] == str(e["n_used"])
        if not e["estimable"] or e["estimate"] is None:
            continue
        assert row[col["estimate (%)"]] == f"{100 * e['estimate']:.1f}"
        assert row[col["95% CI (%)"]] == f"{100 * e['ci_lower']:.1f}-{100 * e['ci_upper']:.1f}"
        assert row[col["events"]] == str(e["n_events"])
        assert row[col["at risk"]] == str(e["n_at_risk"])
        assert row[col["horizon"]] == e["horizon_label"]
        checked += 1
    assert checked >= 8


def test_word_tables_have_a_bold_header_and_right_aligned_numbers(report: Path) -> None:
    document = docx.Document(str(report / "report.docx"))
    table = document.tables[0]
    header = table.rows[0]
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    names = [c.text for c in header.cells]
    estimate, label = names.index("estimate (%)"), names.index("label")
    body = table.rows[1]
    assert body.cells[estimate].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert body.cells[label].paragraphs[0].alignment != WD_ALIGN_PARAGRAPH.RIGHT


def test_to_docx_writes_one_formatted_table(tmp_path: Path) -> None:
    cohort = bs.load_events(bundled("trial"))
    table = bs.estimate(cohort)
    path = bs.to_docx(table, tmp_path / "outcomes.docx")
    blocks = _body(path)
    assert [k for k, _ in blocks] == ["caption", "table"]
    header, *rows = _cells(blocks[1][1])  # type: ignore[arg-type]
    os_ = rows[[r[0] for r in rows].index("os")]
    e = table.loc["os"]
    assert os_[header.index("estimate (%)")] == f"{100 * e['estimate']:.1f}"

    frame = pd.DataFrame({"measure": ["rate", "p"], "value": [0.123456, 17.647058823529413]})
    frame.attrs["caption"] = "A & B"
    path = bs.to_docx(frame, tmp_path / "frame.docx", caption="Rates, all 68 patients")
    (_, caption), (_, word) = _body(path)
    assert caption == "Table 1: Rates, all 68 patients"
    assert _cells(word)[1:] == [["rate", "0.123"], ["p", "17.647"]]  # type: ignore[arg-type]

    km = bs.kaplan_meier([1.0, 2.0, 3.0], [1, 0, 1])  # a result: its .to_frame()
    assert len(docx.Document(str(bs.to_docx(km, tmp_path / "km.docx"))).tables) == 1


def test_to_docx_rejects_what_is_not_a_table(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="expected a DataFrame or a result"):
        bs.to_docx([1, 2], tmp_path / "x.docx")


def test_tables_tex_holds_every_report_table(report: Path) -> None:
    tex = (report / "tables.tex").read_text(encoding="utf-8")
    names = sorted(p.stem for p in (report / "tables").glob("*.csv"))
    assert tex.count("\\begin{table}") == len(names) == tex.count("\\bottomrule")
    assert sorted(re.findall(r"\\label\{tab:(.*?)\}", tex)) == [n.replace("_", "-") for n in names]


def test_every_caption_names_population_origin_and_window(report: Path) -> None:
    page = html.unescape((report / "report.html").read_text(encoding="utf-8"))
    figures = [
        text
        for text, name in re.findall(r"<figcaption>(.*?) \((\w+)\.pdf\)</figcaption>", page)
        if name != "power_curve"  # the design review's (issue 16)
    ]
    tables = [
        p.read_text(encoding="utf-8").splitlines()[0][2:]
        for p in (report / "tables").glob("*.csv")
        if not p.name.startswith("design_")  # the design review's (issue 16)
    ]
    assert len(figures) >= 10 and len(tables) >= 25
    for text in figures + tables:
        assert re.search(r"\d+ (treated |screened )?patients", text), text
    survival = {c.split(",")[0]: c for c in figures if "(Kaplan-Meier)" in c}
    assert survival["Overall survival (Kaplan-Meier)"] == (
        "Overall survival (Kaplan-Meier), all 68 treated patients, from transplant "
        "(entry at the first dose), at 2 years"
    )
    assert any("relapse at 2 years, non-relapse mortality at 6 months" in c for c in figures)
    assert any("at day +100 after transplant" in c for c in figures)
    outcome = next(t for t in tables if t.startswith("Endpoints at their horizons"))
    assert "all 68 treated patients" in outcome and "from transplant" in outcome


def test_report_page_has_contents_and_data_cutoff(report: Path) -> None:
    page = (report / "report.html").read_text(encoding="utf-8")
    assert "Data cut-off: 2025-06-10 (no cut-off given: the latest date in the event table)" in page
    anchors = re.findall(r'<a href="#([\w-]+)">', page)
    assert {"endpoints", "figures", "exposure", "provenance", "warnings"} <= set(anchors)
    for anchor in anchors:
        assert f'id="{anchor}"' in page
    header = next(
        t
        for t in docx.Document(str(report / "report.docx")).paragraphs[:5]
        if t.text.startswith("Data cut-off")
    )
    assert "2025-06-10" in header.text
    # the exposure table (17 columns) scrolls inside its box, in a smaller font, short labels
    at = page.index("<h3>Exposure by patient")
    table = page[at : page.index("</table>", at)]
    assert '<div class="table-wrap"><table class="wide">' in table
    assert "<th>patient</th>" in table and "relative_dose_intensity" not in table


def _python_docx_table(doc: object, frame: pd.DataFrame, right: list[bool]) -> None:
    """The body rows as python-docx's own row and cell objects write them (the reference)."""
    table = doc.add_table(rows=1, cols=len(frame.columns))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, name, r in zip(table.rows[0].cells, frame.columns, right, strict=True):
        cell.paragraphs[0].add_run(str(name)).bold = True
        if r:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    from blina_stats.report.docx import _repeat_header

    _repeat_header(table.rows[0])
    for values in frame.itertuples(index=False):
        for cell, value, r in zip(table.add_row().cells, values, right, strict=True):
            cell.text = "" if value is None else str(value)
            if r:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def test_fast_table_rows_are_the_xml_python_docx_writes() -> None:
    # the rows are copies of one python-docx row (its objects took ~1 s for the report's
    # 1,000 rows); every cell must still be what cell.text would have written
    from lxml import etree

    from blina_stats.report.docx import add_table
    from blina_stats.report.tables import numeric_column

    frame = pd.DataFrame(
        {
            "Term": ["Fever", " lead", "trail ", "a\tb", "line\nbreak", "", "x & <y>", None],
            "n": ["1", "12", "<0.001", "12.9-33.8", "NR", "-", "3", "4"],
        }
    )
    ours, reference = docx.Document(), docx.Document()
    add_table(ours, frame, None, 1)
    _python_docx_table(reference, frame, [numeric_column(frame[c]) for c in frame.columns])
    assert [numeric_column(frame[c]) for c in frame.columns] == [False, True]
    got, want = (etree.tostring(d.element.body.find(qn("w:tbl"))) for d in (ours, reference))
    assert got == want
    assert b"preserve" in got and b"<w:tab/>" in got and b"<w:br/>" in got
    assert [c.text for c in ours.tables[0].column_cells(0)][1:] == [
        "Fever",
        " lead",
        "trail ",
        "a\tb",
        "line\nbreak",
        "",
        "x & <y>",
        "",
    ]


def test_an_empty_frame_is_a_header_row_alone() -> None:
    from blina_stats.report.docx import add_table

    doc = docx.Document()
    add_table(doc, pd.DataFrame({"a": [], "b": []}), "Nothing", 1)
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells] == ["a", "b"] and len(table.rows) == 1


def test_a_word_file_is_the_same_bytes_each_time(report: Path, tmp_path: Path) -> None:
    # python-docx dated each zip entry with the time of writing: two saves differed
    import time
    import zipfile

    from blina_stats.report.docx import ZIP_DATE, to_docx

    frame = pd.DataFrame({"endpoint": ["OS", "PFS"], "estimate": ["61.9", "48.5"]})
    first = to_docx(frame, tmp_path / "first.docx", caption="Outcomes").read_bytes()
    time.sleep(2.1)  # the zip format's dates are to 2 seconds
    assert to_docx(frame, tmp_path / "again.docx", caption="Outcomes").read_bytes() == first
    with zipfile.ZipFile(report / "report.docx") as z:
        entries = z.infolist()
    assert {e.date_time for e in entries} == {ZIP_DATE}
    assert {e.compress_type for e in entries} == {zipfile.ZIP_DEFLATED}
    images = [e for e in entries if e.filename.endswith(".png")]
    assert len(images) == 12
    assert sum(e.compress_size for e in images) < sum(e.file_size for e in images)
    assert docx.Document(str(report / "report.docx")).paragraphs[0].style.name == "Title"
