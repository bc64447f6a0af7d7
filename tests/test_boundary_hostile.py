"""Hostile but plausible files: a table saved with its row index, a separator ending every
line, UTF-16 from a spreadsheet, a cell in another encoding."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats import safety
from blina_stats.cli import main
from blina_stats.data import SchemaError
from blina_stats.synthetic import bundled

TRIAL = bundled("trial")


def trial_text() -> pd.DataFrame:
    return pd.read_csv(TRIAL, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_table_saved_with_its_row_index_names_the_unnamed_column(
    suffix: str, tmp_path: Path
) -> None:
    """CSV: pandas parsed the unnamed index as numbers and the reader crashed with a bare
    AttributeError; Excel: it became a covariate called 'Unnamed: 0'."""
    path = tmp_path / f"indexed{suffix}"
    frame = trial_text()
    frame.to_csv(path) if suffix == ".csv" else frame.to_excel(path)
    value = "'0'" if suffix == ".csv" else "0"
    msg = (
        f"indexed{suffix}: column 1 has no name in the header but holds values "
        f"(data row 1, patient 'BLN-001': {value}): name it, or delete it "
        "(a table saved with its row index?)"
    )
    with pytest.raises(SchemaError, match=f"^{re.escape(msg)}$"):
        bs.load_events(path)


def test_an_adverse_event_table_saved_with_its_row_index(tmp_path: Path) -> None:
    path = tmp_path / "ae.csv"
    pd.read_csv(bundled("adverse_events"), dtype=str).to_csv(path)
    with pytest.raises(SchemaError, match=re.escape("ae.csv: column 1 has no name")):
        safety.read_adverse_events(path, bs.load_events(TRIAL))


def test_a_separator_ending_every_line_adds_no_column(tmp_path: Path) -> None:
    """The empty last column became a covariate called 'Unnamed: 19'."""
    text = TRIAL.read_text()
    path = tmp_path / "trailing.csv"
    path.write_text("".join(line + ",\n" for line in text.splitlines()))
    cohort = bs.load_events(path)
    reference = bs.load_events(TRIAL)
    assert cohort.covariates == reference.covariates
    assert cohort.frame.equals(reference.frame)


def test_an_unnamed_column_in_a_dataframe_with_values_is_named_by_position() -> None:
    frame = trial_text()
    frame.insert(3, "", "x")
    msg = "<DataFrame>: column 4 has no name in the header but holds values (data row 1, "
    with pytest.raises(SchemaError, match=f"^{re.escape(msg)}"):
        bs.load_events(frame)


@pytest.mark.parametrize(("suffix", "sep"), [(".txt", ","), (".tsv", "\t"), (".csv", ",")])
def test_utf16_with_its_byte_order_mark_is_read_without_an_encoding(
    suffix: str, sep: str, tmp_path: Path
) -> None:
    """A spreadsheet's "Unicode text" export: 'could not be read as CSV: 'utf-8' codec can't
    decode byte 0xff in position 0'."""
    path = tmp_path / f"unicode{suffix}"
    path.write_bytes(trial_text().to_csv(index=False, sep=sep).encode("utf-16"))
    assert bs.load_events(path).frame.equals(bs.load_events(TRIAL).frame)


def latin1(tmp_path: Path) -> Path:
    frame = trial_text()
    frame.loc[1, "donor_type"] = "haplo-mère"
    path = tmp_path / "latin1.csv"
    path.write_bytes(frame.to_csv(index=False).encode("latin-1"))
    return path


LATIN1 = (
    "latin1.csv: line 3, patient 'BLN-002', column 'donor_type': 'haplo-m\\xe8re' is not "
    "utf-8 text (byte 0xe8): read the file with its encoding (e.g. cp1252 for a Windows "
    "export, or latin-1)"
)


def test_a_cell_in_another_encoding_names_line_patient_and_column(tmp_path: Path) -> None:
    """It said only 'could not be read as CSV: 'utf-8' codec can't decode byte 0xe8 in
    position 343: invalid continuation byte'."""
    path = latin1(tmp_path)
    with pytest.raises(SchemaError, match=f"^{re.escape(LATIN1)}$"):
        bs.load_events(path)
    cohort = bs.load_events(path, encoding="latin-1")
    assert cohort.frame["donor_type"].iloc[1] == "haplo-mère"


def test_cli_a_cell_in_another_encoding_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["estimate", str(latin1(tmp_path))]) == 2
    assert capsys.readouterr().err.splitlines() == [f"blina-stats estimate: error: {LATIN1}"]


@pytest.mark.parametrize(
    ("name", "sep", "shown"),
    [("semicolon.csv", ";", "';'"), ("tabs.csv", "\t", "'\\t'"), ("commas.tsv", ",", "','")],
)
def test_a_header_of_one_column_holding_another_separator_says_so(
    name: str, sep: str, shown: str, tmp_path: Path
) -> None:
    """A European Excel's semicolons said only 'missing required column patient_id'."""
    path = tmp_path / name
    trial_text().to_csv(path, index=False, sep=sep)
    header = sep.join(trial_text().columns)
    msg = (
        f"{name}: the header is one column, {header[:57] + '...'!r}: are the cells separated "
        f"by {shown}? .csv and .txt files are read with commas between cells, .tsv files "
        "with tabs"
    )
    with pytest.raises(SchemaError, match=f"^{re.escape(msg)}$"):
        bs.load_events(path)


@pytest.mark.parametrize("written", ["1600-01-01", "2300-01-01", "01JAN2300", "2300/01/01"])
def test_a_real_date_outside_what_pandas_holds_is_not_called_invalid(
    written: str, tmp_path: Path
) -> None:
    """'2300-01-01' is a calendar date: 'is not a valid date' sent the user looking for a typo
    in the day or month."""
    frame = trial_text().iloc[:3].copy()
    frame.loc[0, "last_contact_date"] = written
    msg = (
        f"<DataFrame>: patient 'BLN-001': last_contact_date {written!r} is outside 1677-09-22 "
        "to 2262-04-11, the dates read (a typo in the year?)"
    )
    with pytest.raises(SchemaError, match=f"^{re.escape(msg)}"):
        bs.load_events(frame)


def test_an_impossible_day_is_still_not_a_valid_date() -> None:
    frame = trial_text().iloc[:3].copy()
    frame.loc[0, "last_contact_date"] = "2023-02-30"
    msg = "<DataFrame>: patient 'BLN-001': last_contact_date '2023-02-30' is not a valid date"
    with pytest.raises(SchemaError, match=f"^{re.escape(msg)}"):
        bs.load_events(frame)


def test_a_native_date_column_in_seconds_is_read_as_the_written_one() -> None:
    """pandas 2 keeps a datetime64[s] column (read_parquet, astype): the cohort's hsct_date
    was datetime64[s], not the [ns] every other source gives."""
    frame = pd.read_csv(TRIAL)
    frame["hsct_date"] = pd.to_datetime(frame["hsct_date"]).astype("datetime64[s]")
    assert bs.load_events(frame).frame.equals(bs.load_events(TRIAL).frame)


def test_a_native_date_in_seconds_outside_what_pandas_holds_is_the_same_error() -> None:
    """A datetime64[s] 1500-01-01 loaded (follow-up of 525 years, a warning), where the
    written '1500-01-01' is an error; later ns arithmetic on it overflows."""
    frame = pd.read_csv(TRIAL)
    frame["hsct_date"] = pd.to_datetime(frame["hsct_date"]).astype("datetime64[s]")
    frame.loc[0, "hsct_date"] = pd.Timestamp("1500-01-01", unit="s")
    msg = (
        "<DataFrame>: patient 'BLN-001': hsct_date 1500-01-01 is outside 1677-09-22 to "
        "2262-04-11, the dates read (a typo in the year?)"
    )
    with pytest.raises(SchemaError, match=f"^{re.escape(msg)}"):
        bs.load_events(frame)


def test_a_title_above_the_header_of_a_sheet_is_said(tmp_path: Path) -> None:
    """It said 'column 2 has no name in the header ... (a table saved with its row index?)'."""
    path = tmp_path / "titled.xlsx"
    with pd.ExcelWriter(path) as sheet:
        pd.DataFrame([["Trial export 2025"]]).to_excel(sheet, index=False, header=False)
        trial_text().to_excel(sheet, index=False, startrow=2)
    msg = (
        "titled.xlsx: the header is below the first line (data row 2 holds 'patient_id'): "
        "delete the lines above it"
    )
    with pytest.raises(SchemaError, match=f"^{re.escape(msg)}$"):
        bs.load_events(path)


def test_a_comment_above_the_header_of_a_csv_is_said(tmp_path: Path) -> None:
    """It said 'line 2: 19 cells where the header has 1 columns (and 68 more problems)'."""
    path = tmp_path / "commented.csv"
    path.write_text("# exported 2025-06-30\n" + TRIAL.read_text())
    msg = "commented.csv: the header is on line 2, not the first line: delete the lines above it"
    with pytest.raises(SchemaError, match=f"^{re.escape(msg)}$"):
        bs.load_events(path)


@pytest.mark.parametrize("empty", ["," * 18 + "\n", " " + "," * 18 + " \n"])
def test_rows_of_empty_cells_at_the_end_are_left_out_like_blank_lines(
    empty: str, tmp_path: Path
) -> None:
    """They were 'patient_id is empty in data row(s) 69, 70, 71'."""
    path = tmp_path / "trailing.csv"
    path.write_text(TRIAL.read_text() + empty * 3)
    assert bs.load_events(path).frame.equals(bs.load_events(TRIAL).frame)
    ae = tmp_path / "ae.csv"
    ae.write_text(bundled("adverse_events").read_text() + ",,,,,,\n" * 2)
    reference = safety.read_adverse_events(bundled("adverse_events"), bs.load_events(TRIAL))
    assert safety.read_adverse_events(ae, bs.load_events(TRIAL)).frame.equals(reference.frame)


def test_a_row_of_empty_cells_between_patients_is_named(tmp_path: Path) -> None:
    lines = TRIAL.read_text().splitlines(keepends=True)
    path = tmp_path / "gap.csv"
    path.write_text("".join([*lines[:3], ",,,,,,,,,,,,,,,,,,\n", *lines[3:]]))
    msg = (
        "gap.csv: data row(s) 3 are empty (every cell empty) between rows that are not: "
        "delete them, or fill them in"
    )
    with pytest.raises(SchemaError, match=f"^{re.escape(msg)}$"):
        bs.load_events(path)
