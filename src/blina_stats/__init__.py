"""blina-stats: survival and competing-risks analysis of the blinatumomab maintenance trial.

Public names only; see the README for the tour.
"""

from importlib.metadata import PackageNotFoundError, version

from . import design
from .compare import GrayResult, LogrankResult, gray_test, logrank_test
from .estimators import (
    CumulativeIncidenceResult,
    KaplanMeierResult,
    Quantile,
    cumulative_incidence,
    kaplan_meier,
)

try:
    __version__ = version("blina-stats")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "CumulativeIncidenceResult",
    "GrayResult",
    "KaplanMeierResult",
    "LogrankResult",
    "Quantile",
    "__version__",
    "cumulative_incidence",
    "design",
    "gray_test",
    "kaplan_meier",
    "logrank_test",
]
