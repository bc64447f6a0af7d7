"""Every endpoint at its horizon, one row each, and the JSON contract other tools read.

:func:`estimate` is ``summary_table(derive_all(cohort, ...))``: a caller that
holds :func:`~blina_stats.endpoints.derive_all`'s dictionary gets the same
table from :func:`summary_table` without deriving again.  :func:`to_json`
writes the contract of ``blina-stats estimate --json`` and of the report::

    {"n_patients": int,
     "endpoints": {NAME: {"horizon_days", "estimate", "ci_lower", "ci_upper", "se",
                          "n_at_risk", "n_events", "method", ...}},
     ...}

with, in addition, per endpoint ``label``, ``horizon_label`` (the horizon in
words from its origin: ``"day +100 after transplant"``, ``"100 days after the
first dose"``; :func:`~blina_stats.endpoints.labels.horizon_label`),
``time_origin`` (``"from transplant, entry at the first dose (conditional on
being alive and event-free then)"``, ``"from the first dose"``), ``n_used``, ``n_excluded``,
``excluded`` (reason -> patients), ``estimable`` and ``reason`` (why an
endpoint is not estimable, why its figure is missing, or why its horizon says
nothing: before any patient entered, no patient at risk), and at the top
``source``, ``origin``, ``delayed_entry``, ``gvhd_entry``, ``gvhd_competing``,
``conf_type``, ``conf_level``, ``cutoff`` (the data cut-off, ``YYYY-MM-DD``, or null),
``cutoff_changes`` (kind of change -> patients), ``relapse_definition``,
``intercurrent`` (event -> strategy, every event), ``assessment_gap``,
``pfs_censoring`` (the rule, in words), per endpoint ``recoded`` (change ->
patients: :mod:`blina_stats.endpoints.intercurrent`), and ``warnings`` (every
validation warning, one string each).
Missing figures are ``null``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import HorizonWarning
from .definitions import lookup
from .derive import EndpointData, NotEstimable, derive_all
from .intercurrent import censoring_rule, check_options
from .labels import horizon_label, origin_label, origin_words

if TYPE_CHECKING:
    from ..data.cohort import Cohort

#: the interval of the command line's and the report's estimates
CONF_LEVEL = 0.95
CONF_TYPE = "log-log"

#: the columns of :func:`estimate`, in order
ESTIMATE_COLUMNS = (
    "label",
    "method",
    "horizon_days",
    "horizon_label",
    "time_origin",
    "estimate",
    "ci_lower",
    "ci_upper",
    "se",
    "n_at_risk",
    "n_events",
    "n_used",
    "n_excluded",
    "excluded",
    "estimable",
    "reason",
    "recoded",
)


def estimate(
    cohort: Cohort,
    horizons: Mapping[str, float] | None = None,
    *,
    endpoints: tuple[str, ...] | None = None,
    origin: str = "transplant",
    gvhd_competing: str = "relapse_or_death",
    delayed_entry: bool = True,
    conf_type: str = "log-log",
    conf_level: float = 0.95,
    intercurrent: Mapping[str, str] | None = None,
    relapse_definition: str = "hematologic",
    assessment_gap: float | None = None,
    gvhd_entry: str = "transplant",
) -> pd.DataFrame:
    """Every endpoint of the protocol at its horizon, one row each.

    Parameters
    ----------
    cohort : Cohort
        A validated cohort.
    horizons : mapping, optional
        Endpoint name -> horizon in days from the origin, overriding the defaults.
    endpoints : tuple of str, optional
        The endpoints to report; all of `ENDPOINTS` by default.
    origin, gvhd_competing, delayed_entry, conf_type, conf_level, gvhd_entry
        As in :func:`~blina_stats.endpoints.derive`.
    intercurrent, relapse_definition, assessment_gap
        The estimand controls of :func:`~blina_stats.endpoints.derive`
        (:mod:`blina_stats.endpoints.intercurrent`).

    Warns
    -----
    HorizonWarning
        As :func:`summary_table`.

    Returns
    -------
    DataFrame
        Indexed by endpoint name, with columns `ESTIMATE_COLUMNS`: ``estimate``
        is a survival probability for Kaplan-Meier endpoints and a cumulative
        incidence for Aalen-Johansen ones; ``n_events`` counts events at or
        before the horizon; ``excluded`` maps reason -> patients.  An endpoint
        the table cannot support has ``estimable`` False, NaN figures and the
        ``reason``.  A horizon before any patient entered or with no patient at
        risk (beyond all follow-up: NaN) warns (:class:`~blina_stats.errors.HorizonWarning`)
        and its ``reason`` says so (``"horizon 2 days for pfs: before any patient
        entered (first entry at day 60); horizons are in days"``).

    Examples
    --------
    >>> import blina_stats as bs
    >>> cohort = bs.load_events(bs.synthetic.bundled("trial"))
    >>> table = bs.estimate(cohort)
    >>> table.loc["os", "method"]
    'Kaplan-Meier'
    """
    derived = derive_all(
        cohort,
        endpoints,
        horizons,
        origin=origin,
        gvhd_competing=gvhd_competing,
        delayed_entry=delayed_entry,
        conf_type=conf_type,
        conf_level=conf_level,
        intercurrent=intercurrent,
        relapse_definition=relapse_definition,
        assessment_gap=assessment_gap,
        gvhd_entry=gvhd_entry,
    )
    return summary_table(derived)


def summary_table(derived: Mapping[str, EndpointData | NotEstimable]) -> pd.DataFrame:
    """The table of :func:`estimate` from endpoints already derived.

    Parameters
    ----------
    derived : mapping
        Endpoint name -> EndpointData or NotEstimable, as
        :func:`~blina_stats.endpoints.derive_all` returns.
        Each row's ``horizon_label`` and ``time_origin`` follow the
        endpoint's own origin (a not-estimable one: ``"from transplant"``,
        ``"from the first dose"``, with no entry condition).

    Returns
    -------
    DataFrame
        As :func:`estimate`, one row per entry of `derived`, in its order.

    Warns
    -----
    HorizonWarning
        For each endpoint whose horizon is before any patient entered or has
        no patient at risk (its ``reason`` says the same).
    """
    rows = {}
    for name, data in derived.items():
        if isinstance(data, EndpointData) and data.note:
            warnings.warn(data.note, HorizonWarning, stacklevel=2)
        ep = lookup(name)
        row: dict[str, Any] = dict.fromkeys(ESTIMATE_COLUMNS, np.nan)
        row.update(label=ep.label, method=ep.kind)
        if isinstance(data, NotEstimable):
            row.update(
                horizon_days=data.horizon,
                horizon_label=horizon_label(data.horizon, data.origin),
                time_origin=f"from {origin_words(data.origin)}",
                n_used=0,
                n_excluded=data.n_patients,
                excluded={},
                estimable=False,
                reason=data.reason,
                recoded={},
            )
            rows[name] = row
            continue
        h = data.at_horizon()
        row.update(
            horizon_days=data.horizon,
            horizon_label=horizon_label(data.horizon, data.origin),
            time_origin=origin_label(data.origin, data.entry is not None),
        )
        row.update({k: h[k] for k in ("estimate", "ci_lower", "ci_upper", "se")})
        row.update(
            n_at_risk=int(h["n_at_risk"]),
            n_events=int(h["n_events"]),
            n_used=data.n_used,
            n_excluded=data.n_excluded,
            excluded=data.excluded,
            estimable=True,
            reason="; ".join(n for n in (data.note, *data.notes) if n),
            recoded=dict(data.recoded),
        )
        rows[name] = row
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(ESTIMATE_COLUMNS))
    out.index.name = "endpoint"
    return out.astype({"n_used": np.int64, "n_excluded": np.int64, "estimable": bool})


def to_json(cohort: Cohort, table: pd.DataFrame, options: dict[str, Any]) -> dict[str, Any]:
    """The JSON contract as a dict (NaN as None).

    Parameters
    ----------
    cohort : Cohort
        The cohort estimated (size, source, warnings).
    table : DataFrame
        :func:`estimate`'s table.
    options : dict
        ``origin``, ``delayed_entry``, ``gvhd_competing``: written at the top.

    Returns
    -------
    dict
        The contract described in the module docstring; ``conf_type`` and
        ``conf_level`` are `CONF_TYPE` and `CONF_LEVEL`.
    """

    def num(v: Any) -> float | None:
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    def count(v: Any) -> int | None:
        f = num(v)
        return None if f is None else int(f)

    endpoints = {}
    for name, row in table.iterrows():
        endpoints[str(name)] = {
            "horizon_days": float(row["horizon_days"]),
            "estimate": num(row["estimate"]),
            "ci_lower": num(row["ci_lower"]),
            "ci_upper": num(row["ci_upper"]),
            "se": num(row["se"]),
            "n_at_risk": count(row["n_at_risk"]),
            "n_events": count(row["n_events"]),
            "method": str(row["method"]),
            "label": str(row["label"]),
            "horizon_label": str(row["horizon_label"]),
            "time_origin": str(row["time_origin"]),
            "n_used": int(row["n_used"]),
            "n_excluded": int(row["n_excluded"]),
            "excluded": dict(row["excluded"]),
            "estimable": bool(row["estimable"]),
            "reason": str(row["reason"]),
            "recoded": dict(row["recoded"]),
        }
    return {
        "n_patients": cohort.n_patients,
        "source": cohort.source,
        # the estimand options are written with the estimand fields, whoever passed them
        **{k: v for k, v in options.items() if k not in ("intercurrent", "relapse_definition")},
        "conf_type": CONF_TYPE,
        "conf_level": CONF_LEVEL,
        **estimand_json(cohort, options),
        "warnings": [str(w) for w in cohort.warnings],
        "endpoints": endpoints,
    }


def estimand_json(cohort: Cohort, options: Mapping[str, Any]) -> dict[str, Any]:
    """The estimand fields of the contract: data cut-off, relapse definition, intercurrent
    strategies (every event, defaults filled) and the PFS censoring rule, in words."""
    strategies = check_options(
        cohort.present,
        options.get("intercurrent"),
        options.get("relapse_definition", "hematologic"),
        options.get("assessment_gap"),
    )
    return {
        "cutoff": cohort.cutoff,
        "cutoff_changes": dict(cohort.cutoff_changes),
        "relapse_definition": options.get("relapse_definition", "hematologic"),
        "intercurrent": strategies,
        "assessment_gap": options.get("assessment_gap"),
        "pfs_censoring": censoring_rule("last_assessment" in cohort.present, options),
    }
