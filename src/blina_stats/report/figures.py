"""Save the report's figures on every core, while the later parts are still being built.

Saving a figure (its layout, a 300 dpi PNG and a PDF) is most of a report's
time and pure CPU, one figure independent of the next.  The report hands
each part's figures to a :class:`FigureSaver` as the part is written.  Between
parts, :meth:`FigureSaver.start` gives the figures waiting to a forked copy
of this process (at most ``jobs - 1`` at a time), which saves them while this
one builds the next parts; :meth:`FigureSaver.finish`, before anything reads
the saved files (the page, the Word and LaTeX documents embed them), shares
the figures left between this process and new forked ones, and this process
then takes the figures a busy forked one has not started.  Every batch is a
pipe of figure indices that any process holding those figures reads one
index at a time, so no figure is saved twice and none waits for a busy
process.

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
process may use, at most :data:`MAX_JOBS` (1 when the process runs other
threads, as a notebook's kernel does: give `jobs` to fork all the same).
``1`` saves in order in this process, as does a platform without ``fork``
(Windows) or where a forked process is unsafe (macOS).
"""

from __future__ import annotations

import array
import os
import signal
import struct
import sys
import threading
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
_MAX_QUEUE = 8192  # indices (and results) that fit in a pipe before anyone reads it
#: seconds a forked process may go without saving a figure before it is stopped
STALL_SECONDS = 300.0


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
            # another thread (a notebook's kernel) may hold a lock a forked process would need
            alone = threading.active_count() == 1
            return min(MAX_JOBS, _processors()) if can_fork() and alone else 1
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


class FigureSaver:
    """Figures saved as PNG and PDF by `jobs` processes (see the module's notes).

    Parameters
    ----------
    jobs : int
        Processes that save them: this one and at most ``jobs - 1`` forked
        ones at a time (1, or a platform where :func:`can_fork` is false:
        every figure saved by :meth:`finish`, in order, in this process).
    """

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = jobs if can_fork() else 1
        self.figures: list[tuple[Figure, Path]] = []
        self._pending: list[int] = []
        self._batches: list[_Batch] = []  # handed to forked processes, newest last

    def add(self, fig: Figure, path: Path) -> None:
        """Queue `fig`, to be saved as `path` with each suffix (PNG, PDF)."""
        self.figures.append((fig, path))
        self._pending.append(len(self.figures) - 1)

    def start(self) -> None:
        """Hand the figures waiting to a forked process, when fewer than ``jobs - 1`` are busy."""
        if self._idle() < 1 or not self._pending or len(self.figures) >= _MAX_QUEUE:
            return
        batch = _Batch(self._heaviest_first(self._pending))
        self._batches.append(batch)
        self._pending = []
        batch.spawn(self.figures, [batch.tasks])

    def finish(self) -> list[Exception | None]:
        """Save every figure not saved yet and wait for the forked processes.

        Returns
        -------
        list of Exception or None
            For each figure, in the order added, the error its save raised
            (its files may be partly written), or None when it was saved.
        """
        errors: list[Exception | None] = [None] * len(self.figures)
        done: set[int] = set()
        try:
            if self.jobs > 1 and len(self.figures) < _MAX_QUEUE:
                if self._pending:
                    self._batches.append(_Batch(self._heaviest_first(self._pending)))
                    self._pending = []
                # the newest first: an older batch is being saved by its own process, and
                # the processes forked now hold every figure, so take from any batch
                queues = [batch.tasks for batch in reversed(self._batches)]
                self._join(queues)
                while (index := _take(queues)) is not None:
                    errors[index] = _save(*self.figures[index])
                    done.add(index)
                    self._join(queues)  # a forked process that has finished takes some of the rest
                for batch in self._batches:
                    done |= batch.wait()
        finally:
            self.close()
        for i, (fig, path) in enumerate(self.figures):
            if i not in done:  # waiting, or a forked process could not save it cleanly
                errors[i] = _save(fig, path)
        self._pending = []
        return errors

    def _heaviest_first(self, indices: list[int]) -> list[int]:
        """`indices` by the figures' artists, most first: the last figure saved is a light one.

        Two processes sharing figures finish together within the time of the
        last figure either takes; a figure's artists are a cheap measure of
        its saving time (the swimmer plot's hundreds of markers).
        """

        weight = {i: len(self.figures[i][0].findobj()) for i in indices}  # ~1 ms a figure
        return sorted(indices, key=lambda i: (-weight[i], i))

    def _idle(self) -> int:
        """How many more forked processes may run now."""
        if self.jobs < 2:
            return 0
        return self.jobs - 1 - sum(batch.busy() for batch in self._batches)

    def _join(self, queues: list[int]) -> None:
        """Fork processes that take from `queues` while some are idle and two figures are left."""
        left = sum(_waiting(fd) for fd in queues)
        forks = min(self._idle(), left - 1)  # one figure left: this process saves it
        if forks > 0:
            self._batches[-1].spawn(self.figures, queues, forks)

    def close(self) -> None:
        """Close every batch, stopping and reaping a forked process not waited for."""
        for batch in self._batches:
            batch.close()
        self._batches = []

    def __enter__(self) -> FigureSaver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()  # a build that stopped before finish leaves no process behind


def save_all(figures: Sequence[tuple[Figure, Path]], jobs: int = 1) -> list[Exception | None]:
    """Save each ``(figure, path)`` as PNG and PDF, shared by `jobs` processes.

    Parameters
    ----------
    figures : sequence of (Figure, Path)
        Each figure and the path of its files without a suffix, as
        :func:`~blina_stats.plots.style.save` takes them.
    jobs : int
        Processes that save them (see :class:`FigureSaver`).

    Returns
    -------
    list of Exception or None
        For each figure, in order, the error its save raised, or None when
        it was saved.
    """
    saver = FigureSaver(jobs)
    for fig, path in figures:
        saver.add(fig, path)
    return saver.finish()


def _save(fig: Figure, path: Path) -> Exception | None:
    try:
        save(fig, path)
    except Exception as exc:  # the part it belongs to fails, the report goes on
        return exc
    return None


class _Batch:
    """Figure indices in a pipe, read by this process and the forked ones given them."""

    def __init__(self, indices: list[int]) -> None:
        self.tasks, queue = os.pipe()  # kept open here: this process takes what is left
        with os.fdopen(queue, "wb") as fh:  # every index is in the pipe before a fork
            fh.write(b"".join(_INDEX.pack(i) for i in indices))
        self.children: list[tuple[int, int]] = []  # (pid, the read end of its results)
        self._reaped: set[int] = set()  # never signalled again: the pid may be reused
        self._done: set[int] | None = None

    def spawn(self, figures: Sequence[tuple[Figure, Path]], queues: list[int], n: int = 1) -> None:
        """Fork `n` processes that save the figures of `queues`, one after the other."""
        _prepare()
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            for _ in range(n):
                results_read, results_write = os.pipe()
                with warnings.catch_warnings():
                    # Python >= 3.12 warns of any thread (numpy's BLAS pool among them): the
                    # forked process only saves figures, with every module it needs imported
                    warnings.filterwarnings("ignore", "This process", DeprecationWarning)
                    pid = os.fork()
                if pid == 0:  # pragma: no cover - runs in the forked process (seen by its results)
                    os.close(results_read)
                    _child(figures, queues, results_write)
                os.close(results_write)
                self.children.append((pid, results_read))
        except BaseException:
            self.close(stop=True)
            raise

    def busy(self) -> int:
        """How many of the batch's forked processes are still running (the others reaped)."""
        running = 0
        for pid, _ in self.children:
            if pid in self._reaped:
                continue
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == 0:
                    running += 1
                    continue
            except ChildProcessError:  # pragma: no cover - reaped elsewhere
                pass
            self._reaped.add(pid)
        return running

    def wait(self) -> set[int]:
        """Wait for the batch's forked processes: the indices they saved cleanly.

        A process that reports no figure for :data:`STALL_SECONDS` is
        stopped (SIGKILL): the figures it has not reported are saved here.
        """
        import select

        done: set[int] = set()
        for pid, results in self.children:
            data = b""
            while select.select([results], [], [], STALL_SECONDS)[0]:
                if not (chunk := os.read(results, 4096)):
                    break  # it has exited
                data += chunk
            else:
                os.kill(pid, signal.SIGKILL)  # stuck (a lock held at the fork): saved here
            usable = len(data) - len(data) % _DONE.size
            for index, clean in _DONE.iter_unpack(data[:usable]):
                if clean:
                    done.add(index)
            self._reap(pid, stop=False)
        self._done = done
        return done

    def _reap(self, pid: int, stop: bool) -> None:
        """Wait for a forked process, stopping it first when `stop`: no zombie is left."""
        if pid in self._reaped:
            return
        try:
            if stop:
                os.kill(pid, signal.SIGTERM)  # the parent is leaving early (an error, Ctrl-C)
            os.waitpid(pid, 0)
        except (ChildProcessError, ProcessLookupError):  # pragma: no cover - gone already
            pass
        self._reaped.add(pid)

    def close(self, stop: bool = False) -> None:
        """Close the batch's pipes; stop and reap its forked processes when not waited for."""
        stop = stop or self._done is None
        for pid, results in self.children:
            os.close(results)
            self._reap(pid, stop=stop)
        self.children = []
        if self.tasks >= 0:
            os.close(self.tasks)
            self.tasks = -1


def _prepare() -> None:
    """What every save needs, made here once rather than in each forked process.

    The modules a save imports on first use and the shared PDF font
    subsets (:func:`~blina_stats.plots.pdf_fonts.warm_shared_subsets`).
    """
    import matplotlib.backends.backend_agg
    import matplotlib.backends.backend_pdf  # noqa: F401
    from PIL import PngImagePlugin  # noqa: F401

    from ..plots import legends, text_layouts  # noqa: F401
    from ..plots.pdf_fonts import warm_shared_subsets
    from ..plots.style import style

    with style():
        warm_shared_subsets()


def _take(queues: list[int]) -> int | None:
    """The next figure's index from the first of `queues` not empty, None when all are."""
    for tasks in queues:
        if (index := _next(tasks)) is not None:
            return index
    return None


def _waiting(tasks: int) -> int:
    """How many indices are left in the pipe `tasks`."""
    import fcntl  # POSIX, as fork is
    import termios

    size = array.array("i", [0])
    fcntl.ioctl(tasks, termios.FIONREAD, size)
    return size[0] // _INDEX.size


def _next(tasks: int) -> int | None:
    """The next figure's index from the queue, None when it is empty."""
    record = os.read(tasks, _INDEX.size)  # one read takes one whole index: a pipe is atomic
    return _INDEX.unpack(record)[0] if len(record) == _INDEX.size else None


def _child(figures: Sequence[tuple[Figure, Path]], queues: list[int], results: int) -> None:
    """The forked process: save figures from the queues, report each saved cleanly, exit."""
    status = 1
    try:
        while (index := _take(queues)) is not None:
            with warnings.catch_warnings(record=True) as caught:
                error = _save(*figures[index])
            # an error or a warning: the parent saves the figure again and raises or shows it
            os.write(results, _DONE.pack(index, error is None and not caught))  # atomic: 5 bytes
        status = 0
    finally:  # never returns into the parent's code (its cleanup, its atexit)
        os._exit(status)
