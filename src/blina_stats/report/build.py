"""Build the trial report: figures, tables, ``estimates.json`` and ``report.html`` in one folder.

The event table is read and validated into a :class:`~.context.Context`,
which derives each endpoint and reads each companion file once; every part of
:data:`~.parts.PARTS` is built from it alone.  A part whose input is missing
or cannot support it (no adverse-event file, no GVHD columns, an error while
building or drawing it) is reported as not available, with the reason, and
the rest of the report is still written.
"""

from __future__ import annotations

import functools
import gc
import platform
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from .. import __version__
from .._constants import DEFAULT_SEED
from ..data.readers import table_path
from ..endpoints import CONF_LEVEL, CONF_TYPE
from ..endpoints.intercurrent import check_options
from ..endpoints.summary import to_json
from ..errors import InputError
from ..plots.pdf_fonts import shared_subsets
from .context import Context, Inputs
from .docx import write_docx
from .figures import FigureSaver, resolve_jobs
from .folder import (
    check_inputs,
    check_out,
    frame_sha256,
    publish,
    sha256,
    staging,
    write_manifest,
)
from .header import header_lines
from .latex import write_tables_tex
from .part import build_part, failed, failure
from .parts import PARTS
from .parts import external as external_part
from .write import merge_json, remove_files, write_html, write_json, write_part

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    import pandas as pd
    from matplotlib.figure import Figure

    from ..data import Cohort
    from .html import Section

TITLE = "Blinatumomab maintenance after allo-HSCT: trial report"

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _older_objects_frozen(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """`func` run with the objects that exist before it left out of garbage collection.

    A report makes many objects (its figures); each full collection of the
    garbage collector would go over every object of the session as well (the
    imported pandas, SciPy, matplotlib), a tenth of a build.  Those objects
    are frozen (:func:`gc.freeze`) for the call and given back to the
    collector after it; a session that froze objects itself is left as it is.
    The forked processes that save figures (:mod:`.figures`) then do not
    touch those objects either.
    """

    @functools.wraps(func)
    def frozen(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if gc.get_freeze_count():
            return func(*args, **kwargs)
        gc.freeze()
        try:
            return func(*args, **kwargs)
        finally:
            gc.unfreeze()

    return frozen


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


@_older_objects_frozen
def build_report(
    data: str | Path | None = None,
    *,
    ae: str | Path | None = None,
    dosing: str | Path | None = None,
    screening: str | Path | None = None,
    labs: str | Path | None = None,
    gvhd: str | Path | None = None,
    out: str | Path = "report",
    origin: str = "transplant",
    quiet: bool = False,
    n_trials: int = 20_000,
    seed: int = DEFAULT_SEED,
    cutoff: str | None = None,
    intercurrent: Mapping[str, str] | None = None,
    relapse_definition: str = "hematologic",
    controls: str | Path | None = None,
    cohort: Cohort | None = None,
    read_options: Mapping[str, Mapping[str, Any]] | None = None,
    labels: Mapping[str, str] | None = None,
    jobs: int | None = None,
) -> ReportResult:
    """Write the full report of the trial into `out`.

    Parameters
    ----------
    data : path, optional
        The per-patient event table; the bundled synthetic trial by default
        (unless `cohort` is given).
    ae, dosing, screening, labs : path, optional
        Adverse events, dosing records, screening log and daily labs; with the
        bundled trial, its bundled files by default.  A part whose file is
        missing is reported as missing, not skipped silently.
    gvhd : path, optional
        The GVHD episodes table (:mod:`blina_stats.data.gvhd`), read with the
        event table; with the bundled trial, its bundled file by default.
    out : path
        Folder of the report: new, empty, or a previous report, which is
        replaced only when the new one is complete (see
        :mod:`blina_stats.report.folder`); it then holds this run's files and
        ``manifest.json``.
    origin : {"transplant", "enrollment"}
        Day 0 of every time scale.
    quiet : bool
        No progress lines or progress bars.
    n_trials, seed : int
        Simulated trials per scenario of the design review, and their seed.
    cutoff : str, optional
        Data cut-off ``YYYY-MM-DD`` (see :func:`blina_stats.load_events`);
        shown in the report's header and ``estimates.json``.
    intercurrent, relapse_definition
        Estimand controls of every endpoint (see
        :mod:`blina_stats.endpoints.intercurrent`), stated in the header.
    controls : path, optional
        External control table: adds the "External control" part
        (:mod:`blina_stats.report.parts.external`).
    cohort : Cohort, optional
        An event table already loaded (:func:`blina_stats.load_events`, in a
        notebook): no file is read for it, and no bundled companion file is
        used (give `ae`, `dosing`... yourself).  Not with `data`, `gvhd` or
        `cutoff` (load the cohort with them).  ``estimates.json`` and
        ``manifest.json`` record it as ``in-memory Cohort (<source>)`` with
        the SHA-256 of its validated frame.
    read_options : mapping, optional
        How to read each input table: ``{"events": {...}, "ae": {...}}`` with
        tables ``events``, ``ae``, ``dosing``, ``screening``, ``labs``,
        ``gvhd`` and keys ``columns`` (the file's name -> the schema's),
        ``date_format`` (``"%d/%m/%Y"``), ``sheet_name`` and ``encoding``, as
        :func:`blina_stats.load_events` takes them.  The labs have no dates;
        the GVHD episodes are read with the event table's date format.
    labels : mapping of str to str, optional
        Display labels of covariates in figures and table rows,
        ``{"mrd_pre_hsct": "MRD before HSCT"}``, over the package's
        (:mod:`blina_stats.data.labels`); JSON fields, CSV column names and
        model terms keep the raw names.
    jobs : int, optional
        Processes that save the figures (:mod:`blina_stats.report.figures`):
        1 saves them one after another in this process; by default the
        environment variable ``BLINA_STATS_JOBS``, else the processors
        available (at most 4).  The files are the same whatever it is.

    Returns
    -------
    ReportResult

    Raises
    ------
    InputError
        When the event table itself cannot be read or validated (nothing can
        be reported without it), when `origin` is ``"enrollment"`` and the
        table gives no enrollment, when `out` is a file, under a file, or a
        non-empty folder that is not a report, when an input lies inside
        `out`, when `labels` names a column that is not a covariate, or when
        `jobs` is not a whole number >= 1.  Nothing is written then.
    """
    out = Path(out)
    check_out(out)
    jobs = resolve_jobs(jobs)
    started = time.perf_counter()

    def say(text: str) -> None:
        if not quiet:
            print(f"[{time.perf_counter() - started:5.1f}s] {text}", flush=True)

    check_cohort(cohort, data, gvhd, cutoff)
    inputs = Inputs.resolve(
        data,
        in_memory=cohort is not None,
        ae=ae,
        dosing=dosing,
        screening=screening,
        labs=labs,
        gvhd=gvhd,
    )
    extra = (
        ()
        if controls is None
        else (external_part.for_controls(table_path(controls, "controls", "control table")),)
    )
    check_inputs(out, inputs.paths() + [p.controls for p in extra])
    say(f"reading {inputs.events}" if cohort is None else f"cohort {cohort.source} (in memory)")
    ctx = Context.load(
        inputs,
        cohort=cohort,
        read_options=read_options,
        origin=origin,
        n_trials=n_trials,
        seed=seed,
        quiet=quiet,
        cutoff=cutoff,
        labels=labels,
    )
    ctx.options.update(intercurrent=dict(intercurrent or {}), relapse_definition=relapse_definition)
    # a bad estimand option is an error before anything is written
    check_options(ctx.cohort.present, intercurrent, relapse_definition, None)
    digests = inputs.sha256() | {str(p.controls): sha256(p.controls) for p in extra}
    if cohort is not None:
        digests = {f"in-memory Cohort ({cohort.source})": frame_sha256(cohort.frame), **digests}
    # a PDF font subset made once per build; the figures saved on every core
    with staging(out) as tmp, shared_subsets(), FigureSaver(jobs) as saver:
        parts, sections, written = [], [], []
        queue: list[tuple[Figure, Path]] = []
        spans = []
        for module in (*PARTS, *extra):
            say(module.TITLE)
            part = build_part(module.KEY, module.TITLE, module.build, ctx)
            start = len(queue)
            try:
                section, made = write_part(part, tmp, queue)
            except Exception as exc:  # a table that cannot be written fails its part alone
                del queue[start:]
                part = failed(part, failure(exc, str(ctx.cohort.source)))
                section, made = write_part(part, tmp)
            parts.append(part)
            sections.append(section)
            written.append(made)
            spans.append(range(start, len(queue)))
            for fig, path in queue[start:]:
                saver.add(fig, path)
            saver.start()  # the figures waiting saved by a forked process while the next is built
        say(f"saving {len(queue)} figures" + (f" ({jobs} processes)" if jobs > 1 else ""))
        errors = saver.finish()
        for i, span in enumerate(spans):
            error = next((errors[j] for j in span if errors[j] is not None), None)
            if error is not None:  # a figure that cannot be saved fails its part alone
                remove_files(parts[i], tmp, written[i])
                parts[i] = failed(parts[i], failure(error, str(ctx.cohort.source)))
                sections[i], written[i] = write_part(parts[i], tmp)
        files = [path for made in written for path in made]
        doc = merge_json(to_json(ctx.cohort, ctx.estimates(), ctx.options), parts)
        missing = tuple(f"{p.title}: {p.message}" for p in parts if p.status != "ok")
        doc["report"] = {
            "version": __version__,
            "inputs_sha256": digests,
            "options": ctx.options,
            "missing": list(missing),
            "parts": {
                p.key: {"title": p.title, "status": p.status, "message": p.message} for p in parts
            },
        }
        files.append(write_json(doc, tmp / "estimates.json"))
        meta = {
            "blina-stats": __version__,
            "python": platform.python_version(),
            **{f"input {k}": f"sha256 {v}" for k, v in digests.items()},
            **{f"option {k}": v for k, v in ctx.options.items()},
            **({"data cut-off": ctx.cohort.cutoff} if ctx.cohort.cutoff else {}),
            "PFS censoring": doc["pfs_censoring"],
            "intervals": f"{CONF_TYPE} {CONF_LEVEL:.0%}",
        }
        header = header_lines(ctx.cohort, meta["intervals"])
        html = tmp / "report.html"
        files.append(write_html(TITLE, sections, meta, doc["warnings"], html, header))
        files.append(write_docx(TITLE, sections, header, tmp / "report.docx"))
        files.append(write_tables_tex(_all_tables(sections), tmp / "tables.tex"))
        files.append(write_manifest(tmp, digests, __version__))
        relative = tuple(p.relative_to(tmp) for p in files)
        publish(tmp, out)
    say(f"wrote {len(files)} files into {out}/")
    return ReportResult(
        out=out,
        files=relative,
        missing=missing,
        estimates=doc,
    )


def _all_tables(sections: Sequence[Section]) -> Iterator[tuple[str, pd.DataFrame, str]]:
    """(caption, formatted frame, file name) of every table of the report, in its order."""
    for s in sections:
        for (caption, frame), name in zip(s.tables, s.table_names, strict=True):
            yield caption, frame, name


def check_cohort(
    cohort: Cohort | None, data: str | Path | None, gvhd: str | Path | None, cutoff: str | None
) -> None:
    """An InputError (one line) when a loaded `cohort` comes with what loading it takes."""
    if cohort is None:
        return
    given = [n for n, v in (("data", data), ("gvhd", gvhd), ("cutoff", cutoff)) if v is not None]
    if given:
        raise InputError(
            f"cohort {cohort.source}: already loaded; {', '.join(given)} cannot be applied to it "
            "(give them to load_events, or give data instead of cohort)"
        )
