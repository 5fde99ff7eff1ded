"""The one CLI, `samestory`, with a subcommand per job; each command module registers itself."""
from __future__ import annotations

import argparse
import importlib
import sys

# Each module exposes register(subparsers); keep this list sorted, one line per module.
COMMAND_MODULES = [
    "samestory.commands.add_cmd",
    "samestory.commands.agreement_cmd",
    "samestory.commands.build_cmd",
    "samestory.commands.corpus_cmd",
    "samestory.commands.evaluate_cmd",
    "samestory.commands.export_cmd",
    "samestory.commands.leaderboard_cmd",
    "samestory.commands.lmeval_cmd",
    "samestory.commands.ls_cmd",
    "samestory.commands.predict_cmd",
    "samestory.commands.report_cmd",
    "samestory.commands.story_cmd",
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


if __name__ == "__main__":
    sys.exit(main())
