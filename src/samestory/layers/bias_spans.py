"""The bias_spans layer: spans that use a persuasion technique."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge, synthetic


def _synthetic(rng, doc: dict) -> dict:
    text, cfg = doc["text"], schema.CONFIGS["bias_spans"]
    return {"doc_id": doc["doc_id"], "spans": [
        {"id": cfg.item_id(i), "start": s, "end": e, "text": text[s:e], "technique": rng.choice(schema.TECHNIQUES[:5]), "target_entity_id": None, "polarity": None}
        for i, (s, e) in enumerate(synthetic.spans(rng, text, rng.randint(0, 4), max_len=60, overlap=True), 1)]}

LAYER = Layer(schema.CONFIGS["bias_spans"],
              span_units=lambda rec: {"bias_spans": [(s["start"], s["end"], s["technique"]) for s in rec["spans"]]},
              span_measures={"bias_spans": "persuasion-technique spans with technique"},
              synthetic=_synthetic,
              merge=Merge(key=("start", "end", "technique"), voted=("target_entity_id", "polarity"), copied=("text",),
                          ids=True))
