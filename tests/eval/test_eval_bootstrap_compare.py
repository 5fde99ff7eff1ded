"""Bootstrap intervals are seeded, built from counts (equal to resampling documents one by one), printed
even for five documents; the paired test says identical systems do not differ and gold beats noise."""
from __future__ import annotations

import json

import numpy as np
import pytest

from samestory.cli import main
from samestory.eval import bootstrap as bs
from samestory.eval import synthetic
from samestory.eval.data import load_gold_dir
from samestory.eval.evaluate import Options, evaluate
from samestory.core.jsonl import write_jsonl
from tests.helpers.eval_helpers import DOCUMENTS, GOLD, NOISY


def test_eval_weights_equal_explicit_resampling():
    rng_table = np.random.default_rng(1).integers(0, 5, size=(37, 4)).astype(float)
    sums = bs.resampled_sums(rng_table, 250, seed=7)
    rng = np.random.default_rng(7)
    explicit = []
    for lo in range(0, 250, bs.CHUNK):
        idx = rng.integers(0, 37, size=(min(250, lo + bs.CHUNK) - lo, 37))
        explicit += [rng_table[row].sum(axis=0) for row in idx]
    assert np.array_equal(sums, np.array(explicit))


def test_eval_intervals_seeded_and_reported_for_five_documents(tmp_path):
    gold = load_gold_dir(GOLD, DOCUMENTS)
    a = evaluate(NOISY, gold, Options(seed=3, resamples=200))
    b = evaluate(NOISY, gold, Options(seed=3, resamples=200))
    c = evaluate(NOISY, gold, Options(seed=4, resamples=200))
    strip = lambda r: {k: v for k, v in r.items() if k != "date"}  # noqa: E731
    assert strip(a) == strip(b)
    assert a["tasks"]["ner"]["metrics"] != c["tasks"]["ner"]["metrics"]
    for t, block in a["tasks"].items():
        assert block["n_documents"] == 5
        main = block["metrics"][block["main_score"]]
        assert main["ci_low"] is not None and main["ci_low"] <= main["ci_high"]
    assert a["tasks"]["ner"]["metrics"]["strict_f1"]["ci_high"] - a["tasks"]["ner"]["metrics"]["strict_f1"]["ci_low"] > 0.05


def test_eval_item_unit_differs_from_document_unit():
    gold = load_gold_dir(GOLD, DOCUMENTS)
    docs = evaluate(NOISY, gold, Options(resamples=300, tasks=["bias_sentences"]))
    items = evaluate(NOISY, gold, Options(resamples=300, tasks=["bias_sentences"], unit="items"))
    d, i = (r["tasks"]["bias_sentences"]["metrics"]["accuracy"] for r in (docs, items))
    assert d["value"] == i["value"]
    assert (d["ci_low"], d["ci_high"]) != (i["ci_low"], i["ci_high"])
    assert items["bootstrap"]["unit"] == "items"


def test_eval_per_document_counts_reproduce_values(tmp_path):
    from samestory.eval.registry import TASKS

    res = evaluate(NOISY, load_gold_dir(GOLD, DOCUMENTS), Options(resamples=50))
    for t, block in res["tasks"].items():
        S = np.array(list(block["per_document"].values())).sum(axis=0)
        values = TASKS[t].metric_values(S)
        for name, m in block["metrics"].items():
            v = float(values[name][0])
            assert (m["value"] is None and np.isnan(v)) or m["value"] == pytest.approx(v, abs=1e-9)


@pytest.fixture(scope="module")
def two_systems(tmp_path_factory):
    d = tmp_path_factory.mktemp("cmp")
    docs, gold, pred = synthetic.corpus(120, seed=9, noise=0.5, n_par=2, sent_per_par=2)
    write_jsonl(d / "documents.jsonl", docs)
    for c in gold:
        write_jsonl(d / "story" / "gold" / f"{c}.jsonl", gold[c])
        write_jsonl(d / "noisy" / f"{c}.jsonl", pred[c])
    out = {}
    for name, src in (("gold", d / "story" / "gold"), ("noisy", d / "noisy")):
        out[name] = d / f"{name}.json"
        assert main(["evaluate", "--predictions", str(src), "--gold", str(d / "story" / "gold"), "--corpus",
                     str(d / "documents.jsonl"), "--task", "stance", "--task", "ner", "--resamples", "100",
                     "--system", name, "--out", str(out[name]), "--quiet"]) == 0
    return out


def test_eval_compare_identical_and_different(two_systems, tmp_path, capsys):
    cmp = tmp_path / "cmp.json"
    assert main(["compare", str(two_systems["noisy"]), str(two_systems["noisy"]), "--resamples", "500",
                 "--out", str(cmp)]) == 0
    same = json.loads(cmp.read_text())
    assert same["tasks"]["stance"]["metrics"]["f_avg"]["p_value"] == 1.0
    assert same["tasks"]["stance"]["metrics"]["f_avg"]["delta"] == 0
    assert main(["compare", str(two_systems["noisy"]), str(two_systems["gold"]), "--resamples", "500",
                 "--out", str(cmp)]) == 0
    diff = json.loads(cmp.read_text())
    for t, metric in (("stance", "f_avg"), ("ner", "strict_f1")):
        m = diff["tasks"][t]["metrics"][metric]
        assert m["delta"] > 0 and m["p_value"] < 0.01 and m["ci_low"] > 0
    assert "p" in capsys.readouterr().out


def test_eval_worker_processes_give_the_same_results(tmp_path):
    """Files checked and scored in two forked workers give exactly the in-process results, and a bad
    file's problems (file, line, field) come back from the worker intact."""
    import shutil

    from samestory.eval.predictions import PredictionError

    gold = load_gold_dir(GOLD, DOCUMENTS)
    one = evaluate(NOISY, gold, Options(resamples=100, workers=1))
    two = evaluate(NOISY, gold, Options(resamples=100, workers=2, parallel_min_bytes=0))
    strip = lambda r: {k: v for k, v in r.items() if k != "date"}  # noqa: E731
    assert strip(one) == strip(two)
    bad = tmp_path / "bad"
    shutil.copytree(NOISY, bad)
    (bad / "stance.jsonl").write_text('{"doc_id": "doc000000", "stances": [{"target": "t1", "label": "pro"}]}\n')
    (bad / "quotes.jsonl").write_text("not json\n")
    with pytest.raises(PredictionError) as exc:
        evaluate(bad, gold, Options(resamples=100, workers=2, parallel_min_bytes=0))
    text = str(exc.value)
    assert f"{bad / 'stance.jsonl'}:1 [stances[0].label]" in text and f"{bad / 'quotes.jsonl'}:1" in text
