"""Errors that users see: each names where the problem is (file, line, field) and what was expected."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in input: where it is and what was expected versus found."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None
    expected: str | None = None
    found: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        if self.field:
            where += f" [{self.field}]"
        parts = [f"{k} {v!s}" for k, v in (("expected", self.expected), ("found", self.found)) if v is not None]
        detail = f" ({', '.join(parts)})" if parts else ""  # never "found None": say only what is known
        return f"{where}: {self.message}{detail}"


class SameStoryError(Exception):
    """A user-facing failure; the CLI prints it and exits non-zero (exit_code)."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        lines = [self.args[0]] + [f"  {p}" for p in self.problems]
        return "\n".join(lines)
