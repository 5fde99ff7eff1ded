"""The quotes layer: direct quotations and their speakers."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge

LAYER = Layer(schema.CONFIGS["quotes"],
              span_units=lambda rec: {"quotes": [(q["start"], q["end"], None) for q in rec["quotes"]]},
              span_measures={"quotes": "quotation spans"},
              merge=Merge(key=("start", "end"), voted=("speaker_entity_id",), copied=("text",), ids=True))
