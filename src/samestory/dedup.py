"""Near-duplicate detection: MinHash (datasketch) over word shingles of the clean text.

Similarity is the MinHash estimate of the Jaccard similarity of the two texts' sets of SHINGLE-word
shingles (lower-cased \\w+ words), with NUM_PERM permutations and a fixed seed, so it is deterministic.
Two texts at or above THRESHOLD are near duplicates (e.g. the same wire story on two sites, which differ
only in boilerplate and a few edits); different articles on the same event share few 5-word runs and
score far below it (the seed articles score at most 0.03 against each other).
"""
from __future__ import annotations

import re
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
