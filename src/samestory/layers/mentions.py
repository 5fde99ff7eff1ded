"""The mentions layer: named mentions never overlap, a span is marked once (codebook 2)."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge, synthetic
from samestory.schema.check import Context, duplicates, span_key


def is_name(m: dict) -> bool:
    """A named mention: every mention not marked NOM (gold says NAM or NOM; a prediction may leave kind out)."""
    return m.get("kind") != "NOM"


def name_clashes(mentions: list) -> list[tuple[int, int]]:
    """(i, j) for each named mention i that overlaps the named mention j kept before it, names taken by start,
    the longer first; dropping every i leaves names that never overlap. Items without int offsets are
    skipped (their layout is reported elsewhere)."""
    names = sorted((m["start"], -m["end"], i) for i, m in enumerate(mentions)
                   if isinstance(m, dict) and is_name(m)
                   and isinstance(m.get("start"), int) and isinstance(m.get("end"), int))
    out, kept = [], None  # kept: (end, index) of the last name kept
    for start, neg_end, i in names:
        if kept is not None and start < kept[0]:
            out.append((i, kept[1]))
        else:
            kept = (-neg_end, i)
    return out


def _rules(rec: dict, ctx: Context):
    """A span is one mention (an exact repeat is a duplicate item); named mentions never overlap (`name_clashes`).
    Gold and predictions alike."""
    items = rec.get("mentions")
    if not isinstance(items, list):
        return
    yield from duplicates(items, span_key, "mentions", "span")
    for i, j in name_clashes(items):
        a, b = items[i], items[j]
        if (a["start"], a["end"]) != (b["start"], b["end"]):
            yield (f"mentions[{i}]", f"NAM mention overlaps NAM mention mentions[{j}]", f"start >= {b['end']}",
                   f"{a['start']}..{a['end']}")


def name_items(text: str, spans) -> list[dict]:
    """Named-mention items from (start, end, type, entity_id) spans: in text order (the longer span first at one
    start), numbered m1, m2, … as the layer's ids run."""
    cfg = schema.CONFIGS["mentions"]
    return [{"id": cfg.item_id(i), "start": a, "end": b, "text": text[a:b], "type": t, "kind": "NAM",
             "entity_id": eid} for i, (a, b, t, eid) in enumerate(sorted(spans, key=lambda s: (s[0], -s[1])), 1)]


def _label_units(rec: dict):
    for m in rec["mentions"]:
        yield "mentions.entity_id", (m["start"], m["end"]), m["entity_id"]
        yield "mentions.kind", (m["start"], m["end"]), m["kind"]


def _synthetic(rng, doc: dict) -> dict:
    """Names that never overlap, and nominals (never on a name's span), linked to the document's cast;
    numbered in text order."""
    text, cfg, ents = doc["text"], schema.CONFIGS["mentions"], synthetic.cast(doc)
    names = synthetic.spans(rng, text, rng.randint(3, 12))
    items = [(s, e, rng.choice(schema.ENTITY_TYPES), "NAM", rng.choice(ents + [None])) for s, e in names]
    nominals = synthetic.spans(rng, text, rng.randint(0, 3), overlap=True)
    items += [(s, e, "PER", "NOM", rng.choice(ents)) for s, e in nominals if (s, e) not in names]
    return {"doc_id": doc["doc_id"], "mentions": [
        {"id": cfg.item_id(i), "start": s, "end": e, "text": text[s:e], "type": t, "kind": kind, "entity_id": eid}
        for i, (s, e, t, kind, eid) in enumerate(sorted(items, key=lambda m: (m[0], -m[1])), 1)]}


LAYER = Layer(schema.CONFIGS["mentions"], rules=_rules, label_units=_label_units,
              label_measures={"mentions.entity_id": "mention both marked (same offsets)",
                              "mentions.kind": "mention both marked (same offsets)"},
              span_units=lambda rec: {"mentions": [(m["start"], m["end"], m["type"]) for m in rec["mentions"]]},
              span_measures={"mentions": "mention spans with entity type"},
              synthetic=_synthetic,
              merge=Merge(key=("start", "end"), voted=("type", "kind", "entity_id"), copied=("text",), ids=True))


ONTONOTES_TYPES = {"PERSON": "PER", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "FAC", "NORP": "NORP",
                   "EVENT": "EVENT"}
"""OntoNotes entity labels (spaCy's pretrained NER) that are mention types here, and their type; other labels
(DATE, CARDINAL, …) are not mentions. Used by the spacy-ner baseline and both proposal tools."""
assert set(ONTONOTES_TYPES.values()) == set(schema.ENTITY_TYPES)
