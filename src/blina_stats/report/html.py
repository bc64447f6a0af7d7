"""One self-contained HTML page: every table and figure (PNG embedded), provenance, warnings."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 62em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; margin-top: 2em; }
.table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.8em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; }
th { vertical-align: bottom; max-width: 9em; overflow-wrap: break-word; }
td.num, th.num { text-align: right; } td.num { white-space: nowrap; }
table.wide { font-size: 0.75em; } table.wide th, table.wide td { padding: 0.2em 0.35em; }
.header p { margin: 0.2em 0; } nav.toc ol { columns: 2; font-size: 0.9em; }
th { background: #f4f4f4; }
figure { display: inline-block; margin: 0.6em 1em 0.6em 0; vertical-align: top; }
figure img { width: 26em; max-width: 100%; }
figcaption { font-size: 0.85em; color: #444; }
.missing { color: #a33; } .meta td { font-family: monospace; font-size: 0.8em; }
"""


#: more columns than this: a smaller font and tighter cells (the exposure table's 17)
WIDE = 10


@dataclass
class Section:
    """A part of the report; `status` is ``ok``, ``partial`` or ``missing`` with `message`."""

    key: str
    title: str
    status: str = "ok"
    message: str = ""
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    #: the file name (no suffix) of each table, in the order of `tables`
    table_names: list[str] = field(default_factory=list)
    figures: list[tuple[str, Path]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _why(section: Section) -> str:
    """What is missing: ``not available: <reason>`` for a part that is not there at all."""
    return f"not available: {section.message}" if section.status == "missing" else section.message


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(path.stem)}">'


def _table(frame: pd.DataFrame) -> str:
    """A formatted table: numbers right-aligned, underscores in labels breakable, scrollable."""
    from .tables import numeric_column

    right = [' class="num"' if numeric_column(frame[c]) else "" for c in frame.columns]
    head = "".join(f"<th{r}>{_label(c)}</th>" for c, r in zip(frame.columns, right, strict=True))
    rows = [
        "<tr>"
        + "".join(f"<td{r}>{html.escape(str(v))}</td>" for v, r in zip(values, right, strict=True))
        + "</tr>"
        for values in frame.itertuples(index=False)
    ]
    body = "\n".join(rows)
    wide = ' class="wide"' if len(frame.columns) > WIDE else ""
    return (
        f'<div class="table-wrap"><table{wide}><thead><tr>{head}</tr></thead>'
        f"<tbody>\n{body}\n</tbody></table></div>"
    )


def _label(name: object) -> str:
    """A column label that wraps: ``courses_received`` may break after each underscore."""
    return html.escape(str(name)).replace("_", "_<wbr>")


def render(
    title: str,
    sections: Sequence[Section],
    meta: dict[str, Any],
    warnings: Sequence[str],
    header: Sequence[str] = (),
) -> str:
    """The report page as a string: title, `header` lines, table of contents, sections."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if header:
        parts.append('<div class="header">')
        parts += [f"<p>{html.escape(line)}</p>" for line in header]
        parts.append("</div>")
    toc = [(s.key, s.title) for s in sections] + [
        ("provenance", "Provenance"),
        ("warnings", "Warnings"),
    ]
    parts.append('<nav class="toc"><h2 id="contents">Contents</h2><ol>')
    parts += [f'<li><a href="#{html.escape(k)}">{html.escape(t)}</a></li>' for k, t in toc]
    parts.append("</ol></nav>")
    missing = [s for s in sections if s.status != "ok"]
    if missing:
        parts.append('<p class="missing"><b>Partial report.</b></p><ul>')
        parts += [
            f'<li class="missing">{html.escape(s.title)}: {html.escape(_why(s))}</li>'
            for s in missing
        ]
        parts.append("</ul>")
    for s in sections:
        parts.append(f'<h2 id="{html.escape(s.key)}">{html.escape(s.title)}</h2>')
        if s.status != "ok":
            parts.append(f'<p class="missing">{html.escape(_why(s))}</p>')
        parts += [f"<p>{html.escape(n)}</p>" for n in s.notes]
        for caption, frame in s.tables:
            parts.append(f"<h3>{html.escape(caption)}</h3>")
            parts.append(_table(frame))
        for caption, png in s.figures:
            parts.append(
                f"<figure>{_img(png)}<figcaption>{html.escape(caption)} "
                f"({html.escape(png.with_suffix('.pdf').name)})</figcaption></figure>"
            )
    parts.append('<h2 id="provenance">Provenance</h2><table class="meta">')
    parts += [
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in meta.items()
    ]
    parts.append("</table>")
    parts.append(f'<h2 id="warnings">Warnings ({len(warnings)})</h2><ul>')
    parts += [f"<li>{html.escape(w)}</li>" for w in warnings]
    parts.append("</ul></body></html>")
    return "\n".join(parts)
