"""Machine proposals (aliases, quotation marks) for pre-labelling: spans a human then decides."""
from __future__ import annotations

from tests.helpers.labelstudio_helpers import documents, inventory

from samestory.annotate.labelstudio import config as C
from samestory.annotate.labelstudio import proposals
from samestory.annotate.labelstudio.convert import to_results
from samestory.annotate.validate import check_layer_record


def test_labelstudio_proposals_from_aliases_and_quotation_marks():
    docs, inv = documents(), inventory()
    pre = proposals.propose(docs, inv, nlp=None)
    doc = docs[0]
    mentions = pre["mentions"][doc["doc_id"]]["mentions"]
    owners = {a: e for e in inv.entities for a in e.get("aliases") or []}
    assert mentions and all(m["text"] in owners for m in mentions)
    for m in mentions:  # type and entity of the alias's owner, offsets on the clean text, no overlaps
        assert doc["text"][m["start"]:m["end"]] == m["text"]
        assert (m["type"], m["entity_id"]) == (owners[m["text"]]["type"], owners[m["text"]]["entity_id"])
        assert "kind" not in m  # left to the annotator
    spans = sorted((m["start"], m["end"]) for m in mentions)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    quotes = [q for rec in pre["quotes"].values() for q in rec["quotes"]]
    assert quotes and all(q["text"] and '"' not in q["text"] and "\u201c" not in q["text"] for q in quotes)
    for layer in ("mentions", "quotes"):
        for rec in pre[layer].values():
            assert not check_layer_record(layer, rec, partial=True)
    for d in docs:  # they become Label Studio results of the annotation projects
        assert to_results("entities", d, {"mentions": pre["mentions"][d["doc_id"]]})
        to_results("spans", d, {"quotes": pre["quotes"][d["doc_id"]]}, inv=inv)


def test_labelstudio_proposals_new_story_without_entities():
    """A new story with an empty entity table still gets quotation proposals (and NER if installed)."""
    inv = inventory()
    empty = C.Inventory("new", (), inv.targets, inv.facts)
    pre = proposals.propose(documents("new"), empty, nlp=None)
    assert all(not rec["mentions"] for rec in pre["mentions"].values())
    assert any(rec["quotes"] for rec in pre["quotes"].values())


def test_labelstudio_proposals_ner_spans_fill_in_where_no_alias_is():
    """A spaCy pipeline's entities (here a rule-based one the test builds) become typed proposals
    without an entity, only where no alias proposal sits."""
    import spacy

    docs, inv = documents(), inventory()
    doc = docs[0]
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "NORP", "pattern": "Ukrainian"}, {"label": "GPE", "pattern": "Istanbul"},
                        {"label": "DATE", "pattern": "16 May 2025"}])
    mentions = proposals.mention_proposals(doc, inv, nlp)
    ner = [m for m in mentions if "entity_id" not in m]
    # Istanbul has no alias in the fixture table: NER proposes it; DATE is no mention type
    assert [(m["text"], m["type"]) for m in ner] == [("Istanbul", "GPE")]
    ukr = [m for m in mentions if m["text"] == "Ukrainian"]  # the alias proposal wins, no duplicate
    assert len(ukr) == 1 and ukr[0]["entity_id"] == "ukraine"
    assert [m["id"] for m in mentions] == [f"m{i}" for i in range(1, len(mentions) + 1)]
