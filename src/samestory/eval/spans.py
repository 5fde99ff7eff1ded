"""Partial-overlap span scoring: the SemEval-2020 Task 11 formula, vectorised over the corpus.

P(S, T) = 1/|S| * sum_{s in S, t in T} |s ∩ t| / |s| * δ(l(s), l(t)) and R(S, T) likewise with |t|.
As in the task's official scorer, overlapping spans of one side (within one group: a document, or a
document and technique when labels count) are merged first, so no character is credited twice.
Per-document numerators and span counts add up, so the corpus formula is a ratio of sums.
"""
from __future__ import annotations

import numpy as np


def merge(group: np.ndarray, start: np.ndarray, end: np.ndarray):
    """Merge overlapping spans within each group; returns sorted (group, start, end) of the unions."""
    group, start, end = (np.asarray(a, dtype=np.int64) for a in (group, start, end))
    if group.size == 0:
        return group, start, end
    order = np.lexsort((end, start, group))
    group, start, end = group[order], start[order], end[order]
    width = int(end.max()) + 1
    gs, ge = group * width + start, group * width + end
    reach = np.maximum.accumulate(ge)
    new = np.ones(group.size, dtype=bool)
    new[1:] = gs[1:] >= reach[:-1]
    first = np.flatnonzero(new)
    last_reach = np.maximum.reduceat(ge, first)
    g = group[first]
    return g, start[first], last_reach - g * width


def _coverage(x: np.ndarray, ts: np.ndarray, te: np.ndarray, cum: np.ndarray) -> np.ndarray:
    """Total length of the sorted, disjoint spans (ts, te) that lies before position x."""
    k = np.searchsorted(te, x, side="right")
    inside = np.zeros(x.shape, dtype=np.float64)
    has = k < ts.size
    kk = np.minimum(k, max(ts.size - 1, 0))
    if ts.size:
        inside = np.where(has, np.clip(x - ts[kk], 0, None), 0)
    return cum[k] + inside


def overlap_credit(a: tuple, b: tuple, width: int):
    """For each span of `a` (merged, sorted): its overlap with the union of `b` (same group), in characters.

    a, b = (group, start, end) from `merge`; width > every end, used to lay groups end to end.
    """
    ag, as_, ae = a
    bg, bs, be = b
    xs, xe = ag * width + as_, ag * width + ae
    ys, ye = bg * width + bs, bg * width + be
    cum = np.concatenate([[0], np.cumsum(ye - ys)]).astype(np.float64)
    return _coverage(xe, ys, ye, cum) - _coverage(xs, ys, ye, cum)


def si_credits(pred: tuple, gold: tuple):
    """Per merged prediction and per merged gold span: (group, credit = overlap / own length).

    pred, gold = (group, start, end) raw spans. Returns (pred_groups, pred_credit, gold_groups, gold_credit).
    """
    pm = merge(*pred)
    gm = merge(*gold)
    width = int(max(pm[2].max(initial=0), gm[2].max(initial=0))) + 1
    p_ov = overlap_credit(pm, gm, width)
    g_ov = overlap_credit(gm, pm, width)
    return pm[0], p_ov / (pm[2] - pm[1]), gm[0], g_ov / (gm[2] - gm[1])
