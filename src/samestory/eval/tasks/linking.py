"""The linking task: each mention's entity id (NIL included), end to end and given the gold spans."""
from __future__ import annotations

from samestory.eval.counts import Columns, Counts, div, f1
from samestory.eval.tasks import Context, Scoring, declare, prf_metrics


LINK_KEYS = ("tp", "n_pred", "n_gold", "acc_correct")


def score_linking(ctx: Context) -> Scoring:
    C = Counts(list(LINK_KEYS), len(ctx.doc_ids))
    rows = {k: ([], []) for k in LINK_KEYS}

    def put(k, d, item):
        rows[k][0].append(d)
        rows[k][1].append(item)

    n_items = 0
    ng = npred = 0
    for i, doc_id in enumerate(ctx.doc_ids):
        gold: dict[tuple, list] = {}
        for m in ctx.items(doc_id, "gold", "mentions"):  # a span may carry a NAM and a NOM mention
            gold.setdefault((m["start"], m["end"]), []).append(m.get("entity_id"))
        pred = {(m["start"], m["end"]): m.get("entity_id") for m in ctx.items(doc_id, "pred", "mentions")}
        npred += len(pred)
        for span, eids in gold.items():
            ng += len(eids)
            first = n_items
            for _ in eids:
                put("n_gold", i, n_items)
                n_items += 1
            if span in pred:
                put("n_pred", i, first)
                if pred[span] in eids:
                    put("tp", i, first)
                    put("acc_correct", i, first)
        for span in pred.keys() - gold.keys():
            put("n_pred", i, n_items)
            n_items += 1
    C.n_items = n_items
    for k, (d, it) in rows.items():
        C.add(k, d, items=it)
    return Scoring(C, {}, ng, npred)


def linking_formulas(c: Columns) -> dict:
    p, r = div(c("tp"), c("n_pred")), div(c("tp"), c("n_gold"))
    return {"e2e_f1": f1(c("tp"), c("n_pred") - c("tp"), c("n_gold") - c("tp")),
            "e2e_precision": p, "e2e_recall": r,
            "accuracy_given_spans": div(c("acc_correct"), c("n_gold"))}


LINKING = declare(
    "linking", "mentions", "mention span + entity id",
    "Link each mention to the entity table; null is NIL and counts as an answer.",
    ("mentions[].start", "mentions[].end", "mentions[].entity_id"), {
        **prf_metrics("e2e", "End-to-end micro-F1: a mention counts when span and entity id (or NIL) both match.",
                      "End-to-end"),
        "accuracy_given_spans": "Share of gold mentions whose exact span is predicted with the right id (NIL counts)."},
    "entity-linking convention (end-to-end F1; accuracy on gold spans, NIL included)",
    LINK_KEYS, score_linking, linking_formulas)
