"""Hostile but plausible files: a table saved with its row index, a separator ending every
line, UTF-16 from a spreadsheet, a cell in another encoding."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats import safety
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
