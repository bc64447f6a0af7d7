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


def failure(exc: BaseException, source: str) -> str:
    """Why a part could not be built or written, in one line naming the input.

    Bad or missing input (InputError, a file not found) says so itself; any
    other error is named by its type, with `source` (the event table) when
    its message does not name a file.
    """
    text = " ".join(str(exc).split())
    if isinstance(exc, InputError | FileNotFoundError):
        return text or type(exc).__name__
    return f"{source}: {type(exc).__name__}" + (f": {text}" if text else "")


def failed(part: Part | tuple[str, str], reason: str) -> Part:
    """A part with nothing in it but the reason it is not available."""
    key, title = (part.key, part.title) if isinstance(part, Part) else part
    return Part(key, title, status="missing", message=reason)


def build_part(key: str, title: str, build: Builder, ctx: Context) -> Part:
    """`build(ctx)`, or a missing part with the reason when it cannot be built.

    Any error of one part (its input missing or unusable, or a computation
    the data cannot support) fails that part alone: the report is still
    written, and says why the part is not there.
    """
    from ..plots.style import closing_new_figures

    try:
        with closing_new_figures(on_error_only=True):  # a failed part leaves no open figure
            return build(ctx)
    except Exception as exc:  # one part's failure never aborts the report
        return failed((key, title), failure(exc, str(ctx.cohort.source)))


def caption(table: pd.DataFrame, fallback: str) -> str:
    """A table's own caption (``table.attrs["caption"]``), else `fallback`."""
    return str(table.attrs.get("caption") or fallback)
