"""spacy-ner: the pinned pretrained pipeline runs for real, offline, and links by canonical names only."""
from __future__ import annotations

import json

from samestory import systems as baselines
from samestory.systems import spacy_ner
from samestory.systems.resources import CanonicalLinker
from samestory.systems.run import predict_to_dir
from samestory.eval import data
from samestory.eval.evaluate import Options, evaluate
from tests.helpers import FIXTURES

FIX = FIXTURES / "baselines"
CORPUS, ANN = FIX / "corpus", FIX / "annotations"


def test_baselines_spacy_ner_model_is_the_declared_core_web_sm():
    nlp = spacy_ner.nlp()
    assert nlp.meta["lang"] == "en" and nlp.meta["version"] == spacy_ner.MODEL_VERSION
    assert nlp.meta["author"] == "Explosion" and nlp.meta["license"] == "MIT"
    assert any(s["name"] == "OntoNotes 5" for s in nlp.meta["sources"])
    assert set(spacy_ner.ONTONOTES_TO_SCHEMA) <= set(nlp.get_pipe("ner").labels)


def test_baselines_spacy_ner_predicts_scores_and_declares_provenance(tmp_path):
    _, tasks, errors = predict_to_dir(baselines.get("spacy-ner"), tmp_path, corpus_dir=CORPUS, annotations_dir=ANN)
    assert errors == [] and tasks == ("ner", "linking")
    rows = {json.loads(x)["doc_id"]: json.loads(x)["mentions"] for x in (tmp_path / "mentions.jsonl").read_text().splitlines()}
    got = {(m["text"], m["type"], m["entity_id"]) for m in rows["d1"]}
    assert ("Vladimir Putin", "PER", "putin") in got and ("Istanbul", "GPE", "istanbul") in got
    assert ("Dmitry Peskov", "PER", "peskov") in got
    meta = json.loads((tmp_path / "system.json").read_text())
    assert meta["parameters"]["model_version"] == "3.8.0" and meta["languages"] == ["en"]
    model = next(r for r in meta["resources"] if r["kind"] == "model")
    assert model["sha256"] == spacy_ner.WHEEL_SHA256 and not model["derived_from_test"]
    assert "re-upload" in meta["description"] and "OntoNotes" in meta["description"]
    results = evaluate(tmp_path, data.load_gold_dir(ANN / "mini-story" / "gold", CORPUS),
                       Options(tasks=list(tasks), resamples=50, system=meta))
    assert results["system"]["resources"] == meta["resources"]
    assert results["tasks"]["ner"]["metrics"]["strict_f1"]["value"] > 0.5


def test_baselines_spacy_ner_linker_uses_canonical_names_never_aliases():
    table = [{"entity_id": "z", "name": "Volodymyr Zelenskyy", "type": "PER", "aliases": ["Zelensky", "Zweenskyy"]},
             {"entity_id": "k", "name": "Kremlin (Russian presidential administration)", "type": "ORG", "aliases": []},
             {"entity_id": "r", "name": "Russians", "type": "NORP", "aliases": []},
             {"entity_id": "w", "name": "Washington, D.C.", "type": "GPE", "aliases": []},
             {"entity_id": "f", "name": "Ministry of Foreign Affairs of Ukraine", "type": "ORG", "aliases": []},
             {"entity_id": "a", "name": "Anna Smith", "type": "PER", "aliases": []},
             {"entity_id": "b", "name": "Bob Smith", "type": "PER", "aliases": []}]
    link = CanonicalLinker(table).link
    assert link("Zelenskyy") == "z" and link("Volodymyr Zelenskyy's") == "z"
    assert link("Zelensky") is None and link("Zweenskyy") is None  # aliases are not read
    assert link("the Kremlin") == "k" and link("Russian") == "r" and link("Washington DC") == "w"
    assert link("Smith") is None  # two PERs share the surname: NIL
    assert link("Moscow") is None
