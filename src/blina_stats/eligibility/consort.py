"""The CONSORT flow of the trial, counted from the screening log and the event table.

Every number comes from the data the analysis uses, so the diagram cannot
disagree with the results:

* **Assessed for eligibility**: the patients of the screening log.
* **Not enrolled**: screened patients not in the event table, split into
  those failing criteria (counted under every criterion they fail, in
  protocol order, so the counts may add to more than the patients), those
  whose eligibility could not be assessed (nothing failed, something unknown),
  and eligible patients who were not enrolled.
* **Enrolled**: the patients of the event table; each must be in the
  screening log.  Enrolled patients whom :func:`check_eligibility` finds
  not eligible, or not assessable, are listed (protocol deviations or
  missing screening data), never hidden.
* **Treated**: enrolled patients with a first blinatumomab dose
  (``enrollment_day``).
* **Lost to follow-up**: from an event-table column ``lost_to_follow_up``
  (yes/no) when there is one; otherwise patients alive at last contact whose
  last contact is more than ``lost_window_days`` (default 90) before the data
  cut-off (default: the latest last contact in the table).  Without calendar
  dates (``hsct_date``) and without the column it is not counted (None).
* **Analysed**: per endpoint, the patients each estimate uses, and those
  left out with the reasons of :meth:`blina_stats.Cohort.endpoint`.

References
----------
Schulz, K. F., Altman, D. G. and Moher, D. (2010). CONSORT 2010 statement:
updated guidelines for reporting parallel group randomised trials. BMJ
340:c332.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..data._dates import days_between
from ..data.cohort import Cohort, load_events
from ..data.schema import days_to_timedelta
from ..endpoints import ENDPOINTS, EndpointData, NotEstimable
from ..errors import InputError
from .criteria import CRITERIA
from .labs import Labs
from .screening import ScreeningLog, check_eligibility, read_screening

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass(frozen=True)
class ConsortFlow:
    """The counts of the CONSORT flow diagram.

    Attributes
    ----------
    n_screened : int
        Patients in the screening log.
    n_not_enrolled : int
        Screened patients not in the event table.
    not_enrolled_failed : int
        Of those, patients failing at least one criterion.
    failed_by_criterion : mapping of str to int
        Criterion id -> not-enrolled patients failing it (protocol order,
        criteria nobody failed left out).
    criterion_reasons : mapping of str to str
        Criterion id -> the wording of why a patient fails it, for every id of
        `failed_by_criterion` (the diagram and `to_frame` print it).
    not_enrolled_unknown : int
        Not enrolled, nothing failed, something could not be judged.
    not_enrolled_eligible : int
        Not enrolled although every criterion was met.
    n_enrolled : int
        Patients in the event table.
    enrolled_not_eligible : tuple of (patient_id, tuple of criterion ids)
        Enrolled patients failing a criterion.
    enrolled_unknown : tuple of (patient_id, tuple of criterion ids)
        Enrolled patients with criteria that could not be judged (and none failed).
    n_treated : int
        Enrolled patients with a first dose.
    n_lost_to_follow_up : int or None
        None when the data cannot tell (see the module docstring).
    analysed : DataFrame
        Indexed by endpoint: ``label``, ``n_analysed``, ``n_excluded``,
        ``excluded`` (reason -> count), ``reason`` (why not estimable, or "").
    cutoff_date : Timestamp or None
        Data cut-off used for loss to follow-up.
    eligibility : DataFrame
        :func:`check_eligibility` of the screening log.
    enrolled_ids : frozenset of str
        The patients of the event table.
    """

    n_screened: int
    n_not_enrolled: int
    not_enrolled_failed: int
    failed_by_criterion: Mapping[str, int]
    not_enrolled_unknown: int
    not_enrolled_eligible: int
    n_enrolled: int
    enrolled_not_eligible: tuple[tuple[str, tuple[str, ...]], ...]
    enrolled_unknown: tuple[tuple[str, tuple[str, ...]], ...]
    n_treated: int
    n_lost_to_follow_up: int | None
    analysed: pd.DataFrame = field(repr=False)
    cutoff_date: pd.Timestamp | None = field(repr=False)
    eligibility: pd.DataFrame = field(repr=False)
    enrolled_ids: frozenset[str] = field(repr=False, default=frozenset())
    criterion_reasons: Mapping[str, str] = field(repr=False, default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The flow as rows of (``stage``, ``item``, ``n``), top to bottom."""
        rows: list[tuple[str, str, float]] = [
            ("screened", "assessed for eligibility", self.n_screened),
            ("not enrolled", "total", self.n_not_enrolled),
            ("not enrolled", "not meeting criteria", self.not_enrolled_failed),
        ]
        rows += [
            ("not enrolled", f"{cid} {self.criterion_reasons.get(cid, '')}".rstrip(), n)
            for cid, n in self.failed_by_criterion.items()
        ]
        rows += [
            ("not enrolled", "eligibility not assessable", self.not_enrolled_unknown),
            ("not enrolled", "eligible, not enrolled", self.not_enrolled_eligible),
            ("enrolled", "enrolled", self.n_enrolled),
            ("enrolled", "not meeting criteria", len(self.enrolled_not_eligible)),
            ("enrolled", "eligibility not assessable", len(self.enrolled_unknown)),
            ("treated", "received blinatumomab", self.n_treated),
            (
                "follow-up",
                "lost to follow-up",
                np.nan if self.n_lost_to_follow_up is None else self.n_lost_to_follow_up,
            ),
        ]
        rows += [
            (
                "analysed",
                str(self.analysed.loc[name, "label"]),
                self.analysed.loc[name, "n_analysed"],
            )
            for name in self.analysed.index
        ]
        return pd.DataFrame(rows, columns=["stage", "item", "n"])

    def plot(self, ax: Axes | None = None) -> Axes:
        """Draw the flow diagram (:func:`blina_stats.plots.consort.plot_consort`)."""
        from ..plots.consort import plot_consort

        return plot_consort(self, ax=ax)

    def _repr_html_(self) -> str:
        return "<p><b>CONSORT flow</b></p>" + self.to_frame().to_html(index=False)


def consort_flow(
    screening: str | Path | pd.DataFrame | ScreeningLog,
    events: str | Path | pd.DataFrame | Cohort,
    labs: str | Path | pd.DataFrame | Labs | None = None,
    *,
    endpoints: Sequence[str] | Mapping[str, EndpointData | NotEstimable] | None = None,
    cutoff_date: str | pd.Timestamp | None = None,
    lost_window_days: float = 90.0,
) -> ConsortFlow:
    """Count the CONSORT flow from the screening log and the event table.

    Parameters
    ----------
    screening : str, Path, DataFrame or ScreeningLog
        The screening log (:mod:`blina_stats.eligibility.screening`).
    events : str, Path, DataFrame or Cohort
        The event table of the enrolled patients (read with
        :func:`blina_stats.load_events` unless a Cohort).
    labs : str, Path, DataFrame or Labs, optional
        Daily labs, for criterion I6.
    endpoints : sequence of str or mapping, optional
        Endpoints listed as analysed; all of `ENDPOINTS` by default.  A mapping
        name -> EndpointData or NotEstimable (as
        :func:`~blina_stats.endpoints.derive_all` returns) is used as derived.
    cutoff_date : date, optional
        Data cut-off for loss to follow-up; the latest last contact by default.
    lost_window_days : float
        A patient alive whose last contact is more than this many days before
        the cut-off is lost to follow-up.

    Returns
    -------
    ConsortFlow
        With ``.to_frame()`` and ``.plot()`` (save with :func:`blina_stats.plots.save`).

    Raises
    ------
    InputError
        An enrolled patient missing from the screening log.

    Examples
    --------
    >>> import blina_stats as bs
    >>> log, labs = bs.synthetic.bundled("screening"), bs.synthetic.bundled("labs")
    >>> flow = bs.consort_flow(log, bs.synthetic.bundled("trial"), labs)
    >>> flow.n_enrolled
    68
    """
    log = read_screening(screening)
    cohort = events if isinstance(events, Cohort) else load_events(events)
    if lost_window_days < 0 or not np.isfinite(lost_window_days):
        raise InputError(
            f"lost_window_days must be a number of days >= 0, got {lost_window_days!r}"
        )
    table = check_eligibility(log, labs)
    enrolled_ids = list(cohort.patient_ids)
    screened = set(table["patient_id"])
    missing = [p for p in enrolled_ids if p not in screened]
    if missing:
        shown = ", ".join(repr(p) for p in missing[:3])
        more = f" (and {len(missing) - 3} more)" if len(missing) > 3 else ""
        raise InputError(
            f"{cohort.source}: enrolled patient(s) {shown}{more} are not in the screening log "
            f"{log.source}"
        )
    is_enrolled = table["patient_id"].isin(set(enrolled_ids)).to_numpy()
    failed = table["failed"].map(bool).to_numpy(dtype=bool)
    eligible = table["eligible"]
    unknown = eligible.isna().to_numpy(dtype=bool)
    out = table[~is_enrolled]
    counts = Counter(cid for f in out["failed"] for cid in f)
    by_criterion = {cid: counts[cid] for cid in CRITERIA if counts[cid]}
    inside = table[is_enrolled]
    frame = cohort.frame
    n_lost, cutoff = _lost(cohort, frame, cutoff_date, lost_window_days)
    return ConsortFlow(
        n_screened=len(table),
        n_not_enrolled=int((~is_enrolled).sum()),
        not_enrolled_failed=int((~is_enrolled & failed).sum()),
        failed_by_criterion=by_criterion,
        not_enrolled_unknown=int((~is_enrolled & unknown).sum()),
        not_enrolled_eligible=int((~is_enrolled & eligible.eq(True).fillna(False)).sum()),
        n_enrolled=cohort.n_patients,
        enrolled_not_eligible=tuple(
            (p, f) for p, f in zip(inside["patient_id"], inside["failed"], strict=True) if f
        ),
        enrolled_unknown=tuple(
            (p, u)
            for p, f, u in zip(
                inside["patient_id"], inside["failed"], inside["unknown"], strict=True
            )
            if u and not f
        ),
        n_treated=int(frame["enrollment_day"].notna().sum()),
        n_lost_to_follow_up=n_lost,
        analysed=_analysed(cohort, endpoints),
        cutoff_date=cutoff,
        eligibility=table,
        enrolled_ids=frozenset(enrolled_ids),
        criterion_reasons={cid: CRITERIA[cid].reason for cid in by_criterion},
    )


def _lost(
    cohort: Cohort, frame: pd.DataFrame, cutoff_date: Any, window: float
) -> tuple[int | None, pd.Timestamp | None]:
    alive = frame["death_day"].isna().to_numpy(dtype=bool)
    if "lost_to_follow_up" in frame.columns:
        flag = frame["lost_to_follow_up"].astype("string").str.strip().str.lower()
        bad = ~flag.isna() & ~flag.isin(["yes", "no", "true", "false", "1", "0"])
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy(dtype=bool))[0])
            raise InputError(
                f"{cohort.source}: patient {frame['patient_id'].iloc[i]!r}: lost_to_follow_up "
                f"{frame['lost_to_follow_up'].iloc[i]!r} is not yes or no"
            )
        return int(flag.isin(["yes", "true", "1"]).fillna(False).sum()), None
    if "hsct_date" not in frame.columns:
        return None, None
    last = frame["hsct_date"] + days_to_timedelta(frame["last_contact_day"])
    cutoff = last.max() if cutoff_date is None else pd.Timestamp(cutoff_date)
    gap = days_between(cutoff, last)  # in days: no overflow for centuries-apart dates
    return int((alive & (gap > window)).sum()), cutoff


def _analysed(
    cohort: Cohort, endpoints: Sequence[str] | Mapping[str, EndpointData | NotEstimable] | None
) -> pd.DataFrame:
    names = tuple(ENDPOINTS) if endpoints is None else tuple(endpoints)
    rows = {}
    for name in names:
        if name not in ENDPOINTS:
            raise InputError(f"unknown endpoint {name!r}: expected one of {', '.join(ENDPOINTS)}")
        label = ENDPOINTS[name].label
        try:
            if isinstance(endpoints, Mapping):
                given = endpoints[name]
                if isinstance(given, NotEstimable):
                    raise given
                data = given
            else:
                data = cohort.endpoint(name)
        except NotEstimable as exc:
            rows[name] = {
                "label": label,
                "n_analysed": 0,
                "n_excluded": cohort.n_patients,
                "excluded": {},
                "reason": exc.reason,
            }
            continue
        rows[name] = {
            "label": label,
            "n_analysed": data.n_used,
            "n_excluded": data.n_excluded,
            "excluded": data.excluded,
            "reason": "",
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "endpoint"
    return out
