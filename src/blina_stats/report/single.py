"""One table for a paper from whatever a notebook holds: a DataFrame, a result, an estimate table.

:func:`shown` is what :func:`~blina_stats.report.docx.to_docx` and
:func:`~blina_stats.report.latex.to_latex` write: the cells of the report's
formatting layer (:func:`~blina_stats.report.format.format_table`), so a table
pasted from a notebook reads exactly as the report's.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .format import format_table

#: the columns that make a frame :func:`blina_stats.estimate`'s table (shown as the outcome table)
ESTIMATE_COLUMNS = frozenset({"estimable", "estimate", "ci_lower", "ci_upper", "horizon_label"})


def as_frame(obj: Any) -> pd.DataFrame:
    """`obj` as a DataFrame: itself, its ``to_frame()``, or its ``summary`` table.

    Raises
    ------
    TypeError
        When `obj` is none of these.
    """
    if isinstance(obj, pd.DataFrame):
        frame = obj
    elif callable(getattr(obj, "to_frame", None)):
        frame = obj.to_frame()
    elif isinstance(getattr(obj, "summary", None), pd.DataFrame):
        frame = obj.summary
    else:
        raise TypeError(
            f"expected a DataFrame or a result with .to_frame() or .summary, "
            f"got {type(obj).__name__}"
        )
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{type(obj).__name__}.to_frame() did not return a DataFrame")
    return frame


def shown(obj: Any, caption: str | None = None) -> pd.DataFrame:
    """The formatted table of `obj`, every cell text, its caption in ``attrs["caption"]``.

    An :func:`blina_stats.estimate` table becomes the report's outcome table
    (estimate and 95% interval in percent, events, at risk, horizon, origin).
    `caption` overrides the frame's own ``attrs["caption"]``.
    """
    frame = as_frame(obj)
    if set(frame.columns) >= ESTIMATE_COLUMNS:
        from .tables import endpoint_summary

        frame = endpoint_summary(frame)
        frame.attrs.setdefault("caption", "Endpoints at their horizons")
    out = format_table(frame)
    if caption is not None:
        out.attrs["caption"] = caption
    return out
