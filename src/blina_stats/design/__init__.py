"""Sample size and power of the single-arm design; simulation of the trial.

Every significance level in this subpackage is **one-sided**.
"""

from ._result import DesignResult
from .bayes import posterior_probability, posterior_survival
from .binomial import exact_binomial, normal_approximation
from .dropout import evaluable, inflate_for_dropout
from .historical import conditional_null, fit_historical, historical_null
from .km_fixed_time import km_fixed_time
from .one_sample_logrank import one_sample_logrank
from .precision import ae_precision
from .predictive import PredictiveDesign, predictive_design, predictive_probability
from .review import ProtocolReview, review_protocol
from .scenario import (
    Analysis,
    CureMixture,
    Exponential,
    PiecewiseExponential,
    Scenario,
    Weibull,
)
from .simon import SimonDesign, SimonResult, simon_two_stage
from .simulate import SimulatedTrials, SimulationResult, default_scenario, sample_trials, simulate

__all__ = [
    "Analysis",
    "CureMixture",
    "DesignResult",
    "Exponential",
    "PiecewiseExponential",
    "PredictiveDesign",
    "ProtocolReview",
    "Scenario",
    "SimonDesign",
    "SimonResult",
    "SimulatedTrials",
    "SimulationResult",
    "Weibull",
    "ae_precision",
    "conditional_null",
    "default_scenario",
    "evaluable",
    "exact_binomial",
    "fit_historical",
    "historical_null",
    "inflate_for_dropout",
    "km_fixed_time",
    "normal_approximation",
    "one_sample_logrank",
    "posterior_probability",
    "posterior_survival",
    "predictive_design",
    "predictive_probability",
    "review_protocol",
    "sample_trials",
    "simon_two_stage",
    "simulate",
]
