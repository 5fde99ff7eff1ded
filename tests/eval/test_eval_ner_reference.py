"""NER counts equal nervaluate 1.2.x (its documented scenarios and 1,000 random corpora, per schema and
per type), and strict micro-F1 equals seqeval's strict IOB2 F1 on the IOB2 conversion of the same spans."""
from __future__ import annotations

import random

import pytest
from nervaluate import Evaluator
from seqeval.metrics import f1_score as seqeval_f1
from seqeval.scheme import IOB2

from samestory.eval import ner
from samestory.eval.registry import TASKS
from tests.helpers.eval_helpers import TYPES, arrays, random_spans, score


def nervaluate_counts(gold_docs, pred_docs, tags=TYPES):
    """nervaluate on the same spans; its ends are inclusive, ours exclusive."""
    tr = [[{"label": t, "start": s, "end": e - 1} for s, e, t in doc] for doc in gold_docs]
    pr = [[{"label": t, "start": s, "end": e - 1} for s, e, t in doc] for doc in pred_docs]
    res = Evaluator(tr, pr, tags=tags, loader="dict").evaluate()
    overall = {s: {o: getattr(res["overall"][s], o) for o in ner.OUTCOMES} for s in ner.SCHEMAS}
    per_type = {t: {s: {o: getattr(r[s], o) for o in ner.OUTCOMES} for s in ner.SCHEMAS}
                for t, r in res["entities"].items()}
    return overall, per_type


def our_counts(gold_docs, pred_docs, labels=TYPES):
    ev = ner.match(arrays(gold_docs, labels), arrays(pred_docs, labels))
    return {s: {o: len(ev[s][o]) for o in ner.OUTCOMES} for s in ner.SCHEMAS}


# nervaluate's README scenarios (SemEval-2013 Task 9.1), tokens as offsets; expected outcome per schema
SCENARIOS = [
    # (gold, pred, {schema: outcome})
    ([(0, 1, "DRUG")], [(0, 1, "DRUG")], dict(ent_type="correct", partial="correct", exact="correct", strict="correct")),
    ([], [(0, 1, "BRAND")], dict(ent_type="spurious", partial="spurious", exact="spurious", strict="spurious")),
    ([(0, 1, "BRAND")], [], dict(ent_type="missed", partial="missed", exact="missed", strict="missed")),
    ([(0, 1, "DRUG")], [(0, 1, "BRAND")], dict(ent_type="incorrect", partial="correct", exact="correct", strict="incorrect")),
    ([(1, 2, "DRUG")], [(0, 2, "DRUG")], dict(ent_type="correct", partial="partial", exact="incorrect", strict="incorrect")),
    ([(1, 2, "GROUP")], [(0, 2, "DRUG")], dict(ent_type="incorrect", partial="partial", exact="incorrect", strict="incorrect")),
]


@pytest.mark.parametrize("gold,pred,expected", SCENARIOS)
def test_eval_ner_documented_scenarios(gold, pred, expected):
    labels = ["DRUG", "BRAND", "GROUP"]
    ours = our_counts([gold], [pred], labels)
    theirs, _ = nervaluate_counts([gold], [pred], labels)
    assert ours == theirs
    for s, outcome in expected.items():
        assert ours[s][outcome] == 1
        if outcome != "missed" and outcome != "spurious":
            assert sum(ours[s].values()) == 1


def test_eval_ner_readme_example():
    """nervaluate README: identical gold and predictions score 1.0 under every schema."""
    gold = [[(2, 5, "PER")], [(1, 3, "LOC"), (3, 5, "LOC")]]
    ours = our_counts(gold, gold, ["PER", "LOC"])
    assert ours == nervaluate_counts(gold, gold, ["PER", "LOC"])[0]
    assert all(c["correct"] == 3 and c["missed"] == c["spurious"] == 0 for c in ours.values())


def test_eval_ner_random_cases_equal_nervaluate():
    """1,000 random corpora: gold sometimes overlapping, predictions never (as the harness enforces)."""
    rng = random.Random(11)
    checked = 0
    while checked < 1000:
        n_docs = rng.randint(1, 4)
        gold, pred = [], []
        for _ in range(n_docs):
            length = rng.choice([20, 60, 400])
            gold.append(random_spans(rng, length, rng.randint(0, 6), nonoverlap=rng.random() < 0.5))
            pred.append(random_spans(rng, length, rng.randint(0, 6), nonoverlap=True))
        if not any(gold) or not any(pred):
            continue  # nervaluate's loader cannot infer the format of an all-empty corpus
        overall, per_type = nervaluate_counts(gold, pred)
        assert our_counts(gold, pred) == overall
        for ti, t in enumerate(TYPES):
            g = [[x for x in doc if x[2] == t] for doc in gold]
            p = [[x for x in doc if x[2] == t] for doc in pred]
            if t in per_type:
                assert our_counts(g, p) == per_type[t]
        if checked % 10 == 0:  # the task's own columns (all types in one grouped run) agree too
            recs = lambda docs: {f"d{i}": {"doc_id": f"d{i}", "mentions": [  # noqa: E731
                {"start": s, "end": e, "type": t, "kind": "NAM"} for s, e, t in doc]} for i, doc in enumerate(docs)}
            _, table, sc = score("ner", recs(gold), recs(pred))
            total = dict(zip(TASKS["ner"].keys, table.sum(axis=0)))
            for s in ner.SCHEMAS:
                assert {o: total[f"{s}.{o}"] for o in ner.OUTCOMES} == overall[s]
            for t in TYPES:
                got = {o: total[f"strict.{o}.{t}"] for o in ner.OUTCOMES}
                assert got == per_type.get(t, {}).get("strict", dict.fromkeys(ner.OUTCOMES, 0))
        checked += 1


def iob2(spans, length):
    tags = ["O"] * length
    for s, e, t in spans:
        tags[s] = f"B-{t}"
        for i in range(s + 1, e):
            tags[i] = f"I-{t}"
    return tags


def test_eval_ner_strict_f1_equals_seqeval():
    """The ner task's strict_f1 equals seqeval strict IOB2 on character-level tags of the same spans."""
    rng = random.Random(5)
    checked = 0
    while checked < 1000:
        case = checked
        gold, pred, yt, yp = {}, {}, [], []
        for d in range(rng.randint(1, 4)):
            length = rng.choice([15, 50, 200])
            g = random_spans(rng, length, rng.randint(0, 5), nonoverlap=True)
            p = random_spans(rng, length, rng.randint(0, 5), nonoverlap=True)
            gold[f"d{d}"] = {"doc_id": f"d{d}", "mentions": [
                {"start": s, "end": e, "type": t, "kind": "NAM"} for s, e, t in g]}
            pred[f"d{d}"] = {"doc_id": f"d{d}", "mentions": [{"start": s, "end": e, "type": t} for s, e, t in p]}
            yt.append(iob2(g, length))
            yp.append(iob2(p, length))
        if not any(t != "O" for seq in yt + yp for t in seq):
            continue
        values, _, _ = score("ner", gold, pred)
        ref = seqeval_f1(yt, yp, mode="strict", scheme=IOB2, zero_division=0)
        assert values["strict_f1"] == pytest.approx(ref, abs=1e-12), case
        checked += 1
