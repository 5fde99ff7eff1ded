"""The facts layer: which inventory facts a document reports, with evidence spans."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge, synthetic


def _label_units(rec: dict):
    for f in rec["facts"]:
        yield "facts.reported", (f["fact_id"],), f["reported"]


def _synthetic(rng, doc: dict) -> dict:
    """Every fact of the story's inventory, reported (with one evidence span) or not."""
    text, facts = doc["text"], []
    for fid in synthetic.fact_ids(doc):
        reported = rng.random() < 0.5
        spans = synthetic.spans(rng, text, 1) if reported else []
        evidence = [{"start": s, "end": e, "text": text[s:e]} for s, e in spans]
        facts.append({"fact_id": fid, "reported": reported, "evidence": evidence})
    return {"doc_id": doc["doc_id"], "facts": facts}


LAYER = Layer(schema.CONFIGS["facts"], label_units=_label_units,
              label_measures={"facts.reported": "document × inventory fact"},
              span_units=lambda rec: {"facts.evidence": [(e["start"], e["end"], f["fact_id"]) for f in rec["facts"]
                                                         for e in f["evidence"]]},
              span_measures={"facts.evidence": "fact evidence spans with fact id"},
              synthetic=_synthetic,
              merge=Merge(key=("fact_id",), voted=("reported",), sets=("evidence",)))
