"""Regression models: Cox, Fine-Gray, landmark and time-varying Cox."""

from ._summary import GlobalTestResult
from .cox import CoxResult, cox_regression
from .fine_gray import FineGrayResult, fine_gray
from .landmark import LandmarkResult, landmark_cox
from .time_varying import TimeVaryingCoxResult, counting_process, time_varying_cox

__all__ = [
    "CoxResult",
    "FineGrayResult",
    "GlobalTestResult",
    "LandmarkResult",
    "TimeVaryingCoxResult",
    "counting_process",
    "cox_regression",
    "fine_gray",
    "landmark_cox",
    "time_varying_cox",
]
