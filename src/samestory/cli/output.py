"""Lines several subcommands print, written once so they read the same everywhere."""
from __future__ import annotations


def print_written(*paths) -> None:
    """One `wrote <path>` line per file written."""
    for p in paths:
        print(f"wrote {p}")
