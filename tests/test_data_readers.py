"""Readers: the same table from CSV, TSV, Parquet, Excel, SAS transport and a DataFrame."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.data.readers import read_table
from blina_stats.errors import InputError

FRAME = pd.DataFrame(
    {
        "patient_id": ["007", "012", "103"],
        "hsct_date": pd.to_datetime(["2021-01-10", "2021-02-01", "2021-03-05"]),
        "enrollment_date": pd.to_datetime(["2021-03-20", "2021-04-10", "2021-05-20"]),
        "last_contact_date": pd.to_datetime(["2022-06-01", "2021-09-01", "2022-01-15"]),
        "relapse_date": pd.to_datetime([None, "2021-08-01", None]),
        "death_date": pd.to_datetime([None, "2021-09-01", None]),
        "agvhd_grade": [1, 0, 2],
        "agvhd_day": [np.nan, np.nan, 20.0],
        "age": [34, 58, 61],
        "mrd_pre_hsct": ["negative", "positive", "negative"],
    }
)
EXPECTED_DAYS = {
    "enrollment_day": [69.0, 68.0, 76.0],
    "last_contact_day": [507.0, 212.0, 316.0],
    "relapse_day": [np.nan, 181.0, np.nan],
    "death_day": [np.nan, 212.0, np.nan],
    "agvhd_day": [np.nan, np.nan, 20.0],
}


def check(cohort: bs.Cohort, source: str) -> None:
    assert cohort.source == source
    assert cohort.patient_ids == ("007", "012", "103")
    for col, values in EXPECTED_DAYS.items():
        np.testing.assert_array_equal(cohort.frame[col].to_numpy(), values, err_msg=col)
    assert list(cohort.frame["age"]) == [34, 58, 61]
    assert list(cohort.frame["mrd_pre_hsct"]) == ["negative", "positive", "negative"]
    assert cohort.covariates == ("age", "mrd_pre_hsct")


def test_dataframe(tmp_path: Path) -> None:
    before = FRAME.copy()
    check(bs.load_events(FRAME), "<DataFrame>")
    pd.testing.assert_frame_equal(FRAME, before)


def test_csv_keeps_identifiers_as_text(tmp_path: Path) -> None:
    path = tmp_path / "trial.csv"
    FRAME.to_csv(path, index=False, date_format="%Y-%m-%d")
    check(bs.load_events(path), "trial.csv")
    check(bs.load_events(str(path)), "trial.csv")


def test_tsv_with_r_style_missing_values(tmp_path: Path) -> None:
    path = tmp_path / "trial.tsv"
    FRAME.to_csv(path, index=False, sep="\t", date_format="%Y-%m-%d", na_rep="NA")
    check(bs.load_events(path), "trial.tsv")


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "trial.parquet"
    FRAME.to_parquet(path)
    check(bs.load_events(path), "trial.parquet")


def test_excel_with_native_dates(tmp_path: Path) -> None:
    path = tmp_path / "trial.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="notes", index=False)
        FRAME.to_excel(writer, sheet_name="events", index=False)
    # Excel stores 007 as text since the column is text; the sheet is chosen by name
    check(bs.load_events(path, sheet_name="events"), "trial.xlsx")
    site = tmp_path / "site.xlsx"
    FRAME.rename(columns={"patient_id": "PTID"}).to_excel(site, index=False)
    check(bs.load_events(site, columns={"PTID": "patient_id"}), "site.xlsx")


def test_sas_transport_with_sas_dates(tmp_path: Path) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    sas = FRAME.copy()
    for col in ("hsct_date", "enrollment_date", "last_contact_date", "relapse_date", "death_date"):
        # SAS dates: days since 1960-01-01, as a SAS transport file without formats holds them
        sas[col] = (sas[col] - pd.Timestamp("1960-01-01")).dt.days.astype(float)
    sas = sas.rename(columns={c: c[:8].upper() for c in sas.columns})  # XPORT v5: 8 characters
    mapping = {c[:8].upper(): c for c in FRAME.columns}
    path = tmp_path / "trial.xpt"
    pyreadstat.write_xport(sas, str(path), file_format_version=5)
    cohort = bs.load_events(path, columns=mapping)
    check(cohort, "trial.xpt")


def test_numbers_in_date_columns_outside_sas_are_an_error() -> None:
    frame = FRAME.assign(hsct_date=[22290, 22312, 22344])
    with pytest.raises(InputError, match=re.escape("hsct_date 22290 is a number, not a date")):
        bs.load_events(frame)
    assert bs.load_events(frame, sas_dates=True).frame["hsct_date"].iloc[0] == pd.Timestamp(
        "2021-01-10"
    )


def test_column_mapping_renames_and_reports(tmp_path: Path) -> None:
    site = FRAME.rename(columns={"patient_id": "PTID", "death_date": "DTHDT"})
    check(
        bs.load_events(site, columns={"PTID": "patient_id", "DTHDT": "death_date"}), "<DataFrame>"
    )
    msg = (
        "<DataFrame>: the column mapping names column(s) ['SUBJID'] that the table lacks "
        "(it has ['PTID',"
    )
    with pytest.raises(InputError, match=re.escape(msg)):
        read_table(site, columns={"SUBJID": "patient_id"})
    with pytest.raises(
        InputError, match=re.escape("column(s) ['death_date'] appear more than once")
    ):
        read_table(FRAME.assign(DTHDT=FRAME["death_date"]), columns={"DTHDT": "death_date"})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.docx", b"PK", "notes.docx: not a table file: expected one of .csv, .parquet"),
        ("trial.csv", b"", "trial.csv: could not be read as CSV: No columns to parse from file"),
        ("trial.parquet", b"not parquet at all", "trial.parquet: could not be read as Parquet"),
        ("trial.xlsx", b"not a zip", "trial.xlsx: could not be read as Excel"),
        ("trial.sas7bdat", b"\x00" * 64, "trial.sas7bdat: could not be read as SAS"),
        ("trial.xpt", b"plain text", "trial.xpt: could not be read as SAS"),
    ],
)
def test_non_tables_are_one_line_errors(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        bs.load_events(path)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        bs.load_events(tmp_path / "absent.csv")
