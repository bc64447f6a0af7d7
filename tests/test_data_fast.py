"""The fast paths of reading and validation give what the careful paths give, on messy tables.

Each table is loaded twice, with :data:`blina_stats.data._fast.ENABLED` on
and off; the cohorts must be equal cell for cell (values, dtypes, warnings),
or both loads must fail with the same message.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import blina_stats as bs
from blina_stats.data import _fast
from blina_stats.data._csv import _records

#: identifiers: plain, padded, of either case, look-alike, control, empty
IDS = [
    "BLN-001", "BLN-002", "bln-001", " BLN-003", "BLN-004 ", "BLN\u2010005", "P\t6", "7",
    "", "008", "BLN-001", "Ä9", "x\x7f", "  ", "P 10", "BLN-011", "BLN-012",
]  # fmt: skip
#: covariate cells: plain numbers and numbers that must stay text, words, empty, NA
CELLS = [
    "44", "-3", "0.11", "007", "1E5", "+5", ".5", "inf", "", "NA", ".", "M", "0",
    "12345678901234567890", "-0", "3.0", " 4", "nan", "1,5",
]  # fmt: skip


def _load(path: Path, fast: bool, **kwargs: Any) -> bs.Cohort | str:
    """The cohort, or the error message when loading fails."""
    before = _fast.ENABLED
    _fast.ENABLED = fast
    try:
        return bs.load_events(path, **kwargs)
    except bs.InputError as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        _fast.ENABLED = before


def _same(path: Path, **kwargs: Any) -> bs.Cohort | str:
    fast, careful = _load(path, True, **kwargs), _load(path, False, **kwargs)
    if isinstance(careful, str) or isinstance(fast, str):
        assert fast == careful
        return careful
    pd.testing.assert_frame_equal(fast.frame, careful.frame, check_exact=True)
    assert fast.warnings == careful.warnings
    assert (fast.present, fast.covariates) == (careful.present, careful.covariates)
    return careful


def _write(path: Path, ids: list[str], covariates: list[list[str]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [f"cov{k}" for k in range(len(covariates))]
    writer.writerow(["patient_id", "hsct_date", "last_contact_date", *names])
    for i, pid in enumerate(ids):
        writer.writerow([pid, "2021-01-01", f"2021-0{1 + i % 9}-15", *(c[i] for c in covariates)])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.lists(st.sampled_from(IDS), min_size=n, max_size=n),
            st.lists(
                st.lists(st.sampled_from(CELLS), min_size=n, max_size=n), min_size=0, max_size=3
            ),
        )
    )
)
def test_messy_tables_load_the_same_by_both_paths(table: tuple[list[str], list[list[str]]]) -> None:
    ids, covariates = table
    with tempfile.TemporaryDirectory() as tmp:
        _same(_write(Path(tmp) / "t.csv", ids, covariates))


@pytest.mark.parametrize(
    "column",
    [
        ["44", "-3", "0.11"],
        ["1", "2", ""],
        ["1", "", "3"],
        ["", "", "5"],
        ["007", "1", "2"],
        ["1", "1E5", "2"],
        ["12345678901234567890", "1", "2"],
        ["-12345678901234567890", "1", "2"],
        ["99999999999999999999999", "-1", "0"],
        ["M", "F", "M"],
    ],
)
def test_covariate_typing_is_the_same_by_both_paths(tmp_path: Path, column: list[str]) -> None:
    _same(_write(tmp_path / "t.csv", ["P1", "P2", "P3"], [column]))


def test_the_fast_paths_are_taken_on_a_plain_table(tmp_path: Path) -> None:
    """Not only the careful path: plain ids and plain numbers take the fast one."""
    ids = pd.Series([f"BLN-{k:03d}" for k in range(50)], dtype=object)
    plain = _fast.plain_ids(ids)
    assert plain is not None and plain[0].tolist() == ids.tolist()
    ages = pd.Series(["44", None, "7"] * 10, dtype=object)
    number = _fast.factorized_numbers(ages, r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
    assert number is not None and number.dtype == np.float64 and number.isna().sum() == 10
    rng = np.random.default_rng(0)
    cohort = _same(
        _write(tmp_path / "t.csv", list(ids), [[str(v) for v in rng.integers(0, 90, 50)]])
    )
    assert not isinstance(cohort, str) and cohort.frame["cov0"].dtype == np.int64


@pytest.mark.parametrize(
    "ids", [["BLN-1", " BLN-2"], ["BLN-1", "BLN-1"], ["A", "a"], ["A", ""], ["P\x01", "Q"]]
)
def test_ids_the_fast_path_refuses_go_the_careful_way(tmp_path: Path, ids: list[str]) -> None:
    assert _fast.plain_ids(pd.Series(ids, dtype=object)) is None or ids == ["A", "a"]
    _same(_write(tmp_path / "t.csv", ids, []))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["a", "", " ", '"x,y"', '"q""', '"l\nm"', "7", "\u00e9"]), max_size=4
        ),
        max_size=6,
    ),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_cell_counts_are_the_same_by_both_paths(
    lines: list[list[str]], newline: str, final_newline: bool
) -> None:
    """Blank, short, long and quoted lines: the uniform count agrees with the line-by-line one."""
    text = newline.join(",".join(cells) for cells in lines) + (newline if final_newline else "")
    data = text.encode("utf-8")
    before = _fast.ENABLED
    try:
        _fast.ENABLED = True
        fast = _records(data, ",", "utf-8")
        _fast.ENABLED = False
        careful = _records(data, ",", "utf-8")
    finally:
        _fast.ENABLED = before
    assert fast == careful


def test_a_uniform_file_takes_the_strided_count() -> None:
    data = b"patient_id,x\nP1,1\nP2,2\n"
    buf = np.frombuffer(data, dtype=np.uint8)
    assert _fast.uniform_cells(np.flatnonzero(buf == 44), np.flatnonzero(buf == 10)) == 2
    short = b"patient_id,x\nP1\nP2,2,3\n"
    buf = np.frombuffer(short, dtype=np.uint8)
    assert _fast.uniform_cells(np.flatnonzero(buf == 44), np.flatnonzero(buf == 10)) is None
    assert _records(short, ",", "utf-8") == (
        ["patient_id", "x"],
        [(2, ["P1"]), (3, ["P2", "2", "3"])],
    )
