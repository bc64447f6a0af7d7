"""The trial report: ``blina-stats report`` and :func:`build_report`.

The report's builder (and with it matplotlib) is imported on first use, so
``import blina_stats`` (which exports :func:`~.docx.to_docx` and
:func:`~.latex.to_latex` from here) stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import ReportResult, build_report

__all__ = ["ReportResult", "build_report"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
