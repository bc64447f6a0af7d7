"""The ``blina-stats`` command: argument parsing only; every command calls the library.

Each sub-command lives in ``blina_stats.commands.<name>`` with two functions,
``add_arguments(parser)`` and ``run(args) -> int``.  Every error is one line on
standard error and exit status 2: a bad option (named with its value), bad
input (the library's message names the file, the patient and the column), or
a file that cannot be read or written.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from .errors import InputError

#: sub-command name -> one-line help
COMMANDS: dict[str, str] = {
    "demo": "estimate Kaplan-Meier and cumulative incidence on a small bundled example",
    "design": "review the single-arm design: power, detectable 2-year PFS, simulated trials",
    "estimate": "every endpoint of an event table (CSV, Parquet, Excel, SAS) at its horizon",
    "external": "the trial against landmark-aligned, propensity-weighted external controls",
    "report": "the trial report: figures, tables, estimates.json and report.html",
}


class OptionError(ValueError):
    """A bad option or option value; `prog` is the (sub-)command that rejected it."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog


class Parser(argparse.ArgumentParser):
    """argparse, with a bad option raised as :class:`OptionError` (one line, no usage block)."""

    def error(self, message: str) -> NoReturn:
        raise OptionError(self.prog, message)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser (errors raise :class:`OptionError`).

    With `argv`, only the sub-command it names has its options added (its
    module imported): ``blina-stats report`` does not import what the design
    review or the external comparison need, and ``blina-stats --help`` imports
    none.  Without `argv`, every sub-command's.
    """
    from . import __version__

    named = None if argv is None else next((a for a in argv if not a.startswith("-")), "")

    parser = Parser(
        prog="blina-stats",
        description="Survival and competing-risks analysis of the blinatumomab maintenance trial.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        if named is None or named == name:
            module = importlib.import_module(f"blina_stats.commands.{name}")
            module.add_arguments(cmd)
            cmd.set_defaults(_run=module.run)
    return parser


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        args = build_parser(argv).parse_args(argv)
    except OptionError as exc:
        print(f"{exc.prog}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    try:
        return int(args._run(args))
    except (InputError, ValueError, OSError) as exc:
        # bad input, bad options, files that cannot be read or written: the messages
        # name what is wrong (an OSError's names the file)
        print(f"blina-stats {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2


def console() -> NoReturn:
    """The ``blina-stats`` console script: :func:`main`, then the process ends at once.

    Once the work is written, the interpreter's own teardown (freeing every
    module and object one by one) takes about half a second after a report,
    for nothing.  So the output streams are flushed, the exit handlers run
    (``atexit``: logging, temporary folders) and the process exits with the
    status `main` returned.  An exception out of `main` (``SystemExit`` of
    ``--help`` included) takes the usual way out.
    """
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
