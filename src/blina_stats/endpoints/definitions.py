"""The trial's endpoints as data: event, competing-event, tie and exclusion rules, horizons.

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
agvhd_emergent     Aalen-Johansen grade II-IV aGVHD after the first dose relapse,     365.25 [3]
                                  (onset or rise; see ``gvhd``)        death
================== ============== ==================================== ============ =======

[1] death without prior relapse.  [2] relapse or death before it
(``gvhd_competing="death"``: death only).  Horizons are days (730.5 = 2 years,
182.625 = 6 months, 100 = day +100) and configurable per endpoint.  [3] from the first dose.

Each :class:`Endpoint` carries its rules as data (``event_rule``,
``competing_rule``, ``ties``, ``exclusions``); :func:`outcome` applies them to
per-patient day arrays, for the event table (:func:`blina_stats.endpoints.derive`)
and for the simulated histories of :func:`blina_stats.synthetic.true_values`.

Conventions, applied to every endpoint:

* Time is in days since the transplant (day 0).  Patients are censored at last
  contact.  An event on the same day as its competing event is the endpoint's
  own event (relapse and death on one day is a relapse, not NRM: for NRM the
  competing relapse wins the tie, ``ties="competing"``).
* When the table has enrollment (first blinatumomab dose), a patient enters the
  risk set at it (delayed entry: conditional on being free of the endpoint's
  events then; an event or censoring on or before it excludes the patient, with
  the reason), except the four GVHD endpoints, counted from the transplant for
  every patient (``gvhd_entry="enrollment"``: delayed entry, the sensitivity).
  ``origin="enrollment"`` measures time from the first dose instead.
* For GVHD the competing events are relapse or death (CIBMTR); ``gvhd_competing=
  "death"`` keeps death only, as some centres report.
* Grade III-IV aGVHD and moderate or severe cGVHD are timed at the first day
  that grade (that severity) was reached: ``agvhd_3_4_day`` and
  ``cgvhd_mod_severe_day``, given as columns or derived from the GVHD episodes
  table; without, at the onset of grade II-IV aGVHD and of any cGVHD (as CIBMTR
  forms report them), and the cohort warns and the endpoint's notes say so.
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
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from .._constants import DAY_100, ONE_YEAR, SIX_MONTHS, TWO_YEARS
from ..errors import InputError

ORIGINS = ("transplant", "enrollment")
GVHD_COMPETING = ("relapse_or_death", "death")
KAPLAN_MEIER, AALEN_JOHANSEN = "Kaplan-Meier", "Aalen-Johansen"
#: the per-patient fields the rules read (days since transplant, grade, severity)
RULE_FIELDS = (
    "relapse_day",
    "death_day",
    "agvhd_day",
    "agvhd_grade",
    "cgvhd_day",
    "cgvhd_severity",
    "last_contact_day",
    "agvhd_3_4_day",  # grade-specific GVHD onsets (the first onsets where not given)
    "cgvhd_mod_severe_day",
)


@dataclass(frozen=True)
class Condition:
    """A test on one per-patient field.

    Attributes
    ----------
    field : str
        A key of `RULE_FIELDS` (``"agvhd_grade"``, ``"cgvhd_severity"``).
    test : {"at_least", "one_of", "missing"}
        The number is at least `value`; the text is one of `value`; the value is missing.
    value : float, tuple of str or None
    """

    field: str
    test: Literal["at_least", "one_of", "missing"]
    value: float | tuple[str, ...] | None = None


@dataclass(frozen=True)
class Onset:
    """Field `day` where `when` holds (always when None); `fallback` when `day` is not given."""

    day: str
    when: Condition | None = None
    fallback: str | None = None


@dataclass(frozen=True)
class Exclusion:
    """Leave a patient out with `reason` where `when` holds and `day` is recorded or empty.

    Attributes
    ----------
    reason : str
        The reason given for the patient (``"aGVHD grade missing"``).
    day : str
        The onset field looked at.
    recorded : bool
        True: the rule applies where `day` is recorded; False: where it is empty.
    when : Condition
    """

    reason: str
    day: str
    recorded: bool
    when: Condition


RELAPSE, DEATH = Onset("relapse_day"), Onset("death_day")
AGVHD, CGVHD = Onset("agvhd_day"), Onset("cgvhd_day")
# III-IV and moderate/severe at the first day reached (the first onset in a table without it)
AGVHD_3_4 = Onset("agvhd_3_4_day", Condition("agvhd_grade", "at_least", 3.0), "agvhd_day")
_MOD_SEVERE = Condition("cgvhd_severity", "one_of", ("moderate", "severe"))
CGVHD_MOD_SEVERE = Onset("cgvhd_mod_severe_day", _MOD_SEVERE, "cgvhd_day")
AGVHD_EMERGENT = Onset("agvhd_emergent_day")
#: the competing events of the GVHD endpoints, by the ``gvhd_competing`` option
GVHD_COMPETING_EVENTS: Mapping[str, tuple[Onset, ...]] = MappingProxyType(
    {"relapse_or_death": (RELAPSE, DEATH), "death": (DEATH,)}
)


def _no_onset(what: str, day: str, when: Condition) -> Exclusion:
    return Exclusion(f"{what} without onset date", day, recorded=False, when=when)


_AGVHD_2_NO_ONSET = _no_onset("aGVHD", "agvhd_day", Condition("agvhd_grade", "at_least", 2.0))
_AGVHD_3_NO_ONSET = _no_onset("aGVHD", "agvhd_day", Condition("agvhd_grade", "at_least", 3.0))
_AGVHD_GRADE_MISSING = Exclusion(
    "aGVHD grade missing", "agvhd_day", recorded=True, when=Condition("agvhd_grade", "missing")
)
_CGVHD_NO_ONSET = _no_onset(
    "cGVHD", "cgvhd_day", Condition("cgvhd_severity", "one_of", ("mild", "moderate", "severe"))
)
_CGVHD_MS_NO_ONSET = _no_onset("cGVHD", "cgvhd_day", _MOD_SEVERE)
_CGVHD_SEVERITY_MISSING = Exclusion(
    "cGVHD severity missing",
    "cgvhd_day",
    recorded=True,
    when=Condition("cgvhd_severity", "missing"),
)


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of the protocol, with its rules as data.

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
    event_rule : tuple of Onset
        The event is the first of these onsets.
    competing_rule : tuple of Onset or "gvhd"
        The competing event is the first of these (none for Kaplan-Meier);
        ``"gvhd"``: those of `GVHD_COMPETING_EVENTS` for the ``gvhd_competing`` option.
    ties : {"event", "competing"}
        Which wins when the event and the competing event fall on one day.
    exclusions : tuple of Exclusion
        Patients left out, the first rule that applies giving the reason.
    fixed_origin : str or None
        The endpoint's own origin whatever the ``origin`` option (None: the option's).
    """

    name: str
    label: str
    kind: str
    event: str
    competing: str | None
    horizon: float
    needs: tuple[str, ...]
    source: str
    event_rule: tuple[Onset, ...]
    competing_rule: tuple[Onset, ...] | Literal["gvhd"] = ()
    ties: Literal["event", "competing"] = "event"
    exclusions: tuple[Exclusion, ...] = ()
    fixed_origin: str | None = None

    def competing_events(self, gvhd_competing: str = "relapse_or_death") -> tuple[Onset, ...]:
        """The onsets whose first is the competing event, under option `gvhd_competing`."""
        if isinstance(self.competing_rule, str):
            return GVHD_COMPETING_EVENTS[gvhd_competing]
        return self.competing_rule


_GVHD_COMP = "relapse or death before it"
_AGVHD_3_4_EXCL = (_AGVHD_3_NO_ONSET, _AGVHD_GRADE_MISSING)
_CGVHD_MS_EXCL = (_CGVHD_MS_NO_ONSET, _CGVHD_SEVERITY_MISSING)
ENDPOINTS: Mapping[str, Endpoint] = MappingProxyType(
    {
        e.name: e
        for e in (
            Endpoint("os", "Overall survival", KAPLAN_MEIER, "death, any cause", None,
                     TWO_YEARS, ("death",), "Kim & Armand 2013", event_rule=(DEATH,)),
            Endpoint("pfs", "Progression-free survival", KAPLAN_MEIER,
                     "relapse or death, whichever first", None, TWO_YEARS,
                     ("relapse", "death"), "Kim & Armand 2013 (leukaemia-free survival)",
                     event_rule=(RELAPSE, DEATH)),
            Endpoint("relapse", "Relapse", AALEN_JOHANSEN, "relapse",
                     "death without prior relapse", TWO_YEARS, ("relapse", "death"),
                     "Kim & Armand 2013; Iacobelli 2013 (EBMT)",
                     event_rule=(RELAPSE,), competing_rule=(DEATH,)),
            # a death on the day of relapse is a relapse: NRM only without any relapse
            Endpoint("nrm", "Non-relapse mortality", AALEN_JOHANSEN,
                     "death without prior relapse", "relapse", SIX_MONTHS,
                     ("relapse", "death"), "Kim & Armand 2013; Iacobelli 2013 (EBMT)",
                     event_rule=(DEATH,), competing_rule=(RELAPSE,), ties="competing"),
            Endpoint("agvhd", "Acute GVHD grade II-IV", AALEN_JOHANSEN,
                     "grade II-IV acute GVHD", _GVHD_COMP, DAY_100, ("agvhd",),
                     "Harris et al. 2016 (MAGIC); CIBMTR", event_rule=(AGVHD,),
                     competing_rule="gvhd", exclusions=(_AGVHD_2_NO_ONSET,)),
            Endpoint("agvhd_3_4", "Acute GVHD grade III-IV", AALEN_JOHANSEN,
                     "grade III-IV acute GVHD", _GVHD_COMP, DAY_100, ("agvhd", "agvhd_grade"),
                     "Harris et al. 2016 (MAGIC); CIBMTR", event_rule=(AGVHD_3_4,),
                     competing_rule="gvhd", exclusions=_AGVHD_3_4_EXCL),
            Endpoint("cgvhd", "Chronic GVHD", AALEN_JOHANSEN, "chronic GVHD, any",
                     _GVHD_COMP, TWO_YEARS, ("cgvhd",), "Jagasia et al. 2015 (NIH 2014)",
                     event_rule=(CGVHD,), competing_rule="gvhd",
                     exclusions=(_CGVHD_NO_ONSET,)),
            Endpoint("cgvhd_mod_severe", "Moderate/severe chronic GVHD", AALEN_JOHANSEN,
                     "moderate or severe chronic GVHD", _GVHD_COMP, TWO_YEARS,
                     ("cgvhd", "cgvhd_severity"), "Jagasia et al. 2015 (NIH 2014)",
                     event_rule=(CGVHD_MOD_SEVERE,), competing_rule="gvhd",
                     exclusions=_CGVHD_MS_EXCL),
            Endpoint("grfs", "GVHD-free, relapse-free survival", KAPLAN_MEIER,
                     "grade III-IV aGVHD, moderate/severe cGVHD, relapse or death", None,
                     TWO_YEARS, ("agvhd", "agvhd_grade", "cgvhd", "cgvhd_severity",
                                 "relapse", "death"), "Holtan et al. 2015",
                     event_rule=(AGVHD_3_4, CGVHD_MOD_SEVERE, RELAPSE, DEATH),
                     exclusions=_AGVHD_3_4_EXCL + _CGVHD_MS_EXCL),
            Endpoint("agvhd_emergent", "Treatment-emergent acute GVHD grade II-IV",
                     AALEN_JOHANSEN, "grade II-IV acute GVHD emerging after the first dose",
                     "relapse or death before it", ONE_YEAR,
                     ("agvhd", "agvhd_grade", "agvhd_3_4", "relapse", "death"),
                     "ICH E9(R1) treatment-emergent; Harris et al. 2016 (MAGIC)",
                     event_rule=(AGVHD_EMERGENT,), competing_rule=(RELAPSE, DEATH),
                     exclusions=(_AGVHD_2_NO_ONSET,), fixed_origin="enrollment"),
        )
    }
)  # fmt: skip


def lookup(name: str) -> Endpoint:
    """The endpoint called `name`; an InputError naming the known ones otherwise."""
    if name not in ENDPOINTS:
        raise InputError(f"unknown endpoint {name!r}: expected one of {', '.join(ENDPOINTS)}")
    return ENDPOINTS[name]
