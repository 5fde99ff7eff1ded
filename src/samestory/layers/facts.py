"""The facts layer: which inventory facts a document reports, with evidence spans."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge


def _label_units(rec: dict):
    for f in rec["facts"]:
        yield "facts.reported", (f["fact_id"],), f["reported"]


LAYER = Layer(schema.CONFIGS["facts"], label_units=_label_units,
              label_measures={"facts.reported": "document × inventory fact"},
              span_units=lambda rec: {"facts.evidence": [(e["start"], e["end"], f["fact_id"]) for f in rec["facts"]
                                                         for e in f["evidence"]]},
              span_measures={"facts.evidence": "fact evidence spans with fact id"},
              merge=Merge(key=("fact_id",), voted=("reported",), sets=("evidence",)))
