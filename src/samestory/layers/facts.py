"""The facts layer: which inventory facts a document reports, with evidence spans."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge, synthetic
from samestory.schema.check import Context


def _rules(rec: dict, ctx: Context):
    """An annotated fact that is reported has evidence, never the same span twice; an unreported one has none.
    Predictions are scored on `reported` alone, so they are not held to this."""
    facts = rec.get("facts")
    if not ctx.annotation or not isinstance(facts, list):
        return
    for i, item in enumerate(facts):
        if not isinstance(item, dict):
            continue
        evidence = item.get("evidence") if isinstance(item.get("evidence"), list) else []
        seen: dict[tuple, int] = {}
        for j, ev in enumerate(evidence):
            if isinstance(ev, dict):
                k = (ev.get("start"), ev.get("end"))
                if k in seen:
                    yield (f"facts[{i}].evidence[{j}]", f"duplicate evidence span (first at evidence[{seen[k]}])",
                           "each span once", f"{k[0]}..{k[1]}")
                seen.setdefault(k, j)
        if not isinstance(item.get("reported"), bool):
            continue
        if item["reported"] and not evidence:
            yield f"facts[{i}].evidence", "reported fact without evidence", "at least one span", "none"
        if not item["reported"] and evidence:
            yield f"facts[{i}].evidence", "unreported fact with evidence", "no spans", f"{len(evidence)} span(s)"


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


LAYER = Layer(schema.CONFIGS["facts"], rules=_rules, label_units=_label_units,
              label_measures={"facts.reported": "document × inventory fact"},
              span_units=lambda rec: {"facts.evidence": [(e["start"], e["end"], f["fact_id"]) for f in rec["facts"]
                                                         for e in f["evidence"]]},
              span_measures={"facts.evidence": "fact evidence spans with fact id"},
              synthetic=_synthetic,
              merge=Merge(key=("fact_id",), voted=("reported",), sets=("evidence",)))
