"""Golden outputs of the safety tables on the bundled synthetic data (regression tests).

The files tests/golden/safety_*.csv were written by this module; after a deliberate
change, regenerate them with

    .venv/bin/python -m tests.test_safety_golden

and review the diff.  They pin the whole pipeline (reading, validation, windows,
exposure, monitoring) on data/synthetic/{trial,adverse_events,dosing}.csv; the
numbers themselves are checked against independent computations in the other
tests/test_safety_*.py files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats import safety

GOLDEN = Path(__file__).parent / "golden"


def _tables() -> dict[str, Callable[[], pd.DataFrame]]:
    cohort = bs.load_events(bs.synthetic.bundled("trial"))
    paths = {name: bs.synthetic.bundled(name) for name in ("adverse_events", "dosing")}
    ae = safety.read_adverse_events(paths["adverse_events"], cohort)
    ex = safety.exposure(paths["dosing"], cohort)
    rule = safety.monitoring_rule(0.30, n_max=68, outcome="grade >= 3 non-hematologic toxicity")
    return {
        "ae_term_transplant": lambda: safety.adverse_event_table(ae, cohort),
        "ae_term_first_dose": lambda: safety.adverse_event_table(ae, cohort, "first_dose"),
        "ae_soc_transplant": lambda: safety.adverse_event_table(ae, cohort, by="soc"),
        "ae_any_all": lambda: safety.adverse_event_table(ae, cohort, "all", by="any"),
        "ae_term_grade3_all": lambda: safety.adverse_event_table(ae, cohort, "all", 3),
        "ae_serious_all": lambda: safety.adverse_event_table(ae, cohort, "all", only="serious"),
        "ae_related_all": lambda: safety.adverse_event_table(ae, cohort, "all", only="related"),
        "worst_grade_transplant": lambda: safety.worst_grade_table(ae, cohort),
        "crs": lambda: safety.crs_table(ae, cohort),
        "icans": lambda: safety.icans_table(ae, cohort),
        "exposure_by_patient": lambda: ex.by_patient,
        "exposure_summary": lambda: ex.summary,
        "monitoring_boundary": rule.to_frame,
        "monitoring_oc": lambda: rule.operating_characteristics(
            [0.1, 0.2, 0.3, 0.4, 0.5], method="exact"
        ),
        "monitoring_toxicity": lambda: safety.monitor(rule, safety.toxicity_outcomes(ae, cohort)),
    }


def _write(name: str, table: pd.DataFrame, folder: Path) -> Path:
    return safety.to_csv(table, folder / f"safety_{name}.csv")


@pytest.mark.parametrize("name", sorted(_tables()))
def test_golden(name: str, tmp_path: Path) -> None:
    new = _write(name, _tables()[name](), tmp_path)
    assert new.read_text() == (GOLDEN / new.name).read_text()


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name, make in _tables().items():
        print(f"wrote {_write(name, make(), GOLDEN)}")


if __name__ == "__main__":  # pragma: no cover
    main()
