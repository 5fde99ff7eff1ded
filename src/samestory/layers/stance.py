"""The stance layer: the article's own stance toward each inventory target."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge, synthetic


def _label_units(rec: dict):
    for it in rec["stances"]:
        yield "stance.label", (it["target"],), it["label"]


def _synthetic(rng, doc: dict) -> dict:
    return {"doc_id": doc["doc_id"], "stances": [{"target": t, "label": rng.choice(schema.STANCE_LABELS), "note": None}
                                                 for t in synthetic.TARGETS]}


LAYER = Layer(schema.CONFIGS["stance"], label_units=_label_units,
              label_measures={"stance.label": "document × stance target"},
              synthetic=_synthetic,
              merge=Merge(key=("target",), voted=("label",), carried={"note": "label"}))
