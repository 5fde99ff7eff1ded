"""Spans under the project's convention (character offsets into the clean text, 0-based, end-exclusive):
their overlap, and the one one-to-one matcher of overlapping spans (quote scorer, agreement)."""
from __future__ import annotations

from typing import Callable, Sequence


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """Characters two spans share (0 when they only touch or are apart)."""
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def match_one_to_one(gold: Sequence, pred: Sequence, bounds: Callable = lambda s: (s[0], s[1]),
                     compatible: Callable = lambda g, p: True) -> list[tuple[int, int]]:
    """(i, j) pairs of overlapping, compatible gold and predicted spans, each span in at most one pair: as many
    pairs as possible, then the largest total overlap (an assignment, so the input order does not matter
    except between exactly equal choices). `bounds` gives (start, end) of an item."""
    if not gold or not pred:
        return []
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    gb, pb = [bounds(g) for g in gold], [bounds(p) for p in pred]
    big = sum(e - s for s, e in gb) + sum(e - s for s, e in pb) + 1  # one more pair beats any overlap
    w = np.zeros((len(gold), len(pred)))
    for i, (gs, ge) in enumerate(gb):
        for j, (ps, pe) in enumerate(pb):
            ov = overlap(gs, ge, ps, pe)
            if ov > 0 and compatible(gold[i], pred[j]):
                w[i, j] = big + ov
    rows, cols = linear_sum_assignment(w, maximize=True)
    return sorted((int(i), int(j)) for i, j in zip(rows, cols) if w[i, j] > 0)
