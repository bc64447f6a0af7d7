"""The notebook view of a result: a compact summary, the full table collapsed.

Every text shown is escaped: labels, level names and covariate names are the
user's own and may hold ``<`` or ``&``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ._constants import DAY_100, ONE_YEAR, SIX_MONTHS, TWO_YEARS

#: the horizons a result's notebook view reports, days, with their labels
HORIZONS = (
    (DAY_100, "day 100"),
    (SIX_MONTHS, "6 months"),
    (ONE_YEAR, "1 year"),
    (TWO_YEARS, "2 years"),
)


def _number(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return "NA" if not np.isfinite(value) else f"{float(value):.4g}"
    return str(value)


def html_table(frame: pd.DataFrame) -> str:
    """`frame` as an escaped HTML table, numbers to 4 significant digits, counts as integers."""
    shown = frame.copy()
    for col in shown.columns:
        shown[col] = [_number(v) for v in shown[col]]
    shown.index = [_number(v) for v in shown.index]
    return shown.to_html(escape=True, border=0)


def html_result(
    title: str,
    facts: Sequence[tuple[str, str]],
    key: pd.DataFrame | None,
    steps: pd.DataFrame | None,
    steps_label: str = "step table",
) -> str:
    """A title, one line of facts (n, events, method), the key table, the rest collapsed.

    Parameters
    ----------
    title : str
        What the result is (``"Kaplan-Meier"``).
    facts : sequence of (str, str)
        Label and value pairs (``("patients", "68")``).
    key : DataFrame or None
        The few numbers a reader wants (estimates at the horizons, hazard ratios).
    steps : DataFrame or None
        The full table, shown in a closed ``<details>`` element with its row count.
    """
    line = "; ".join(f"{html.escape(k)} {html.escape(v)}" for k, v in facts)
    out = f"<p><b>{html.escape(title)}</b>" + (f": {line}" if line else "") + "</p>"
    if key is not None and not key.empty:
        out += html_table(key)
    if steps is not None:
        out += (
            f"<details><summary>{html.escape(steps_label)} ({len(steps)} rows)</summary>"
            f"{html_table(steps)}</details>"
        )
    return out


def horizons_within(last: float) -> list[tuple[float, str]]:
    """The view's horizons up to `last` (the last time of the step function)."""
    return [(t, label) for t, label in HORIZONS if t <= last]


def horizon_table(
    last: float, parts: Mapping[str, Callable[[list[float]], pd.DataFrame]]
) -> pd.DataFrame | None:
    """Each part's table at the horizons up to `last`, side by side (``"cause 1 estimate"``),
    indexed by the horizon's label; None when follow-up reaches none of them."""
    at = horizons_within(last)
    if not at:
        return None
    times = [t for t, _ in at]
    key = pd.concat({name: fn(times) for name, fn in parts.items()}, axis=1)
    key.columns = [" ".join(map(str, pair)) for pair in key.columns]
    key.index = pd.Index([label for _, label in at], name="horizon")
    return key
