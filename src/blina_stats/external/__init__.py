"""External control comparison: the single arm against landmark-aligned, weighted registry patients.

:func:`propensity_weights` fits the propensity model and weighs the patients
(ATT, ATE, overlap) with its balance diagnostics; :func:`external_control`
aligns the controls at a landmark, weighs them, and compares every endpoint
(difference at the horizon with a bootstrap interval, restricted means,
weighted hazard ratio and its E-value).  :func:`weighted_curves` and
:func:`weighted_hazard_ratio` are the weighted estimators they use.
"""

from .comparison import DEFAULT_ENDPOINTS, ExternalComparison, external_control
from .cox import WeightedHazardRatio, e_value, weighted_hazard_ratio
from .landmark import LANDMARKS, MIN_CONTROLS, Aligned, align
from .propensity import (
    ESTIMANDS,
    BalanceWarning,
    PropensityWeights,
    arm_weights,
    propensity_weights,
)
from .weighted import WeightedCurves, weighted_curves

__all__ = [
    "DEFAULT_ENDPOINTS",
    "ESTIMANDS",
    "LANDMARKS",
    "MIN_CONTROLS",
    "Aligned",
    "BalanceWarning",
    "ExternalComparison",
    "PropensityWeights",
    "WeightedCurves",
    "WeightedHazardRatio",
    "align",
    "arm_weights",
    "e_value",
    "external_control",
    "propensity_weights",
    "weighted_curves",
    "weighted_hazard_ratio",
]
