"""Build the trial report: figures, tables, ``estimates.json`` and ``report.html`` in one folder.

Each part is built on its own: a part whose input is missing or cannot
support it (no adverse-event file, no GVHD columns) is reported as missing,
with the reason, and the rest of the report is still written.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..data import load_events
from ..endpoints import NotEstimable, estimate
from ..endpoints.summary import CONF_LEVEL, CONF_TYPE
from ..endpoints.summary import to_json as estimate_json
from ..errors import InputError
from ..plots.style import save
from ..safety import AdverseEvents, read_adverse_events
from ..synthetic import bundled_path
from .figures import FIGURES
from .html import Section, render
from .safety import Part, adverse_events_part, exposure_part, flow_part, monitoring_part
from .tables import baseline_table, endpoint_summary, follow_up, write_table

TITLE = "Blinatumomab maintenance after allo-HSCT: trial report"
GVHD_ENDPOINTS = ("agvhd", "agvhd_3_4", "cgvhd", "cgvhd_mod_severe")
#: the bundled synthetic trial's other files, used when no event table is given
BUNDLED = {
    key: bundled_path().parent / name
    for key, name in (
        ("ae", "adverse_events.csv"),
        ("dosing", "dosing.csv"),
        ("screening", "screening.csv"),
        ("labs", "labs.csv"),
    )
}


@dataclass(frozen=True)
class ReportResult:
    """What a report run wrote.

    Attributes
    ----------
    out : Path
        The report folder.
    files : tuple of Path
        Every file written, relative paths under `out`.
    missing : tuple of str
        ``"part: reason"`` for each part that could not be built.
    estimates : dict
        The content of ``estimates.json``.
    """

    out: Path
    files: tuple[Path, ...]
    missing: tuple[str, ...]
    estimates: dict[str, Any]


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Builder:
    def __init__(self, out: Path, quiet: bool) -> None:
        self.out = out
        self.quiet = quiet
        self.sections: list[Section] = []
        self.files: list[Path] = []
        self.started = time.perf_counter()

    def say(self, text: str) -> None:
        if not self.quiet:
            print(f"[{time.perf_counter() - self.started:5.1f}s] {text}", flush=True)

    def part(self, key: str, title: str, build: Callable[[Section], None]) -> Section:
        section = Section(key, title)
        self.say(title)
        try:
            build(section)
        except (InputError, FileNotFoundError) as exc:
            section.status, section.message = "missing", str(exc)
        self.sections.append(section)
        return section

    def table(self, section: Section, caption: str, frame: Any, name: str) -> None:
        self.files += write_table(frame, self.out / "tables" / name)
        section.tables.append((caption, frame))

    def figure(self, section: Section, caption: str, fig: Any, name: str) -> None:
        paths = save(fig, self.out / "figures" / name)
        self.files += paths
        section.figures.append((caption, paths[0]))


def build_report(
    data: str | Path | None = None,
    *,
    ae: str | Path | None = None,
    dosing: str | Path | None = None,
    screening: str | Path | None = None,
    labs: str | Path | None = None,
    out: str | Path = "report",
    origin: str = "transplant",
    quiet: bool = False,
    n_trials: int = 20_000,
    seed: int = 20240601,
) -> ReportResult:
    """Write the full report of the trial into `out`.

    Parameters
    ----------
    data : path, optional
        The per-patient event table; the bundled synthetic trial by default.
    ae, dosing, screening, labs : path, optional
        Adverse events, dosing records, screening log and daily labs; with the
        bundled trial, its bundled files by default.  A part whose file is
        missing is reported as missing, not skipped silently.
    out : path
        Folder to write into (created; files of the same names are replaced).
    origin : {"transplant", "enrollment"}
        Day 0 of every time scale.
    quiet : bool
        No progress lines or progress bars.
    n_trials, seed : int
        Simulated trials per scenario of the design review, and their seed.

    Returns
    -------
    ReportResult

    Raises
    ------
    InputError
        When the event table itself cannot be read or validated: nothing can
        be reported without it.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data_path = Path(data) if data is not None else bundled_path()
    bundled = data is None
    inputs_given = {"ae": ae, "dosing": dosing, "screening": screening, "labs": labs}
    files = {
        key: Path(value) if value is not None else BUNDLED[key] if bundled else None
        for key, value in inputs_given.items()
    }
    b = _Builder(out, quiet)
    b.say(f"reading {data_path}")
    cohort = load_events(data_path)
    options: dict[str, Any] = {
        "origin": origin,
        "delayed_entry": True,
        "gvhd_competing": "relapse_or_death",
    }
    table = estimate(cohort, origin=origin, conf_type=CONF_TYPE, conf_level=CONF_LEVEL)
    doc = estimate_json(cohort, table, options)

    def endpoints(section: Section) -> None:
        summary = endpoint_summary(table)
        absent = table.index[~table["estimable"]].tolist()
        if absent:
            section.status = "partial"
            section.message = "not estimable: " + "; ".join(
                f"{n} ({table.loc[n, 'reason']})" for n in absent
            )
        b.table(section, "Endpoints at their horizons", summary, "endpoints")
        if cohort.has_enrollment and origin == "transplant":
            # GVHD mostly starts before the first dose (days 60-90): with entry at
            # enrollment the estimate is conditional on being GVHD-free then
            gvhd = [n for n in GVHD_ENDPOINTS if bool(table.loc[n, "estimable"])]
            if gvhd:
                plain = estimate(
                    cohort,
                    endpoints=tuple(gvhd),
                    delayed_entry=False,
                    conf_type=CONF_TYPE,
                    conf_level=CONF_LEVEL,
                )
                section.notes.append(
                    "GVHD endpoints with entry at the first dose are conditional on being free "
                    "of GVHD then; the sensitivity table counts GVHD from the transplant for "
                    "every enrolled patient (no delayed entry), as transplant registries report it."
                )
                b.table(
                    section,
                    "Sensitivity: GVHD from transplant without delayed entry",
                    endpoint_summary(plain),
                    "endpoints_gvhd_from_transplant",
                )
                doc["sensitivity_gvhd_no_delayed_entry"] = estimate_json(
                    cohort, plain, {**options, "delayed_entry": False}
                )["endpoints"]

    def figures(section: Section) -> None:
        missing = []
        for name, (caption, make) in FIGURES.items():
            try:
                fig = make(cohort, origin)
            except NotEstimable as exc:
                missing.append(f"{caption}: {exc}")
                continue
            b.figure(section, caption, fig, name)
        if missing:
            section.status, section.message = "partial", "; ".join(missing)

    def baseline(section: Section) -> None:
        b.table(section, "Baseline characteristics", baseline_table(cohort), "baseline")
        fu = follow_up(cohort)
        b.table(section, "Follow-up", fu, "follow_up")
        doc["follow_up"] = fu.to_dict(orient="index")

    def design(section: Section) -> None:
        from ..design.review import METHOD_LABELS, review_protocol
        from ..plots.style import figure_of, new_axes

        review = review_protocol(
            cohort.n_patients, n_trials=n_trials, seed=seed, progress=False if quiet else None
        )
        section.notes.append(
            f"Power of {review.n} patients ({review.n_evaluable} evaluable with "
            f"{review.dropout:.0%} dropout) for 2-year PFS hypotheses; every alpha is "
            "ONE-SIDED. Simulated trials: " + f"{n_trials:,} per scenario, seed {seed}."
        )
        power = review.power.assign(method=review.power["method"].map(METHOD_LABELS))
        b.table(section, "Power by method (one-sided alpha)", power, "design_power")
        b.table(section, "Smallest detectable 2-year PFS", review.detectable, "design_detectable")
        b.table(section, "Simulated type I error and power", review.simulation, "design_simulation")
        ax = new_axes(width=7.0, height=3.6)
        review.plot(ax=ax)
        b.figure(section, "Power curves of the 68-patient design", figure_of(ax), "power_curve")
        doc["design"] = review.to_dict()

    def subgroups(section: Section) -> None:
        from .subgroups import pfs_forest, subgroup_tests

        caught: list[str] = []
        tests = subgroup_tests(cohort, caught)
        if tests.empty:
            raise InputError(f"{cohort.source}: no covariate with 2-6 levels to compare")
        section.notes.append(
            "Log-rank test for survival endpoints (delayed entry at enrollment), Gray's test "
            "for cumulative incidences (time from the first dose); unadjusted p-values."
        )
        b.table(section, "Subgroup comparisons (p-values)", tests, "subgroup_tests")
        table, fig = pfs_forest(cohort, caught)
        if not table.empty:
            b.table(section, "Univariable Cox models for PFS", table, "subgroup_cox_pfs")
        if fig is not None:
            b.figure(section, "Hazard ratios for PFS by subgroup", fig, "forest_pfs")
        section.notes += [f"warning: {w}" for w in caught]
        doc["subgroups"] = {"tests": tests.to_dict(orient="index"), "warnings": caught}

    b.part("endpoints", "Outcomes", endpoints)
    b.part("figures", "Survival and cumulative incidence", figures)
    b.part("baseline", "Patients and follow-up", baseline)

    def add(section: Section, part: Part) -> None:
        for caption, frame, name in part.tables:
            b.table(section, caption, frame, name)
        for caption, fig, name in part.figures:
            b.figure(section, caption, fig, name)
        section.notes += part.notes

    def need(key: str, flag: str) -> Path:
        path = files[key]
        if path is None:
            raise InputError(f"no {flag.strip('-').replace('-', ' ')} file given ({flag} FILE)")
        return path

    adverse: list[AdverseEvents] = []  # read once, for the tables and the monitoring

    def safety(section: Section) -> None:
        adverse.append(read_adverse_events(need("ae", "--ae"), cohort))
        part = adverse_events_part(adverse[0], cohort)
        add(section, part)
        doc["safety"] = {"adverse_events": part.json}

    def exposure(section: Section) -> None:
        part = exposure_part(need("dosing", "--dosing"), cohort)
        add(section, part)
        doc.setdefault("safety", {})["exposure"] = part.json

    def monitoring(section: Section) -> None:
        # without a readable adverse-event table only the NRM rule is monitored
        part = monitoring_part(cohort, adverse[0] if adverse else None, seed)
        add(section, part)
        doc.setdefault("safety", {})["monitoring"] = part.json

    def flow(section: Section) -> None:
        part = flow_part(need("screening", "--screening"), cohort, files["labs"])
        add(section, part)
        doc["flow"] = part.json

    b.part("flow", "Patient flow (CONSORT) and engraftment", flow)
    b.part("subgroups", "Subgroups", subgroups)
    b.part("safety", "Adverse events", safety)
    b.part("exposure", "Exposure to blinatumomab", exposure)
    b.part("monitoring", "Safety monitoring", monitoring)
    b.part("design", "Design: what the sample size can test", design)

    missing = tuple(f"{s.title}: {s.message}" for s in b.sections if s.status != "ok")
    inputs = {str(data_path): sha256(data_path)}
    inputs.update({str(p): sha256(p) for p in files.values() if p is not None and p.exists()})
    doc["report"] = {
        "version": __version__,
        "inputs_sha256": inputs,
        "options": options,
        "missing": list(missing),
    }
    (out / "estimates.json").write_text(json.dumps(doc, indent=2, default=str) + "\n")
    b.files.append(out / "estimates.json")
    meta = {
        "blina-stats": __version__,
        "python": platform.python_version(),
        **{f"input {k}": f"sha256 {v}" for k, v in inputs.items()},
        **{f"option {k}": v for k, v in options.items()},
        "intervals": f"{CONF_TYPE} {CONF_LEVEL:.0%}",
    }
    page = render(TITLE, b.sections, meta, doc["warnings"])
    (out / "report.html").write_text(page)
    b.files.append(out / "report.html")
    b.say(f"wrote {len(b.files)} files into {out}/")
    return ReportResult(
        out=out,
        files=tuple(p.relative_to(out) for p in b.files),
        missing=missing,
        estimates=doc,
    )
