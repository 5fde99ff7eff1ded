"""The bias_sentences layer: BABE-style bias and opinion label of each sentence."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge


def _label_units(rec: dict):
    for s in rec["sentences"]:
        yield "bias_sentences.label", (s["sentence_id"],), s["label"]
        yield "bias_sentences.opinion", (s["sentence_id"],), s["opinion"]


def _synthetic(rng, doc: dict) -> dict:
    return {"doc_id": doc["doc_id"], "sentences": [
        {"sentence_id": s["id"], "label": rng.choice(schema.BIAS_LABELS), "opinion": rng.choice(schema.OPINION_LABELS)}
        for s in doc["sentences"]]}


LAYER = Layer(schema.CONFIGS["bias_sentences"], label_units=_label_units,
              label_measures={"bias_sentences.label": "sentence", "bias_sentences.opinion": "sentence"},
              synthetic=_synthetic,
              merge=Merge(key=("sentence_id",), voted=("label", "opinion")))
