"""Regression models: Cox (and its proportional-hazards test), Fine-Gray, landmark and
time-varying Cox."""

from ._summary import GlobalTestResult
from .cox import CoxResult, cox_regression
from .fine_gray import FineGrayResult, fine_gray
from .landmark import LandmarkResult, landmark_cox
from .time_varying import TimeVaryingCoxResult, counting_process, time_varying_cox
from .zph import ProportionalHazardsTest, cox_zph

__all__ = [
    "CoxResult",
    "FineGrayResult",
    "GlobalTestResult",
    "LandmarkResult",
    "ProportionalHazardsTest",
    "TimeVaryingCoxResult",
    "counting_process",
    "cox_regression",
    "cox_zph",
    "fine_gray",
    "landmark_cox",
    "time_varying_cox",
]
