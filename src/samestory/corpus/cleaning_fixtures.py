"""Cleaning fixtures (`K|`/`B|`-marked captures, tests/fixtures/captures/) and removal precision/recall.

A capture marks every line as article (`K|`) or boilerplate (`B|`); the raw capture is the lines without
their marks. Removal is scored per non-whitespace character of the raw text: a character is boilerplate
when its line is marked `B|`, removed when a cleaner removal covers it. Counts add up across captures.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from samestory.core.errors import Problem, SameStoryError
from samestory.core.prf import PRF

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "captures"
MARKS = ("K|", "B|")


@dataclass(frozen=True)
class Capture:
    name: str
    raw: str
    boilerplate: tuple[bool, ...]
    """Per raw character: True when its line is marked boilerplate."""

    @property
    def expected(self) -> str:
        """The expected clean text: the article lines, blank-line runs collapsed to one, edges stripped."""
        kept = [c for c, b in zip(self.raw, self.boilerplate) if not b]
        return tidy("".join(kept))


def tidy(text: str) -> str:
    """Whitespace-insensitive comparison form: no edge blank lines, single blank lines between blocks."""
    lines = [ln.strip() for ln in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def parse(path: Path) -> Capture:
    """Read a marked capture; a line without a mark (other than an empty line) is an error."""
    raw, flags = [], []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), 1):
        if line == "":
            raw.append("\n")
            flags.append(False)
            continue
        mark, body = line[:2], line[2:]
        if mark not in MARKS:
            raise SameStoryError(f"{path}:{n}: unmarked line", [Problem(str(path), "line without a mark", n, "mark",
                                                                        "K| or B|", repr(line[:20]))])
        raw.append(body + "\n")
        flags.append(mark == "B|")
    while raw and raw[-1] == "\n":  # the file's final newline is not a blank line of the capture
        raw.pop()
        flags.pop()
    text = "".join(raw)
    per_char = tuple(f for chunk, f in zip(raw, flags) for _ in chunk)
    return Capture(Path(path).stem, text, per_char)


def captures(folder: Path = FIXTURES) -> list[Capture]:
    return [parse(p) for p in sorted(Path(folder).glob("*.capture"))]


Counts = PRF
"""Non-whitespace characters: removed boilerplate (tp), removed article (fp), kept boilerplate (fn)."""


def score(capture: Capture, removals) -> Counts:
    """Character-level removal counts of one cleaning of `capture.raw`."""
    removed = [False] * len(capture.raw)
    for r in removals:
        r = r if isinstance(r, dict) else r.as_record()
        for i in range(r["raw_start"], r["raw_end"]):
            removed[i] = True
    c = Counts()
    for ch, gold, cut in zip(capture.raw, capture.boilerplate, removed):
        if ch.isspace():
            continue
        c.tp += gold and cut
        c.fp += cut and not gold
        c.fn += gold and not cut
    return c


def export(folder: Path, source: Path = FIXTURES) -> list[Path]:
    """Write each capture's raw text as <name>.txt into `folder` (created); returns the files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for c in captures(source):
        f = folder / f"{c.name}.txt"
        f.write_text(c.raw + "\n", encoding="utf-8")
        out.append(f)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samestory.cleaning_fixtures",
                                     description="Export the marked cleaning fixtures as raw .txt captures.")
    parser.add_argument("action", choices=("export",))
    parser.add_argument("folder", type=Path, help="output folder (created)")
    args = parser.parse_args(argv)
    for f in export(args.folder):
        print(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
