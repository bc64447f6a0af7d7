"""Reading, validating and holding the per-patient event table.

``readers`` (CSV, Parquet, Excel, SAS, DataFrame) -> ``schema`` (one validation,
clear messages) -> ``Cohort`` (immutable, days since transplant).  ``_cells``
(the problem collector and cell parsers) and ``_dates`` (the one date rule)
are the toolkit every input table is validated with, here and in
:mod:`blina_stats.safety` and :mod:`blina_stats.eligibility`.
"""

from __future__ import annotations

from .cohort import Cohort, load_events
from .schema import SchemaError, ValidationWarning

__all__ = ["Cohort", "SchemaError", "ValidationWarning", "load_events"]
