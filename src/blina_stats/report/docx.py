"""Word output: ``report.docx`` and :func:`to_docx` for one table (python-docx).

Every table is a real Word table (header row bold and repeated on each page,
columns of numbers right-aligned, the caption above it as a Word caption with
a ``SEQ Table`` field), every figure its PNG with a ``SEQ Figure`` caption
below, in the report's order, so a medical writer can paste them into a
clinical study report; Word renumbers the captions (update fields).

The file is the same bytes for the same report: its zip entries carry a fixed
date (1980-01-01, the zip format's first) instead of the time of writing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from copy import deepcopy
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import pandas as pd

from .single import shown
from .tables import numeric_column

if TYPE_CHECKING:
    from docx.document import Document

    from .html import Section

#: text python-docx writes as more than one ``w:t`` (tabs, breaks, carriage returns)
_SPECIAL = re.compile(r"[\t\n\r\f\v]")
#: the width of a figure on the page (inches; a portrait page with 1-inch margins holds 6.5)
FIGURE_WIDTH = 6.0
#: the date of every zip entry of a Word file (the zip format's first)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _caption(doc: Document, kind: str, number: int, text: str) -> None:
    """A Word caption paragraph: ``Table 3: text`` with the number in a SEQ field."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = doc.add_paragraph()
    paragraph._p.style = _style_id(doc, "Caption", "paragraph")
    paragraph.add_run(f"{kind} ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" SEQ {kind} \\* ARABIC ")
    run = OxmlElement("w:r")
    value = OxmlElement("w:t")
    value.text = str(number)
    run.append(value)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(f": {text}")


#: document part -> {(style name, kind): style id}
_STYLE_IDS: WeakKeyDictionary[Any, dict[tuple[str, str], str | None]] = WeakKeyDictionary()


def _style_id(doc: Document, name: str, kind: str) -> str | None:
    """The id of style `name` in `doc`, looked up once per document.

    python-docx scans every style of the document for the default of its
    type at each ``paragraph.style = name``: ~0.3 s for the report's captions
    and tables.
    """
    from docx.enum.style import WD_STYLE_TYPE

    ids = _STYLE_IDS.setdefault(doc.part, {})
    if (name, kind) not in ids:
        style_type = WD_STYLE_TYPE.TABLE if kind == "table" else WD_STYLE_TYPE.PARAGRAPH
        ids[name, kind] = doc.part.get_style_id(name, style_type)
    return ids[name, kind]


def _heading(doc: Document, text: str, level: int) -> None:
    """``doc.add_heading(text, level)``, its style looked up once per document."""
    paragraph = doc.add_paragraph(text)
    paragraph._p.style = _style_id(doc, f"Heading {level}" if level else "Title", "paragraph")


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def add_table(doc: Document, frame: pd.DataFrame, caption: str | None, number: int) -> None:
    """Append `frame` (formatted text cells) as a Word table with its caption (if any) above."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if caption:
        _caption(doc, "Table", number, caption)
    right = [numeric_column(frame[c]) for c in frame.columns]
    table = doc.add_table(rows=1, cols=len(frame.columns))
    table._tbl.tblStyle_val = _style_id(doc, "Table Grid", "table")
    for cell, name, r in zip(table.rows[0].cells, frame.columns, right, strict=True):
        run = cell.paragraphs[0].add_run(str(name))
        run.bold = True
        if r:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(table.rows[0])
    if frame.empty:
        return
    # every body row is a copy of one empty row python-docx made (cell widths, alignment),
    # its cells' text added as cell.text adds it: python-docx's row and cell objects cost
    # ~1 s for the report's 1,000 rows
    blank = table.add_row()
    for cell, r in zip(blank.cells, right, strict=True):
        if r:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    template = blank._tr
    tbl = table._tbl
    tbl.remove(template)
    for values in frame.itertuples(index=False):
        tr = deepcopy(template)
        for tc, value in zip(tr.tc_lst, values, strict=True):
            _add_text(tc.p_lst[-1], "" if value is None else str(value))
        tbl.append(tr)


def _add_text(p: Any, text: str) -> None:
    """A run of `text` at the end of paragraph `p`, as python-docx's ``cell.text`` writes it."""
    from docx.oxml import OxmlElement

    if text and text.strip() == text and not _SPECIAL.search(text):
        run, t = OxmlElement("w:r"), OxmlElement("w:t")
        t.text = text
        run.append(t)
        p.append(run)
    else:  # tabs, line breaks, edge spaces, empty: python-docx's own rules
        p.add_r().text = text


def add_figure(doc: Document, png: Path, caption: str, number: int) -> None:
    """Append the figure `png` with its caption below."""
    from docx.shared import Inches

    doc.add_picture(str(png), width=Inches(FIGURE_WIDTH))
    _caption(doc, "Figure", number, caption)


def write_docx(
    title: str,
    sections: Sequence[Section],
    header: Sequence[str],
    path: Path,
) -> Path:
    """``report.docx``: the title, `header` lines, then each section's notes, tables, figures.

    The sections are those of ``report.html``, in its order; a part that is
    not available says why, as on the page.
    """
    from docx import Document as new_document

    doc = new_document()
    _heading(doc, title, 0)
    for line in header:
        doc.add_paragraph(line)
    tables = figures = 0
    for s in sections:
        _heading(doc, s.title, 1)
        if s.status != "ok":
            doc.add_paragraph(f"not available: {s.message}" if s.status == "missing" else s.message)
        for note in s.notes:
            doc.add_paragraph(note)
        for caption, frame in s.tables:
            tables += 1
            add_table(doc, frame, caption, tables)
        for caption, png in s.figures:
            figures += 1
            add_figure(doc, png, caption, figures)
    with fixed_zip_dates():
        doc.save(str(path))
    return path


def to_docx(table: Any, path: str | Path, caption: str | None = None) -> Path:
    """Write one table to a Word file, formatted as the report's tables are.

    Parameters
    ----------
    table : DataFrame or result
        A DataFrame, a result with ``.to_frame()`` (or a ``.summary`` table),
        or :func:`blina_stats.estimate`'s table (written as the report's
        outcome table).  Cells go through the report's formatting layer
        (:func:`blina_stats.report.format.format_table`): percent with one
        decimal, intervals in the estimate's unit, ``NR``, integers as
        integers, p-values ``0.041`` / ``<0.001``.
    path : path
        The ``.docx`` file written (replaced if it exists).
    caption : str, optional
        The caption above the table (default: the frame's ``attrs["caption"]``,
        else none).

    Returns
    -------
    Path
        `path`.

    Examples
    --------
    >>> import blina_stats as bs, tempfile, pathlib
    >>> cohort = bs.load_events(bs.synthetic.bundled("trial"))
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "outcomes.docx"
    >>> bs.to_docx(bs.estimate(cohort), out).name
    'outcomes.docx'
    """
    from docx import Document as new_document

    frame = shown(table, caption)
    doc = new_document()
    text = frame.attrs.get("caption")
    add_table(doc, frame, str(text) if text else None, 1)
    path = Path(path)
    with fixed_zip_dates():
        doc.save(str(path))
    return path


@contextmanager
def fixed_zip_dates() -> Iterator[None]:
    """Within the block, python-docx writes each zip entry dated :data:`ZIP_DATE`.

    python-docx dates every entry with the time it is written, so two saves
    of one document differ in those bytes alone; its writer's ``write`` is
    replaced, for the block, by the same call with a fixed date (entries
    deflated and permitted as python-docx writes them, images at the
    fastest level: they are compressed already).  A python-docx
    that writes its files another way is left as it is.
    """
    from zipfile import ZIP_DEFLATED, ZipInfo

    from docx.opc import phys_pkg

    writer: Any = getattr(phys_pkg, "_ZipPkgWriter", None)  # a private class of python-docx's
    if writer is None or not hasattr(writer, "write"):  # pragma: no cover - other python-docx
        yield
        return
    write = writer.write

    def dated(self: Any, pack_uri: Any, blob: bytes) -> None:
        info = ZipInfo(pack_uri.membername, date_time=ZIP_DATE)
        info.compress_type = ZIP_DEFLATED
        info.external_attr = 0o600 << 16  # what ZipFile.writestr gives an entry named by text
        # a PNG is compressed already: the fastest level deflates it as far (3% less than
        # the default level 6 on the report's figures) in three quarters of the time
        image = pack_uri.membername.endswith((".png", ".jpeg", ".jpg"))
        self._zipf.writestr(info, blob, compresslevel=1 if image else None)

    writer.write = dated
    try:
        yield
    finally:
        writer.write = write
