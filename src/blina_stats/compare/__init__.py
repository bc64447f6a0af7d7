"""Comparing groups: log-rank (G-rho) tests of survival, Gray's test of cumulative incidence,
and :func:`compare_endpoint`, which picks the test for an endpoint of a cohort."""

from .endpoint import compare_endpoint
from .gray import GrayResult, gray_test
from .logrank import LogrankResult, logrank_test

__all__ = ["GrayResult", "LogrankResult", "compare_endpoint", "gray_test", "logrank_test"]
