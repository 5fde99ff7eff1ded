"""The quotes task: quotation spans with partial-overlap credit, and the speaker of each matched quote."""
from __future__ import annotations

from samestory.eval.counts import Columns, Counts, div
from samestory.eval.tasks import Context, Scoring, declare, prf_metrics
from samestory.eval.tasks.span_items import add_si_events, si_keys, si_prf, span_arrays
from samestory.schema.spans import match_one_to_one


QUOTE_KEYS = tuple(si_keys("") + ["matched", "speaker_correct"])


def _match_quotes(gold: list[dict], pred: list[dict]):
    """One-to-one: as many overlapping gold/predicted quote pairs as possible, then the largest overlap
    (`samestory.schema.spans.match_one_to_one`, the matcher agreement uses too; input order does not matter)."""
    return [(gold[i], pred[j]) for i, j in match_one_to_one(gold, pred, bounds=_bounds)]


def _bounds(item: dict) -> tuple[int, int]:
    return item["start"], item["end"]


def score_quotes(ctx: Context) -> Scoring:
    C = Counts(list(QUOTE_KEYS), len(ctx.doc_ids))
    g = span_arrays(ctx, "gold", "quotes", None)
    p = span_arrays(ctx, "pred", "quotes", None)
    add_si_events(C, "", p[:3], g[:3], 1)
    md, sd = [], []
    for i, doc_id in enumerate(ctx.doc_ids):
        for gq, pq in _match_quotes(ctx.items(doc_id, "gold", "quotes"), ctx.items(doc_id, "pred", "quotes")):
            md.append(i)
            if gq.get("speaker_entity_id") == pq.get("speaker_entity_id"):
                sd.append(i)
    C.add("matched", md)
    C.add("speaker_correct", sd)
    return Scoring(C, {}, int(g[0].size), int(p[0].size))


def quote_formulas(c: Columns) -> dict:
    p, r, f = si_prf(c, "")
    return {"span_f1": f, "span_precision": p, "span_recall": r,
            "speaker_accuracy": div(c("speaker_correct"), c("matched"))}


QUOTES = declare(
    "quotes", "quotes", "quote span + speaker",
    "Find direct quotations and attribute each to its speaker (null = unattributed).",
    ("quotes[].start", "quotes[].end", "quotes[].speaker_entity_id"), {
        **prf_metrics("span", "Quote span F1 with partial-overlap credit (SemEval-2020 Task 11 formula).", "Span"),
        "speaker_accuracy": "Share of matched quotes (one-to-one by largest overlap) with the right speaker."},
    "span formula of SemEval-2020 Task 11; speaker attribution accuracy", QUOTE_KEYS, score_quotes, quote_formulas)
