"""The bias_spans layer: spans that use a persuasion technique."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge, synthetic
from samestory.schema.check import Context, duplicates, span_key


def _synthetic(rng, doc: dict) -> dict:
    text, cfg = doc["text"], schema.CONFIGS["bias_spans"]
    return {"doc_id": doc["doc_id"], "spans": [
        {"id": cfg.item_id(i), "start": s, "end": e, "text": text[s:e], "technique": rng.choice(schema.TECHNIQUES[:5]), "target_entity_id": None, "polarity": None}
        for i, (s, e) in enumerate(synthetic.spans(rng, text, rng.randint(0, 4), max_len=60, overlap=True), 1)]}


def _key(item: dict):
    k = span_key(item)
    return None if k is None or not isinstance(item.get("technique"), str) else (*k, item["technique"])


def _rules(rec: dict, ctx: Context):
    """A span is marked once per technique (it may carry several); gold and predictions alike."""
    return duplicates(rec.get("spans"), _key, "spans", "span and technique")


LAYER = Layer(schema.CONFIGS["bias_spans"], rules=_rules,
              span_units=lambda rec: {"bias_spans": [(s["start"], s["end"], s["technique"]) for s in rec["spans"]]},
              span_measures={"bias_spans": "persuasion-technique spans with technique"},
              synthetic=_synthetic,
              merge=Merge(key=("start", "end", "technique"), voted=("target_entity_id", "polarity"), copied=("text",),
                          ids=True))
