"""system.json declarations: strict, written by every system, and language coverage that skips with a warning."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from samestory import systems as baselines
from samestory.systems.run import predict_to_dir
from samestory.core.errors import SameStoryError
from samestory.eval.declaration import Declaration, parse
from tests.helpers import FIXTURES

FIX = FIXTURES / "baselines"
CORPUS, ANN = FIX / "corpus", FIX / "annotations"


@pytest.mark.parametrize("name", sorted(baselines.systems()))
def test_baselines_declarations_every_system_declares_valid_resources(name):
    system = baselines.get(name)
    meta = baselines.declaration(system, dict(system.defaults), system.tasks)
    d = Declaration.model_validate(meta)
    assert d.resources and d.tasks == list(system.tasks)
    if any(r.kind == "alias_list" for r in d.resources) or name in ("majority", "stratified"):
        assert d.test_informed, name
    for r in d.resources:
        if r.kind == "model" and name != "llm":
            assert r.version and r.source and r.license, (name, r)


def test_baselines_declarations_only_the_alias_and_prior_systems_are_test_informed():
    informed = {n for n, s in baselines.systems().items()
                if parse(baselines.declaration(s, dict(s.defaults), s.tasks), n).test_informed}
    assert informed == {"majority", "stratified", "rules-aliases", "llm"}


def test_baselines_declarations_are_strict():
    good = {"name": "x", "resources": [{"name": "r", "kind": "model", "derived_from_test": False,
                                        "description": "a model"}]}
    assert not parse(good, "system.json").test_informed
    for bad, field in (({"name": "x"}, "resources"),
                       ({**good, "extra": 1}, "extra"),
                       ({**good, "resources": [{**good["resources"][0], "derived_from_test": "no"}]},
                        "resources.0.derived_from_test"),
                       ({**good, "resources": [{**good["resources"][0], "kind": "vibes"}]}, "resources.0.kind"),
                       ({**good, "resources": [{**good["resources"][0], "description": " "}]},
                        "resources.0.description")):
        with pytest.raises(SameStoryError) as err:
            parse(bad, "system.json")
        assert f"system.json [{field}]" in str(err.value)


def _corpus_with_italian_d2(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    f = corpus / "mini-story" / "documents.jsonl"
    rows = [json.loads(x) for x in f.read_text(encoding="utf-8").splitlines()]
    for r in rows:
        if r["doc_id"] == "d2":
            r["language"] = "it"
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return corpus


def cli(*args):
    return subprocess.run([sys.executable, "-m", "samestory.cli", *args], capture_output=True, text=True)


def test_baselines_declarations_language_aware_systems_skip_other_languages(tmp_path):
    corpus = _corpus_with_italian_d2(tmp_path)
    written, _, errors = predict_to_dir(baselines.get("lexicon"), tmp_path / "lex", corpus_dir=corpus,
                                        annotations_dir=ANN)
    assert {e["doc_id"] for e in errors} == {"d2"} and {e["kind"] for e in errors} == {"unsupported_language"}
    for f in written:
        if f.suffix == ".jsonl" and f.name != "errors.jsonl":
            assert [json.loads(x)["doc_id"] for x in f.read_text().splitlines()] == ["d1"], f
    assert json.loads((tmp_path / "lex" / "system.json").read_text())["languages"] == ["en"]
    # a language-agnostic system predicts both
    _, _, errors = predict_to_dir(baselines.get("uniform-first"), tmp_path / "u", corpus_dir=corpus,
                                  annotations_dir=ANN)
    assert errors == []
    r = cli("predict", "--system", "rules-clean", "--out", str(tmp_path / "r"), "--corpus", str(corpus),
            "--annotations", str(ANN))
    assert r.returncode == 0, r.stderr
    assert "supports en only; skipped 1 document(s) in other languages (scored as empty): d2" in r.stderr


def test_baselines_declarations_predict_story_limits_the_documents(tmp_path):
    common = ["--corpus", str(CORPUS), "--annotations", str(ANN)]
    r = cli("predict", "--system", "uniform-first", "--story", "mini-story", "--out", str(tmp_path / "a"), *common)
    assert r.returncode == 0, r.stderr
    assert {json.loads(x)["doc_id"] for x in (tmp_path / "a" / "frames.jsonl").read_text().splitlines()} == {"d1", "d2"}
    r = cli("predict", "--system", "uniform-first", "--story", "nope", "--out", str(tmp_path / "b"), *common)
    assert r.returncode != 0 and "unknown story 'nope'" in r.stderr and "mini-story" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "b").exists()


def test_baselines_declarations_predict_story_defaults_to_the_pretrained_ner(tmp_path):
    r = cli("predict", "--story", "mini-story", "--out", str(tmp_path / "ner"), "--corpus", str(CORPUS),
            "--annotations", str(ANN))
    assert r.returncode == 0, r.stderr
    assert "using spacy-ner, the default NER for new stories" in r.stderr
    assert json.loads((tmp_path / "ner" / "system.json").read_text())["name"] == baselines.DEFAULT_NER_SYSTEM == "spacy-ner"


def test_baselines_declarations_evaluate_copies_a_valid_one_and_refuses_a_bad_one(tmp_path):
    pred = tmp_path / "pred"
    predict_to_dir(baselines.get("uniform-first"), pred, tasks=("frames",), corpus_dir=CORPUS, annotations_dir=ANN)
    gold = ["--gold", str(ANN / "mini-story" / "gold"), "--corpus", str(CORPUS), "--resamples", "20", "--quiet"]
    r = cli("evaluate", "--predictions", str(pred), *gold, "--out", str(tmp_path / "ok.json"))
    assert r.returncode == 0, r.stderr
    res = json.loads((tmp_path / "ok.json").read_text())
    meta = json.loads((pred / "system.json").read_text())
    assert res["system"]["resources"] == meta["resources"] and res["system"]["languages"] is None
    meta["resources"][0]["kind"] = "vibes"
    (pred / "system.json").write_text(json.dumps(meta))
    r = cli("evaluate", "--predictions", str(pred), *gold, "--out", str(tmp_path / "bad.json"))
    assert r.returncode != 0 and "[resources.0.kind]" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "bad.json").exists()
