"""A later adjudication round (adjudication/disagreements_*.jsonl) supersedes an earlier decision about
the same item, and the real story's gold follows every round's decisions."""
from __future__ import annotations

from samestory.annotate import consistency, store

from samestory.core import paths
from samestory.core.jsonl import read_jsonl


def test_consistency_rounds_later_decision_supersedes():
    first = [(1, {"id": "facts/d/facts[fact_id=f1].evidence[(0, 5)]", "decision": True}),
             (2, {"id": "bias_spans/d/spans[span=0,5,Doubt].target_entity_id", "decision": "x"}),
             (3, {"id": "stance/d/stances[target=t].label", "decision": "favor"})]
    later = [(1, {"id": "facts/d/facts[fact_id=f1].evidence[(0, 5)]", "decision": False}),
             (2, {"id": "bias_spans/d/spans[span=0,5,Doubt]#present", "decision": False})]
    merged = consistency.merge_rounds([first, later])
    assert [r["decision"] for _, r in merged] == ["favor", False, False]
    assert consistency.merge_rounds([first]) == first


def test_consistency_rounds_found_in_name_order(tmp_path):
    adj = tmp_path / "adjudication"
    adj.mkdir()
    for name in ("disagreements_v1.1.jsonl", "disagreements.jsonl", "disagreements_v2.0.jsonl"):
        (adj / name).write_text("", encoding="utf-8")
    assert [p.name for p in store.adjudication_files(tmp_path)] == [
        "disagreements.jsonl", "disagreements_v1.1.jsonl", "disagreements_v2.0.jsonl"]
    assert store.adjudication_files(tmp_path / "none") == []


def test_consistency_rounds_istanbul_gold_follows_blind_pass_adjudication():
    story = paths.ANNOTATIONS / "istanbul-2025-05-16"
    rows = [r for _, r in read_jsonl(story / "adjudication" / "disagreements_v1.1.jsonl")]
    assert rows and all(r.get("reason") and "decision" in r for r in rows)
    changed = sum(r["gold_changed"] for r in rows)
    assert 0 < changed < len(rows)
