"""The bundled synthetic trial's files, shipped inside the package (``synthetic/bundled/``)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: name -> file of the bundled synthetic trial (nothing in them is real)
BUNDLED: dict[str, str] = {
    "trial": "trial.csv",
    "adverse_events": "adverse_events.csv",
    "dosing": "dosing.csv",
    "screening": "screening.csv",
    "labs": "labs.csv",
    "gvhd_episodes": "gvhd_episodes.csv",
    "controls": "controls.csv",
}


def bundled(name: str = "trial") -> Path:
    """Path of one bundled file of the synthetic trial.

    Parameters
    ----------
    name : {"trial", "adverse_events", "dosing", "screening", "labs", "gvhd_episodes", "controls"}
        The event table (68 patients), the adverse events, the blinatumomab
        dosing records, the screening log, the daily labs and the GVHD
        episodes (one row per episode or grade change); ``"controls"``: 400
        simulated registry patients without maintenance
        (:mod:`blina_stats.synthetic.controls`).

    Returns
    -------
    Path
        The file inside the installed package (a wheel or an editable install
        alike; the package is never zipped).

    Examples
    --------
    >>> import blina_stats as bs
    >>> bs.load_events(bs.synthetic.bundled("trial")).n_patients
    68
    """
    if name not in BUNDLED:
        raise ValueError(f"unknown bundled file {name!r}: expected one of {', '.join(BUNDLED)}")
    return Path(str(files(__package__).joinpath("bundled", BUNDLED[name])))
