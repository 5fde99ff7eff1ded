"""The bias_spans layer: spans that use a persuasion technique."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge

LAYER = Layer(schema.CONFIGS["bias_spans"],
              span_units=lambda rec: {"bias_spans": [(s["start"], s["end"], s["technique"]) for s in rec["spans"]]},
              span_measures={"bias_spans": "persuasion-technique spans with technique"},
              merge=Merge(key=("start", "end", "technique"), voted=("target_entity_id", "polarity"), copied=("text",),
                          ids=True))
