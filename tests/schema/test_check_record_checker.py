"""The one record checker (`samestory.schema.check`): its fast path never passes what the slow walk rejects,
and gold and predictions obey the same layer rules through the same code, apart from the codebook's
completeness rules that only annotations are held to."""
from __future__ import annotations

import copy
import json
import random

import pytest

from samestory import schema
from samestory.annotate.validate import check_record
from samestory.eval import synthetic
from samestory.eval.predictions import PredictionError, check_file
from samestory.schema.check import Checker, Context, _fast_struct, placing_fields

TEXT = "Vladimir Putin met Volodymyr Zelensky in Istanbul."
DOC = {"doc_id": "d1", "text": TEXT, "paragraphs": [{"id": "p1", "start": 0, "end": len(TEXT)}],
       "sentences": [{"id": "s1", "start": 0, "end": len(TEXT), "paragraph_id": "p1"}]}


def _mutations(rng: random.Random, rec: dict, fields: tuple[schema.Field, ...]):
    """Single-field breakages of a record, nested ones included (wrong type, unknown label, null, missing,
    unknown field, duplicate label), and the record unchanged."""
    yield rec
    for f in fields:
        for bad in ("NOT_A_LABEL", 2 ** 40, None, True, "x", [None], {}):
            m = copy.deepcopy(rec)
            m[f.name] = bad
            yield m
        m = copy.deepcopy(rec)
        del m[f.name]
        yield m
        value = rec.get(f.name)
        if f.many and isinstance(value, list) and value:
            m = copy.deepcopy(rec)
            m[f.name].append(copy.deepcopy(value[0]))
            yield m
            if f.dtype == "struct":
                for sub in _mutations(rng, value[0], f.children):
                    m = copy.deepcopy(rec)
                    m[f.name][0] = sub
                    yield m
    m = copy.deepcopy(rec)
    m["surprise"] = 1
    yield m


@pytest.mark.parametrize("layer", schema.LAYERS)
@pytest.mark.parametrize("partial", [False, True])
def test_check_fast_path_agrees_with_the_slow_walk(layer, partial):
    rng = random.Random(7)
    rec = {}
    while not rec.get(schema.CONFIGS[layer].items):  # a record with items, so nested fields are mutated too
        rec = synthetic.gold(rng, synthetic.document(rng, "d1"))[layer]
    fields = schema.CONFIGS[layer].fields
    required = placing_fields(fields) if partial else None
    fast = _fast_struct(fields, "", None if required is None else frozenset(required))
    n = 0
    for m in _mutations(rng, rec, fields):
        chk = Checker("f.jsonl", required=required)
        chk.struct(fields, m, 1, "", "")
        assert fast(m) == (not chk.problems), (m, chk.problems)
        n += 1
    assert n > 20


def _mention(start, end, kind="NAM", entity_id=None, **extra):
    return {"start": start, "end": end, "text": TEXT[start:end], "type": "PER", "kind": kind, "entity_id": entity_id,
            **extra}


def _predictions(tmp_path, config, recs):
    path = tmp_path / f"{config}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


def _check_predictions(tmp_path, config, rec, required=()):
    path = _predictions(tmp_path, config, [rec])
    try:
        check_file(path, config, set(required), {"d1": {}}, {"d1": DOC})
    except PredictionError as exc:
        return [(p.field, p.message) for p in exc.problems]
    return []


def test_check_gold_and_predictions_obey_the_same_layer_rules(tmp_path):
    ctx = Context(doc_ids={"d1"}, doc=DOC, mentions={})
    overlap = {"doc_id": "d1", "mentions": [dict(_mention(0, 14), id="m1"), dict(_mention(9, 14), id="m2"),
                                            dict(_mention(19, 37), id="m3"), dict(_mention(19, 37), id="m4")]}
    gold = {(p.field, p.message) for p in check_record("mentions", overlap, ctx)}
    pred = set(_check_predictions(tmp_path, "mentions", overlap))
    expected = {("mentions[1]", "NAM mention overlaps NAM mention mentions[0]"),
                ("mentions[3]", "duplicate item (same span as mentions[2])")}
    assert expected <= gold and expected <= pred
    roles = {"doc_id": "d1", "entities": [{"entity_id": "putin", "main_role": "antagonist", "fine_roles": ["Martyr"],
                                           "portrayal": "negative", "evidence": []}]}
    ctx = Context(entities={"putin": {"type": "PER"}}, doc_ids={"d1"}, doc=DOC)
    want = ("entities[0].fine_roles[0]", "fine role not under main role 'antagonist'")
    assert want in {(p.field, p.message) for p in check_record("entity_frames", roles, ctx)}
    assert want in _check_predictions(tmp_path, "entity_frames", roles)


def test_check_predictions_are_not_held_to_the_codebooks_completeness(tmp_path):
    rec = {"doc_id": "d1", "facts": [{"fact_id": "f1", "reported": True, "evidence": []}]}
    ctx = Context(facts={"f1", "f2"}, doc_ids={"d1"}, doc=DOC)
    gold = {p.message for p in check_record("facts", rec, ctx)}
    assert {"not every fact has an item", "reported fact without evidence"} <= gold
    path = _predictions(tmp_path, "facts", [rec])
    check_file(path, "facts", set(), {"d1": {}}, {"d1": DOC}, refs={"fact": {"f1", "f2"}})  # accepted


def test_check_partial_predictions_omit_what_no_task_reads(tmp_path):
    rec = {"doc_id": "d1", "mentions": [{"start": 0, "end": 14, "type": "PER"}]}
    assert _check_predictions(tmp_path, "mentions", rec, {"mentions[].start", "mentions[].end"}) == []
    assert ("mentions[0].entity_id", "missing field") in _check_predictions(
        tmp_path, "mentions", rec, {"mentions[].entity_id"})


def test_check_unknown_references_name_the_scope():
    rec = {"doc_id": "d1", "sentences": [{"sentence_id": "s9", "label": "biased", "opinion": "factual"}]}
    problems = check_record("bias_sentences", rec, Context(doc_ids={"d1"}, doc=DOC))
    p = next(p for p in problems if p.field == "sentences[0].sentence_id")
    assert p.message == "unknown sentence id: no such sentence in the sentences of the same document"
    assert p.expected == "one of s1" and p.found == "'s9'" and p.line is None and p.file == "<record>"
