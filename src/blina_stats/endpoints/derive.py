"""An endpoint derived from a cohort: time, status, entry and exclusions, and its estimate.

:func:`derive` turns one endpoint of :data:`~blina_stats.endpoints.ENDPOINTS`
into the arrays its estimator takes (applying the rules of
:mod:`blina_stats.endpoints.definitions`, then delayed entry at enrollment);
:func:`derive_all` derives every endpoint once, for the tables, figures and
tests that read them.  An endpoint the table cannot support raises (or, in
:func:`derive_all`, gives) a :class:`NotEstimable` carrying its reason as data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..data.cohort import table_of
from ..errors import InputError
from ..estimators import (
    CumulativeIncidenceResult,
    KaplanMeierResult,
    cumulative_incidence,
    kaplan_meier,
)
from .definitions import (
    ENDPOINTS,
    GVHD_COMPETING,
    KAPLAN_MEIER,
    ORIGINS,
    RULE_FIELDS,
    lookup,
)
from .endpoint_data import EndpointData, Exclusions
from .gvhd import episodes_hint, from_transplant, gvhd_days, timing_notes
from .horizon import horizon_problem
from .intercurrent import check_options, recode, relapse_days
from .not_estimable import NotEstimable
from .outcome import outcome_codes, text_field

if TYPE_CHECKING:
    from ..data.cohort import Cohort

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: while :func:`derive_all` runs: its cohort, and the rule fields read from it (per relapse
#: definition), so that each endpoint's :func:`derive` reads them once, not once per endpoint
_SHARED: ContextVar[tuple[Cohort, dict[str, dict[str, Any]]] | None] = ContextVar(
    "_SHARED", default=None
)


#: Reasons found at enrollment, after the endpoint's own rules (in this order).
_AT_ENROLLMENT = (
    "enrollment missing",
    "event on or before enrollment",
    "competing event on or before enrollment",
    "no follow-up after enrollment",
)


def missing_fields(name: str, present: frozenset[str], origin: str, gvhd_competing: str) -> str:
    """Why the table cannot support an endpoint ('' when it can)."""
    ep = lookup(name)
    needs = list(ep.needs)
    needs += [o.day.removesuffix("_day") for o in ep.competing_events(gvhd_competing)]
    if (ep.fixed_origin or origin) == "enrollment":
        needs.append("enrollment")
    absent = [f for f in dict.fromkeys(needs) if f not in present]
    if not absent:
        return ""
    cols = [f if f in ("agvhd_grade", "cgvhd_severity") else f"{f}_date/{f}_day" for f in absent]
    return "no " + ", ".join(cols) + " column" + episodes_hint(cols)


def derive(
    cohort: Cohort,
    name: str,
    *,
    origin: str = "transplant",
    horizon: float | None = None,
    gvhd_competing: str = "relapse_or_death",
    delayed_entry: bool = True,
    conf_type: str = "log-log",
    conf_level: float = 0.95,
    intercurrent: Mapping[str, str] | None = None,
    relapse_definition: str = "hematologic",
    assessment_gap: float | None = None,
    gvhd_entry: str = "transplant",
) -> EndpointData:
    """Derive an endpoint's time, status and entry from a cohort and estimate it.

    Parameters
    ----------
    cohort : Cohort
        A validated cohort (see :func:`blina_stats.load_events`).
    name : str
        A key of `ENDPOINTS`.
    origin : {"transplant", "enrollment"}
        Day 0 of the time scale.
    horizon : float, optional
        Days from the origin to report at; the endpoint's default otherwise.
    gvhd_competing : {"relapse_or_death", "death"}
        Competing events of the GVHD endpoints.
    delayed_entry : bool
        With ``origin="transplant"``, enter patients at enrollment when the
        table has it (default).  False starts everyone at transplant: immortal
        time before the first dose then counts, for sensitivity analyses only.
    conf_type, conf_level
        Passed to the estimator.
    intercurrent, relapse_definition, assessment_gap
        Estimand controls (:mod:`blina_stats.endpoints.intercurrent`): event
        -> ``"treatment_policy"``/``"censor"``/``"composite"``; ``"hematologic"``
        or ``"hematologic_or_mrd"``; days after the last assessment beyond
        which a death is censored at it.
    gvhd_entry : {"transplant", "enrollment"}
        With ``origin="transplant"``, the four GVHD endpoints count from the transplant
        without delayed entry (default, as registries report) or enter at the first dose
        (conditional on being GVHD-free then: the sensitivity analysis).

    Returns
    -------
    EndpointData

    Raises
    ------
    NotEstimable
        The table lacks a needed column (``code="missing_column"``), or no
        patient is left (``code="no_patient_left"``).

    Notes
    -----
    A horizon before any patient entered or with no patient at risk (beyond
    all follow-up) gives an estimate of 1 (or 0) with 0 at risk, or NaN:
    usually a horizon in years typed for days.  ``EndpointData.note`` says
    so, and :func:`~blina_stats.endpoints.estimate` warns with it
    (:class:`~blina_stats.errors.HorizonWarning`); deriving alone does not
    warn, since tables that only count patients (CONSORT) derive too.
    """
    held = _SHARED.get()
    return _derive(
        cohort,
        name,
        held[1] if held is not None and held[0] is cohort else {},
        origin=origin,
        horizon=horizon,
        gvhd_competing=gvhd_competing,
        delayed_entry=delayed_entry,
        conf_type=conf_type,
        conf_level=conf_level,
        intercurrent=intercurrent,
        relapse_definition=relapse_definition,
        assessment_gap=assessment_gap,
        gvhd_entry=gvhd_entry,
    )


def _derive(
    cohort: Cohort,
    name: str,
    shared: dict[str, dict[str, Any]],
    *,
    origin: str = "transplant",
    horizon: float | None = None,
    gvhd_competing: str = "relapse_or_death",
    delayed_entry: bool = True,
    conf_type: str = "log-log",
    conf_level: float = 0.95,
    intercurrent: Mapping[str, str] | None = None,
    relapse_definition: str = "hematologic",
    assessment_gap: float | None = None,
    gvhd_entry: str = "transplant",
) -> EndpointData:
    """:func:`derive`, with the rule fields shared between endpoints (`shared`: per relapse
    definition, filled on first use)."""
    ep = lookup(name)
    if origin not in ORIGINS:
        raise InputError(f"origin must be one of {ORIGINS}, got {origin!r}")
    if gvhd_competing not in GVHD_COMPETING:
        raise InputError(f"gvhd_competing must be one of {GVHD_COMPETING}, got {gvhd_competing!r}")
    hz = ep.horizon if horizon is None else float(horizon)
    origin = ep.fixed_origin or origin
    delayed_entry &= not from_transplant(ep.competing_rule == "gvhd", gvhd_entry)
    if not np.isfinite(hz) or hz <= 0:
        raise InputError(
            f"the horizon of {name!r} must be a positive number of days, got {horizon!r}"
        )
    strategies = check_options(cohort.present, intercurrent, relapse_definition, assessment_gap)
    why = missing_fields(name, cohort.present, origin, gvhd_competing)
    if why:
        raise NotEstimable(
            cohort.source, name, "missing_column", why, hz, cohort.n_patients, origin
        )
    frame = table_of(cohort)  # read only: no copy of the table per endpoint
    days = shared.get(relapse_definition)
    if days is None:
        days = shared[relapse_definition] = rule_days(frame, relapse_definition)
    # exclusion reasons as codes into `texts`: text only for the excluded patients
    time, status, code = outcome_codes(days, ep, gvhd_competing=gvhd_competing)
    texts = ["", *(rule.reason for rule in ep.exclusions), *_AT_ENROLLMENT]
    late = len(ep.exclusions) + 1  # the code of the first reason of _AT_ENROLLMENT
    time, status, recoded = recode(
        ep, time, status, frame, cohort.present, days["relapse_day"], strategies, assessment_gap
    )
    use_enrollment = origin == "enrollment" or (delayed_entry and "enrollment" in cohort.present)
    entry: FloatArray | None = None
    if use_enrollment:
        enr = frame["enrollment_day"].to_numpy(dtype=np.float64)
        code[(code == 0) & np.isnan(enr)] = late  # enrollment missing
        early = (code == 0) & (time <= enr)
        for k, kind in ((1, 1), (2, 2), (3, 0)):  # event, competing event, no follow-up
            code[early & (status == kind)] = late + k
        if origin == "enrollment":
            time = time - enr
        else:
            entry = enr
    used = code == 0
    ids = frame["patient_id"].to_numpy(dtype=object)
    # patients the cohort left out (enrolled after the data cut-off) are this endpoint's too
    n_all = len(ids) + len(cohort.excluded)
    if not used.any():
        raise NotEstimable(
            cohort.source, name, "no_patient_left", "no patient left", hz, n_all, origin
        )
    if used.all():  # every patient: the arrays themselves (read-only views), no copy
        t, st, ent, kept = time, status, entry, ids
    else:
        t, st, kept = time[used], status[used], ids[used]
        ent = None if entry is None else entry[used]
    t, st, kept = _read_only(t), _read_only(st), _read_only(kept)
    ent = None if ent is None else _read_only(ent)
    result: KaplanMeierResult | CumulativeIncidenceResult
    if ep.kind == KAPLAN_MEIER:
        result = kaplan_meier(t, st, ent, conf_type=conf_type, conf_level=conf_level)
    else:
        result = cumulative_incidence(
            t, st, ent, conf_type=conf_type, conf_level=conf_level, n_causes=2
        )
    return EndpointData(
        endpoint=ep,
        origin=origin,
        gvhd_competing=gvhd_competing,
        horizon=hz,
        patient_id=kept,
        time=t,
        status=st,
        entry=ent,
        n_patients=n_all,
        n_used=int(used.sum()),
        excluded_reasons=Exclusions(_read_only(ids), code, tuple(texts), cohort.excluded),
        result=result,
        note=horizon_problem(name, hz, t, ent),
        recoded=recoded,
        intercurrent=strategies,
        relapse_definition=relapse_definition,
        notes=timing_notes(name, cohort.present),
    )


def rule_days(frame: Any, relapse_definition: str) -> dict[str, Any]:
    """The per-patient fields the endpoint rules read, each once per cohort (no copy)."""
    days: dict[str, Any] = {f: frame[f].to_numpy() for f in RULE_FIELDS}
    days["cgvhd_severity"] = text_field(days["cgvhd_severity"])
    days["relapse_day"] = relapse_days(frame, relapse_definition)
    days.update(gvhd_days(frame))
    return days


def _read_only(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A read-only view: the caller's array (possibly the cohort's own column) stays writable."""
    view = a.view()
    view.setflags(write=False)
    return view


def derive_all(
    cohort: Cohort,
    names: Iterable[str] | None = None,
    horizons: Mapping[str, float] | None = None,
    *,
    origin: str = "transplant",
    gvhd_competing: str = "relapse_or_death",
    delayed_entry: bool = True,
    conf_type: str = "log-log",
    conf_level: float = 0.95,
    gvhd_entry: str = "transplant",
    **estimand: Any,
) -> dict[str, EndpointData | NotEstimable]:
    """Derive each endpoint once: its data, or why it is not estimable.

    Parameters
    ----------
    cohort : Cohort
        A validated cohort.
    names : iterable of str, optional
        The endpoints, in the order wanted; all of `ENDPOINTS` by default.
    horizons : mapping, optional
        Endpoint name -> horizon in days from the origin, overriding the defaults.
    origin, gvhd_competing, delayed_entry, conf_type, conf_level, gvhd_entry
        As in :func:`derive`.
    **estimand
        ``intercurrent``, ``relapse_definition``, ``assessment_gap``, as in :func:`derive`.

    Returns
    -------
    dict
        Endpoint name -> :class:`EndpointData`, or the :class:`NotEstimable`
        raised for it (with ``code`` and ``reason``).

    Raises
    ------
    InputError
        An unknown endpoint name (in `names` or `horizons`) or a bad option.

    Examples
    --------
    >>> import blina_stats as bs
    >>> from blina_stats.endpoints import derive_all
    >>> derived = derive_all(bs.load_events(bs.synthetic.bundled("trial")))
    >>> derived["nrm"].n_used
    68
    """
    horizons = dict(horizons or {})
    names = tuple(ENDPOINTS) if names is None else tuple(names)
    for key in [*horizons, *names]:
        lookup(key)
    out: dict[str, EndpointData | NotEstimable] = {}
    # the rule fields, read once for every endpoint (derive finds them for this cohort)
    token = _SHARED.set((cohort, {}))
    try:
        for name in dict.fromkeys(names):
            try:
                out[name] = derive(
                    cohort,
                    name,
                    origin=origin,
                    horizon=horizons.get(name),
                    gvhd_competing=gvhd_competing,
                    delayed_entry=delayed_entry,
                    conf_type=conf_type,
                    conf_level=conf_level,
                    **estimand,
                    gvhd_entry=gvhd_entry,
                )
            except NotEstimable as exc:
                out[name] = exc
    finally:
        _SHARED.reset(token)
    return out
