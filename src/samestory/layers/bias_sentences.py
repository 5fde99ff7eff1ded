"""The bias_sentences layer: BABE-style bias and opinion label of each sentence."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge


def _label_units(rec: dict):
    for s in rec["sentences"]:
        yield "bias_sentences.label", (s["sentence_id"],), s["label"]
        yield "bias_sentences.opinion", (s["sentence_id"],), s["opinion"]


LAYER = Layer(schema.CONFIGS["bias_sentences"], label_units=_label_units,
              label_measures={"bias_sentences.label": "sentence", "bias_sentences.opinion": "sentence"},
              merge=Merge(key=("sentence_id",), voted=("label", "opinion")))
