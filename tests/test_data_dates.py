"""The one date rule: zones read as written; the distinct-cell reading equals the cell-by-cell."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import blina_stats as bs
from blina_stats.data import schema
from blina_stats.data._cells import Problems, SchemaError, numbers, show
from blina_stats.data._columns import GRADE, SEVERITIES, SEVERITY
from blina_stats.data._dates import SAS_EPOCH, Dates, distinct_cells
from blina_stats.safety.records import read_adverse_events, read_dosing

PLUS5 = dt.timezone(dt.timedelta(hours=5))


# ---------------------------------------------------------------- the reference
# The rule as it was read cell by cell before the distinct-cell reading: kept
# verbatim (its five regular expressions included) as the oracle of the tests.
_REF_LAYOUTS = (
    (re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"), "ISO 8601 (2021-03-14)", "%Y-%m-%d"),
    (
        re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"),
        "ISO 8601 (2021-03-14)",
        "ISO8601",
    ),
    (re.compile(r"^\d{1,2}[A-Za-z]{3}\d{4}$"), "SAS DATE9 (14MAR2021)", "%d%b%Y"),
    (re.compile(r"^\d{1,2}-[A-Za-z]{3}-\d{4}$"), "14-Mar-2021", "%d-%b-%Y"),
    (re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$"), "2021/03/14", "%Y/%m/%d"),
)
_REF_AMBIGUOUS = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")


def reference_parse(self: Dates, column: pd.Series, name: str) -> pd.Series:
    p = self.problems
    values = column.reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.Series(pd.to_datetime(values).dt.tz_localize(None).dt.normalize())
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        if self.sas_dates:
            days = pd.to_timedelta(values.to_numpy(dtype=np.float64), unit="D")
            return pd.Series(SAS_EPOCH + days).dt.floor("D")
        p.error(
            values.notna().to_numpy(),
            lambda i: (
                f"{p.col(name)} {show(values.iloc[i])} is a number, not a date "
                "(SAS dates: load with sas_dates=True)"
            ),
        )
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    native = values.map(
        lambda v: isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year")
    )
    if native.any():
        out[native] = pd.to_datetime(values[native]).dt.normalize()
    text = values.where(~native).astype("string").str.strip()
    written = text.notna() & text.ne("")
    if self.date_format is not None:
        fmt = self.date_format
        parsed = pd.to_datetime(text.where(written), format=fmt, errors="coerce")
        out[written] = parsed[written].dt.normalize()
        p.error(
            (written & parsed.isna()).to_numpy(),
            lambda i: f"{p.col(name)} {text.iloc[i]!r} does not match date_format {fmt!r}",
        )
        return out
    matched = pd.Series(False, index=values.index)
    for pattern, family, fmt in _REF_LAYOUTS:
        hit = written & ~matched & text.str.match(pattern).fillna(False).astype(bool)
        if not hit.any():
            continue
        matched |= hit
        first = int(np.flatnonzero(hit)[0])
        self.layouts.setdefault(family, (name, first, str(text.iloc[first])))
        parsed = pd.to_datetime(text[hit].astype(object), format=fmt, errors="coerce")
        out[hit] = parsed.dt.normalize()
        invalid = np.zeros(len(values), dtype=bool)
        invalid[hit.to_numpy(dtype=bool)] = parsed.isna().to_numpy(dtype=bool)
        # a calendar date pandas cannot hold (1500, 9999) is out of range, not invalid
        far = np.array(
            [bool(v) and _ref_calendar(str(t), fmt) for v, t in zip(invalid, text, strict=True)],
            dtype=bool,
        )
        p.error(invalid & ~far, lambda i: f"{p.col(name)} {text.iloc[i]!r} is not a valid date")
        p.error(
            far,
            lambda i: (
                f"{p.col(name)} {text.iloc[i]!r} is outside 1677-09-22 to 2262-04-11, "
                "the dates read (a typo in the year?)"
            ),
        )
    rest = (written & ~matched).to_numpy()
    ambiguous = rest & text.str.match(_REF_AMBIGUOUS).fillna(False).astype(bool).to_numpy()
    p.error(
        ambiguous,
        lambda i: (
            f"{p.col(name)} {text.iloc[i]!r} is ambiguous (day/month or month/day?): "
            "pass date_format, e.g. '%d/%m/%Y'"
        ),
    )
    p.error(
        rest & ~ambiguous,
        lambda i: (
            f"{p.col(name)} {text.iloc[i]!r} is not a date "
            "(expected e.g. 2021-03-14 or 14MAR2021, or pass date_format)"
        ),
    )
    return out


def _ref_calendar(text: str, fmt: str) -> bool:
    """A calendar date by the standard library, written in ASCII digits."""
    try:
        if fmt == "ISO8601":
            dt.datetime.fromisoformat(text)
        else:
            dt.datetime.strptime(text, fmt)
    except ValueError:
        return False
    return text.isascii()


# fmt: off
TRICKY = [
    "2021-03-14", "2021-3-14", "2021-03-4", " 2021-03-14 ", "2021-02-30", "2021-13-01",
    "2020-02-29", "2021-03-14 08:30", "2021-03-14T08:30:15.5", "2021-03-14T25:00",
    "14MAR2021", "14mar2021", "31FEB2021", "14-Mar-2021", "2021/03/14", "2021/3/14",
    "03/04/2021", "3.4.21", "next week", "NaT", "nan", "now", "today", "1500-01-01",
    "9999-12-31", "2021-03-14\x00", "", "   ", None, np.nan,
    "\u0662\u0660\u0662\u0661-03-14",  # Arabic-Indic digits: \d matches them
]
# fmt: on


def _day(d: dt.date) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            d.strftime("%Y-%m-%d"),
            f"{d.year}-{d.month}-{d.day}",
            d.strftime("%Y-%m-%dT%H:%M"),
            d.strftime("%d%b%Y").upper(),
            d.strftime("%d-%b-%Y"),
            d.strftime("%Y/%m/%d"),
            d.strftime("%d/%m/%Y"),
        ]
    )


written_date = st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)).flatmap(_day)
text_cell = st.one_of(
    st.sampled_from(TRICKY),
    written_date,
    st.text(st.sampled_from("0123456789-/ TMARmar:"), max_size=12),
)
native_cell = st.one_of(
    st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1)).map(pd.Timestamp),
)
text_column = st.lists(st.one_of(text_cell, written_date), min_size=1, max_size=25)
mixed_column = st.lists(st.one_of(text_cell, native_cell, st.integers(0, 3)), max_size=25)


def _both(
    columns: list[list[Any]], date_format: str | None
) -> tuple[tuple[list[pd.Series], list[str], dict[str, Any]], ...]:
    results = []
    for read in (Dates.parse, reference_parse):
        n = max(len(c) for c in columns)
        p = Problems("t.csv", pd.Series([f"P{i}" for i in range(n)]))
        dates = Dates(p, date_format=date_format)
        got = [
            read(dates, pd.Series(c + [None] * (n - len(c)), dtype=object), f"c{j}")
            for j, c in enumerate(columns)
        ]
        dates.check_mixed()
        results.append((got, p.errors, dict(dates.layouts)))
    return tuple(results)


def _same(ours: Any, reference: Any) -> None:
    (got, errors, layouts), (want, ref_errors, ref_layouts) = ours, reference
    for g, w in zip(got, want, strict=True):
        assert g.dtype == np.dtype("datetime64[ns]")
        pd.testing.assert_series_equal(g, w.astype("datetime64[ns]"), check_names=False)
    assert errors == ref_errors
    assert layouts == ref_layouts


@settings(max_examples=200, deadline=None)
@given(
    st.lists(text_column, min_size=1, max_size=4),
    st.sampled_from([None, None, "%d/%m/%Y", "%Y-%m-%d"]),
)
def test_distinct_cell_reading_equals_cell_by_cell(columns: list[list[Any]], fmt: Any) -> None:
    _same(*_both(columns, fmt))


@settings(max_examples=100, deadline=None)
@given(st.lists(mixed_column.filter(bool), min_size=1, max_size=3))
def test_object_columns_with_native_dates_and_numbers(columns: list[list[Any]]) -> None:
    _same(*_both(columns, None))


def test_large_column_with_a_few_bad_cells_equals_cell_by_cell() -> None:
    rng = np.random.default_rng(3)
    days = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 900, 20_000), unit="D")
    cells: list[Any] = list(days.strftime("%Y-%m-%d"))
    for i, bad in zip(rng.choice(20_000, len(TRICKY), replace=False), TRICKY, strict=True):
        cells[i] = bad
    _same(*_both([cells, cells[::-1]], None))


def test_a_zone_is_read_as_the_calendar_date_written() -> None:
    p = Problems("t.csv", pd.Series(["P1", "P2", "P3", "P4", "P5"]))
    cells = [
        "2022-01-08T10:00:00+05:00",
        "2022-01-08T02:00:00+05:00",  # 2022-01-07 in UTC: the written date is kept
        "2022-01-08T23:30:00-08:00",  # 2022-01-09 in UTC
        "2022-01-08T10:00Z",
        "2022-01-08 10:00:00+0530",
    ]
    got = Dates(p).parse(pd.Series(cells), "d")
    assert (got == pd.Timestamp("2022-01-08")).all()
    assert not p.errors


def test_a_bad_zone_or_time_is_one_error() -> None:
    p = Problems("t.csv", pd.Series(["P1", "P2"]))
    Dates(p).parse(pd.Series(["2022-01-08T10:00:00+25:00", "2022-01-08T25:00:00+05:00"]), "d")
    assert p.errors == [
        "t.csv: patient 'P2': d '2022-01-08T25:00:00+05:00' is not a valid date",
        "t.csv: patient 'P1': d '2022-01-08T10:00:00+25:00' is not a date "
        "(expected e.g. 2021-03-14 or 14MAR2021, or pass date_format)",
    ]


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(pd.to_datetime(["2022-01-08 10:00", "2022-01-08 23:00"])).dt.tz_localize(
            "Asia/Karachi"
        ),
        pd.Series(
            [
                pd.Timestamp("2022-01-08 10:00", tz="Asia/Karachi"),
                pd.Timestamp("2022-01-08 23:00", tz="America/Los_Angeles"),
            ],
            dtype=object,
        ),
        pd.Series([dt.datetime(2022, 1, 8, 2, tzinfo=PLUS5), dt.date(2022, 1, 8)], dtype=object),
    ],
    ids=["tz-aware column", "Timestamps in two zones", "datetime with tzinfo"],
)
def test_zone_aware_native_dates_give_their_own_calendar_date(column: pd.Series) -> None:
    p = Problems("t.parquet", pd.Series(["P1", "P2"]))
    got = Dates(p).parse(column, "d")
    assert got.tolist() == [pd.Timestamp("2022-01-08")] * 2 and not p.errors


def test_a_native_date_pandas_cannot_hold_is_one_error() -> None:
    p = Problems("t.xlsx", pd.Series(["P1", "P2"]))
    got = Dates(p).parse(pd.Series([dt.date(1, 1, 1), pd.NaT], dtype=object), "d")
    assert got.isna().all()
    assert p.errors == [
        "t.xlsx: patient 'P1': d 0001-01-01 is outside 1677-09-22 to 2262-04-11, the dates "
        "read (a typo in the year?)"
    ]


def test_a_date_format_with_a_zone_keeps_the_written_date() -> None:
    p = Problems("t.csv", pd.Series(["P1", "P2"]))
    cells = pd.Series(["2022-01-08 02:00+0500", "2022-01-08 23:00-0800"])
    got = Dates(p, date_format="%Y-%m-%d %H:%M%z").parse(cells, "d")
    assert (got == pd.Timestamp("2022-01-08")).all() and not p.errors


def _offsets(column: pd.Series) -> pd.Series:
    """Each ISO date as a time of day with an offset, the offsets alternating."""
    zones = ["+05:00", "-08:00", "Z"]
    return pd.Series(
        [
            f"{d}T{'02:00:00' if i % 2 else '22:30:00'}{zones[i % 3]}"
            if isinstance(d, str) and d
            else d
            for i, d in enumerate(column)
        ],
        dtype=object,
    )


def test_event_table_with_zones_in_csv_and_in_a_parquet_column(tmp_path: Path) -> None:
    trial = bs.synthetic.bundled("trial")
    want = bs.load_events(trial).frame
    raw = pd.read_csv(trial, dtype=str, keep_default_na=False)
    dated = [c for c in raw.columns if c.endswith("_date")]
    zoned = raw.copy()
    for c in dated:
        zoned[c] = _offsets(zoned[c])
    zoned.to_csv(tmp_path / "zoned.csv", index=False)
    pd.testing.assert_frame_equal(bs.load_events(tmp_path / "zoned.csv").frame, want)
    aware = pd.read_csv(trial, dtype=str)
    for c in dated:
        aware[c] = pd.to_datetime(aware[c]).dt.tz_localize("Asia/Tokyo")
    aware.to_parquet(tmp_path / "aware.parquet")
    got = bs.load_events(tmp_path / "aware.parquet").frame
    pd.testing.assert_frame_equal(got[want.columns[:9]], want[want.columns[:9]])


@pytest.mark.parametrize("kind", ["adverse_events", "dosing"])
@pytest.mark.parametrize(
    "how", ["csv, mixed offsets", "parquet, tz-aware", "Timestamps, two zones"]
)
def test_safety_tables_with_zones(kind: str, how: str, tmp_path: Path) -> None:
    cohort = bs.load_events(bs.synthetic.bundled("trial"))
    read = read_adverse_events if kind == "adverse_events" else read_dosing
    column = "onset_date" if kind == "adverse_events" else "infusion_date"
    want = read(bs.synthetic.bundled(kind), cohort).frame
    table = pd.read_csv(bs.synthetic.bundled(kind), dtype=str, keep_default_na=False)
    if how.startswith("csv"):
        table[column] = _offsets(table[column])
        path = tmp_path / f"{kind}.csv"
        table.to_csv(path, index=False)
    elif how.startswith("parquet"):
        table[column] = pd.to_datetime(table[column]).dt.tz_localize("America/Los_Angeles")
        path = tmp_path / f"{kind}.parquet"
        table.to_parquet(path)
    else:
        zones = ["Asia/Karachi", "UTC"]
        table[column] = pd.Series(
            [pd.Timestamp(d, tz=zones[i % 2]) for i, d in enumerate(table[column])], dtype=object
        )
        path = table  # type: ignore[assignment]
    got = read(path, cohort).frame
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_zone_date_before_transplant_names_file_row_patient(tmp_path: Path) -> None:
    cohort = bs.load_events(bs.synthetic.bundled("trial"))
    table = pd.read_csv(bs.synthetic.bundled("adverse_events"), dtype=str)
    table.loc[0, "onset_date"] = "2021-11-01T23:00:00-05:00"  # BLN-001's transplant: 2021-11-02
    table.to_csv(tmp_path / "ae.csv", index=False)
    want = "ae.csv: data row 1, patient 'BLN-001': onset_day is day -1, before the transplant"
    with pytest.raises(SchemaError, match=re.escape(want)):
        read_adverse_events(tmp_path / "ae.csv", cohort)


@pytest.mark.parametrize("n", [2, 20_000])
def test_cells_equal_up_to_a_nul_are_different_cells(n: int) -> None:
    # pandas' string hash table stops at a NUL: '2021-03-14\x00' must not pass for '2021-03-14'
    cells: list[Any] = ["2021-03-14"] * (n - 1) + ["2021-03-14\x00"]
    ours, reference = _both([cells, cells[::-1]], None)
    _same(ours, reference)
    assert len(ours[1]) == 2 and "'2021-03-14\\x00' is not a date" in ours[1][0]


def _reference_grades(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    # the cell-by-cell rule: a number 0-4; booleans are not grades (the boundary issue)
    num, bad = numbers(values)
    bad = bad | (num.notna() & ~num.isin([0.0, 1.0, 2.0, 3.0, 4.0])).to_numpy()
    return num.where(~pd.Series(bad), np.nan), bad


def _reference_severities(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    text = values.astype("string").str.strip().str.lower()
    blank = text.isna() | text.eq("")
    bad = (~blank & ~text.isin(SEVERITIES)).fillna(False).to_numpy(dtype=bool)
    out = text.where(~blank & ~pd.Series(bad)).astype(object)
    out[out.isna()] = None
    return out, bad


grade_cell = st.one_of(
    st.sampled_from(["0", "2", " 3 ", "4.0", "5", "II", "", "1e0", "2\x00", None, np.nan]),
    st.integers(-1, 6),
    st.sampled_from([True, 2.0, 2.5]),
)
severity_cell = st.one_of(
    st.sampled_from(["none", "Mild", " moderate ", "SEVERE", "grave", "", "mild\x00", None]),
    st.integers(0, 3),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(grade_cell, min_size=1, max_size=20), st.lists(severity_cell, max_size=20))
def test_grades_and_severities_read_per_distinct_cell(grades: list[Any], sev: list[Any]) -> None:
    sev = (sev + ["none"] * len(grades))[: len(grades)]
    raw = pd.DataFrame(
        {GRADE: pd.Series(grades, dtype=object), SEVERITY: pd.Series(sev, dtype=object)}
    )
    for column, ours, reference in (
        (GRADE, schema._grades, _reference_grades),
        (SEVERITY, schema._severities, _reference_severities),
    ):
        p = Problems("t.csv", pd.Series([f"P{i}" for i in range(len(grades))]))
        want, bad = reference(raw[column])
        got = ours(raw, p)
        pd.testing.assert_series_equal(got, want, check_names=False)
        assert len(p.errors) == bad.sum()
        assert [e.split(":")[1] for e in p.errors] == [
            f" patient 'P{i}'" for i in np.flatnonzero(bad)
        ]


@given(st.lists(st.one_of(text_cell, st.integers(0, 2), st.booleans(), st.floats()), max_size=30))
def test_distinct_cells_rebuild_every_cell(cells: list[Any]) -> None:
    values = pd.Series(cells, dtype=object)
    codes, distinct = distinct_cells(values)
    missing = values.isna().to_numpy()
    assert ((codes < 0) == missing).all()
    rebuilt = distinct.to_numpy()[codes[~missing]]
    assert all(
        type(a) is type(b) and a == b for a, b in zip(rebuilt, values[~missing], strict=True)
    )


def test_dates_centuries_apart_are_counted_in_days_not_an_overflow() -> None:
    """The nanosecond difference of dates 550 years apart overflowed (a bare OverflowError)."""
    frame = pd.DataFrame(
        {"patient_id": ["a"], "hsct_date": ["1700-01-01"], "last_contact_date": ["2250-01-01"]}
    )
    cohort = bs.load_events(frame)
    days = (pd.Timestamp("2250-01-01") - pd.Timestamp("1970-01-01")).days + (
        pd.Timestamp("1970-01-01") - pd.Timestamp("1700-01-01")
    ).days
    assert cohort.frame["last_contact_day"].tolist() == [float(days)]
    assert [w.column for w in cohort.warnings] == ["last_contact"]  # a sentinel value?
