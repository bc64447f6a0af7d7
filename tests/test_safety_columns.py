"""Columns of the adverse-event and dosing tables: absent flags, look-alike names, mapping.

Issue 12 item 4: ``sed '1s/related/Related/;1s/serious/SAE/'`` on the bundled
adverse-event file emptied the serious and treatment-related tables without a
word.  Now each says it is not available and why, ``Related`` is warned about,
and mapping the columns back gives the tables of the original file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats import safety
from blina_stats.data import SchemaError
from blina_stats.safety import NotAvailable

from .safety_fixtures import adverse_events, cohort, dosing

BUNDLED_AE = bs.synthetic.bundled("adverse_events")


def _trial() -> bs.Cohort:
    return bs.load_events(bs.synthetic.bundled("trial"))


def _sed_renamed(tmp_path: Path) -> Path:
    """The bundled file after ``sed '1s/related/Related/;1s/serious/SAE/'``."""
    lines = BUNDLED_AE.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace("related", "Related", 1).replace("serious", "SAE", 1)
    path = tmp_path / "adverse_events.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("only", "wording"), [("serious", "serious only"), ("related", "treatment-related only")]
)
def test_renamed_flag_columns_make_tables_not_available(
    tmp_path: Path, only: str, wording: str
) -> None:
    cohort_ = _trial()
    ae = safety.read_adverse_events(_sed_renamed(tmp_path), cohort_)
    assert ae.present == frozenset()
    table = safety.adverse_event_table(ae, cohort_, only=only)  # type: ignore[arg-type]
    assert table.empty
    assert list(table.columns) == ["term", *safety.adverse_events.TABLE_COLUMNS]
    assert table.attrs["caption"].endswith(f"not available: no `{only}` column")
    assert wording in table.attrs["caption"]
    assert table.attrs["not_available"] == NotAvailable(
        "missing_column", only, f"no `{only}` column"
    )
    assert safety.to_markdown(table).startswith(
        f"*Non-hematologic adverse events, any grade, {wording}"
    )


def test_a_case_lookalike_is_warned_about_and_another_name_is_not(tmp_path: Path) -> None:
    ae = safety.read_adverse_events(_sed_renamed(tmp_path), _trial())
    assert [str(w) for w in ae.warnings] == [
        "adverse_events.csv: column 'Related' looks like 'related': "
        "map it with columns={'Related': 'related'}"
    ]
    assert ae.warnings[0].column == "related" and ae.warnings[0].patient is None


def test_the_bundled_file_has_both_flags_and_no_warning() -> None:
    cohort_ = _trial()
    ae = safety.read_adverse_events(BUNDLED_AE, cohort_)
    assert ae.present == {"serious", "related"} and ae.warnings == ()
    for only in ("serious", "related"):
        table = safety.adverse_event_table(ae, cohort_, only=only)  # type: ignore[arg-type]
        assert table.attrs["not_available"] is None and len(table) > 0


def test_mapping_the_renamed_flags_back_gives_the_original_tables(tmp_path: Path) -> None:
    cohort_ = _trial()
    original = safety.read_adverse_events(BUNDLED_AE, cohort_)
    mapped = safety.read_adverse_events(
        _sed_renamed(tmp_path), cohort_, columns={"Related": "related", "SAE": "serious"}
    )
    assert mapped.warnings == () and mapped.present == original.present
    pd.testing.assert_frame_equal(mapped.frame, original.frame)
    for only in ("serious", "related"):
        for window in safety.adverse_events.WINDOWS:
            a = safety.adverse_event_table(mapped, cohort_, window, only=only)  # type: ignore[arg-type]
            b = safety.adverse_event_table(original, cohort_, window, only=only)  # type: ignore[arg-type]
            pd.testing.assert_frame_equal(a, b)
            assert a.attrs == b.attrs


def test_a_flag_empty_in_every_row_is_not_recorded() -> None:
    frame = adverse_events().assign(serious="")
    table = safety.adverse_event_table(frame, cohort(), "all", only="serious")
    assert table.empty
    assert table.attrs["caption"].endswith("not available: `serious` is empty in every row")
    assert table.attrs["not_available"].code == "not_recorded"


def test_flags_not_recorded_are_counted_in_the_caption() -> None:
    frame = adverse_events()
    frame.loc[0, "related"] = ""  # P1 Pyrexia, day 72: in the window, no longer related
    frame.loc[4, "related"] = ""  # P2 Pyrexia, day 85
    table = safety.adverse_event_table(frame, cohort(), "all", only="related")
    # related and counted: P1 CRS (day 71), P4 ICANS (day 93)
    assert table["term"].tolist() == [
        "Cytokine release syndrome",
        "Immune effector cell-associated neurotoxicity syndrome",
    ]
    assert "; 2 events with related not recorded counted as no;" in table.attrs["caption"]
    assert table.attrs["not_available"] is None


def test_a_required_column_in_another_case_is_named_in_the_error() -> None:
    frame = adverse_events().rename(columns={"grade": "Grade"})
    message = (
        "<DataFrame>: missing required column grade "
        "(column 'Grade' looks like 'grade': map it with columns={'Grade': 'grade'})"
    )
    with pytest.raises(SchemaError, match=re.escape(message)):
        safety.read_adverse_events(frame, cohort())
    frame = adverse_events().rename(columns={"onset_day": "Onset_Day"})
    with pytest.raises(SchemaError, match=re.escape("(column 'Onset_Day' looks like 'onset_day'")):
        safety.read_adverse_events(frame, cohort())


def test_dosing_warns_of_a_lookalike_optional_column() -> None:
    frame = dosing().rename(columns={"dexamethasone": "Dexamethasone"})
    records = safety.read_dosing(frame, cohort())
    assert records.present == frozenset()
    assert [str(w) for w in records.warnings] == [
        "<DataFrame>: column 'Dexamethasone' looks like 'dexamethasone': "
        "map it with columns={'Dexamethasone': 'dexamethasone'}"
    ]
    mapped = safety.read_dosing(frame, cohort(), columns={"Dexamethasone": "dexamethasone"})
    assert mapped.present == {"dexamethasone"} and mapped.warnings == ()


def _upper(path: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The file with every column renamed (``AE_TERM`` for ``term``), and the mapping back."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    mapping = {f"X_{c.upper()}": c for c in frame.columns}
    out = tmp_path / f"renamed_{path.name}"
    frame.rename(columns={v: k for k, v in mapping.items()}).to_csv(out, index=False)
    return out, mapping


def test_adverse_events_column_mapping_gives_identical_results(tmp_path: Path) -> None:
    cohort_ = _trial()
    renamed, mapping = _upper(BUNDLED_AE, tmp_path)
    a = safety.read_adverse_events(renamed, cohort_, columns=mapping)
    b = safety.read_adverse_events(BUNDLED_AE, cohort_)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.present == b.present
    for by in ("term", "soc", "any"):
        pd.testing.assert_frame_equal(
            safety.adverse_event_table(a, cohort_, by=by),  # type: ignore[arg-type]
            safety.adverse_event_table(b, cohort_, by=by),  # type: ignore[arg-type]
        )
    pd.testing.assert_frame_equal(
        safety.worst_grade_table(a, cohort_), safety.worst_grade_table(b, cohort_)
    )


def test_dosing_column_mapping_gives_identical_results(tmp_path: Path) -> None:
    cohort_ = _trial()
    original = bs.synthetic.bundled("dosing")
    renamed, mapping = _upper(original, tmp_path)
    a = safety.read_dosing(renamed, cohort_, columns=mapping)
    b = safety.read_dosing(original, cohort_)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(
        safety.exposure(a, cohort_).by_patient, safety.exposure(b, cohort_).by_patient
    )


def test_the_report_part_shows_why_and_warns(tmp_path: Path) -> None:
    from blina_stats.report.context import Context, Inputs
    from blina_stats.report.parts import adverse_events as part

    inputs = Inputs.resolve(bs.synthetic.bundled("trial"), ae=_sed_renamed(tmp_path))
    built = part.build(Context.load(inputs, quiet=True))
    captions = {name: text for text, _, name in built.tables}
    assert captions["ae_serious"].endswith("not available: no `serious` column")
    assert captions["ae_related"].endswith("not available: no `related` column")
    assert built.notes[-1] == (
        "Warning: adverse_events.csv: column 'Related' looks like 'related': "
        "map it with columns={'Related': 'related'}"
    )
