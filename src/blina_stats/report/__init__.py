"""The trial report: ``blina-stats report`` and :func:`build_report`."""

from .build import ReportResult, build_report

__all__ = ["ReportResult", "build_report"]
