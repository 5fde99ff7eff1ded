"""The bias_spans task: persuasion-technique spans, technique-blind and technique-aware (SemEval-2020 Task 11 SI)."""
from __future__ import annotations

from samestory import schema
from samestory.eval.counts import Columns, Counts
from samestory.eval.tasks import Context, Scoring, declare, prf_metrics
from samestory.eval.tasks.span_items import add_si_events, si_keys, si_prf, span_arrays


TQ = schema.TECHNIQUES
SPAN_KEYS = tuple(si_keys("blind.") + si_keys("aware."))


def score_bias_spans(ctx: Context) -> Scoring:
    C = Counts(list(SPAN_KEYS), len(ctx.doc_ids))
    g = span_arrays(ctx, "gold", "spans", "technique", TQ)
    p = span_arrays(ctx, "pred", "spans", "technique", TQ)
    add_si_events(C, "blind.", p[:3], g[:3], 1)
    nt = len(TQ)
    add_si_events(C, "aware.", (p[0] * nt + p[3], p[1], p[2]), (g[0] * nt + g[3], g[1], g[2]), nt)
    return Scoring(C, {}, int(g[0].size), int(p[0].size))


def bias_span_formulas(c: Columns) -> dict:
    p, r, f = si_prf(c, "blind.")
    tp, tr, tf = si_prf(c, "aware.")
    return {"span_f1": f, "span_precision": p, "span_recall": r,
            "technique_f1": tf, "technique_precision": tp, "technique_recall": tr}


BIAS_SPANS = declare(
    "bias_spans", "bias_spans", "span (+ technique)",
    "Find the text spans that use a persuasion technique, and name the technique.",
    ("spans[].start", "spans[].end", "spans[].technique"), {
        **prf_metrics("span", "Technique-blind span F1 with partial-overlap credit (SemEval-2020 Task 11 SI).",
                      "Technique-blind"),
        **prf_metrics("technique", "Technique-aware span F1: overlap only counts between spans of the same "
                                   "technique.", "Technique-aware")},
    "SemEval-2020 Task 11 (SI formula)", SPAN_KEYS, score_bias_spans, bias_span_formulas)
