"""Save the report's figures on every core: queued while the parts are built, written together.

Saving a figure (its layout, a 300 dpi PNG and a PDF) is most of a report's
time and pure CPU, one figure independent of the next.  The report therefore
queues each figure as its part is written and, before anything reads the
saved files (the page, the Word and LaTeX documents embed them), saves the
whole queue with :func:`save_all`: the work is shared by this process and
``jobs - 1`` forked copies of it, which take the next figure from one queue
until none is left.

Every figure is saved by the same :func:`~blina_stats.plots.style.save` in
either process, so its files are byte for byte those of a sequential save
(the PDF font subsets are keyed by the glyphs they hold, not by what a
process saved before).  A forked process only vouches for the figures it
saved without an error or a warning; every other figure (one that failed,
warned, or was left when a process died) is saved again here, so its error
or warning is the one a sequential save gives, raised or shown in this
process.

The number of processes: the `jobs` argument of
:func:`~blina_stats.report.build_report` (``blina-stats report --jobs``),
else the environment variable :data:`JOBS_ENV`, else the processors this
process may use, at most :data:`MAX_JOBS`.  ``1`` saves in order in this
process, as does a platform without ``fork`` (Windows) or where a forked
process is unsafe (macOS).
"""

from __future__ import annotations

import os
import signal
import struct
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..plots.style import save

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: environment variable giving the number of processes that save the report's figures
JOBS_ENV = "BLINA_STATS_JOBS"
#: the default number of processes, at most
MAX_JOBS = 4

_INDEX = struct.Struct(">I")  # a figure's index in the queue, as a pipe reads it whole
_DONE = struct.Struct(">I?")  # a figure's index and whether it was saved cleanly
_MAX_QUEUE = 8192  # indices that fit in a pipe before anyone reads it


def can_fork() -> bool:
    """Whether figures can be saved by forked processes here (POSIX ``fork``, not macOS)."""
    return hasattr(os, "fork") and sys.platform != "darwin"


def resolve_jobs(jobs: int | None = None) -> int:
    """The number of processes that save the figures (see the module's notes).

    Raises
    ------
    InputError
        When `jobs` or :data:`JOBS_ENV` is not a whole number >= 1.
    """
    if jobs is None:
        text = os.environ.get(JOBS_ENV, "").strip()
        if not text:
            return min(MAX_JOBS, _processors()) if can_fork() else 1
        try:
            jobs = int(text)
        except ValueError:
            raise InputError(f"{JOBS_ENV}={text!r}: expected a whole number >= 1") from None
        if jobs < 1:
            raise InputError(f"{JOBS_ENV}={text!r}: expected a whole number >= 1")
    elif isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InputError(f"jobs={jobs!r}: expected a whole number >= 1")
    return jobs if can_fork() else 1


def _processors() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)  # pragma: no cover - Linux has sched_getaffinity


def save_all(figures: Sequence[tuple[Figure, Path]], jobs: int = 1) -> list[Exception | None]:
    """Save each ``(figure, path)`` as PNG and PDF, shared by `jobs` processes.

    Parameters
    ----------
    figures : sequence of (Figure, Path)
        Each figure and the path of its files without a suffix, as
        :func:`~blina_stats.plots.style.save` takes them.
    jobs : int
        Processes that save them: this one and ``jobs - 1`` forked ones
        (one process at most per figure; 1 where :func:`can_fork` is false).

    Returns
    -------
    list of Exception or None
        For each figure, in order, the error its save raised (its files may
        be partly written), or None when it was saved.
    """
    errors: list[Exception | None] = [None] * len(figures)
    forks = min(jobs, len(figures)) - 1 if can_fork() and len(figures) < _MAX_QUEUE else 0
    done = _save_forked(figures, forks, errors) if forks > 0 else set()
    for i, (fig, path) in enumerate(figures):
        if i not in done:
            errors[i] = _save(fig, path)
    return errors


def _save(fig: Figure, path: Path) -> Exception | None:
    try:
        save(fig, path)
    except Exception as exc:  # the part it belongs to fails, the report goes on
        return exc
    return None


def _save_forked(
    figures: Sequence[tuple[Figure, Path]], forks: int, errors: list[Exception | None]
) -> set[int]:
    """Save the figures here and in `forks` forked processes; the indices saved.

    The errors of the figures saved here are set in `errors`; a figure a
    forked process could not save cleanly is not among those returned.
    """
    tasks_read, tasks_write = os.pipe()
    with os.fdopen(tasks_write, "wb") as queue:  # every index is in the queue before a fork
        queue.write(b"".join(_INDEX.pack(i) for i in range(len(figures))))
    results_read, results_write = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    children: list[int] = []
    done: set[int] = set()
    finished = False
    try:
        for _ in range(forks):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the forked process (seen by its results)
                _child(figures, tasks_read, results_write)
            children.append(pid)
        os.close(results_write)
        results_write = -1
        while (index := _next(tasks_read)) is not None:
            errors[index] = _save(*figures[index])
            done.add(index)
        with os.fdopen(results_read, "rb") as results:
            results_read = -1
            while len(record := results.read(_DONE.size)) == _DONE.size:
                index, clean = _DONE.unpack(record)
                if clean:
                    done.add(index)
        finished = True
    finally:
        for fd in (tasks_read, results_read, results_write):
            if fd >= 0:
                os.close(fd)
        for pid in children:
            _reap(pid, stop=not finished)
    return done


def _next(tasks: int) -> int | None:
    """The next figure's index from the queue, None when it is empty."""
    record = os.read(tasks, _INDEX.size)  # one read takes one whole index: a pipe is atomic
    return _INDEX.unpack(record)[0] if len(record) == _INDEX.size else None


def _child(figures: Sequence[tuple[Figure, Path]], tasks: int, results: int) -> None:
    """The forked process: save figures from the queue, report each saved cleanly, exit."""
    status = 1
    try:
        saved = []
        while (index := _next(tasks)) is not None:
            with warnings.catch_warnings(record=True) as caught:
                error = _save(*figures[index])
            # an error or a warning: the parent saves the figure again and raises or shows it
            saved.append(_DONE.pack(index, error is None and not caught))
        data = b"".join(saved)
        while data:
            data = data[os.write(results, data) :]
        status = 0
    finally:  # never returns into the parent's code (its cleanup, its atexit)
        os._exit(status)


def _reap(pid: int, stop: bool) -> None:
    """Wait for a forked process, stopping it first when `stop`: no zombie is left."""
    try:
        if stop:
            os.kill(pid, signal.SIGTERM)  # the parent is leaving early (an error, Ctrl-C)
        os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):  # pragma: no cover - already gone
        pass
