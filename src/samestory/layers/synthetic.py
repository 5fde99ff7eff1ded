"""What the layers' synthetic generators share: the ids a synthetic record points at and random spans.

A generator (`Layer.synthetic`) takes a random source and a documents row (doc_id, story_id, text,
paragraphs, sentences) and returns a record valid under its layer's rules; records of one document agree
with each other because they draw entities from the same cast (`cast`)."""
from __future__ import annotations

import random

N_ENTITIES, N_FACTS, N_CAST = 30, 12, 8
TARGETS = ("t1", "t2", "t3", "t4")
"""The stance targets of a synthetic story (target ids are per story)."""


def entity_ids(doc: dict) -> tuple[str, ...]:
    """The entity table of the document's story (entity ids are unique in a release, so they carry the story)."""
    return tuple(f"{doc['story_id']}-e{i}" for i in range(N_ENTITIES))


def fact_ids(doc: dict) -> tuple[str, ...]:
    """The fact inventory of the document's story."""
    return tuple(f"{doc['story_id']}-f{i}" for i in range(N_FACTS))


def cast(doc: dict) -> list[str]:
    """The entities a document mentions and frames: fixed by its doc_id, so every layer's generator agrees."""
    return sorted(random.Random(doc["doc_id"]).sample(entity_ids(doc), N_CAST))


def spans(rng: random.Random, text: str, n: int, max_len: int = 25, overlap: bool = False) -> list[tuple[int, int]]:
    """Up to n distinct random (start, end) spans of text in text order (the longer first at one start); not
    overlapping unless `overlap`."""
    out, taken = [], []
    for _ in range(n * 3):
        if len(out) >= n:
            break
        s = rng.randrange(0, len(text) - 2)
        e = min(len(text), s + rng.randint(1, max_len))
        if not overlap and any(s < b and a < e for a, b in taken):
            continue
        taken.append((s, e))
        out.append((s, e))
    return sorted(set(out), key=lambda sp: (sp[0], -sp[1]))
