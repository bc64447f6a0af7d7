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
