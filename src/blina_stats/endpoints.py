"""The trial's endpoints: definitions, competing events, horizons, and their estimates.

================== ============== ==================================== ============ =======
name               kind           event                                competing    horizon
================== ============== ==================================== ============ =======
os                 Kaplan-Meier   death, any cause                     -            730.5
pfs                Kaplan-Meier   relapse or death, whichever first    -            730.5
relapse            Aalen-Johansen relapse                              death [1]    730.5
nrm                Aalen-Johansen death without prior relapse          relapse      182.625
agvhd              Aalen-Johansen grade II-IV acute GVHD               [2]          100
agvhd_3_4          Aalen-Johansen grade III-IV acute GVHD              [2]          100
cgvhd              Aalen-Johansen chronic GVHD, any                    [2]          730.5
cgvhd_mod_severe   Aalen-Johansen moderate or severe chronic GVHD      [2]          730.5
grfs               Kaplan-Meier   grade III-IV aGVHD, moderate/severe  -            730.5
                                  cGVHD, relapse or death
================== ============== ==================================== ============ =======

[1] death without prior relapse.  [2] relapse or death before it
(``gvhd_competing="death"``: death only).  Horizons are days (730.5 = 2 years,
182.625 = 6 months, 100 = day +100) and configurable per endpoint.

Conventions, applied to every endpoint:

* Time is in days since the transplant (day 0).  Patients are censored at last
  contact.  An event on the same day as its competing event is the endpoint's
  own event (relapse and death on one day is a relapse, not NRM).
* When the table has enrollment (first blinatumomab dose), a patient enters the
  risk set at enrollment (delayed entry): no immortal time before the first
  dose counts.  Estimates are then conditional on being free of the endpoint's
  event and its competing events at enrollment; a patient whose event,
  competing event or censoring falls on or before enrollment is excluded, with
  the reason.  ``origin="enrollment"`` measures time from the first dose instead.
* For GVHD the competing events are relapse or death (CIBMTR); ``gvhd_competing=
  "death"`` keeps death only, as some centres report.
* The table holds one onset date per GVHD: grade III-IV aGVHD and moderate or
  severe cGVHD are timed at the onset of grade II-IV aGVHD and of any cGVHD,
  with the maximum grade or severity recorded (as CIBMTR forms report them).
* GRFS uses moderate/severe cGVHD (NIH 2014) as the proxy of Holtan's
  "chronic GVHD requiring systemic immunosuppression".

References
----------
Kim, H. T. and Armand, P. (2013). Clinical endpoints in allogeneic
hematopoietic stem cell transplantation studies: the cost of freedom. Biol
Blood Marrow Transplant 19:860-866.
Iacobelli, S. (2013). Suggestions on the use of statistical methodologies in
studies of the European Group for Blood and Marrow Transplantation. Bone
Marrow Transplant 48:S1-S37.
Holtan, S. G. et al. (2015). Composite end point of graft-versus-host
disease-free, relapse-free survival after allogeneic hematopoietic cell
transplantation. Blood 125:1333-1339.
Harris, A. C. et al. (2016). International, multicenter standardization of
acute graft-versus-host disease clinical data collection: a report from the
Mount Sinai Acute GVHD International Consortium. Biol Blood Marrow
Transplant 22:4-10.
Jagasia, M. H. et al. (2015). National Institutes of Health consensus
development project on criteria for clinical trials in chronic
graft-versus-host disease: I. The 2014 Diagnosis and Staging Working Group
report. Biol Blood Marrow Transplant 21:389-401.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .errors import InputError
from .estimators import (
    CumulativeIncidenceResult,
    KaplanMeierResult,
    cumulative_incidence,
    kaplan_meier,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .data.cohort import Cohort

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

ORIGINS = ("transplant", "enrollment")
GVHD_COMPETING = ("relapse_or_death", "death")
KAPLAN_MEIER, AALEN_JOHANSEN = "Kaplan-Meier", "Aalen-Johansen"
TWO_YEARS, SIX_MONTHS = 730.5, 182.625


class NotEstimable(InputError):
    """The event table cannot support this endpoint (a column is missing, no patient left)."""


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of the protocol.

    Attributes
    ----------
    name, label : str
        Short name (``"nrm"``) and the label for tables and plots.
    kind : str
        ``"Kaplan-Meier"`` (the estimate is a survival probability) or
        ``"Aalen-Johansen"`` (a cumulative incidence, never 1 - Kaplan-Meier).
    event, competing : str
        The event and competing event in words (``competing`` None for Kaplan-Meier).
    horizon : float
        Default horizon, days.
    needs : tuple of str
        Table fields the endpoint needs (events, ``agvhd_grade``, ``cgvhd_severity``).
    source : str
        Where the definition comes from.
    """

    name: str
    label: str
    kind: str
    event: str
    competing: str | None
    horizon: float
    needs: tuple[str, ...]
    source: str


_GVHD_COMP = "relapse or death before it"
ENDPOINTS: Mapping[str, Endpoint] = MappingProxyType(
    {
        e.name: e
        for e in (
            Endpoint("os", "Overall survival", KAPLAN_MEIER, "death, any cause", None,
                     TWO_YEARS, ("death",), "Kim & Armand 2013"),
            Endpoint("pfs", "Progression-free survival", KAPLAN_MEIER,
                     "relapse or death, whichever first", None, TWO_YEARS,
                     ("relapse", "death"), "Kim & Armand 2013 (leukaemia-free survival)"),
            Endpoint("relapse", "Relapse", AALEN_JOHANSEN, "relapse",
                     "death without prior relapse", TWO_YEARS, ("relapse", "death"),
                     "Kim & Armand 2013; Iacobelli 2013 (EBMT)"),
            Endpoint("nrm", "Non-relapse mortality", AALEN_JOHANSEN,
                     "death without prior relapse", "relapse", SIX_MONTHS,
                     ("relapse", "death"), "Kim & Armand 2013; Iacobelli 2013 (EBMT)"),
            Endpoint("agvhd", "Acute GVHD grade II-IV", AALEN_JOHANSEN,
                     "grade II-IV acute GVHD", _GVHD_COMP, 100.0, ("agvhd",),
                     "Harris et al. 2016 (MAGIC); CIBMTR"),
            Endpoint("agvhd_3_4", "Acute GVHD grade III-IV", AALEN_JOHANSEN,
                     "grade III-IV acute GVHD", _GVHD_COMP, 100.0, ("agvhd", "agvhd_grade"),
                     "Harris et al. 2016 (MAGIC); CIBMTR"),
            Endpoint("cgvhd", "Chronic GVHD", AALEN_JOHANSEN, "chronic GVHD, any",
                     _GVHD_COMP, TWO_YEARS, ("cgvhd",), "Jagasia et al. 2015 (NIH 2014)"),
            Endpoint("cgvhd_mod_severe", "Moderate/severe chronic GVHD", AALEN_JOHANSEN,
                     "moderate or severe chronic GVHD", _GVHD_COMP, TWO_YEARS,
                     ("cgvhd", "cgvhd_severity"), "Jagasia et al. 2015 (NIH 2014)"),
            Endpoint("grfs", "GVHD-free, relapse-free survival", KAPLAN_MEIER,
                     "grade III-IV aGVHD, moderate/severe cGVHD, relapse or death", None,
                     TWO_YEARS, ("agvhd", "agvhd_grade", "cgvhd", "cgvhd_severity",
                                 "relapse", "death"), "Holtan et al. 2015"),
        )
    }
)  # fmt: skip


@dataclass(frozen=True)
class EndpointData:
    """An endpoint derived from a cohort: the arrays handed to the estimator, and its result.

    Attributes
    ----------
    endpoint : Endpoint
        The definition.
    origin : str
        ``"transplant"`` or ``"enrollment"``: day 0 of `time` and `horizon`.
    gvhd_competing : str
        ``"relapse_or_death"`` or ``"death"``.
    horizon : float
        Days from the origin at which the endpoint is reported.
    patient_id : ndarray of str
        The patients used, in cohort order.
    time, status : ndarray
        Follow-up from the origin; status 0 censored, 1 the event, 2 the
        competing event (Aalen-Johansen endpoints only).
    entry : ndarray or None
        Delayed-entry times (enrollment, days since transplant), None without.
    n_patients, n_used : int
        Patients in the cohort, and those used.
    exclusions : tuple of (patient_id, reason)
        Every patient not used, with the reason.
    result : KaplanMeierResult or CumulativeIncidenceResult
    """

    endpoint: Endpoint
    origin: str
    gvhd_competing: str
    horizon: float
    patient_id: npt.NDArray[np.object_]
    time: FloatArray
    status: IntArray
    entry: FloatArray | None
    n_patients: int
    n_used: int
    exclusions: tuple[tuple[str, str], ...]
    result: KaplanMeierResult | CumulativeIncidenceResult = field(repr=False)

    @property
    def definition(self) -> Endpoint:
        """Alias of `endpoint`."""
        return self.endpoint

    @property
    def excluded(self) -> dict[str, int]:
        """Number of patients excluded, by reason."""
        out: dict[str, int] = {}
        for _, reason in self.exclusions:
            out[reason] = out.get(reason, 0) + 1
        return out

    def at(self, times: npt.ArrayLike) -> pd.DataFrame:
        """The estimate (survival or incidence of the event) at `times` from the origin."""
        if isinstance(self.result, CumulativeIncidenceResult):
            return self.result.at(times, cause=1)
        return self.result.at(times)

    def at_horizon(self) -> dict[str, float]:
        """Estimate, se, interval, number at risk and cumulative events at the horizon."""
        row = self.at([self.horizon]).iloc[0]
        return {str(k): float(v) for k, v in row.items()}

    def to_frame(self) -> pd.DataFrame:
        """One row per cohort patient: used or not (with the reason), time, status, entry."""
        used = pd.DataFrame(
            {
                "patient_id": self.patient_id,
                "used": True,
                "reason": None,
                "time": self.time,
                "status": self.status,
                "entry": np.nan if self.entry is None else self.entry,
            }
        )
        excl = pd.DataFrame(self.exclusions, columns=["patient_id", "reason"], dtype=object)
        excl["used"] = False
        return pd.concat([used, excl], ignore_index=True)[
            ["patient_id", "used", "reason", "time", "status", "entry"]
        ]

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw the estimator's curve (delegates to the result's ``.plot``)."""
        return self.result.plot(ax=ax, **kwargs)

    def _repr_html_(self) -> str:
        h = self.at_horizon()
        excl = "; ".join(f"{r}: {n}" for r, n in self.excluded.items()) or "none"
        return (
            f"<p><b>{self.endpoint.label}</b> ({self.endpoint.kind}, from {self.origin}): "
            f"{h['estimate']:.3f} ({h['ci_lower']:.3f}-{h['ci_upper']:.3f}) at day "
            f"{self.horizon:g}; {self.n_used} of {self.n_patients} patients used; "
            f"excluded: {excl}</p>"
        )


def missing_fields(name: str, present: frozenset[str], origin: str, gvhd_competing: str) -> str:
    """Why the table cannot support an endpoint ('' when it can)."""
    ep = _lookup(name)
    needs = list(ep.needs)
    if ep.competing is not None and "gvhd" in name:
        needs += ["death"] if gvhd_competing == "death" else ["relapse", "death"]
    if origin == "enrollment":
        needs.append("enrollment")
    absent = [f for f in dict.fromkeys(needs) if f not in present]
    if not absent:
        return ""
    cols = [f if f in ("agvhd_grade", "cgvhd_severity") else f"{f}_date/{f}_day" for f in absent]
    return "no " + ", ".join(cols) + " column"


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

    Returns
    -------
    EndpointData

    Raises
    ------
    NotEstimable
        The table lacks a needed column, or no patient is left.
    """
    ep = _lookup(name)
    if origin not in ORIGINS:
        raise InputError(f"origin must be one of {ORIGINS}, got {origin!r}")
    if gvhd_competing not in GVHD_COMPETING:
        raise InputError(f"gvhd_competing must be one of {GVHD_COMPETING}, got {gvhd_competing!r}")
    hz = ep.horizon if horizon is None else float(horizon)
    if not np.isfinite(hz) or hz <= 0:
        raise InputError(
            f"the horizon of {name!r} must be a positive number of days, got {horizon!r}"
        )
    why = missing_fields(name, cohort.present, origin, gvhd_competing)
    if why:
        raise NotEstimable(f"{cohort.source}: {name} is not estimable: {why}")
    frame = cohort.frame
    time, status, reason = _events(frame, name, gvhd_competing)
    use_enrollment = origin == "enrollment" or (delayed_entry and "enrollment" in cohort.present)
    entry: FloatArray | None = None
    if use_enrollment:
        enr = frame["enrollment_day"].to_numpy(dtype=np.float64)
        ok = reason == ""
        reason = np.where(ok & np.isnan(enr), "enrollment missing", reason)
        early = (reason == "") & (time <= enr)
        reason = np.where(early & (status == 1), "event on or before enrollment", reason)
        reason = np.where(early & (status == 2), "competing event on or before enrollment", reason)
        reason = np.where(early & (status == 0), "no follow-up after enrollment", reason)
        if origin == "enrollment":
            time = time - enr
        else:
            entry = enr
    used = reason == ""
    ids = frame["patient_id"].to_numpy(dtype=object)
    if not used.any():
        raise NotEstimable(f"{cohort.source}: {name} is not estimable: no patient left")
    t, st = time[used], status[used]
    ent = None if entry is None else entry[used]
    result: KaplanMeierResult | CumulativeIncidenceResult
    if ep.kind == KAPLAN_MEIER:
        result = kaplan_meier(t, st, ent, conf_type=conf_type, conf_level=conf_level)
    else:
        result = cumulative_incidence(
            t, st, ent, conf_type=conf_type, conf_level=conf_level, n_causes=2
        )
    for a in (t, st, ent):
        if a is not None:
            a.setflags(write=False)
    return EndpointData(
        endpoint=ep,
        origin=origin,
        gvhd_competing=gvhd_competing,
        horizon=hz,
        patient_id=ids[used],
        time=t,
        status=st,
        entry=ent,
        n_patients=len(ids),
        n_used=int(used.sum()),
        exclusions=tuple(zip(ids[~used].tolist(), reason[~used].tolist(), strict=True)),
        result=result,
    )


def _lookup(name: str) -> Endpoint:
    if name not in ENDPOINTS:
        raise InputError(f"unknown endpoint {name!r}: expected one of {', '.join(ENDPOINTS)}")
    return ENDPOINTS[name]


def _events(
    frame: pd.DataFrame, name: str, gvhd_competing: str
) -> tuple[FloatArray, IntArray, npt.NDArray[np.str_]]:
    """Per patient: time since transplant, status (0/1/2) and exclusion reason ('' if none)."""

    def col(c: str) -> FloatArray:
        return frame[c].to_numpy(dtype=np.float64)

    lc, rel, death = col("last_contact_day"), col("relapse_day"), col("death_day")
    agvhd, grade, cgvhd = col("agvhd_day"), col("agvhd_grade"), col("cgvhd_day")
    sev = frame["cgvhd_severity"]
    mod_sev = sev.isin(("moderate", "severe")).to_numpy(dtype=bool)
    sev_missing = sev.isna().to_numpy(dtype=bool)
    agvhd_34 = np.where(grade >= 3, agvhd, np.nan)
    cgvhd_ms = np.where(mod_sev, cgvhd, np.nan)
    gvhd_comp = death if gvhd_competing == "death" else np.fmin(rel, death)
    nan = np.full(lc.size, np.nan)
    event, competing = {
        "os": (death, nan),
        "pfs": (np.fmin(rel, death), nan),
        "relapse": (rel, death),
        # a death on the day of relapse is a relapse: NRM only without any relapse
        "nrm": (np.where(np.isnan(rel), death, np.nan), rel),
        "agvhd": (agvhd, gvhd_comp),
        "agvhd_3_4": (agvhd_34, gvhd_comp),
        "cgvhd": (cgvhd, gvhd_comp),
        "cgvhd_mod_severe": (cgvhd_ms, gvhd_comp),
        "grfs": (np.fmin.reduce([agvhd_34, cgvhd_ms, rel, death]), nan),
    }[name]
    # the endpoint's own event wins a tie with its competing event
    own = ~np.isnan(event) & ~(competing < event)
    other = ~own & ~np.isnan(competing)
    status = np.where(own, 1, np.where(other, 2, 0)).astype(np.int64)
    time = np.where(own, event, np.where(other, competing, lc))
    reason = np.full(lc.size, "", dtype=object)
    no_onset = np.isnan(agvhd)
    if name in ("agvhd", "agvhd_3_4", "grfs"):
        worst = 2 if name == "agvhd" else 3
        reason[no_onset & (grade >= worst)] = "aGVHD without onset date"
        if name != "agvhd":
            reason[(reason == "") & ~no_onset & np.isnan(grade)] = "aGVHD grade missing"
    if name in ("cgvhd", "cgvhd_mod_severe", "grfs"):
        has = sev.isin(
            ("mild", "moderate", "severe") if name == "cgvhd" else ("moderate", "severe")
        )
        reason[(reason == "") & np.isnan(cgvhd) & has.to_numpy(dtype=bool)] = (
            "cGVHD without onset date"
        )
        if name != "cgvhd":
            reason[(reason == "") & ~np.isnan(cgvhd) & sev_missing] = "cGVHD severity missing"
    return time, status, reason.astype(str)


#: the columns of :func:`estimate`, in order
ESTIMATE_COLUMNS = (
    "label",
    "method",
    "horizon_days",
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
    origin, gvhd_competing, delayed_entry, conf_type, conf_level
        As in :func:`derive`.

    Returns
    -------
    DataFrame
        Indexed by endpoint name, with columns `ESTIMATE_COLUMNS`: ``estimate``
        is a survival probability for Kaplan-Meier endpoints and a cumulative
        incidence for Aalen-Johansen ones; ``n_events`` counts events at or
        before the horizon; ``excluded`` maps reason -> patients.  An endpoint
        the table cannot support has ``estimable`` False, NaN figures and the
        ``reason``; a horizon beyond the last follow-up gives NaN with a reason.

    Examples
    --------
    >>> import blina_stats as bs
    >>> cohort = bs.load_events(bs.synthetic.bundled("trial"))
    >>> table = bs.estimate(cohort)
    >>> table.loc["os", "method"]
    'Kaplan-Meier'
    """
    horizons = dict(horizons or {})
    names = tuple(ENDPOINTS) if endpoints is None else tuple(endpoints)
    for key in [*horizons, *names]:
        _lookup(key)
    rows = {}
    for name in names:
        ep = ENDPOINTS[name]
        row: dict[str, Any] = dict.fromkeys(ESTIMATE_COLUMNS, np.nan)
        row.update(label=ep.label, method=ep.kind, horizon_days=horizons.get(name, ep.horizon))
        try:
            data = derive(
                cohort,
                name,
                origin=origin,
                horizon=row["horizon_days"],
                gvhd_competing=gvhd_competing,
                delayed_entry=delayed_entry,
                conf_type=conf_type,
                conf_level=conf_level,
            )
        except NotEstimable as exc:
            row.update(
                n_used=0,
                n_excluded=cohort.n_patients,
                excluded={},
                estimable=False,
                reason=str(exc).split(" is not estimable: ", 1)[-1],
            )
            rows[name] = row
            continue
        h = data.at_horizon()
        row.update({k: h[k] for k in ("estimate", "ci_lower", "ci_upper", "se")})
        row.update(
            n_at_risk=int(h["n_at_risk"]),
            n_events=int(h["n_events"]),
            n_used=data.n_used,
            n_excluded=len(data.exclusions),
            excluded=data.excluded,
            estimable=True,
            reason="",
        )
        if np.isnan(h["estimate"]):
            row["reason"] = (
                f"no patient followed to day {data.horizon:g} "
                f"(last follow-up day {float(data.time.max()):g})"
            )
        rows[name] = row
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(ESTIMATE_COLUMNS))
    out.index.name = "endpoint"
    return out.astype({"n_used": np.int64, "n_excluded": np.int64, "estimable": bool})
