"""Annotation proposal helpers: find candidate spans for a human to decide, and check decided spans.

Nothing here assigns a label. `alias_candidates` lists where entity-table aliases occur (the same
case-sensitive substring search the validator's completeness check uses), `quote_candidates` pairs
quotation marks, `locate` turns a hand-written list of surfaces into offsets, and `check_spans` /
`uncovered_aliases` verify a finished pass. Run `python -m samestory.propose --help`.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from samestory.core import paths
from samestory.annotate import store
from samestory.core.errors import Problem, SameStoryError
from samestory.layers.mentions import name_clashes

OPEN_CLOSE = {"\u201c": "\u201d", '"': '"'}
"""Quotation-mark pairs that delimit a direct quotation (curly double, straight double)."""


@dataclass(frozen=True)
class Candidate:
    """A proposed span: where it is, what it says, and which entities could own it."""

    start: int
    end: int
    text: str
    entity_ids: tuple[str, ...] = ()
    inside: str | None = None
    """The longer alias occurrence that contains this one, if any (a likely non-mention)."""


def alias_candidates(text: str, entities: list[dict]) -> list[Candidate]:
    """Every occurrence of every alias (case-sensitive substring), with the entities that own it."""
    owners: dict[str, list[str]] = {}
    for e in entities:
        for alias in e.get("aliases") or []:
            owners.setdefault(alias, []).append(e["entity_id"])
    found: dict[tuple[int, int], set[str]] = {}
    for alias, ids in owners.items():
        i = text.find(alias)
        while i != -1:
            found.setdefault((i, i + len(alias)), set()).update(ids)
            i = text.find(alias, i + 1)
    spans = sorted(found, key=lambda s: (s[0], -s[1]))
    out = []
    for s, e in spans:
        outer = next(((a, b) for a, b in spans if a <= s and e <= b and (a, b) != (s, e)), None)
        out.append(Candidate(s, e, text[s:e], tuple(sorted(found[(s, e)])),
                             inside=text[outer[0]:outer[1]] if outer else None))
    return out


def quote_candidates(text: str) -> list[Candidate]:
    """Spans between paired quotation marks, trimmed of whitespace; the marks stay outside.

    Curly quotes pair an opening with the next closing mark; straight double quotes pair in order.
    Single quotes are not paired (they are apostrophes or nested quotes inside a double quote).
    """
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in OPEN_CLOSE:
            j = text.find(OPEN_CLOSE[ch], i + 1)
            if j == -1:
                break
            s, e = i + 1, j
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                out.append(Candidate(s, e, text[s:e]))
            i = j + 1
        else:
            i += 1
    return out


def locate(text: str, surfaces: list[str], doc_id: str = "<doc>") -> list[tuple[int, int]]:
    """Offsets of hand-listed surfaces in reading order.

    Each surface is searched from the end of the previous one; a leading `>` searches from the
    previous one's start instead (a name inside a nominal: `"Russia’s chief negotiator"`, `">Russia"`).
    A surface may carry a left anchor, `"anchor|surface"`: the search then finds `anchor` first and
    takes the first `surface` at or after it.
    """
    out: list[tuple[int, int]] = []
    for n, item in enumerate(surfaces, 1):
        inner = item.startswith(">")
        anchor, _, surface = item.lstrip(">").rpartition("|")
        frm = (out[-1][0] if inner else out[-1][1]) if out else 0
        if anchor:
            a = text.find(anchor, frm)
            if a == -1:
                raise SameStoryError(f"{doc_id}: anchor not found", [Problem(
                    doc_id, "anchor not found after the previous span", line=n, field="anchor",
                    expected=repr(anchor), found=f"nothing after offset {frm}")])
            frm = a
        i = text.find(surface, frm)
        if i == -1:
            raise SameStoryError(f"{doc_id}: surface not found", [Problem(
                doc_id, "surface not found after the previous span", line=n, field="text",
                expected=repr(surface), found=f"nothing after offset {frm}")])
        out.append((i, i + len(surface)))
    return out


def check_spans(items: list[dict], text: str, where: str = "<record>") -> list[Problem]:
    """Every item's text[start:end] equals its surface and has no edge whitespace."""
    problems = []
    for n, it in enumerate(items):
        s, e, surface = it.get("start"), it.get("end"), it.get("text")
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
            problems.append(Problem(where, "bad offsets", field=f"[{n}]", found=f"{s}..{e}"))
            continue
        if text[s:e] != surface:
            problems.append(Problem(where, "text[start:end] differs from the surface", field=f"[{n}].text",
                                    expected=repr(text[s:e]), found=repr(surface)))
        elif surface != surface.strip():
            problems.append(Problem(where, "span starts or ends with whitespace", field=f"[{n}].text",
                                    found=repr(surface)))
    return problems


def overlapping_names(mentions: list[dict]) -> list[tuple[str, str]]:
    """(kept id, overlapping id) of named mentions whose spans overlap (the codebook forbids it; the rule is
    `samestory.layers.mentions.name_clashes`)."""
    return [(mentions[j]["id"], mentions[i]["id"]) for i, j in name_clashes(mentions)]


def uncovered_aliases(text: str, entities: list[dict], mentions: list[dict],
                      non_mentions: list[dict]) -> list[Candidate]:
    """Alias occurrences that no NAM contains, no NOM equals and no non-mention contains."""
    out = []
    for c in alias_candidates(text, entities):
        if any(m["kind"] == "NAM" and m["start"] <= c.start and c.end <= m["end"] for m in mentions):
            continue
        if any(m["start"] == c.start and m["end"] == c.end for m in mentions):
            continue
        if any(n["start"] <= c.start and c.end <= n["end"] for n in non_mentions):
            continue
        out.append(c)
    return out


def _context(text: str, s: int, e: int, width: int = 30) -> str:
    left = text[max(0, s - width):s].replace("\n", " ")
    right = text[e:e + width].replace("\n", " ")
    return f"{left}[{text[s:e]}]{right}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m samestory.propose",
        description="Print candidate spans (alias occurrences or quotations) of a story's clean texts "
                    "for a human annotator to decide. Assigns no labels.")
    parser.add_argument("what", choices=("aliases", "quotes"), help="What to propose.")
    parser.add_argument("--story", default="istanbul-2025-05-16", help="Story id.")
    parser.add_argument("--doc", default=None, help="Only this doc_id.")
    parser.add_argument("--corpus", type=Path, default=paths.CORPUS, help="Corpus folder.")
    parser.add_argument("--annotations", type=Path, default=paths.ANNOTATIONS, help="Annotations folder.")
    args = parser.parse_args(argv)
    clean_dir = args.corpus / args.story / "clean"
    if not clean_dir.is_dir():
        print(f"error: {clean_dir} does not exist", file=sys.stderr)
        return 1
    entities = []
    if args.what == "aliases":
        ent_path = store.inventory_file(args.annotations / args.story, "entities")
        if not ent_path.exists():
            print(f"error: {ent_path} does not exist", file=sys.stderr)
            return 1
        entities = store.inventory(ent_path.parent, "entities")
    for f in sorted(clean_dir.glob("*.txt")):
        if args.doc and f.stem != args.doc:
            continue
        text = f.read_text(encoding="utf-8")
        cands = alias_candidates(text, entities) if args.what == "aliases" else quote_candidates(text)
        for c in cands:
            extra = ",".join(c.entity_ids) + (f"\tinside {c.inside!r}" if c.inside else "")
            print(f"{f.stem}\t{c.start}\t{c.end}\t{_context(text, c.start, c.end)}\t{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
