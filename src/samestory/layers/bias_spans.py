"""The bias_spans layer: spans that use a persuasion technique."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer
from samestory.schema.check import Context, duplicates, span_key


def _key(item: dict):
    k = span_key(item)
    return None if k is None or not isinstance(item.get("technique"), str) else (*k, item["technique"])


def _rules(rec: dict, ctx: Context):
    """A span is marked once per technique (it may carry several); gold and predictions alike."""
    return duplicates(rec.get("spans"), _key, "spans", "span and technique")


LAYER = Layer(schema.CONFIGS["bias_spans"], rules=_rules,
              span_units=lambda rec: {"bias_spans": [(s["start"], s["end"], s["technique"]) for s in rec["spans"]]},
              span_measures={"bias_spans": "persuasion-technique spans with technique"})
