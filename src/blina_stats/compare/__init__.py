"""Comparing groups: log-rank (G-rho) tests of survival, Gray's test of cumulative incidence."""

from .gray import GrayResult, gray_test
from .logrank import LogrankResult, logrank_test

__all__ = ["GrayResult", "LogrankResult", "gray_test", "logrank_test"]
