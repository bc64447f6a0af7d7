"""One part of the report: its tables, figures, notes and JSON, built from the context alone."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from .context import Context


@dataclass(frozen=True)
class Part:
    """What a part of the report shows.

    Attributes
    ----------
    key, title : str
        The HTML anchor and the section heading.
    tables : tuple of (caption, DataFrame, file name)
    figures : tuple of (caption, Figure, file name)
    notes : tuple of str
        Paragraphs shown under the heading (methods, warnings).
    json : mapping
        Entries merged into ``estimates.json`` (one level deep).
    status, message : str
        ``"ok"``; ``"partial"`` (some content missing, `message` says what) or
        ``"missing"`` (nothing could be built, `message` says why).
    """

    key: str
    title: str
    tables: tuple[tuple[str, pd.DataFrame, str], ...] = ()
    figures: tuple[tuple[str, Figure, str], ...] = ()
    notes: tuple[str, ...] = ()
    json: Mapping[str, Any] = field(default_factory=dict)
    status: str = "ok"
    message: str = ""


#: a part's builder: the context in, the part out
Builder = Callable[["Context"], Part]


def build_part(key: str, title: str, build: Builder, ctx: Context) -> Part:
    """`build(ctx)`, or a missing part with the reason when its input is missing or unusable."""
    try:
        return build(ctx)
    except (InputError, FileNotFoundError) as exc:
        return Part(key, title, status="missing", message=str(exc))


def caption(table: pd.DataFrame, fallback: str) -> str:
    """A table's own caption (``table.attrs["caption"]``), else `fallback`."""
    return str(table.attrs.get("caption") or fallback)
