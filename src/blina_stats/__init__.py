"""blina-stats: survival and competing-risks analysis of the blinatumomab maintenance trial.

Public names only; see the README for the tour.
"""

from importlib.metadata import PackageNotFoundError, version

from . import design, synthetic
from .compare import GrayResult, LogrankResult, gray_test, logrank_test
from .data import Cohort, SchemaError, ValidationWarning, load_events
from .endpoints import ENDPOINTS, EndpointData, NotEstimable, estimate
from .errors import InputError
from .estimators import (
    CumulativeIncidenceResult,
    KaplanMeierResult,
    Quantile,
    cumulative_incidence,
    kaplan_meier,
)
from .models import CoxResult, FineGrayResult, cox_regression, fine_gray

try:
    __version__ = version("blina-stats")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "ENDPOINTS",
    "Cohort",
    "CoxResult",
    "CumulativeIncidenceResult",
    "EndpointData",
    "FineGrayResult",
    "GrayResult",
    "InputError",
    "KaplanMeierResult",
    "LogrankResult",
    "NotEstimable",
    "Quantile",
    "SchemaError",
    "ValidationWarning",
    "__version__",
    "cox_regression",
    "cumulative_incidence",
    "design",
    "estimate",
    "fine_gray",
    "gray_test",
    "kaplan_meier",
    "load_events",
    "logrank_test",
    "synthetic",
]
