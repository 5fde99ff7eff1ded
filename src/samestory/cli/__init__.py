"""The one CLI, `samestory`, with a subcommand per job: one module of this package per subcommand, each
registering itself; `options` holds the options several subcommands share, `output` the lines they print alike."""
from __future__ import annotations

import argparse
import importlib
import sys

# Each module exposes register(subparsers); keep this list sorted, one line per module.
COMMAND_MODULES = [
    "samestory.cli.add",
    "samestory.cli.agreement",
    "samestory.cli.build",
    "samestory.cli.corpus",
    "samestory.cli.evaluate",
    "samestory.cli.export",
    "samestory.cli.leaderboard",
    "samestory.cli.lmeval",
    "samestory.cli.ls",
    "samestory.cli.predict",
    "samestory.cli.report",
    "samestory.cli.story",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="samestory",
        description="Build, validate, evaluate and explore the SameStory dataset.",
    )
    from samestory.version import __version__
    parser.add_argument("--version", action="version", version=f"samestory {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    from samestory.core.errors import SameStoryError

    try:
        return int(args.func(args) or 0)
    except SameStoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code

