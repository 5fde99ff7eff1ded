"""The frames task: a document's frames (multi-label), its primary frame and each paragraph's frame."""
from __future__ import annotations

import numpy as np

from samestory import schema
from samestory.eval.counts import Counts
from samestory.eval.tasks import Context, Scoring, declare
from samestory.eval.tasks.labels import (
    accuracy, add_label_events, add_multilabel_events, encode, indicator, keyed_pairs, label_keys, macro_f1,
    micro_f1, multilabel_keys, sk_accuracy, sk_macro_f1,
)


FR = schema.FRAMES
FRAME_KEYS = tuple(multilabel_keys("doc.", FR) + label_keys("primary.", FR, per_label=False) + label_keys("para.", FR))


def score_frames(ctx: Context) -> Scoring:
    from sklearn.metrics import f1_score

    C = Counts(list(FRAME_KEYS), len(ctx.doc_ids))
    Yt, Yp, pt, pp = [], [], [], []
    for doc_id in ctx.doc_ids:
        g, p = ctx.gold.get(doc_id) or {}, ctx.pred.get(doc_id) or {}
        Yt.append(g.get("frames") or ())
        Yp.append(p.get("frames") or ())
        pt.append(encode(g.get("primary_frame"), FR))
        pp.append(encode(p.get("primary_frame"), FR))
    Yt = indicator(Yt, FR)
    Yp = indicator(Yp, FR)
    docs = np.arange(len(ctx.doc_ids))
    add_multilabel_events(C, "doc.", docs, Yt, Yp, FR)
    add_label_events(C, "primary.", docs, pt, pp, FR, per_label=False)
    pd_, qt, qp = [], [], []
    for i, g, p in keyed_pairs(ctx, "paragraphs", "paragraph_id"):
        pd_.append(i)
        qt.append(encode(g["frame"], FR))
        qp.append(encode(p["frame"] if p else None, FR))
    add_label_events(C, "para.", pd_, qt, qp, FR)
    ref = {}
    if len(docs):
        labs = [i for i in range(len(FR)) if (Yt[:, i] | Yp[:, i]).any()]
        if labs:
            ref["doc_micro_f1"] = float(f1_score(Yt, Yp, average="micro", zero_division=0))
            ref["doc_macro_f1"] = float(f1_score(Yt, Yp, labels=labs, average="macro", zero_division=0))
        ref["primary_accuracy"] = sk_accuracy(pt, pp)
    if pd_:
        ref["paragraph_macro_f1"] = sk_macro_f1(np.asarray(qt), np.asarray(qp), len(FR))
    return Scoring(C, ref, len(ctx.doc_ids), sum(1 for d in ctx.doc_ids if d in ctx.pred))


FRAMES = declare(
    "frames", "frames", "document, paragraph",
    "The policy frames a document uses, its primary frame, and each paragraph's primary frame.",
    ("frames", "primary_frame", "paragraphs[].paragraph_id", "paragraphs[].frame"), {
        "doc_micro_f1": "Micro-F1 of the document's set of frames (multi-label).",
        "doc_macro_f1": "Macro-F1 over frames, document level (frames present in gold or predictions).",
        "primary_accuracy": "Accuracy of the primary frame.",
        "paragraph_macro_f1": "Macro-F1 of paragraph primary frames (null gold paragraphs only count against "
                              "predictions)."},
    "SemEval-2023 Task 3 subtask 2; Media Frames Corpus", FRAME_KEYS, score_frames, lambda c: {
        "doc_micro_f1": micro_f1(c, "doc.", FR), "doc_macro_f1": macro_f1(c, "doc.", FR),
        "primary_accuracy": accuracy(c, "primary."), "paragraph_macro_f1": macro_f1(c, "para.", FR)})
