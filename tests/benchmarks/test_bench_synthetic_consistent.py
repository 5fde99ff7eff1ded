"""The build benchmark's synthetic corpus (`benchmarks/synthetic.py`) passes `samestory validate`, every
cross-layer check included, so `bench_build.py` can build it."""
import json
import random

from benchmarks import synthetic as bench_synthetic
from samestory.eval.synthetic import document, gold
from tests.helpers.build_helpers import run


def test_synthetic_corpus_validates(tmp_path):
    corpus, ann = bench_synthetic.generate(4, tmp_path / "synth")
    code, out, err = run("validate", "--corpus", corpus, "--annotations", ann, "--quiet",
                         "--violations", tmp_path / "violations.txt")
    assert code == 0, err[-3000:]
    assert "0 cross-layer problem(s)" in out and "ok: 4 document(s)" in out
    items = {name: [it for line in (ann / "synthetic-0000" / "gold" / f"{name}.jsonl").open()
                    for it in json.loads(line)[key]]
             for name, key in (("stance", "stances"), ("bias_sentences", "sentences"), ("entity_frames", "entities"),
                               ("facts", "facts"))}
    # the checks had something to check: stances with cues, biased sentences, cast entities with evidence
    assert any(it["label"] != "neutral" and it["note"] for it in items["stance"])
    assert any(it["label"] == "biased" for it in items["bias_sentences"])
    assert any(it["evidence"] for it in items["entity_frames"])
    assert any(it["evidence"] for it in items["facts"])


def test_fact_evidence_closed_over_the_story():
    """Two documents of one text: whatever is evidence of a fact in one is evidence of it in the other."""
    rng = random.Random(5)
    doc = document(rng, "d1", 3, 3)
    twin = {**doc, "doc_id": "d2"}
    recs = []
    for d in (doc, twin):
        rec = gold(rng, d)
        bench_synthetic.relate(rng, d, rec)
        recs.append(rec["facts"])
    bench_synthetic.close_facts([doc, twin], recs)
    spans = [{f["fact_id"]: (f["reported"], [(e["start"], e["end"]) for e in f["evidence"]]) for f in r["facts"]}
             for r in recs]
    assert spans[0] == spans[1]
    assert any(reported for reported, _ in spans[0].values())
