"""The stance layer: the article's own stance toward each inventory target."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge


def _label_units(rec: dict):
    for it in rec["stances"]:
        yield "stance.label", (it["target"],), it["label"]


LAYER = Layer(schema.CONFIGS["stance"], label_units=_label_units,
              label_measures={"stance.label": "document × stance target"},
              merge=Merge(key=("target",), voted=("label",), carried={"note": "label"}))
