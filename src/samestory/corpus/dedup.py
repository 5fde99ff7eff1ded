"""Near-duplicate detection: MinHash (datasketch) over word shingles of the clean text.

Similarity is the MinHash estimate of the Jaccard similarity of the two texts' sets of SHINGLE-word
shingles (lower-cased \\w+ words), with NUM_PERM permutations and a fixed seed, so it is deterministic.
Two texts at or above THRESHOLD are near duplicates (e.g. the same wire story on two sites, which differ
only in boilerplate and a few edits); different articles on the same event share few 5-word runs and
score far below it (the seed articles score at most 0.03 against each other).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import MinHash


SHINGLE = 5
NUM_PERM = 128
SEED = 1
THRESHOLD = 0.5
WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """Distinct runs of k consecutive lower-cased words; a text shorter than k words is one shingle."""
    words = WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


@lru_cache(maxsize=4096)
def minhash(text: str) -> "MinHash":
    from datasketch import MinHash  # imported here: datasketch pulls in scipy, slow for every CLI start

    m = MinHash(num_perm=NUM_PERM, seed=SEED)
    for s in sorted(shingles(text)):
        m.update(s.encode("utf-8"))
    return m


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of the shingle sets of a and b (0 when either has no words)."""
    if not shingles(a) or not shingles(b):
        return 0.0
    return float(minhash(a).jaccard(minhash(b)))


def near_duplicates(text: str, others: dict[str, str], threshold: float = THRESHOLD) -> list[tuple[str, float]]:
    """(id, similarity) of every text in `others` at or above `threshold`, most similar first."""
    hits = [(doc_id, similarity(text, other)) for doc_id, other in others.items()]
    return sorted(((d, s) for d, s in hits if s >= threshold), key=lambda h: (-h[1], h[0]))


# --- across languages ------------------------------------------------------------------------------------

ANCHOR = re.compile(r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?![\d])|\d+|\b[A-ZÀ-ÖØ-Þ][^\W\d_]{2,}")
"""Anchors that survive translation: numbers (thousands separators dropped: '1,000' = '1.000' = '1000') and
Latin-script capitalised words (names mostly: 'Umerov', 'Medinsky', 'Istanbul')."""
MIN_ANCHORS = 8
KEY_CHARS = 4
FINGERPRINT_THRESHOLD = 0.6
"""Two documents in different languages whose anchor sequences agree at least this much (difflib ratio:
2 × matched anchors in order / total anchors) are flagged as a likely translation pair. Different articles
about one event share numbers and names, but less of their order; translations keep it. On the test
captures, an Indonesian/Italian translation pair scores 0.67, different English articles at most 0.48."""


def anchors(text: str) -> list[str]:
    """The text's anchors in reading order: numbers normalised; words cut to a key of their first
    KEY_CHARS lower-case letters with c as k, so spellings across languages meet ('Ucraina'/'Ukraine' → 'ukra',
    'Medinsky'/'Medinskij' → 'medi')."""
    out = []
    for m in ANCHOR.finditer(text):
        a = m.group(0)
        out.append(re.sub(r"\D", "", a) if a[0].isdigit() else a.lower().replace("c", "k")[:KEY_CHARS])
    return out


def fingerprint_similarity(a: str, b: str) -> tuple[float, int]:
    """(difflib ratio of the two anchor sequences, number of anchors matched in order)."""
    from difflib import SequenceMatcher

    x, y = anchors(a), anchors(b)
    if len(x) < MIN_ANCHORS or len(y) < MIN_ANCHORS:
        return 0.0, 0
    sm = SequenceMatcher(None, x, y, autojunk=False)
    return sm.ratio(), sum(block.size for block in sm.get_matching_blocks())


@dataclass(frozen=True)
class CrossMatch:
    """A document in another language whose anchors line up with the new one's."""

    doc_id: str
    language: str
    score: float
    matched: int

    def explain(self) -> str:
        return (f"{self.matched} numbers/names in the same order, anchor-sequence similarity {self.score:.2f} "
                f">= {FINGERPRINT_THRESHOLD}")

    def as_record(self) -> dict:
        return {"doc_id": self.doc_id, "language": self.language, "similarity": round(self.score, 4),
                "matched_anchors": self.matched, "method": "anchor-sequence (numbers, Latin-script names)"}


def cross_language_duplicates(row: dict, others: list[dict],
                              threshold: float = FINGERPRINT_THRESHOLD) -> list[CrossMatch]:
    """Documents of `others` in another language than `row` whose anchor sequences match it, best first.
    Works between languages that write names in Latin script and numbers in digits; it cannot see a
    translation into Cyrillic or Chinese script (names differ) unless numbers alone line up."""
    out = []
    for o in others:
        if o["doc_id"] == row["doc_id"] or o["language"] == row["language"]:
            continue
        score, matched = fingerprint_similarity(row["text"], o["text"])
        if score >= threshold:
            out.append(CrossMatch(o["doc_id"], o["language"], score, matched))
    return sorted(out, key=lambda c: (-c.score, c.doc_id))
