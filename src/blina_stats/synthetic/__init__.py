"""The synthetic trial: simulated patients, adverse events, dosing, screening and labs.

``trial`` simulates event tables (with their GVHD episodes, ``gvhd``) and the
values their estimates converge to;
``safety`` the adverse events and dosing records of an event table;
``screening`` the screening log and daily labs.  :func:`bundled` opens the
files made from them with fixed seeds and shipped with the package (each
``bundled/README*.md`` gives the command that reproduces its file byte for byte).
"""

from __future__ import annotations

from .paths import BUNDLED, bundled
from .trial import (
    BUNDLED_SEED,
    ENROLLMENT_WINDOW,
    simulate_both,
    simulate_gvhd_episodes,
    simulate_trial,
    true_values,
)

__all__ = [
    "BUNDLED",
    "BUNDLED_SEED",
    "ENROLLMENT_WINDOW",
    "bundled",
    "simulate_both",
    "simulate_gvhd_episodes",
    "simulate_trial",
    "true_values",
]
