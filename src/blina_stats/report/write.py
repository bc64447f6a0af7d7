"""Write the report's parts: tables (CSV, Markdown), figures (PNG, PDF), ``report.html``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..plots.style import save
from .html import Section, render
from .part import Part
from .tables import write_table


def merge_json(doc: dict[str, Any], parts: Sequence[Part]) -> dict[str, Any]:
    """`doc` with each part's JSON merged in, in part order (dictionaries one level deep)."""
    for part in parts:
        for key, value in part.json.items():
            if isinstance(value, dict) and isinstance(doc.get(key), dict):
                doc[key] = {**doc[key], **value}
            else:
                doc[key] = value
    return doc


def write_parts(parts: Sequence[Part], out: Path) -> tuple[list[Section], list[Path]]:
    """Write every table and figure of `parts` under `out`; the page sections and the files."""
    sections, files = [], []
    for part in parts:
        section = Section(part.key, part.title, part.status, part.message, notes=list(part.notes))
        for caption, frame, name in part.tables:
            files += write_table(frame, out / "tables" / name)
            section.tables.append((caption, frame))
        for caption, fig, name in part.figures:
            paths = save(fig, out / "figures" / name)
            files += paths
            section.figures.append((caption, paths[0]))
        sections.append(section)
    return sections, files


def write_json(doc: dict[str, Any], path: Path) -> Path:
    """``estimates.json``: indented, values that JSON lacks written as text."""
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
    return path


def write_html(
    title: str,
    sections: Sequence[Section],
    meta: dict[str, Any],
    warnings: Sequence[str],
    path: Path,
) -> Path:
    """``report.html``: one self-contained page."""
    path.write_text(render(title, sections, meta, warnings))
    return path
