"""The report's figures saved by two processes: the same files, the same errors, no process left."""

from __future__ import annotations

import gc
import os
import re
import threading
import time
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from blina_stats.cli import main
from blina_stats.errors import InputError
from blina_stats.plots.style import figure_of, new_axes
from blina_stats.report import build as build_module
from blina_stats.report import build_report
from blina_stats.report import figures as figures_module
from blina_stats.report.figures import JOBS_ENV, FigureSaver, resolve_jobs, save_all
from blina_stats.report.part import Part

needs_fork = pytest.mark.skipif(not figures_module.can_fork(), reason="no fork here")


def every_file(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@needs_fork
def test_one_and_two_processes_write_the_same_bytes_in_every_file(tmp_path: Path) -> None:
    one = build_report(out=tmp_path / "one", quiet=True, n_trials=500, jobs=1)
    two = build_report(out=tmp_path / "two", quiet=True, n_trials=500, jobs=2)
    assert one.files == two.files
    first, second = every_file(tmp_path / "one"), every_file(tmp_path / "two")
    assert sorted(first) == sorted(str(p) for p in one.files)  # manifest.json among them
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    assert any(name.endswith(".pdf") for name in first) and "report.docx" in first
    assert no_child_left()


class Broken(Artist):
    """An artist whose draw fails: everywhere, or only in a forked process (`only_in`)."""

    def __init__(self, how: str, parent: int) -> None:
        super().__init__()
        self.how, self.parent = how, parent

    def draw(self, renderer: Any) -> None:
        forked = os.getpid() != self.parent
        if self.how == "fail":
            raise RuntimeError("cannot draw the broken artist")
        if self.how == "warn":
            warnings.warn("the broken artist warns", UserWarning, stacklevel=1)
        if self.how == "fail in a fork" and forked:
            raise RuntimeError("failed in the forked process")
        if self.how == "die in a fork" and forked:
            os._exit(9)
        if self.how == "hang in a fork" and forked:
            time.sleep(60)


def figures(tmp_path: Path, how: dict[int, str], n: int = 4) -> list[tuple[Figure, Path]]:
    made = []
    for i in range(n):
        fig = figure_of(new_axes())
        fig.axes[0].plot([0, 1], [i, 1])
        if i in how:
            fig.add_artist(Broken(how[i], os.getpid()))
        made.append((fig, tmp_path / f"fig{i}"))
    return made


@needs_fork
@pytest.mark.parametrize("broken", [0, 3])
def test_a_figure_that_cannot_be_saved_gives_the_sequential_error(
    tmp_path: Path, broken: int
) -> None:
    one = save_all(figures(tmp_path / "one", {broken: "fail"}), jobs=1)
    two = save_all(figures(tmp_path / "two", {broken: "fail"}), jobs=2)
    assert [repr(e) for e in two] == [repr(e) for e in one]
    assert repr(one[broken]) == repr(RuntimeError("cannot draw the broken artist"))
    assert [e is None for e in two].count(True) == 3
    assert no_child_left()


@needs_fork
@pytest.mark.parametrize("how", ["fail in a fork", "die in a fork"])
def test_a_figure_the_forked_process_cannot_save_is_saved_here(tmp_path: Path, how: str) -> None:
    queue = figures(tmp_path, dict.fromkeys(range(4), how))
    assert save_all(queue, jobs=2) == [None] * 4
    for i in range(4):
        for fmt in ("png", "pdf"):
            assert (tmp_path / f"fig{i}.{fmt}").stat().st_size > 0
    assert no_child_left()


@needs_fork
@pytest.mark.parametrize("how", ["fail", "fail in a fork", "die in a fork"])
def test_figures_handed_to_a_forked_process_between_parts(tmp_path: Path, how: str) -> None:
    queue = figures(tmp_path, {0: how, 1: how, 4: how}, n=6)
    with FigureSaver(jobs=2) as saver:
        for fig, path in queue[:3]:
            saver.add(fig, path)
        saver.start()  # the first three saved by a forked process while the rest are queued
        for fig, path in queue[3:]:
            saver.add(fig, path)
        errors = saver.finish()
    expected = repr(RuntimeError("cannot draw the broken artist")) if how == "fail" else "None"
    assert [repr(e) for e in errors] == [expected, expected, "None", "None", expected, "None"]
    for i in range(6):
        if errors[i] is None:
            assert (tmp_path / f"fig{i}.png").stat().st_size > 0
            assert (tmp_path / f"fig{i}.pdf").stat().st_size > 0
    assert no_child_left()


@needs_fork
def test_a_build_that_stops_leaves_no_forked_process(tmp_path: Path) -> None:
    queue = figures(tmp_path, {}, n=3)
    with pytest.raises(KeyboardInterrupt), FigureSaver(jobs=2) as saver:
        for fig, path in queue:
            saver.add(fig, path)
        saver.start()
        raise KeyboardInterrupt
    assert no_child_left()


@needs_fork
def test_a_forked_process_that_hangs_is_stopped_and_its_figures_saved_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(figures_module, "STALL_SECONDS", 1.0)
    start = time.perf_counter()
    assert save_all(figures(tmp_path, dict.fromkeys(range(4), "hang in a fork")), 2) == [None] * 4
    assert time.perf_counter() - start < 30
    for i in range(4):
        assert (tmp_path / f"fig{i}.pdf").stat().st_size > 0
    assert no_child_left()


@needs_fork
def test_a_warning_while_saving_is_shown_here(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match=re.escape("the broken artist warns")):
        assert save_all(figures(tmp_path, dict.fromkeys(range(4), "warn")), jobs=2) == [None] * 4
    assert no_child_left()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_figure_that_cannot_be_saved_fails_its_part_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    def part(key: str, how: dict[int, str]) -> SimpleNamespace:
        def build(ctx: object) -> Part:
            shown = tuple(
                (f"Figure {i}", f, p.name) for i, (f, p) in enumerate(figures(tmp_path, how, 2))
            )
            return Part(key, key.title(), figures=tuple((c, f, f"{key}_{n}") for c, f, n in shown))

        return SimpleNamespace(KEY=key, TITLE=key.title(), build=build)

    monkeypatch.setattr(build_module, "PARTS", (part("good", {}), part("bad", {1: "fail"})))
    result = build_report(out=tmp_path / "out", quiet=True, n_trials=0, jobs=jobs)
    assert result.missing == (
        f"Bad: {result.estimates['source']}: RuntimeError: cannot draw the broken artist",
    )
    names = sorted(p.name for p in (tmp_path / "out" / "figures").iterdir())
    assert names == ["good_fig0.pdf", "good_fig0.png", "good_fig1.pdf", "good_fig1.png"]
    assert no_child_left()
    assert gc.get_freeze_count() == 0  # the objects frozen for the build are collected again


def test_a_session_that_froze_objects_keeps_them_frozen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    monkeypatch.setattr(gc, "get_freeze_count", lambda: 1000)  # the session froze objects
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    build_report(out=tmp_path / "out", quiet=True, n_trials=0, jobs=1)
    assert calls == []


def test_the_number_of_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(JOBS_ENV, "1")
    assert resolve_jobs() == 1
    monkeypatch.setenv(JOBS_ENV, "3")
    assert resolve_jobs() == (3 if figures_module.can_fork() else 1)
    assert resolve_jobs(1) == 1
    monkeypatch.delenv(JOBS_ENV)
    if figures_module.can_fork() and threading.active_count() == 1:
        assert resolve_jobs() == min(4, len(os.sched_getaffinity(0)))
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert resolve_jobs() == 1  # another thread (a notebook kernel's): no fork by default
        assert resolve_jobs(2) == (2 if figures_module.can_fork() else 1)
    finally:
        release.set()
        other.join()
    monkeypatch.setenv(JOBS_ENV, "2")
    monkeypatch.setattr(figures_module, "can_fork", lambda: False)
    assert resolve_jobs(2) == 1
    monkeypatch.delenv(JOBS_ENV)
    assert resolve_jobs() == 1


@pytest.mark.parametrize(
    ("env", "jobs", "message"),
    [
        ("two", None, f"{JOBS_ENV}='two': expected a whole number >= 1"),
        ("0", None, f"{JOBS_ENV}='0': expected a whole number >= 1"),
        ("", 0, "jobs=0: expected a whole number >= 1"),
    ],
)
def test_a_bad_number_of_processes_is_one_line(
    monkeypatch: pytest.MonkeyPatch, env: str, jobs: int | None, message: str
) -> None:
    monkeypatch.setenv(JOBS_ENV, env)
    with pytest.raises(InputError, match=re.escape(message)):
        resolve_jobs(jobs)


def test_the_cli_takes_jobs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--out", str(tmp_path / "out"), "--jobs", "0"]) == 2
    assert "--jobs: '0': expected a whole number >= 1" in capsys.readouterr().err


def test_the_cli_passes_jobs_to_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from blina_stats.commands import report as report_command

    seen = []

    def build(*args: object, jobs: int | None = None, **kwargs: object) -> SimpleNamespace:
        seen.append(jobs)
        return SimpleNamespace(missing=())

    monkeypatch.setattr(report_command, "build_report", build)
    assert main(["report", "--out", str(tmp_path / "a"), "--jobs", "1"]) == 0
    assert main(["report", "--out", str(tmp_path / "b")]) == 0
    assert seen == [1, None]  # None: BLINA_STATS_JOBS, else the processors
