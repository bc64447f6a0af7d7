"""Column mapping works for the screening log and the labs as for the event table (issue 12 item 4).

Every column of the bundled file is renamed, written back and read with
``columns=`` mapping it to ours: the validated table and what is computed
from it are identical to the original's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.data import SchemaError
from blina_stats.eligibility import check_eligibility, engraftment, read_labs, read_screening

LABS = bs.synthetic.bundled("labs")
SCREENING = bs.synthetic.bundled("screening")


def _renamed(path: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The file with every column renamed (``X_KPS`` for ``kps``), and the mapping back."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    mapping = {f"X_{c.upper()}": c for c in frame.columns}
    out = tmp_path / f"renamed_{path.name}"
    frame.rename(columns={v: k for k, v in mapping.items()}).to_csv(out, index=False)
    return out, mapping


def test_screening_column_mapping_gives_identical_results(tmp_path: Path) -> None:
    renamed, mapping = _renamed(SCREENING, tmp_path)
    a, b = read_screening(renamed, columns=mapping), read_screening(SCREENING)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.present == b.present and a.warnings == ()
    pd.testing.assert_frame_equal(check_eligibility(a, LABS), check_eligibility(b, LABS))


def test_labs_column_mapping_gives_identical_results(tmp_path: Path) -> None:
    renamed, mapping = _renamed(LABS, tmp_path)
    a, b = read_labs(renamed, columns=mapping), read_labs(LABS)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(engraftment(a), engraftment(b))
    pd.testing.assert_frame_equal(check_eligibility(SCREENING, a), check_eligibility(SCREENING, b))


def test_a_labs_column_in_another_case_is_named_in_the_error() -> None:
    frame = pd.read_csv(LABS, dtype=str).rename(columns={"anc": "ANC"})
    message = (
        "<DataFrame>: missing required column anc "
        "(column 'ANC' looks like 'anc': map it with columns={'ANC': 'anc'})"
    )
    with pytest.raises(SchemaError, match=f"^{re.escape(message)}$"):
        read_labs(frame)
