"""blina-stats: survival and competing-risks analysis of the blinatumomab maintenance trial.

Public names only; see the README for the tour.
"""

from importlib.metadata import PackageNotFoundError, version

from . import design, eligibility, safety, synthetic
from .compare import GrayResult, LogrankResult, compare_endpoint, gray_test, logrank_test
from .data import Cohort, SchemaError, ValidationWarning, load_events
from .eligibility import (
    ConsortFlow,
    EngraftmentIncidence,
    check_eligibility,
    consort_flow,
    engraftment,
    engraftment_incidence,
)
from .endpoints import ENDPOINTS, EndpointData, NotEstimable, estimate
from .errors import InputError
from .estimators import (
    CumulativeIncidenceResult,
    KaplanMeierResult,
    Quantile,
    cumulative_incidence,
    kaplan_meier,
)
from .models import CoxResult, FineGrayResult, cox_regression, cox_zph, fine_gray
from .report.docx import to_docx
from .report.latex import to_latex
from .safety import (
    ExposureResult,
    MonitoringRule,
    Protocol,
    adverse_event_table,
    exposure,
    monitor,
    monitoring_rule,
    operating_characteristics,
)

try:
    __version__ = version("blina-stats")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "ENDPOINTS",
    "Cohort",
    "ConsortFlow",
    "CoxResult",
    "CumulativeIncidenceResult",
    "EndpointData",
    "EngraftmentIncidence",
    "ExposureResult",
    "FineGrayResult",
    "GrayResult",
    "InputError",
    "KaplanMeierResult",
    "LogrankResult",
    "MonitoringRule",
    "NotEstimable",
    "Protocol",
    "Quantile",
    "SchemaError",
    "ValidationWarning",
    "__version__",
    "adverse_event_table",
    "check_eligibility",
    "compare_endpoint",
    "consort_flow",
    "cox_regression",
    "cox_zph",
    "cumulative_incidence",
    "design",
    "eligibility",
    "engraftment",
    "engraftment_incidence",
    "estimate",
    "exposure",
    "fine_gray",
    "gray_test",
    "kaplan_meier",
    "load_events",
    "logrank_test",
    "monitor",
    "monitoring_rule",
    "operating_characteristics",
    "safety",
    "synthetic",
    "to_docx",
    "to_latex",
]
