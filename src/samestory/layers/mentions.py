"""The mentions layer: named mentions never overlap (codebook 2)."""
from __future__ import annotations


def is_name(m: dict) -> bool:
    """A named mention: every mention not marked NOM (gold says NAM or NOM; a prediction may leave kind out)."""
    return m.get("kind") != "NOM"


def name_clashes(mentions: list) -> list[tuple[int, int]]:
    """(i, j) for each named mention i that overlaps the named mention j kept before it, names taken by start,
    the longer first; dropping every i leaves names that never overlap. Items without int offsets are
    skipped (their layout is reported elsewhere)."""
    names = sorted((m["start"], -m["end"], i) for i, m in enumerate(mentions)
                   if isinstance(m, dict) and is_name(m)
                   and isinstance(m.get("start"), int) and isinstance(m.get("end"), int))
    out, kept = [], None  # kept: (end, index) of the last name kept
    for start, neg_end, i in names:
        if kept is not None and start < kept[0]:
            out.append((i, kept[1]))
        else:
            kept = (-neg_end, i)
    return out
