"""The quotes layer: direct quotations and their speakers."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge, synthetic
from samestory.schema.check import Context, duplicates, span_key


def _synthetic(rng, doc: dict) -> dict:
    text, cfg = doc["text"], schema.CONFIGS["quotes"]
    speakers = list(synthetic.entity_ids(doc)[:5]) + [None]
    return {"doc_id": doc["doc_id"], "quotes": [
        {"id": cfg.item_id(i), "start": s, "end": e, "text": text[s:e], "speaker_entity_id": rng.choice(speakers)}
        for i, (s, e) in enumerate(synthetic.spans(rng, text, rng.randint(0, 3), max_len=80), 1)]}


def _rules(rec: dict, ctx: Context):
    """A quotation is marked once (gold and predictions alike)."""
    return duplicates(rec.get("quotes"), span_key, "quotes", "span")


LAYER = Layer(schema.CONFIGS["quotes"], rules=_rules,
              span_units=lambda rec: {"quotes": [(q["start"], q["end"], None) for q in rec["quotes"]]},
              span_measures={"quotes": "quotation spans"},
              synthetic=_synthetic,
              merge=Merge(key=("start", "end"), voted=("speaker_entity_id",), copied=("text",), ids=True))
