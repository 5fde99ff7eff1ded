"""Planted disagreements lower the scores, are listed by adjudicate, and block gold until decided."""
from __future__ import annotations

import json

from tests.helpers.agreement_helpers import FIXTURE_GOLD, edit, make_passes

from samestory.annotate import adjudicate, agreement
from samestory.cli import main


def _plant(passes):
    bob = passes / "bob"
    edit(bob / "stance.jsonl", "fx_001", lambda r: r["stances"][0].update(label="neutral"))
    edit(bob / "mentions.jsonl", "fx_001", lambda r: r["mentions"].pop(1))            # drop Istanbul
    edit(bob / "mentions.jsonl", "fx_002", lambda r: r["mentions"][3].update(end=r["mentions"][3]["end"] - 1,
                                                                              text="Russi"))
    edit(bob / "bias_sentences.jsonl", "fx_002", lambda r: r["sentences"][1].update(label="non-biased"))


def test_agreement_planted_disagreement_lowers_scores(tmp_path):
    passes_dir = make_passes(tmp_path)
    _plant(passes_dir)
    report = agreement.agreement_report(agreement.load_passes(passes_dir))
    stance = report["labels"]["stance.label"]
    assert stance["observed"] == 0.75 and stance["alpha"] < 1 and stance["kappa"]["alice|bob"] < 1
    assert stance["per_document"]["fx_002"]["observed"] == 1.0
    assert stance["per_document"]["fx_001"]["observed"] == 0.5
    m = report["spans"]["mentions"]["pairs"]["alice|bob"]
    # 10 gold mentions; bob dropped one and shortened one: strict tp 8, partial tp 9
    assert (m["strict"]["tp"], m["strict"]["fp"], m["strict"]["fn"]) == (8, 1, 2)
    assert (m["partial"]["tp"], m["partial"]["fp"], m["partial"]["fn"]) == (9, 0, 1)
    assert m["per_document"]["fx_002"]["strict"]["fn"] == 1
    assert report["labels"]["bias_sentences.label"]["alpha"] < 1


def test_agreement_adjudicate_lists_and_blocks_gold(tmp_path):
    passes_dir = make_passes(tmp_path)
    _plant(passes_dir)
    out, gold = tmp_path / "adj", tmp_path / "gold"
    args = ["adjudicate", "--annotations", str(passes_dir), "--out", str(out), "--gold", str(gold)]
    assert main(args) == 0
    dis = [json.loads(x) for x in (out / "disagreements.jsonl").read_text().splitlines()]
    ids = {d["id"] for d in dis}
    assert "stance/fx_001/stances[target=russia].label" in ids
    assert "bias_sentences/fx_002/sentences[sentence_id=s2].label" in ids
    assert any(d["layer"] == "mentions" and d["doc_id"] == "fx_001" and d["where"].endswith("present")
               for d in dis)
    assert all(d["resolved_by"] is None for d in dis)  # two annotators: no majority anywhere
    # gold is not written without the flag, and not with open disagreements
    assert not gold.exists()
    assert main(args + ["--write-gold"]) != 0
    assert not gold.exists()
    # decide everything as alice had it, then gold is written and equals the fixture gold
    for d in dis:
        d["decision"] = d["values"]["alice"]
    decisions = tmp_path / "decisions.jsonl"
    decisions.write_text("".join(json.dumps(d) + "\n" for d in dis))
    assert main(args + ["--decisions", str(decisions), "--write-gold"]) == 0
    for layer in ("stance", "mentions", "bias_sentences"):
        assert (gold / f"{layer}.jsonl").read_bytes() == (FIXTURE_GOLD / f"{layer}.jsonl").read_bytes()
    # deciding otherwise now differs from gold: refused without --overwrite-gold, gold untouched
    stance = next(d for d in dis if d["layer"] == "stance")
    stance["decision"] = stance["values"]["bob"]
    decisions.write_text("".join(json.dumps(d) + "\n" for d in dis))
    before = {p.name: p.read_bytes() for p in gold.iterdir()}
    assert main(args + ["--decisions", str(decisions), "--write-gold"]) != 0
    assert {p.name: p.read_bytes() for p in gold.iterdir()} == before
    assert main(args + ["--decisions", str(decisions), "--write-gold", "--overwrite-gold"]) == 0
    assert (gold / "stance.jsonl").read_bytes() != before["stance.jsonl"]


def test_agreement_majority_of_three_resolves(tmp_path):
    passes_dir = make_passes(tmp_path, ("alice", "bob", "carol"))
    edit(passes_dir / "bob" / "stance.jsonl", "fx_001", lambda r: r["stances"][0].update(label="favor"))
    candidate, dis = adjudicate.adjudicate(agreement.load_passes(passes_dir))
    assert [d["resolved_by"] for d in dis] == ["majority"]
    assert dis[0]["values"] == {"alice": "against", "bob": "favor", "carol": "against"}
    assert candidate["stance"][0]["stances"][0]["label"] == "against"
    assert adjudicate.unresolved(dis) == []


def test_agreement_adjudicate_rejects_duplicate_items(tmp_path, capsys):
    passes_dir = make_passes(tmp_path)
    edit(passes_dir / "bob" / "stance.jsonl", "fx_001", lambda r: r["stances"].append(dict(r["stances"][0])))
    assert main(["adjudicate", "--annotations", str(passes_dir), "--out", str(tmp_path / "adj")]) != 0
    err = capsys.readouterr().err
    assert "bob/stance.jsonl: two items with the same target in fx_001" in err
    assert not (tmp_path / "adj").exists()
