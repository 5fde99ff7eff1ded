"""Shared pieces of the span tasks: span arrays of one side, and the partial-overlap credits and P/R/F1 of
SemEval-2020 Task 11 (computed in `samestory.eval.spans`)."""
from __future__ import annotations

from operator import itemgetter

import numpy as np

from samestory.eval import spans as spanlib
from samestory.eval.counts import Columns, Counts, div
from samestory.eval.tasks import Context


def span_arrays(ctx: Context, side: str, field: str, label: str | None, labels=None, keep=None):
    """(doc, start, end, label index) arrays of the spans of one side; keep = (field, value, wanted):
    only items whose `field` equals (wanted=True) or differs from (False) `value`."""
    per_doc = [ctx.items(d, side, field) for d in ctx.doc_ids]
    if keep is not None:
        k, v, wanted = keep
        if wanted:
            per_doc = [[m for m in its if m[k] == v] for its in per_doc]
        else:
            per_doc = [[m for m in its if m.get(k) != v] for its in per_doc]
    flat = [m for its in per_doc for m in its]
    n = len(flat)
    doc = np.repeat(np.arange(len(per_doc), dtype=np.int64), [len(its) for its in per_doc])
    start = np.fromiter(map(itemgetter("start"), flat), np.int64, n)
    end = np.fromiter(map(itemgetter("end"), flat), np.int64, n)
    if label:
        index = {x: i for i, x in enumerate(labels)}
        lab = np.fromiter(map(index.__getitem__, map(itemgetter(label), flat)), np.int64, n)
    else:
        lab = np.zeros(n, dtype=np.int64)
    return doc, start, end, lab


def si_keys(prefix: str) -> list[str]:
    return [f"{prefix}p_credit", f"{prefix}n_pred", f"{prefix}r_credit", f"{prefix}n_gold"]


def add_si_events(C: Counts, prefix: str, pred: tuple, gold: tuple, n_groups_per_doc: int) -> None:
    """Partial-overlap credits of merged spans; groups are doc * n_groups_per_doc + label."""
    pg, pc, gg, gc = spanlib.si_credits(pred, gold)
    pdocs, gdocs = pg // n_groups_per_doc, gg // n_groups_per_doc
    pit, git = C.new_items(pdocs.size), C.new_items(gdocs.size)
    C.add(f"{prefix}p_credit", pdocs, pc, items=pit)
    C.add(f"{prefix}n_pred", pdocs, 1.0, items=pit)
    C.add(f"{prefix}r_credit", gdocs, gc, items=git)
    C.add(f"{prefix}n_gold", gdocs, 1.0, items=git)


def si_prf(c: Columns, prefix: str):
    """SemEval-2020 Task 11 P, R, F1 over merged spans, with the harness's one convention for 0/0: precision
    without predicted spans (recall without gold spans) is undefined, null, as in `ner`; F1 is 0 when only
    one side has spans and null when neither has (docs/evaluation.md)."""
    npred, ngold = c(f"{prefix}n_pred"), c(f"{prefix}n_gold")
    anything = (npred + ngold) > 0
    p = div(c(f"{prefix}p_credit"), npred)
    r = div(c(f"{prefix}r_credit"), ngold)
    f = np.where(anything, np.nan_to_num(div(2 * np.nan_to_num(p) * np.nan_to_num(r),
                                             np.nan_to_num(p) + np.nan_to_num(r))), np.nan)
    return p, r, f
