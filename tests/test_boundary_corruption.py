"""Random single-cell corruptions of the bundled tables: an error or a warning, never a
traceback and never a silently changed estimate (hypothesis)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blina_stats.data.cohort import load_events
from blina_stats.endpoints.summary import estimate
from blina_stats.errors import InputError
from blina_stats.safety import adverse_event_table, read_adverse_events
from blina_stats.synthetic.paths import bundled

#: values no clinical table means: garbage, sentinels, impossible dates, injections
CORRUPTIONS = [
    "abc",
    "-1",
    "1e300",
    "99999",
    "inf",
    "-inf",
    "True",
    "2021-02-30",
    "03/04/2021",
    "9999-12-31",
    "1900-01-01",
    '=HYPERLINK("http://x")',
    "<img src=x onerror=alert(7)>",
    "$\\foo$",
    "a\x00b",
    "P01\u2010X",
    "0x1F",
    "1,5",
]
FIGURES = ["estimate", "ci_lower", "ci_upper", "n_events", "n_used"]


def _rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(bundled("trial").read_text(encoding="utf-8"))))


ROWS = _rows()


def _figures(frame: pd.DataFrame) -> np.ndarray:
    return frame[FIGURES].to_numpy(dtype=float)


BASELINE = _figures(estimate(load_events(bundled("trial"))))


@given(
    row=st.integers(1, len(ROWS) - 1),
    column=st.integers(0, len(ROWS[0]) - 1),
    value=st.sampled_from([*CORRUPTIONS, None]),
)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_corrupted_cell_is_an_error_or_a_warning(
    tmp_path: Path, row: int, column: int, value: str
) -> None:
    rows = [list(r) for r in ROWS]
    if value is None:  # the row cut short after `column` cells (at least its id: an empty
        del rows[row][max(column, 1) :]  # line holds no patient to lose)
    else:
        rows[row][column] = value
    path = tmp_path / "trial.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    try:
        cohort = load_events(path)
    except InputError as exc:
        assert "\n" not in str(exc), str(exc)
        assert str(exc).startswith("trial.csv: "), str(exc)
        return
    figures = _figures(estimate(cohort))
    if not np.array_equal(figures, BASELINE, equal_nan=True):
        assert cohort.warnings, (
            f"{ROWS[0][column]}={value!r} in row {row} changed an estimate silently"
        )


AE_ROWS = list(csv.reader(io.StringIO(bundled("adverse_events").read_text(encoding="utf-8"))))
#: the adverse-event columns whose value no clinical reading can change: a new term or
#: class as written is a new row of the table, not a corruption
AE_COLUMNS = ["patient_id", "grade", "onset_date", "serious", "related"]
COHORT = load_events(bundled("trial"))
#: "True" is a yes in a flag column: a value, not a corruption
AE_CORRUPTIONS = [v for v in CORRUPTIONS if v != "True"]


def _ae_tables(events: object) -> list[pd.DataFrame]:
    return [
        adverse_event_table(events, COHORT, window="first_dose", by="any", only=only)
        for only in (None, "serious", "related")
    ]


AE_BASELINE = _ae_tables(bundled("adverse_events"))


@given(
    row=st.integers(1, len(AE_ROWS) - 1),
    column=st.sampled_from(AE_COLUMNS),
    value=st.sampled_from([*AE_CORRUPTIONS, None]),
)
@settings(max_examples=150, deadline=None)
def test_a_corrupted_adverse_event_cell_is_an_error_or_a_warning(
    tmp_path_factory: pytest.TempPathFactory, row: int, column: str, value: str | None
) -> None:
    rows = [list(r) for r in AE_ROWS]
    at = AE_ROWS[0].index(column)
    if value is None:
        del rows[row][max(at, 1) :]
    else:
        rows[row][at] = value
    path = tmp_path_factory.mktemp("ae") / "ae.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    try:
        events = read_adverse_events(path, COHORT)
        tables = _ae_tables(events)
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("ae.csv: "), str(exc)
        return
    changed = [not a.equals(b) for a, b in zip(tables, AE_BASELINE, strict=True)]
    captions = " ".join(str(t.attrs.get("caption", "")) for t in tables)
    stated = events.warnings or "not recorded" in captions or "not counted" in captions
    assert not any(changed) or stated, f"{column}={value!r} in row {row} changed a table silently"
