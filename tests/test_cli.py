"""The command line: every sub-command registered, bad options as one-line errors."""

from __future__ import annotations

import pytest

from blina_stats.cli import COMMANDS, build_parser, main


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for name in COMMANDS:
        with pytest.raises(SystemExit) as info:
            main([name, "--help"])
        assert info.value.code == 0
        assert "usage: blina-stats " + name in capsys.readouterr().out
    assert build_parser().prog == "blina-stats"


def test_bad_design_options_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["design", "--s0", "1.5"]) == 2
    err = capsys.readouterr().err
    assert err == "blina-stats design: error: `p0` must be strictly between 0 and 1, got 1.5\n"


def test_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--times", "365.25"]) == 0
    out = capsys.readouterr().out
    assert "Overall survival" in out and "Relapse" in out


def test_a_command_imports_only_its_own_module() -> None:
    """``blina-stats --help`` imports no sub-command, ``demo --help`` not the report's code."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from blina_stats.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('blina_stats.commands.')))\n"
        "print('pandas' in sys.modules)\n"
    )
    runs = {
        what: subprocess.run(
            [sys.executable, "-c", probe, *what.split()], capture_output=True, text=True
        ).stdout.splitlines()[-2:]
        for what in ("--help", "demo --help")
    }
    assert runs["--help"] == ["[]", "False"]
    assert runs["demo --help"][0] == "['blina_stats.commands.demo']"


@pytest.mark.parametrize(
    ("args", "status"),
    [(["estimate", "BUNDLED", "--json"], 0), (["estimate", "absent.csv"], 2), (["--help"], 0)],
)
def test_console_script_keeps_its_output_exit_handlers_and_status(
    tmp_path, args: list[str], status: int
) -> None:
    """`console` ends the process without the interpreter's teardown: nothing may be lost."""
    import json
    import subprocess
    import sys

    from blina_stats.synthetic import bundled

    argv = [str(bundled("trial")) if a == "BUNDLED" else a for a in args]
    marker = tmp_path / "atexit.txt"
    probe = (
        "import atexit, pathlib, sys\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'ran')\n"
        "from blina_stats.cli import console\n"
        f"sys.argv = ['blina-stats', *{argv!r}]\n"
        "console()\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path
    )
    assert run.returncode == status, run.stderr
    assert marker.read_text() == "ran"  # exit handlers still run
    if args[-1] == "--json":
        assert json.loads(run.stdout)  # the whole document was flushed
    elif status == 2:
        assert run.stderr.count("\n") == 1 and "absent.csv" in run.stderr
    else:
        assert "usage: blina-stats" in run.stdout
