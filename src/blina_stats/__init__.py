"""blina-stats: survival and competing-risks analysis of the blinatumomab maintenance trial.

Public names only; see the README for the tour.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import design, eligibility, external, safety, synthetic
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

#: Each public name and the subpackage it comes from: imported on first use
#: (PEP 562), so ``import blina_stats`` loads neither pandas, SciPy nor
#: matplotlib, and a script pays only for what it calls.
_LAZY = {
    "GrayResult": "compare",
    "LogrankResult": "compare",
    "compare_endpoint": "compare",
    "gray_test": "compare",
    "logrank_test": "compare",
    "Cohort": "data",
    "SchemaError": "data",
    "ValidationWarning": "data",
    "load_events": "data",
    "ConsortFlow": "eligibility",
    "EngraftmentIncidence": "eligibility",
    "check_eligibility": "eligibility",
    "consort_flow": "eligibility",
    "engraftment": "eligibility",
    "engraftment_incidence": "eligibility",
    "ENDPOINTS": "endpoints",
    "EndpointData": "endpoints",
    "NotEstimable": "endpoints",
    "estimate": "endpoints",
    "InputError": "errors",
    "CumulativeIncidenceResult": "estimators",
    "KaplanMeierResult": "estimators",
    "Quantile": "estimators",
    "cumulative_incidence": "estimators",
    "kaplan_meier": "estimators",
    "CoxResult": "models",
    "FineGrayResult": "models",
    "cox_regression": "models",
    "cox_zph": "models",
    "fine_gray": "models",
    "ExposureResult": "safety",
    "MonitoringRule": "safety",
    "Protocol": "safety",
    "adverse_event_table": "safety",
    "exposure": "safety",
    "monitor": "safety",
    "monitoring_rule": "safety",
    "operating_characteristics": "safety",
    "to_docx": "report.docx",
    "to_latex": "report.latex",
}
_SUBPACKAGES = ("design", "eligibility", "external", "safety", "synthetic")


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value: Any = version("blina-stats")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            value = "0+unknown"
    elif name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
    "external",
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
