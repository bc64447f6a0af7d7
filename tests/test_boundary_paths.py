"""A table argument that is no file: None, an empty name, a folder, a file that does not exist.

Every reader of a table file says it in one InputError line naming the argument
(and the table it is), never pathlib's bare ``TypeError`` (``Path(None)``) or a
"not a table file" about a file named ``""``; the command line prints that line
and exits 2.  An optional argument given as None is not given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import blina_stats as bs
from blina_stats import eligibility, safety
from blina_stats.cli import main
from blina_stats.errors import InputError, MissingFileError
from blina_stats.report.context import Inputs
from blina_stats.synthetic import bundled

TRIAL = bundled("trial")
COHORT = bs.load_events(TRIAL)

#: entry -> (call with the value, the message's label: the table and its argument)
READERS: dict[str, tuple[Callable[[Any], object], str]] = {
    "load_events": (lambda v: bs.load_events(v), "the event table (path_or_frame)"),
    "load_events gvhd": (
        lambda v: bs.load_events(TRIAL, gvhd=v),
        "the GVHD episodes table (gvhd)",
    ),
    "read_adverse_events": (
        lambda v: safety.read_adverse_events(v, COHORT),
        "the adverse-event table (ae)",
    ),
    "adverse_event_table": (
        lambda v: bs.adverse_event_table(v, COHORT),
        "the adverse-event table (ae)",
    ),
    "read_dosing": (lambda v: safety.read_dosing(v, COHORT), "the dosing table (dosing)"),
    "exposure": (lambda v: bs.exposure(v, COHORT), "the dosing table (dosing)"),
    "read_screening": (
        lambda v: eligibility.read_screening(v),
        "the screening log (path_or_frame)",
    ),
    "check_eligibility": (
        lambda v: bs.check_eligibility(v),
        "the screening log (path_or_frame)",
    ),
    "read_labs": (lambda v: eligibility.read_labs(v), "the labs table (path_or_frame)"),
}


def no_file(tmp: Path) -> dict[str, tuple[object, str, type[Exception]]]:
    """Case -> (value, what the message says after the label, the error's type)."""
    folder = tmp / "tables.csv"  # a folder, even with a table's suffix
    folder.mkdir()
    return {
        "None": (None, " is None: give the file's path or a DataFrame", InputError),
        "empty": ("", ": the file name is empty ('')", InputError),
        "blank": ("  ", ": the file name is empty ('  ')", InputError),
        "number": (7, ": 7 (int) is not a file's path or a DataFrame", InputError),
        "folder": (folder, f": {folder} is a folder, not a table file", InputError),
        "missing": (tmp / "absent.csv", f": {tmp / 'absent.csv'}: no such file", MissingFileError),
    }


#: optional arguments: None is "not given" (test_an_optional_table_given_as_none_is_not_given)
OPTIONAL = {"load_events gvhd"}
CASES = ["None", "empty", "blank", "number", "folder", "missing"]


@pytest.mark.parametrize(
    ("entry", "case"),
    [(e, c) for e in READERS for c in CASES if not (c == "None" and e in OPTIONAL)],
)
def test_a_table_argument_that_is_no_file_is_one_line(
    entry: str, case: str, tmp_path: Path
) -> None:
    call, label = READERS[entry]
    value, says, kind = no_file(tmp_path)[case]
    with pytest.raises(kind, match=f"^{re.escape(label + says)}$"):
        call(value)


def test_a_missing_file_is_bad_input_and_a_file_not_found() -> None:
    """Callers that catch either keep working."""
    assert issubclass(MissingFileError, InputError)
    assert issubclass(MissingFileError, FileNotFoundError)


def test_the_current_folder_says_it_may_be_an_empty_name() -> None:
    """``Path("")`` is ``Path(".")``: the report's companion files arrive as paths."""
    msg = (
        "the adverse-event table (ae): . is a folder (the current folder: an empty file name?), "
        "not a table file"
    )
    with pytest.raises(InputError, match=f"^{re.escape(msg)}$"):
        safety.read_adverse_events(Path(""), COHORT)


def test_an_optional_table_given_as_none_is_not_given() -> None:
    assert bs.load_events(TRIAL, gvhd=None).frame.equals(bs.load_events(TRIAL).frame)
    assert Inputs.resolve(TRIAL, ae=None, dosing=None, labs=None) == Inputs.resolve(TRIAL)
    screening = bundled("screening")
    assert bs.check_eligibility(screening, labs=None).equals(bs.check_eligibility(screening))


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["estimate", ""], "the event table (FILE): the file name is empty ('')"),
        (["estimate", "{tmp}"], "the event table (FILE): {tmp} is a folder, not a table file"),
        (
            ["estimate", "{tmp}/absent.csv"],
            "the event table (FILE): {tmp}/absent.csv: no such file",
        ),
        (
            ["estimate", str(TRIAL), "--gvhd="],
            "the GVHD episodes table (--gvhd): the file name is empty ('')",
        ),
        (
            ["estimate", str(TRIAL), "--gvhd", "{tmp}"],
            "the GVHD episodes table (--gvhd): {tmp} is a folder, not a table file",
        ),
        # an empty --controls= used the bundled controls without a word
        (
            ["external", "--controls=", "--boot", "10"],
            "the external control table (--controls): the file name is empty ('')",
        ),
        (
            ["external", "--data", "{tmp}", "--boot", "10"],
            "the trial table (--data): {tmp} is a folder, not a table file",
        ),
        (
            ["report", "--ae", "{tmp}", "--out", "{tmp}/out", "--quiet"],
            "the adverse-event table (ae): {tmp} is a folder, not a table file",
        ),
        (
            ["report", "--dosing", "{tmp}/absent.csv", "--out", "{tmp}/out", "--quiet"],
            "the dosing table (dosing): {tmp}/absent.csv: no such file",
        ),
    ],
)
def test_cli_a_table_option_that_is_no_file_is_one_line_and_exit_2(
    argv: list[str], line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = argv[0]
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(argv) == 2
    captured = capsys.readouterr()
    expected = f"blina-stats {command}: error: {line.replace('{tmp}', str(tmp_path))}"
    assert captured.err.splitlines() == [expected]
    assert not (tmp_path / "out").exists()
