"""The default report, ``blina-stats report`` on the bundled trial, timed in-process against 4 s.

Run: ``.venv/bin/python benchmarks/bench_report.py [--repeat 3]``.
One warm-up build (imports, font cache), then `--repeat` builds, each into a
new folder, with the figures saved by two processes (``jobs=2``) and, in
turn, by one (``jobs=1``); the best total of each is printed against the
target, with the breakdown of the best ``jobs=2`` build:

- ``build <part>``: the part's computations and the drawing of its figures
  (``design`` is the design review's simulations, ``adverse_events`` and
  ``monitoring`` the safety parts, ``subgroups`` the subgroup analyses),
- ``figures: layout + PNG + PDF``: the time this process spends in
  :class:`blina_stats.report.figures.FigureSaver` (``start`` between parts,
  ``finish`` before the documents): with ``jobs=2`` a forked process saves
  figures while the later parts are built, so this is the time the build
  waits for figures, not their whole cost; the PDF font embedding put apart
  is this process's share,
- ``tables``: CSV and Markdown of every table,
- ``docx``, ``latex``, ``html``, ``json + manifest``: the documents.

The rest (reading the inputs, deriving the endpoints, the folder) is
``other``.  The last lines are what a user waits for, best of `--repeat`
fresh processes each: ``blina-stats report`` (interpreter start, imports and
first-use costs included), the same without the interpreter's start (from
the first import of the package to the end), and the build alone (the
clock of :func:`~blina_stats.report.build_report`).  The clocks are wall
time: run it on a quiet machine (the load average is printed).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends import backend_pdf

from blina_stats.report import build as build_module
from blina_stats.report import figures as figures_module
from blina_stats.report import write as write_module

TARGET = 4.0  # seconds of work for the default report


class Clock:
    """Wall and CPU seconds (this process) spent in each named piece of the build."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)

    @contextmanager
    def add(self, key: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall[key] += time.perf_counter() - wall
            self.cpu[key] += time.process_time() - cpu


@contextmanager
def timed(clock: Clock) -> Iterator[Callable[[str, Any, str], None]]:
    """Wrap ``owner.name`` so that its calls add their seconds to ``clock[key]``; undone on exit."""
    undo: list[tuple[Any, str, Any]] = []

    def wrap(key: str, owner: Any, name: str) -> None:
        original = getattr(owner, name)

        def timer(*args: Any, **kwargs: Any) -> Any:
            with clock.add(key):
                return original(*args, **kwargs)

        undo.append((owner, name, original))
        setattr(owner, name, timer)

    try:
        yield wrap
    finally:
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)


def one_build(out: Path, jobs: int = 2) -> tuple[float, Clock]:
    """Wall seconds of one default build into `out` (figures saved by `jobs`), and its breakdown."""
    clock = Clock()
    forked = _children_cpu()
    with timed(clock) as wrap:
        original_build_part = build_module.build_part

        def build_part(key: str, *args: Any) -> Any:
            with clock.add(f"build {key}"):
                return original_build_part(key, *args)

        build_module.build_part = build_part  # type: ignore[assignment]
        try:
            wrap("figures: layout + PNG + PDF", figures_module.FigureSaver, "finish")
            wrap("figures: layout + PNG + PDF", figures_module.FigureSaver, "start")
            wrap("  of which PDF font embedding", backend_pdf.PdfFile, "writeFonts")
            wrap("tables", write_module, "write_formatted")
            wrap("docx", build_module, "write_docx")
            wrap("latex", build_module, "write_tables_tex")
            wrap("html", build_module, "write_html")
            wrap("json + manifest", build_module, "write_json")
            wrap("json + manifest", build_module, "write_manifest")
            with clock.add("total"):
                build_module.build_report(out=out, quiet=True, jobs=jobs)
        finally:
            build_module.build_part = original_build_part
    for times in (clock.wall, clock.cpu):
        times["other"] = 2 * times["total"] - sum(
            v for k, v in times.items() if not k.startswith("  ")
        )
    clock.cpu["forked processes"] = _children_cpu() - forked
    return clock.wall["total"], clock


def _children_cpu() -> float:
    """CPU seconds of this process's forked processes reaped so far (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench_report-"))
    runs: dict[int, list[tuple[float, Clock]]] = {1: [], 2: []}
    try:
        one_build(root / "warm-up")
        for i in range(args.repeat):  # the two interleaved: the same machine load for each
            for jobs, times in runs.items():
                times.append(one_build(root / f"run{i}-jobs{jobs}", jobs))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    total, clock = min(runs[2], key=lambda run: run[0])
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"default report, best of {args.repeat}: {total:.2f} s wall (target {TARGET:.1f} s)")
    print(f"  {'':<34} {'wall':>7} {'cpu':>7}")
    order = sorted(clock.wall, key=lambda k: (k == "total", -clock.wall[k]))
    for key in order:
        if not key.startswith("  "):
            print(f"  {key:<34} {clock.wall[key]:6.2f}s {clock.cpu[key]:6.2f}s")
        if key.startswith("figures"):
            for sub in (k for k in order if k.startswith("  ")):
                print(f"  {sub:<34} {clock.wall[sub]:6.2f}s {clock.cpu[sub]:6.2f}s")
    for jobs, times in runs.items():
        best, best_clock = min(times, key=lambda run: run[0])
        figures = best_clock.wall["figures: layout + PNG + PDF"]
        cpu = best_clock.cpu["total"] + best_clock.cpu["forked processes"]
        print(
            f"jobs={jobs}: best {best:.2f} s (figures {figures:.2f} s, CPU of all its processes"
            f" {cpu:.2f} s);"
            f" all runs {', '.join(f'{t:.2f}' for t, _ in times)} s"
        )
    print("within target" if total < TARGET else f"{total / TARGET:.1f}x the target")
    wall, work, build = cold(args.repeat)
    print(f"a fresh blina-stats report process, best of {args.repeat}: {wall:.2f} s wall")
    print(f"  without the interpreter's start: {work:.2f} s; its build_report clock: {build:.1f} s")
    print(f"  (after {os.getloadavg()[0]:.2f} load average)")


#: a fresh process timing itself from the first import of the package to the end
_TIMED_CLI = (
    "import sys, time; start = time.perf_counter(); from blina_stats.cli import main; "
    "status = main(sys.argv[1:]); print(f'work {time.perf_counter() - start:.3f}'); "
    "sys.exit(status)"
)


def cold(repeat: int) -> tuple[float, float, float]:
    """Best of `repeat` fresh processes: the ``blina-stats report`` wall, without start, build."""
    command = Path(sys.executable).with_name("blina-stats")
    walls, works, builds = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                [str(command), "report", "--quiet", "--out", f"{tmp}/cold{i}"],
                check=True,
                capture_output=True,
            )
            walls.append(time.perf_counter() - start)
            done = subprocess.run(
                [sys.executable, "-c", _TIMED_CLI, "report", "--out", f"{tmp}/timed{i}"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            works.append(float(re.findall(r"^work ([0-9.]+)$", done, re.M)[-1]))
            builds.append(float(re.findall(r"^\[ *([0-9.]+)s\] wrote ", done, re.M)[-1]))
    return min(walls), min(works), min(builds)


if __name__ == "__main__":
    main()
