"""Identical annotators agree perfectly and adjudicate back to the same gold, byte for byte."""
from __future__ import annotations

from tests.helpers.agreement_helpers import FIXTURE_GOLD, make_passes

from samestory.annotate import adjudicate, agreement
from samestory.core.jsonl import dumps


def test_agreement_identical_annotators_score_one(tmp_path):
    passes = agreement.load_passes(make_passes(tmp_path, ("alice", "bob", "carol")))
    report = agreement.agreement_report(passes)
    assert report["annotators"] == ["alice", "bob", "carol"]
    for name in ("stance.label", "frames.paragraph_frame", "bias_sentences.label", "entity_frames.main_role",
                 "entity_frames.portrayal", "frames.presence", "facts.reported"):
        m = report["labels"][name]
        assert m["alpha"] == 1.0, name
        assert m["observed"] == 1.0, name
        assert set(m["kappa"]) == {"alice|bob", "alice|carol", "bob|carol"}
        assert all(k == 1.0 for k in m["kappa"].values()), name
    # one category only: alpha and kappa are undefined (None), never a fake number
    assert report["labels"]["frames.primary_frame"]["alpha"] is None
    assert report["labels"]["frames.primary_frame"]["observed"] == 1.0
    for name in ("mentions", "bias_spans", "quotes", "facts.evidence"):
        for pair in report["spans"][name]["pairs"].values():
            assert pair["strict"]["f1"] == 1.0 and pair["partial"]["f1"] == 1.0
            assert pair["strict"]["fp"] == pair["strict"]["fn"] == 0


def test_agreement_identical_adjudicates_to_gold(tmp_path):
    passes = agreement.load_passes(make_passes(tmp_path))
    candidate, disagreements = adjudicate.adjudicate(passes)
    assert disagreements == []
    for layer, rows in candidate.items():
        expected = (FIXTURE_GOLD / f"{layer}.jsonl").read_text(encoding="utf-8")
        assert "".join(dumps(r) + "\n" for r in rows) == expected, layer
