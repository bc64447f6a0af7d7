"""Reading, validating and holding the per-patient event table.

``readers`` (CSV, Parquet, Excel, SAS, DataFrame) -> ``schema`` (one validation,
clear messages) -> ``Cohort`` (immutable, days since transplant).
"""

from __future__ import annotations

from .cohort import Cohort, load_events
from .schema import SchemaError, ValidationWarning

__all__ = ["Cohort", "SchemaError", "ValidationWarning", "load_events"]
