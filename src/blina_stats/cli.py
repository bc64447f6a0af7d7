"""The ``blina-stats`` command: argument parsing only; every command calls the library.

Each sub-command lives in ``blina_stats.commands.<name>`` with two functions,
``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .errors import InputError

#: sub-command name -> one-line help
COMMANDS: dict[str, str] = {
    "demo": "estimate Kaplan-Meier and cumulative incidence on a small bundled example",
    "design": "review the single-arm design: power, detectable 2-year PFS, simulated trials",
    "estimate": "every endpoint of an event table (CSV, Parquet, Excel, SAS) at its horizon",
    "report": "the trial report: figures, tables, estimates.json and report.html",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="blina-stats",
        description="Survival and competing-risks analysis of the blinatumomab maintenance trial.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"blina_stats.commands.{name}")
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args))
    except (InputError, FileNotFoundError, ValueError) as exc:
        # bad input and bad options: the library's messages name what is wrong
        print(f"blina-stats {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
