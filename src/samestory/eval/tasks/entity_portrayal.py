"""The entity_portrayal task: each entity's portrayal, and the portrayal of each actor group's side."""
from __future__ import annotations

from samestory import schema
from samestory.annotate import actors
from samestory.eval.counts import Counts
from samestory.eval.tasks import Context
from samestory.eval.tasks.labels import (
    accuracy_metric, add_label_events, encode, label_keys, macro_f1, macro_f1_metric, single_label_task, sk_macro_f1,
)


P = schema.PORTRAYALS
SIDE_P = actors.side_labels()
SIDE_KEYS = tuple(label_keys("side.", SIDE_P))


def side_portrayal_events(ctx: Context, C: Counts) -> dict:
    """One item per (document, actor group with a gold item there): the side's portrayal by the one side rule
    (`actors.side_castings` over the gold entity table) of the gold items and of the predictions for the
    same gold entities; a side with no predicted item counts as unanswered. Each side's events ride on the
    resampling item of its first gold entity (the entity items come first, in this order), so resampling
    items draws the same items as without the side view. Returns scikit-learn's value."""
    heads = actors.groups(ctx.entities)
    docs, items, yt, yp = [], [], [], []
    offset = 0
    if heads:
        for i, doc_id in enumerate(ctx.doc_ids):
            gold = ctx.items(doc_id, "gold", "entities")
            pos = {it["entity_id"]: offset + j for j, it in enumerate(gold)}
            offset += len(gold)
            pred = [it for it in ctx.items(doc_id, "pred", "entities") if it["entity_id"] in pos]
            ps = actors.side_castings(pred, ctx.entities, heads)
            for head, g in actors.side_castings(gold, ctx.entities, heads).items():
                docs.append(i)
                items.append(min(pos[e] for e in g["entities"]))
                yt.append(encode(g["portrayal"], SIDE_P))
                yp.append(encode(ps[head]["portrayal"] if head in ps else None, SIDE_P))
    add_label_events(C, "side.", docs, yt, yp, SIDE_P, items=items)
    return {"side_macro_f1": sk_macro_f1(yt, yp, len(SIDE_P))} if docs else {}


ENTITY_PORTRAYAL = single_label_task(
    "entity_portrayal", "entity_frames", "document × entity",
    "How the article portrays each entity: positive, neutral or negative.", "NewsMTSC (F1m)",
    ("entities", "entity_id", "portrayal"), P, {
        "macro_f1": macro_f1_metric("Macro-F1 over positive, neutral and negative (NewsMTSC F1m).", P),
        "accuracy": accuracy_metric(),
        "side_macro_f1": ("Macro-F1 of the portrayal of each (document, actor group) pair: the side rule "
                          "(samestory.annotate.actors.side_casting: a marked portrayal outranks neutral, different "
                          "marked ones give 'mixed') applied to gold and to predictions of the gold entities, groups "
                          "from the gold entity table's speaks_for; null without groups.",
                          None, lambda c: macro_f1(c, "side.", SIDE_P))},
    extra=(SIDE_KEYS, side_portrayal_events))
