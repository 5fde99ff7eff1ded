"""The entity_roles task: the main role and fine roles each entity is cast in (SemEval-2025 Task 10)."""
from __future__ import annotations

import numpy as np

from samestory import schema
from samestory.eval.counts import Counts, div
from samestory.eval.tasks import Context, Scoring, declare
from samestory.eval.tasks.labels import (
    accuracy, add_label_events, add_multilabel_events, encode, indicator, keyed_pairs, label_keys, micro_f1,
    multilabel_keys, n_items, sk_accuracy,
)


ROLE_KEYS = tuple(label_keys("main.", schema.MAIN_ROLES, per_label=False)
                  + multilabel_keys("fine.", schema.ALL_FINE_ROLES, per_label=False))


def score_entity_roles(ctx: Context) -> Scoring:
    from sklearn.metrics import accuracy_score, f1_score

    C = Counts(list(ROLE_KEYS), len(ctx.doc_ids))
    docs, mt, mp, ft, fp = [], [], [], [], []
    for i, g, p in keyed_pairs(ctx, "entities", "entity_id"):
        docs.append(i)
        mt.append(encode(g["main_role"], schema.MAIN_ROLES))
        mp.append(encode(p["main_role"] if p else None, schema.MAIN_ROLES))
        ft.append(g["fine_roles"] or ())
        fp.append((p["fine_roles"] or ()) if p else ())
    Ft = indicator(ft, schema.ALL_FINE_ROLES)
    Fp = indicator(fp, schema.ALL_FINE_ROLES)
    items = C.new_items(len(docs))
    add_label_events(C, "main.", docs, mt, mp, schema.MAIN_ROLES, items, per_label=False)
    cast = np.asarray(mt, dtype=np.int64) != schema.MAIN_ROLES.index("none")
    add_multilabel_events(C, "fine.", docs, Ft, Fp, schema.ALL_FINE_ROLES, items, per_label=False,
                          exact_among=cast)
    ref = {}
    if cast.any():
        ref["fine_emr"] = float(accuracy_score(Ft[cast], Fp[cast]))
    if docs:
        ref["main_accuracy"] = sk_accuracy(mt, mp)
        if (Ft | Fp).any():
            ref["fine_micro_f1"] = float(f1_score(Ft, Fp, average="micro", zero_division=0))
    return Scoring(C, ref, len(docs), n_items(ctx, "pred", "entities"))


ENTITY_ROLES = declare(
    "entity_roles", "entity_frames", "document × entity",
    "Main role and fine-grained roles the article casts each entity in (entities given by gold).",
    ("entities[].entity_id", "entities[].main_role", "entities[].fine_roles"), {
        "fine_emr": "Exact match ratio: share of gold entities cast in a role (main role not 'none') whose set of "
                    "fine roles is predicted exactly.",
        "main_accuracy": "Accuracy of the main role.",
        "fine_micro_f1": "Micro-F1 over fine roles."},
    "SemEval-2025 Task 10 subtask 1", ROLE_KEYS, score_entity_roles, lambda c: {
        "fine_emr": div(c("fine.exact"), c("fine.total")), "main_accuracy": accuracy(c, "main."),
        "fine_micro_f1": micro_f1(c, "fine.")})
