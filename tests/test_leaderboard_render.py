"""The leaderboard from real results files (mini fixture story scored by the harness): ranking, refusals,
escaping, the chart, and `--check` of a submission."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from samestory import baselines, leaderboard
from samestory.baselines.run import predict_to_dir
from samestory.errors import SameStoryError
from samestory.eval import data
from samestory.eval.evaluate import Options, evaluate
from samestory.leaderboard import render

FIX = Path(__file__).parent / "fixtures" / "baselines"
CORPUS, ANN = FIX / "corpus", FIX / "annotations"
GOLD = ANN / "mini-story" / "gold"
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2"> | *x* $y$'


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory):
    """Results of three baselines on the mini story, written by the real harness."""
    base = tmp_path_factory.mktemp("lb")
    gold = data.load_gold_dir(GOLD, CORPUS)
    for name in ("majority", "rules", "lexicon"):
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


def test_leaderboard_ranks_every_system_with_intervals(results_dir):
    board = leaderboard.build(leaderboard.load(results_dir))
    assert [e.name for e in board.entries] == sorted(
        [e.name for e in board.entries], key=lambda n: -next(x.mean_all for x in board.entries if x.name == n))
    means = [e.mean_all for e in board.entries]
    assert means == sorted(means, reverse=True)
    rules = next(e for e in board.entries if e.name == "rules")
    # mean over all board tasks counts unscored tasks as 0
    mains = [rules.main(t).value for t in board.tasks if rules.main(t)]
    assert rules.mean_all == pytest.approx(sum(mains) / len(board.tasks))
    md = render.markdown(board)
    assert board.stamps["gold_sha256"] in md and "unreleased" in md
    rows = [line for line in md.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == 3
    q = rules.main("quotes")
    assert f"{q.value:.3f} [{q.low:.3f}, {q.high:.3f}]" in md
    assert "samestory leaderboard --check" in md


def test_leaderboard_refuses_mixed_gold_scorer_or_dataset_versions(results_dir, tmp_path):
    for key, value in (("gold_sha256", "0" * 64), ("scorer_version", "9.9.9"), ("dataset_version", "v2.0.0"),
                       ("schema_version", "0.0.1")):
        d = copy_results(results_dir, tmp_path / key)
        edit(d / "rules.json", lambda r: r.__setitem__(key, value))
        with pytest.raises(SameStoryError) as err:
            leaderboard.build(leaderboard.load(d))
        text = str(err.value)
        assert "refusing to rank" in text and key in text
        assert str(d / "rules.json") in text and str(d / "majority.json") in text and value in text


def test_leaderboard_rejects_bad_files_naming_file_and_field(results_dir, tmp_path):
    d = copy_results(results_dir, tmp_path / "bad")
    edit(d / "lexicon.json", lambda r: r.pop("tasks"))
    with pytest.raises(SameStoryError) as err:
        leaderboard.load(d)
    assert f"{d / 'lexicon.json'} [tasks]: missing field" in str(err.value)
    d2 = copy_results(results_dir, tmp_path / "dup")
    edit(d2 / "lexicon.json", lambda r: r["system"].__setitem__("name", "rules"))
    with pytest.raises(SameStoryError, match="same system"):
        leaderboard.load(d2)
    d3 = copy_results(results_dir, tmp_path / "json")
    (d3 / "rules.json").write_text("{not json")
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
    shutil.copy(results_dir / "rules.json", sub)
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
    shutil.copy(results_dir / "rules.json", same_name)
    edit(same_name, lambda r: r.update(dataset_version="9.9.9"))
    with pytest.raises(SameStoryError, match="already on the board"):
        leaderboard.check_submission(same_name, results_dir, "9.9.9", rel)

    r = cli("leaderboard", "--check", str(sub), "--results", str(results_dir), "--release", "9.9.9",
            "--releases-dir", str(rel))
    assert r.returncode != 0 and "per-document counts" in r.stderr


def test_leaderboard_cli_renders_three_files(results_dir, tmp_path):
    r = cli("leaderboard", "--results", str(results_dir), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["LEADERBOARD.md", "index.html", "scores.png"]
    d = copy_results(results_dir, tmp_path / "mixed")
    edit(d / "rules.json", lambda r: r.__setitem__("scorer_version", "0.0.0"))
    out = tmp_path / "never"
    r = cli("leaderboard", "--results", str(d), "--out", str(out))
    assert r.returncode != 0 and "scorer_version" in r.stderr and not out.exists()


def test_leaderboard_committed_pages_match_their_results():
    """leaderboard/LEADERBOARD.md and index.html are generated: re-rendering the committed results gives them."""
    root = Path(__file__).resolve().parents[1] / "leaderboard"
    files = sorted((root / "results").glob("*.json"))
    assert files, "leaderboard/results/ is empty: run `make`"
    board = leaderboard.build(leaderboard.load(root / "results"))
    assert render.markdown(board) == (root / "LEADERBOARD.md").read_text(encoding="utf-8")
    assert render.page(board) == (root / "index.html").read_text(encoding="utf-8")
    assert (root / "scores.png").read_bytes().startswith(b"\x89PNG")
