"""The leaderboard from real results files (mini fixture story scored by the harness): ranking, refusals,
escaping, the chart, and `--check` of a submission."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from samestory import systems as baselines, leaderboard
from samestory.systems.run import predict_to_dir
from samestory.core.errors import SameStoryError
from samestory.eval import data
from samestory.eval.evaluate import Options, evaluate
from samestory.leaderboard import render
from tests.helpers import FIXTURES, ROOT

FIX = FIXTURES / "baselines"
CORPUS, ANN = FIX / "corpus", FIX / "annotations"
GOLD = ANN / "mini-story" / "gold"
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2"> | *x* $y$'


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory):
    """Results of three baselines on the mini story, written by the real harness."""
    base = tmp_path_factory.mktemp("lb")
    gold = data.load_gold_dir(GOLD, CORPUS)
    for name in ("uniform-first", "majority", "rules-clean", "rules-aliases", "lexicon"):
        _, tasks, _ = predict_to_dir(baselines.get(name), base / "pred" / name, corpus_dir=CORPUS,
                                     annotations_dir=ANN)
        meta = json.loads((base / "pred" / name / "system.json").read_text())
        res = evaluate(base / "pred" / name, gold, Options(tasks=list(tasks), resamples=100, system=meta))
        (base / "results").mkdir(exist_ok=True)
        (base / "results" / f"{name}.json").write_text(json.dumps(res, indent=1))
    return base / "results"


def copy_results(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def edit(path: Path, fn):
    d = json.loads(path.read_text())
    fn(d)
    path.write_text(json.dumps(d, indent=1))


def test_leaderboard_ranks_only_clean_systems_per_task_set(results_dir):
    board = leaderboard.build(leaderboard.load(results_dir))
    informed = {e.name for e in board.informed}
    assert informed == {"majority", "rules-aliases"}  # declared: LOO prior, aliases from the test documents
    for e in board.entries:
        assert (e.rank is None) == e.test_informed and (not e.task_ranks) == e.test_informed
    assert [e.name for e in board.entries][-2:] == sorted(informed, key=lambda n: n != "majority")  # apart, last
    # overall ranks only within a task set: each clean system here attempted a different set
    assert len(board.task_sets) == 3 and all(e.rank == 1 for e in board.clean)
    rules = next(e for e in board.entries if e.name == "rules-clean")
    mains = [rules.main(t).value for t in rules.coverage]
    assert rules.mean_scored == pytest.approx(sum(mains) / len(mains))
    md = render.markdown(board)
    assert board.stamps["gold_sha256"] in md and "unreleased" in md
    ranked = md[md.index("## Ranked systems"):md.index("## Test-informed systems (not ranked)")]
    unranked = md[md.index("## Test-informed systems (not ranked)"):md.index("## Systems")]
    assert "rules-aliases" not in ranked and "| unranked | rules-aliases |" in unranked
    assert "entity table aliases" in unranked and "leave-one-document-out label prior" in unranked
    assert "3/10 · set" in ranked or "3/" in ranked
    q = rules.main("quotes")
    assert f"{q.value:.3f} [{q.low:.3f}, {q.high:.3f}] #1" in md
    assert "samestory leaderboard --check" in md and "**derived from the test documents**" in md


def _entry(name, per_doc_counts, task="bias_sentences", informed=False):
    """A results entry for one task from per-document count rows (metrics follow from the counts)."""
    import numpy as np

    from samestory.eval.registry import TASKS

    t = TASKS[task]
    S = np.asarray(list(per_doc_counts.values()), dtype=float).sum(axis=0).reshape(1, -1)
    metrics = {k: {"value": float(v.reshape(-1)[0]), "ci_low": 0.0, "ci_high": 1.0}
               for k, v in t.metric_values(S).items()}
    res = [{"name": "r", "kind": "label_prior", "derived_from_test": informed, "description": "d"}]
    data_ = {"format": "samestory-results", "format_version": "1", "dataset_version": "1", "gold_sha256": "ab",
             "schema_version": "1", "scorer_version": "1", "date": "x", "bootstrap": {},
             "system": {"name": name, "version": "1", "parameters": {}, "description": None, "url": None,
                        "resources": res},
             "tasks": {task: {"main_score": t.meta.main_score, "metrics": metrics, "higher_is_better": True,
                              "n_documents": len(per_doc_counts), "count_keys": list(t.keys),
                              "per_document": per_doc_counts}}}
    return leaderboard.Entry(Path(f"{name}.json"), data_)


def test_leaderboard_ties_when_the_paired_bootstrap_cannot_separate(tmp_path):
    """Keys of bias_sentences: tp/fp/fn per label, correct, total. Forty documents: a perfect system is
    separated from a coin-flip one; two near-identical ones share a rank; a test-informed one is not ranked."""
    perfect = [2, 0, 0, 2, 0, 0, 4, 4]
    half = [1, 1, 1, 1, 1, 1, 2, 4]
    docs = [f"d{i:02d}" for i in range(40)]
    good = _entry("good", {d: perfect for d in docs})
    good2 = _entry("good2", {d: perfect if i else half for i, d in enumerate(docs)})
    coin = _entry("coin", {d: half for d in docs})
    cheat = _entry("cheat", {d: perfect for d in docs}, informed=True)
    board = leaderboard.build([coin, good2, cheat, good])
    ranks = {e.name: e.rank for e in board.entries}
    assert ranks == {"good": 1, "good2": 1, "coin": 3, "cheat": None}
    assert "overall" in good.tied and "overall" not in coin.tied
    assert [e.name for e in board.entries] == ["good", "good2", "coin", "cheat"]
    md = render.markdown(board)
    assert "| 1= | good |" in md and "| 3 | coin |" in md and "| unranked | cheat |" in md
    # too few documents to tell anything apart: everyone shares the rank
    few = [_entry("a", {"d1": perfect, "d2": half}), _entry("b", {"d1": half, "d2": half})]
    assert [(e.name, e.rank) for e in leaderboard.build(few).entries] == [("a", 1), ("b", 1)]


def test_leaderboard_page_shows_per_document_scores(results_dir):
    labels = {"d1": "d1 (Tabloid)", "d2": "d2 (machine-translated)"}
    board = leaderboard.build(leaderboard.load(results_dir), labels)
    page = render.page(board)
    assert 'id="per-document"' in page and "d1 (Tabloid)" in page and "d2 (machine-translated)" in page
    rules = next(e for e in board.entries if e.name == "rules-clean")
    per_doc = render.per_document(board, rules, "ner")
    assert set(per_doc) == {"d1", "d2"}
    # a document's score is the task formula on its own counts: with one document, it is the overall score
    from samestory.eval.registry import TASKS

    block = rules.data["tasks"]["ner"]
    import numpy as np
    one = TASKS["ner"].metric_values(np.asarray(block["per_document"]["d1"], dtype=float).reshape(1, -1))
    assert per_doc["d1"] == pytest.approx(float(one["strict_f1"].reshape(-1)[0]))
    assert f'{per_doc["d1"]:.3f}' in page.split('id="per-document-ner"')[1].split("</table>")[0]


def test_leaderboard_refuses_results_without_declared_resources(results_dir, tmp_path):
    d = copy_results(results_dir, tmp_path / "undeclared")
    edit(d / "lexicon.json", lambda r: r["system"].pop("resources"))
    with pytest.raises(SameStoryError) as err:
        leaderboard.load(d)
    assert f"{d / 'lexicon.json'} [system.resources]" in str(err.value) and "declare" in str(err.value)
    edit(d / "lexicon.json", lambda r: r["system"].__setitem__(
        "resources", [{"name": "x", "kind": "lexicon", "description": "y"}]))
    with pytest.raises(SameStoryError, match=r"system.resources.0.derived_from_test"):
        leaderboard.load(d)


def test_leaderboard_refuses_mixed_gold_scorer_or_dataset_versions(results_dir, tmp_path):
    for key, value in (("gold_sha256", "0" * 64), ("scorer_version", "9.9.9"), ("dataset_version", "v2.0.0"),
                       ("schema_version", "0.0.1")):
        d = copy_results(results_dir, tmp_path / key)
        edit(d / "rules-clean.json", lambda r: r.__setitem__(key, value))
        with pytest.raises(SameStoryError) as err:
            leaderboard.build(leaderboard.load(d))
        text = str(err.value)
        assert "refusing to rank" in text and key in text
        assert str(d / "rules-clean.json") in text and str(d / "majority.json") in text and value in text


def test_leaderboard_rejects_bad_files_naming_file_and_field(results_dir, tmp_path):
    d = copy_results(results_dir, tmp_path / "bad")
    edit(d / "lexicon.json", lambda r: r.pop("tasks"))
    with pytest.raises(SameStoryError) as err:
        leaderboard.load(d)
    assert f"{d / 'lexicon.json'} [tasks]: missing field" in str(err.value)
    d2 = copy_results(results_dir, tmp_path / "dup")
    edit(d2 / "lexicon.json", lambda r: r["system"].__setitem__("name", "rules-clean"))
    with pytest.raises(SameStoryError, match="same system"):
        leaderboard.load(d2)
    d3 = copy_results(results_dir, tmp_path / "json")
    (d3 / "rules-clean.json").write_text("{not json")
    with pytest.raises(SameStoryError, match="invalid JSON"):
        leaderboard.load(d3)


def test_leaderboard_escapes_every_string_from_results(results_dir, tmp_path):
    d = copy_results(results_dir, tmp_path / "hostile")
    edit(d / "lexicon.json", lambda r: r["system"].update(name=HOSTILE, description="<b>bold</b>",
                                                           url="javascript:alert(1)", version="<i>1</i>"))
    board = leaderboard.build(leaderboard.load(d))
    page = render.page(board)
    assert "<script>window" not in page and "<img" not in page and "<b>bold" not in page and "<i>1" not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert 'href="javascript' not in page
    md = render.markdown(board)
    assert "<script>" not in md and "&lt;script&gt;" in md and "\\|" in md
    png = render.chart_png(board)  # `$` must not start mathtext
    assert png.startswith(b"\x89PNG")


def test_leaderboard_chart_and_files_are_deterministic(results_dir, tmp_path):
    board = leaderboard.build(leaderboard.load(results_dir))
    a = [p.read_bytes() for p in render.write_all(board, tmp_path / "a")]
    b = [p.read_bytes() for p in render.write_all(board, tmp_path / "b")]
    assert a == b and a[2].startswith(b"\x89PNG")


def manifest(tmp_path, dataset_version, gold_sha256) -> Path:
    rel = tmp_path / "releases"
    rel.mkdir(parents=True, exist_ok=True)
    (rel / f"v{dataset_version}.json").write_text(json.dumps(
        {"dataset_version": dataset_version, "schema_version": "1.0.0", "gold_sha256": gold_sha256}))
    return rel


def cli(*args):
    return subprocess.run([sys.executable, "-m", "samestory.cli", *args], capture_output=True, text=True)


def test_leaderboard_check_validates_a_submission_against_the_release(results_dir, tmp_path):
    sub = tmp_path / "sub.json"
    shutil.copy(results_dir / "rules-clean.json", sub)
    edit(sub, lambda r: r.update(dataset_version="9.9.9", system={**r["system"], "name": "team-x"}))
    gold_hash = json.loads(sub.read_text())["gold_sha256"]
    rel = manifest(tmp_path, "9.9.9", gold_hash)
    data_ = leaderboard.check_submission(sub, results_dir, "9.9.9", rel)
    assert data_["system"]["name"] == "team-x"

    wrong = manifest(tmp_path / "w", "9.9.9", "f" * 64)
    with pytest.raises(SameStoryError) as err:
        leaderboard.check_submission(sub, results_dir, "9.9.9", wrong)
    assert "gold_sha256 differs" in str(err.value) and str(sub) in str(err.value)

    def tamper(r):
        m = r["tasks"]["quotes"]["metrics"]["span_f1"]
        m["value"] = m["ci_low"] = m["ci_high"] = 0.999
    edit(sub, tamper)
    with pytest.raises(SameStoryError, match="does not follow from the per-document counts"):
        leaderboard.check_submission(sub, results_dir, "9.9.9", rel)

    same_name = tmp_path / "same.json"
    shutil.copy(results_dir / "rules-clean.json", same_name)
    edit(same_name, lambda r: r.update(dataset_version="9.9.9"))
    with pytest.raises(SameStoryError, match="already on the board"):
        leaderboard.check_submission(same_name, results_dir, "9.9.9", rel)

    r = cli("leaderboard", "--check", str(sub), "--results", str(results_dir), "--release", "9.9.9",
            "--releases-dir", str(rel))
    assert r.returncode != 0 and "per-document counts" in r.stderr



def test_leaderboard_check_refuses_a_submission_without_declared_resources(results_dir, tmp_path):
    sub = tmp_path / "sub.json"
    shutil.copy(results_dir / "rules-clean.json", sub)
    edit(sub, lambda r: r.update(dataset_version="9.9.9", system={k: v for k, v in r["system"].items()
                                                                  if k != "resources"} | {"name": "team-y"}))
    rel = manifest(tmp_path, "9.9.9", json.loads(sub.read_text())["gold_sha256"])
    r = cli("leaderboard", "--check", str(sub), "--results", str(results_dir), "--release", "9.9.9",
            "--releases-dir", str(rel))
    assert r.returncode != 0 and "[system.resources]" in r.stderr and "Traceback" not in r.stderr
    edit(sub, lambda r: r["system"].__setitem__("resources", [
        {"name": "aliases", "kind": "alias_list", "derived_from_test": True, "description": "from the test docs"}]))
    r = cli("leaderboard", "--check", str(sub), "--results", str(results_dir), "--release", "9.9.9",
            "--releases-dir", str(rel))
    assert r.returncode == 0 and "test-informed (aliases): shown unranked" in r.stdout, r.stderr


def test_leaderboard_cli_renders_three_files(results_dir, tmp_path):
    r = cli("leaderboard", "--results", str(results_dir), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["LEADERBOARD.md", "index.html", "scores.png"]
    d = copy_results(results_dir, tmp_path / "mixed")
    edit(d / "rules-clean.json", lambda r: r.__setitem__("scorer_version", "0.0.0"))
    out = tmp_path / "never"
    r = cli("leaderboard", "--results", str(d), "--out", str(out))
    assert r.returncode != 0 and "scorer_version" in r.stderr and not out.exists()


def test_leaderboard_committed_pages_match_their_results():
    """leaderboard/LEADERBOARD.md and index.html are generated: re-rendering the committed results gives them."""
    root = ROOT / "leaderboard"
    files = sorted((root / "results").glob("*.json"))
    assert files, "leaderboard/results/ is empty: run `make`"
    board = leaderboard.build(leaderboard.load(root / "results"), leaderboard.document_labels())
    assert render.markdown(board) == (root / "LEADERBOARD.md").read_text(encoding="utf-8")
    assert render.page(board) == (root / "index.html").read_text(encoding="utf-8")
    assert (root / "scores.png").read_bytes().startswith(b"\x89PNG")
