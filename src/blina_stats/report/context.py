"""What every part of the report reads: the cohort, each endpoint derived once, each file read once.

The report's parts (:mod:`blina_stats.report.parts`) never load a file or
derive an endpoint themselves: they ask the :class:`Context`, which does it
on first use and hands the same object to every later caller.  A file that
cannot be read fails every part that needs it with the same message, and the
other parts are still built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .._constants import DEFAULT_SEED
from ..data import Cohort, load_events
from ..data.labels import cohort_labels
from ..endpoints import CONF_LEVEL, CONF_TYPE, ENDPOINTS, EndpointData, NotEstimable, derive
from ..endpoints import summary_table as _summary_table
from ..errors import InputError
from ..synthetic import bundled
from .folder import sha256

if TYPE_CHECKING:
    import pandas as pd

    from ..eligibility.engraftment import Labs
    from ..eligibility.screening import ScreeningLog
    from ..safety import AdverseEvents, Dosing

T = TypeVar("T")

#: the companion files of the event table: option name -> (command-line flag, bundled file)
COMPANIONS = {
    "ae": ("--ae", "adverse_events"),
    "dosing": ("--dosing", "dosing"),
    "screening": ("--screening", "screening"),
    "labs": ("--labs", "labs"),
    "gvhd": ("--gvhd", "gvhd_episodes"),
}


@dataclass(frozen=True)
class Inputs:
    """The files a report reads: the event table and its companions (None: not given).

    Without an event table the bundled synthetic trial is used, with its
    bundled companion files for those not given.
    """

    events: Path | None
    ae: Path | None = None
    dosing: Path | None = None
    screening: Path | None = None
    labs: Path | None = None
    gvhd: Path | None = None

    @classmethod
    def resolve(
        cls,
        events: str | Path | None = None,
        *,
        in_memory: bool = False,
        **companions: str | Path | None,
    ) -> Inputs:
        """Paths as given; the bundled trial and its files when `events` is None, unless the
        cohort is `in_memory` (then only the companion files given)."""
        unknown = set(companions) - set(COMPANIONS)
        if unknown:
            raise TypeError(f"unknown input(s) {sorted(unknown)}: expected {sorted(COMPANIONS)}")
        paths: dict[str, Path | None] = {}
        for key, (_, name) in COMPANIONS.items():
            value = companions.get(key)
            paths[key] = Path(value) if value is not None else None
            if value is None and events is None and not in_memory:
                paths[key] = bundled(name)
        if in_memory:
            return cls(events=None, **paths)
        return cls(events=Path(events) if events is not None else bundled("trial"), **paths)

    def paths(self) -> list[Path]:
        """Every input given (or bundled), the event table first."""
        return [p for p in (self.events, *(getattr(self, k) for k in COMPANIONS)) if p is not None]

    def sha256(self) -> dict[str, str]:
        """Path -> SHA-256 of every input that exists."""
        paths = [self.events, *(getattr(self, key) for key in COMPANIONS)]
        return {str(p): sha256(p) for p in paths if p is not None and p.exists()}


class Context:
    """The cohort and everything computed from it once, shared by the report's parts.

    Parameters
    ----------
    cohort : Cohort
        The validated event table.
    inputs : Inputs
        The companion files (read on first use, once).
    origin : {"transplant", "enrollment"}
        Day 0 of every time scale.
    n_trials, seed : int
        Simulated trials per design scenario, and the seed of every simulation.
    labels : mapping of str to str, optional
        Display labels of covariates over the package's (``labels``: a
        :class:`~blina_stats.data.labels.CovariateLabels`).
    """

    def __init__(
        self,
        cohort: Cohort,
        inputs: Inputs,
        *,
        origin: str = "transplant",
        n_trials: int = 20_000,
        seed: int = DEFAULT_SEED,
        quiet: bool = False,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.cohort = cohort
        self.labels = cohort_labels(cohort, labels)
        self.inputs = inputs
        self.origin = origin
        self.n_trials = n_trials
        self.seed = seed
        self.quiet = quiet
        #: the options every endpoint of the main analysis is derived with
        self.options: dict[str, Any] = {
            "origin": origin,
            "delayed_entry": True,
            "gvhd_entry": "transplant",
            "gvhd_competing": "relapse_or_death",
        }
        self._cache: dict[Any, Any] = {}
        #: table -> its reading options (columns, date_format, sheet_name, encoding)
        self.reading: dict[str, dict[str, Any]] = {}
        #: how many times an endpoint was derived (each distinct request once)
        self.n_derived = 0

    @classmethod
    def load(
        cls,
        inputs: Inputs,
        *,
        cohort: Cohort | None = None,
        read_options: Mapping[str, Mapping[str, Any]] | None = None,
        **options: Any,
    ) -> Context:
        """Read and validate the event table (unless `cohort` is given) and every companion
        file given, each with its `read_options` (:func:`check_read_options`).

        Bad input is an error before anything is written (errors propagate):
        a part fails alone only when valid data cannot support it.  Time from
        enrollment needs a table that gives it.
        """
        reading = check_read_options(read_options)
        cutoff = options.pop("cutoff", None)
        given = [k for k in COMPANIONS if getattr(inputs, k) is not None]
        if cutoff is not None and given:
            # the companion tables are not cut yet: their records after it would be reported
            raise InputError(
                f"--cutoff is applied to the event table only, and companion files were given "
                f"({', '.join(given)}): report without them, or cut them to {cutoff} first"
            )
        if cohort is None:
            cohort = _load_cohort(inputs, reading, cutoff)
        if options.get("origin") == "enrollment" and not cohort.has_enrollment:
            raise InputError(
                f"{cohort.source}: --origin enrollment needs an enrollment_date or "
                "enrollment_day column; the table has neither"
            )
        ctx = cls(cohort, inputs, **options)
        ctx.reading = reading
        ctx._validate_companions()
        return ctx

    def _validate_companions(self) -> None:
        """Read each companion file given (once: the parts reuse them); labs against the log."""
        given = {key for key in COMPANIONS if getattr(self.inputs, key) is not None}
        tables = {
            "ae": lambda: self.adverse_events,
            "dosing": lambda: self.dosing,
            "screening": lambda: self.screening,
            "labs": lambda: self.labs,
            "gvhd": lambda: None,  # read with the event table, by load_events
        }
        for key in COMPANIONS:
            if key in given:
                tables[key]()
        if {"screening", "labs"} <= given and self.labs is not None:
            from ..eligibility.labs import check_patients

            log = self.screening
            check_patients(
                self.labs, set(log.frame["patient_id"]), f"the screening log {log.source!r}"
            )

    def _once(self, key: Any, make: Callable[[], T]) -> T:
        """`make()` on first use; later calls return its value or raise its error again."""
        if key not in self._cache:
            try:
                self._cache[key] = (True, make())
            except (InputError, FileNotFoundError) as exc:
                self._cache[key] = (False, exc)
        ok, value = self._cache[key]
        if not ok:
            raise value
        return value

    def endpoint(self, name: str, **options: Any) -> EndpointData:
        """Endpoint `name` derived with the report's options, overridden by `options`.

        Raises
        ------
        NotEstimable
            When the table cannot support it (the same error on every call).
        """
        full = {**self.options, "conf_type": CONF_TYPE, "conf_level": CONF_LEVEL, **options}

        def make() -> EndpointData:
            self.n_derived += 1
            return derive(self.cohort, name, **full)

        # a mapping option (intercurrent strategies) keys the cache by its items
        key = tuple(sorted((k, _hashable(v)) for k, v in full.items()))
        return self._once(("endpoint", name, key), make)

    def derived(
        self, names: tuple[str, ...] | None = None, **options: Any
    ) -> dict[str, EndpointData | NotEstimable]:
        """Endpoints `names` (all by default) derived with the report's options, overridden by
        `options`; the error of each one the table cannot support."""
        out: dict[str, EndpointData | NotEstimable] = {}
        for name in ENDPOINTS if names is None else names:
            try:
                out[name] = self.endpoint(name, **options)
            except NotEstimable as exc:
                out[name] = exc
        return out

    def estimates(self, names: tuple[str, ...] | None = None, **options: Any) -> pd.DataFrame:
        """The endpoint table (:func:`blina_stats.estimate`'s) of the derived endpoints."""
        return _summary_table(self.derived(names, **options))

    def companion(self, key: str) -> Path:
        """The path of a companion file; an InputError naming the flag when it was not given."""
        path = getattr(self.inputs, key)
        if path is None:
            flag = COMPANIONS[key][0]
            raise InputError(f"no {flag.strip('-').replace('-', ' ')} file given ({flag} FILE)")
        return Path(path)

    @property
    def adverse_events(self) -> AdverseEvents:
        """The adverse-event table, read and validated once."""
        from ..safety import read_adverse_events

        return self._once(
            "ae", lambda: read_adverse_events(self.companion("ae"), self.cohort, **self._read("ae"))
        )

    @property
    def dosing(self) -> Dosing:
        """The dosing records, read and validated once."""
        from ..safety import read_dosing

        return self._once(
            "dosing",
            lambda: read_dosing(self.companion("dosing"), self.cohort, **self._read("dosing")),
        )

    @property
    def screening(self) -> ScreeningLog:
        """The screening log, read and validated once."""
        from ..eligibility.screening import read_screening

        return self._once(
            "screening",
            lambda: read_screening(self.companion("screening"), **self._read("screening")),
        )

    @property
    def labs(self) -> Labs | None:
        """The daily labs, read and validated once; None when no labs file was given."""
        from ..eligibility.engraftment import read_labs

        if self.inputs.labs is None:
            return None
        return self._once("labs", lambda: read_labs(self.companion("labs"), **self._read("labs")))

    def _read(self, table: str) -> dict[str, Any]:
        return dict(self.reading.get(table, {}))


def _hashable(value: Any) -> Any:
    """An option value as a cache key: a mapping by its sorted items."""
    return tuple(sorted(value.items())) if isinstance(value, Mapping) else value


#: what a table's reading options may hold
READ_KEYS = ("columns", "date_format", "sheet_name", "encoding")
#: the tables that take reading options: the event table and its companions
READ_TABLES = ("events", *COMPANIONS)


def check_read_options(
    read_options: Mapping[str, Mapping[str, Any]] | None,
) -> dict[str, dict[str, Any]]:
    """`read_options` as a dict of dicts; an InputError (one line) for an unknown table or key.

    The labs have no dates (``day`` counts from the transplant): a date
    format for them is an error.  The GVHD episodes are read with the event
    table's date format: a different one is an error.
    """
    out: dict[str, dict[str, Any]] = {}
    for table, options in (read_options or {}).items():
        if table not in READ_TABLES:
            raise InputError(
                f"read options: unknown table {table!r}: expected one of {', '.join(READ_TABLES)}"
            )
        odd = [k for k in options if k not in READ_KEYS]
        if odd:
            raise InputError(
                f"read options of {table}: unknown {', '.join(map(repr, odd))}: "
                f"expected {', '.join(READ_KEYS)}"
            )
        out[table] = dict(options)
    if "date_format" in out.get("labs", {}):
        raise InputError(
            "read options of labs: the labs table has no dates (its day column counts days "
            "after the transplant): no date format applies"
        )
    gvhd, events = out.get("gvhd", {}), out.get("events", {})
    if "date_format" in gvhd and gvhd["date_format"] != events.get("date_format"):
        raise InputError(
            f"read options of gvhd: the GVHD episodes are read with the event table's date "
            f"format ({events.get('date_format')!r}), not {gvhd['date_format']!r}: give one "
            "date format for both"
        )
    return out


def _load_cohort(
    inputs: Inputs, reading: Mapping[str, Mapping[str, Any]], cutoff: str | None
) -> Cohort:
    """The event table read with its options, and the GVHD episodes with theirs."""
    from ..data.readers import read_table

    if inputs.events is None:  # pragma: no cover - build_report passes the cohort then
        raise InputError("no event table given")
    events = dict(reading.get("events", {}))
    gvhd: Any = inputs.gvhd
    if gvhd is not None:
        g = {k: v for k, v in reading.get("gvhd", {}).items() if k != "date_format"}
        gvhd = read_table(gvhd, **g) if g else gvhd
    return load_events(inputs.events, cutoff=cutoff, gvhd=gvhd, **events)
