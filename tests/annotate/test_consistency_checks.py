"""Cross-layer checks: a tiny invented story passes; each way of contradicting itself fails validate with
the right check, item, file, line and field; a reasoned exception in exceptions.jsonl lets it pass."""
from __future__ import annotations

from pathlib import Path

import pytest

from samestory.annotate.consistency import CHECKS
from samestory.core.jsonl import write_jsonl
from samestory.annotate.validate import validate
from tests.helpers.build_helpers import run
from tests.helpers.corpus_helpers import find, write_story

STORY = "harbour-budget"
RAW = ("Harbour council approves a reckless budget\n"
       "The council voted on Monday. Mayor Lina Obi said \"we will fix every road\" after the vote.\n"
       "Critics said the plan was rushed.\n")


def _span(text, surface, **kw):
    s, e = find(text, surface)
    return {"start": s, "end": e, "text": surface, **kw}


def make_story(tmp_path: Path):
    """An invented one-document story whose layers agree; returns (corpus, annotations, text, gold)."""
    corpus, ann = tmp_path / "corpus", tmp_path / "annotations"
    docs = write_story(corpus, {"story_id": STORY, "title": "Harbour budget", "event_date": "2030-01-07",
                                "place": "Harbour", "description": "An invented story for tests."}, {"d1": RAW})
    doc = docs["d1"]
    text = doc["text"]
    a = ann / STORY
    write_jsonl(a / "entities.jsonl", [
        {"story_id": STORY, "entity_id": "harbour", "name": "Harbour", "type": "GPE", "aliases": ["Harbour"],
         "description": "An invented town.", "wikidata": None, "speaks_for": None},
        {"story_id": STORY, "entity_id": "lina-obi", "name": "Lina Obi", "type": "PER", "aliases": ["Lina Obi"],
         "description": "Its invented mayor.", "wikidata": None, "speaks_for": None}])
    write_jsonl(a / "fact_inventory.jsonl", [
        {"story_id": STORY, "fact_id": "hb-f1", "statement": "The council approved the budget.", "kind": "outcome"},
        {"story_id": STORY, "fact_id": "hb-f2", "statement": "The council voted on Monday.", "kind": "event"},
        {"story_id": STORY, "fact_id": "hb-f3", "statement": "The budget cuts school funding.", "kind": "outcome"}])
    write_jsonl(a / "stance_targets.jsonl", [{"story_id": STORY, "target_id": "budget", "name": "The budget",
                                              "definition": "favor: presented as sound; against: as harmful."}])
    sids = [s["id"] for s in doc["sentences"]]
    assert sids == ["s1", "s2", "s3", "s4"], doc["sentences"]
    gold = {
        "mentions": {"mentions": [
            _span(text, "Harbour", id="m1", type="GPE", kind="NAM", entity_id="harbour"),
            _span(text, "Lina Obi", id="m2", type="PER", kind="NAM", entity_id="lina-obi")]},
        "entity_frames": {"entities": [
            {"entity_id": "harbour", "main_role": "none", "fine_roles": [], "portrayal": "neutral", "evidence": ["m1"]},
            {"entity_id": "lina-obi", "main_role": "none", "fine_roles": [], "portrayal": "neutral",
             "evidence": ["m2"]}]},
        "stance": {"stances": [{"target": "budget", "label": "against", "note": "headline 'reckless budget'"}]},
        "frames": {"frames": ["Economic"], "primary_frame": "Economic",
                   "paragraphs": [{"paragraph_id": p["id"], "frame": "Economic"} for p in doc["paragraphs"]]},
        "bias_sentences": {"sentences": [
            {"sentence_id": "s1", "label": "biased", "opinion": "mixed"},
            *({"sentence_id": s, "label": "non-biased", "opinion": "factual"} for s in sids[1:])]},
        "bias_spans": {"spans": [_span(text, "reckless", id="b1", technique="Loaded_Language",
                                       target_entity_id=None, polarity=None)]},
        "facts": {"facts": [
            {"fact_id": "hb-f1", "reported": True, "evidence": [_span(text, "council approves a reckless budget")]},
            {"fact_id": "hb-f2", "reported": True, "evidence": [_span(text, "The council voted on Monday")]},
            {"fact_id": "hb-f3", "reported": False, "evidence": []}]},
        "quotes": {"quotes": [_span(text, "we will fix every road", id="q1", speaker_entity_id="lina-obi")]},
    }
    write_gold(ann, gold)
    return corpus, ann, text, gold


def write_gold(ann: Path, gold: dict, adjudication: list[dict] | None = None, exceptions: list[dict] | None = None):
    for layer, rec in gold.items():
        write_jsonl(ann / STORY / "gold" / f"{layer}.jsonl", [{"doc_id": "d1", **rec}])
    if adjudication is not None:
        write_jsonl(ann / STORY / "adjudication" / "disagreements.jsonl", adjudication)
    if exceptions is not None:
        write_jsonl(ann / STORY / "exceptions.jsonl", exceptions)


def decision(layer, where, value):
    return {"id": f"{layer}/d1/{where}", "layer": layer, "doc_id": "d1", "where": where, "values": {},
            "candidate": None, "resolved_by": "decision", "decision": value, "reason": "invented"}


def _sentence(gold, sid, label, opinion):
    for it in gold["bias_sentences"]["sentences"]:
        if it["sentence_id"] == sid:
            it.update(label=label, opinion=opinion)


# --- one contradiction per case: (check, item, mutate(gold, text) -> adjudication rows) -----------------

def _biased_without_span(gold, text):
    _sentence(gold, "s4", "biased", "mixed")


def _span_in_neutral_sentence(gold, text):
    gold["bias_spans"]["spans"].append(_span(text, "rushed", id="b2", technique="Loaded_Language",
                                             target_entity_id=None, polarity=None))


def _ruled_neutral_span_keeps_sentence_biased(gold, text):
    _sentence(gold, "s4", "biased", "mixed")
    s, e = find(text, "rushed")
    return [decision("bias_spans", f"spans[span={s},{e},Loaded_Language] present", False)]


def _stance_on_ruled_neutral_sentence(gold, text):
    _sentence(gold, "s4", "non-biased", "opinion")
    gold["stance"]["stances"][0]["note"] = "'the plan was rushed' closes the piece"
    return [decision("bias_sentences", "sentences[sentence_id=s4].label", "non-biased")]


def _role_on_ruled_neutral_sentence(gold, text):
    gold["entity_frames"]["entities"][1].update(main_role="protagonist", fine_roles=["Peacemaker"],
                                                portrayal="positive")
    return [decision("bias_sentences", "sentences[sentence_id=s3].label", "non-biased")]


def _role_on_neutral_factual_sentence(gold, text):
    gold["entity_frames"]["entities"][1].update(main_role="protagonist", fine_roles=["Peacemaker"],
                                                portrayal="positive")


def _stance_without_cue(gold, text):
    gold["stance"]["stances"][0]["note"] = "the article 'dislikes the budget'"


def _stance_on_neutral_factual_sentence(gold, text):
    gold["stance"]["stances"][0]["note"] = "'voted on Monday'"


def _loaded_word_factual(gold, text):
    _sentence(gold, "s1", "biased", "factual")


def _evidence_across_sentences(gold, text):
    s, e = find(text, "Monday. Mayor")
    gold["facts"]["facts"][1]["evidence"] = [{"start": s, "end": e, "text": text[s:e]}]


def _evidence_inside_evidence(gold, text):
    gold["facts"]["facts"][1]["evidence"].append(_span(text, "voted on Monday"))


def _evidence_not_at_every_place(gold, text):
    gold["facts"]["facts"][2].update(reported=True, evidence=[_span(text, "council")])  # 2nd "council" left out


def _rejected_text_accepted_elsewhere(gold, text):
    first, second = find(text, "council"), find(text, "council", 1)
    gold["facts"]["facts"][2].update(reported=True, evidence=[{"start": second[0], "end": second[1],
                                                               "text": "council"}])
    return [decision("facts", f"facts[fact_id=hb-f3].evidence contains ({first[0]}, {first[1]})", False)]


def _gold_against_decision(gold, text):
    return [decision("stance", "stances[target=budget].label", "favor")]


def _ids_out_of_order(gold, text):
    _sentence(gold, "s4", "biased", "mixed")
    gold["bias_spans"]["spans"] = [
        _span(text, "rushed", id="b1", technique="Loaded_Language", target_entity_id=None, polarity=None),
        _span(text, "reckless", id="b2", technique="Loaded_Language", target_entity_id=None, polarity=None)]


def _id_gap(gold, text):
    gold["bias_spans"]["spans"][0]["id"] = "b2"


CASES = [
    ("biased_sentence_has_technique", "s4", "bias_sentences", "sentences[3].label", _biased_without_span),
    ("technique_in_biased_sentence", "b2", "bias_spans", "spans[1]", _span_in_neutral_sentence),
    ("ruled_neutral_cue_of_sentence_bias", "s4", "bias_sentences", "sentences[3].label",
     _ruled_neutral_span_keeps_sentence_biased),
    ("ruled_neutral_cue_of_stance", "budget", "stance", "stances[0].label", _stance_on_ruled_neutral_sentence),
    ("ruled_neutral_cue_of_entity_role", "lina-obi", "entity_frames", "entities[1].main_role",
     _role_on_ruled_neutral_sentence),
    ("role_evidence_not_neutral_factual", "lina-obi", "entity_frames", "entities[1].main_role",
     _role_on_neutral_factual_sentence),
    ("stance_cue_found", "budget", "stance", "stances[0].note", _stance_without_cue),
    ("stance_cue_not_neutral_factual", "budget", "stance", "stances[0].label", _stance_on_neutral_factual_sentence),
    ("loaded_word_opinion", "s1", "bias_sentences", "sentences[0].opinion", _loaded_word_factual),
    ("fact_evidence_spans", "hb-f2", "facts", "facts[1].evidence[0]", _evidence_across_sentences),
    ("fact_evidence_spans", "hb-f2", "facts", "facts[1].evidence[0]", _evidence_inside_evidence),
    ("fact_evidence_every_place", "hb-f3", "facts", "facts[2].evidence", _evidence_not_at_every_place),
    # one text, two decisions: the rejected place is also a place the accepted text is missing from
    ("rejected_evidence_not_accepted", "hb-f3", "facts", "facts[fact_id=hb-f3].evidence",
     _rejected_text_accepted_elsewhere),
    ("adjudication_followed", "stance/d1/stances[target=budget].label", "stance", "stances[target=budget].label",
     _gold_against_decision),
    ("span_ids_in_text_order", "bias_spans", "bias_spans", "spans[1].id", _ids_out_of_order),
    ("span_ids_in_text_order", "bias_spans", "bias_spans", "spans", _id_gap),
]


ALSO = {_rejected_text_accepted_elsewhere: [("fact_evidence_every_place", "hb-f3")],
        _role_on_ruled_neutral_sentence: [("role_evidence_not_neutral_factual", "lina-obi")]}
"""Cases that necessarily break a second check too."""


def _cross(report):
    return [p for p in report.problems if p.message.startswith("[")]


def test_consistency_invented_story_passes(tmp_path):
    corpus, ann, _, _ = make_story(tmp_path)
    report = validate(corpus, ann)
    assert report.ok, "\n".join(map(str, report.problems))


def test_consistency_every_declared_check_has_a_failing_case():
    assert {c[0] for c in CASES} == set(CHECKS)


@pytest.mark.parametrize("check,item,layer,field,mutate", CASES, ids=[c[4].__name__.strip("_") for c in CASES])
def test_consistency_contradiction_fails_then_passes_with_an_exception(tmp_path, check, item, layer, field, mutate):
    corpus, ann, text, gold = make_story(tmp_path)
    adjudication = mutate(gold, text) or []
    write_gold(ann, gold, adjudication)
    report = validate(corpus, ann)
    also = ALSO.get(mutate, [])
    assert sorted(p.message.split("] ")[0] for p in report.problems) == sorted(
        f"[{c} d1 {i}" for c, i in [(check, item), *also]), "\n".join(map(str, report.problems))
    p = next(p for p in report.problems if p.message.startswith(f"[{check} d1 {item}] "))
    assert p.file == str(ann / STORY / "gold" / f"{layer}.jsonl") and p.line == 1 and p.field == field
    assert p.expected and p.found
    reason = "invented: the labels are right for a reason the check cannot see"
    write_gold(ann, gold, exceptions=[{"check": c, "doc_id": "d1", "item": i, "reason": reason}
                                      for c, i in [(check, item), *also]])
    report = validate(corpus, ann)
    assert report.ok, "\n".join(map(str, report.problems))


@pytest.mark.parametrize("exception,message", [
    ({"check": "loaded_word_opinion", "doc_id": "d1", "item": "s1", "reason": "  "}, "an exception needs a reason"),
    ({"check": "no_such_check", "doc_id": "d1", "item": "s1", "reason": "r"}, "unknown check"),
    ({"check": "loaded_word_opinion", "doc_id": "d9", "item": "s1", "reason": "r"}, "unknown document"),
    ({"check": "loaded_word_opinion", "doc_id": "d1", "item": "s99", "reason": "r"}, "unknown sentence"),
    ({"check": "loaded_word_opinion", "doc_id": "d1", "item": "s1"}, "exactly the fields"),
    ({"check": "loaded_word_opinion", "doc_id": "d1", "item": "s2", "reason": "r"}, "stale exception"),
])
def test_consistency_bad_or_stale_exception_is_an_error(tmp_path, exception, message):
    corpus, ann, text, gold = make_story(tmp_path)
    _loaded_word_factual(gold, text)
    write_gold(ann, gold, exceptions=[exception])
    report = validate(corpus, ann)
    exc = [p for p in report.problems if p.file.endswith("exceptions.jsonl")]
    assert len(exc) == 1 and message in exc[0].message and exc[0].line == 1, "\n".join(map(str, report.problems))
    # the violation it fails to excuse is still reported
    assert any(p.message.startswith("[loaded_word_opinion d1 s1]") for p in report.problems)


def test_consistency_adjudication_row_of_an_unknown_document_is_an_error(tmp_path):
    corpus, ann, text, gold = make_story(tmp_path)
    row = dict(decision("stance", "stances[target=budget].label", "against"), doc_id="d9")
    write_gold(ann, gold, [row])
    report = validate(corpus, ann)
    assert [(p.file.endswith("disagreements.jsonl"), p.line, p.field) for p in report.problems] == [(True, 1, "doc_id")]


def test_consistency_cli_fails_with_file_line_field_and_writes_the_violation_list(tmp_path):
    corpus, ann, text, gold = make_story(tmp_path)
    _biased_without_span(gold, text)
    write_gold(ann, gold)
    listing = tmp_path / "violations.txt"
    code, out, err = run("validate", "--corpus", corpus, "--annotations", ann, "--quiet", "--violations", listing)
    assert code == 1
    assert f"gold/bias_sentences.jsonl:1 [sentences[3].label]: [biased_sentence_has_technique d1 s4]" in err
    assert "Traceback" not in err
    body = listing.read_text(encoding="utf-8")
    assert "## biased_sentence_has_technique: 1 violation(s)" in body and "## loaded_word_opinion: 0" in body
    code, out, err = run("validate", "--list-checks")
    assert code == 0 and all(name in out for name in CHECKS)


def test_consistency_checks_wait_for_valid_gold(tmp_path):
    """A layer with a schema problem is reported alone: no cascade of cross-layer messages."""
    corpus, ann, text, gold = make_story(tmp_path)
    _biased_without_span(gold, text)
    gold["bias_sentences"]["sentences"][0]["label"] = "slanted"
    write_gold(ann, gold)
    report = validate(corpus, ann)
    assert report.problems and not _cross(report)
    assert any("cross-layer checks not run" in n for n in report.notes)
