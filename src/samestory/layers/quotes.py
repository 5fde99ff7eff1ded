"""The quotes layer: direct quotations and their speakers."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer
from samestory.schema.check import Context, duplicates, span_key


def _rules(rec: dict, ctx: Context):
    """A quotation is marked once (gold and predictions alike)."""
    return duplicates(rec.get("quotes"), span_key, "quotes", "span")


LAYER = Layer(schema.CONFIGS["quotes"], rules=_rules,
              span_units=lambda rec: {"quotes": [(q["start"], q["end"], None) for q in rec["quotes"]]},
              span_measures={"quotes": "quotation spans"})
