"""Issue 15, case by case: each test reproduces one reported failure (data loss, writes outside the checkout,
tracebacks, bad input accepted, misleading advice) and fails without its fix. The broad catalogue of bad
inputs is tests/test_guard_bad_inputs.py."""
from __future__ import annotations

import contextlib
import io
import json
import math
import multiprocessing
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from samestory.corpus import ingest

from samestory.release import build as release
from samestory.release import manifest as release_manifest
from samestory.cli import main
from tests.helpers.build_helpers import STORY, copy_fixture, run, tree
from tests.helpers.eval_helpers import DOCUMENTS, GOLD, NOISY, score

from tests.helpers import ROOT  # noqa: E402
INGEST = ROOT / "tests" / "fixtures" / "ingest"
LS = ROOT / "tests" / "fixtures" / "labelstudio"
CARD = ["--card", str(ROOT / "dataset_card.md"), "--changelog", str(ROOT / "tests" / "fixtures" / "build" / "CHANGELOG-9.9.9.md")]
FORK = multiprocessing.get_context("fork")


def inputs(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    return corpus, ann, ["--corpus", str(corpus), "--annotations", str(ann)]


def build_args(tmp_path, io_args, version="9.9.9"):
    return ["build", *io_args, *CARD, "--out", str(tmp_path / "build"), "--releases", str(tmp_path / "releases"),
            "--version", version, "--quiet"]


def _child(argv, q):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except BaseException as exc:  # a traceback would be a failure of the test, reported as such
            code = f"raised {type(exc).__name__}: {exc}"
    q.put((argv, code, out.getvalue(), err.getvalue()))


def concurrently(*argvs):
    """Run `samestory ARGV`s at the same time in forked processes: [(argv, code, stdout, stderr)]."""
    q = FORK.Queue()
    procs = [FORK.Process(target=_child, args=(a, q)) for a in argvs]
    for p in procs:
        p.start()
    res = [q.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return res


def slow(monkeypatch, module, name, seconds=1.5):
    """Make module.name sleep first (inherited by forks), to widen a window or to simulate a long step."""
    orig = getattr(module, name)

    def wrapped(*a, **k):
        time.sleep(seconds)
        return orig(*a, **k)
    monkeypatch.setattr(module, name, wrapped)


def meet(monkeypatch, module, name, timeout=8.0):
    """Make two forked runs meet before module.name: without a lock both are then inside the racy window
    together; with the lock the second never gets there while the first holds it (the wait times out and
    the first goes on alone), so the runs are serialised."""
    orig = getattr(module, name)
    barrier = FORK.Barrier(2)

    def wrapped(*a, **k):
        try:
            barrier.wait(timeout)
        except Exception:  # BrokenBarrierError: the other run is waiting for the lock
            pass
        return orig(*a, **k)
    monkeypatch.setattr(module, name, wrapped)


# --- 1. a command never replaces a folder holding files it did not write --------------------------------

def test_report_refuses_to_replace_a_folder_it_did_not_write(tmp_path):
    corpus, ann, io_args = inputs(tmp_path)
    before = tree(ann)
    code, out, err = run("report", "--story", STORY, *io_args, "--out", ann)
    assert code == 1 and "did not write" in err and "--out" in err and "Traceback" not in err
    assert tree(ann) == before  # the annotations survive
    report = tmp_path / "report"
    assert run("report", "--story", STORY, *io_args, "--out", report)[0] == 0
    assert run("report", "--story", STORY, *io_args, "--out", report)[0] == 0  # its own folder: replaced
    (report / "my-notes.txt").write_text("mine")
    code, _, err = run("report", "--story", STORY, *io_args, "--out", report)
    assert code == 1 and "my-notes.txt" in err and (report / "my-notes.txt").read_text() == "mine"


def test_release_build_refuses_to_replace_a_release_folder_holding_user_files(tmp_path):
    corpus, ann, io_args = inputs(tmp_path)
    assert run(*build_args(tmp_path, io_args))[0] == 0
    target = tmp_path / "build" / "samestory-v9.9.9"
    (target / "data" / "documents" / "test-00000-of-00001.parquet").write_bytes(b"broken")
    (target / "mine.txt").write_text("mine")
    code, _, err = run(*build_args(tmp_path, io_args))
    assert code == 1 and "mine.txt" in err and (target / "mine.txt").read_text() == "mine"


# --- 2. locks before numbering, duplicate checks and the release comparison ----------------------------

def test_release_concurrent_builds_of_one_version_cannot_both_say_built(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    ca, aa = copy_fixture(a)
    cb, ab = copy_fixture(b)
    stance = ab / STORY / "gold" / "stance.jsonl"
    text = stance.read_text()
    assert '"note": null' in text  # other content, same version (an edit every cross-layer check accepts)
    stance.write_text(text.replace('"note": null', '"note": "not discussed"', 1))
    meet(monkeypatch, release, "make_manifest")  # both runs just before the comparison with releases/
    common = [*CARD, "--out", str(tmp_path / "build"), "--releases", str(tmp_path / "releases"), "--version",
              "9.9.9", "--quiet"]
    res = concurrently(["build", "--corpus", ca, "--annotations", aa, *common],
                       ["build", "--corpus", cb, "--annotations", ab, *common])
    codes = sorted(str(c) for _, c, _, _ in res)
    assert codes == ["0", "1"], res
    loser = next(r for r in res if r[1] == 1)
    assert "bump the version" in loser[3] and "Traceback" not in loser[3]
    winner = next(r for r in res if r[1] == 0)
    manifest = json.loads((tmp_path / "releases" / "v9.9.9.json").read_text())
    won = Path(winner[0][4]) / STORY / "gold" / "stance.jsonl"  # the winner's --annotations
    assert manifest["inputs"][f"annotations/{STORY}/gold/stance.jsonl"] == release_manifest.sha256_file(won)
    assert release_manifest.folder_problems(tmp_path / "build" / "samestory-v9.9.9", manifest["files"]) == []


def test_ingest_concurrent_adds_number_documents_distinctly_and_refuse_duplicates(tmp_path, monkeypatch):
    corpus, ann, io_args = inputs(tmp_path)
    for sid in ("one-story", "two-story"):
        assert run("story", "new", sid, "--title", "T", "--date", "2025-05-16", "--corpus", corpus,
                   "--annotations", ann)[0] == 0
    meet(monkeypatch, ingest, "plan_one")  # both runs numbering/checking at once, unless a lock serialises them
    res = concurrently(["add", "--story", "one-story", "--corpus", corpus, INGEST / "globalwire.txt"],
                       ["add", "--story", "one-story", "--corpus", corpus, INGEST / "lequotidien.txt"])
    assert [r[1] for r in res] == [0, 0], res
    ids = sorted(json.loads(x)["doc_id"][:4] for x in (corpus / "one-story" / "documents.jsonl").read_text().split("\n")
                 if x)
    assert ids == ["000_", "001_"]
    res = concurrently(["add", "--story", "one-story", "--corpus", corpus, INGEST / "rundschau.txt"],
                       ["add", "--story", "two-story", "--corpus", corpus, INGEST / "rundschau.txt"])
    assert sorted(r[1] for r in res) == [0, 1], res
    assert "exact duplicate" in next(r[3] for r in res if r[1] == 1)
    shas = [json.loads(x)["raw_sha256"] for p in corpus.glob("*/documents.jsonl") for x in p.read_text().split("\n")
            if x]
    assert len(shas) == len(set(shas))
    code, out, err = run("validate", *io_args, "--quiet")  # and validate would refuse the racy states
    assert code == 0, err


# --- 3. leftovers of killed runs are swept and ignored by git -------------------------------------------

def test_guard_sweeps_scratch_folders_of_killed_runs(tmp_path, monkeypatch):
    corpus, ann, io_args = inputs(tmp_path)
    slow(monkeypatch, release, "render_card", 60)
    p = FORK.Process(target=_child, args=(build_args(tmp_path, io_args), FORK.Queue()))
    p.start()
    build = tmp_path / "build"
    deadline = time.time() + 60
    while not list(build.glob(".samestory-v9.9.9-samestory-tmp-*")) and time.time() < deadline:
        time.sleep(0.1)
    os.kill(p.pid, signal.SIGKILL)
    p.join()
    left = list(build.glob(".samestory-v9.9.9-samestory-tmp-*"))
    assert left, "the killed build left no scratch folder to sweep"
    monkeypatch.undo()
    staging = corpus / ".staging-samestory-tmp-killed"
    staging.mkdir()
    (staging / "x").write_text("half")
    held = tmp_path / "build" / ".samestory-v9.9.9-samestory-tmp-held"
    held.mkdir()
    fd = os.open(held, os.O_RDONLY)
    import fcntl
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert run(*build_args(tmp_path, io_args))[0] == 0
        assert not any(x.exists() for x in left) and held.exists()
    finally:
        os.close(fd)
    assert run("add", "--story", STORY, "--corpus", corpus, "--dry-run", INGEST / "globalwire.txt")[0] == 0
    assert not staging.exists()


def test_guard_scratch_folders_are_gitignored():
    for path in ("corpus/.staging-samestory-tmp-abc123", "annotations/.staging-samestory-tmp-x",
                 "build/.samestory-v1.0.0-samestory-tmp-k2j3", "reports/.story-samestory-old-x1"):
        r = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT)
        assert r.returncode == 0, f"{path} is not ignored by git"


# --- 4. ids and paths from data are validated before a path is built ------------------------------------

@pytest.mark.parametrize("field,value", [("doc_id", "../../../../pwn"), ("doc_id", "a/b"),
                                         ("raw_path", "../../../../etc/hostname"),
                                         ("raw_path", "fixture-story/raw/../../../x.txt"),
                                         ("story_id", "../elsewhere")])
def test_corpus_unsafe_ids_and_paths_are_refused_before_any_write(tmp_path, field, value):
    corpus, ann, io_args = inputs(tmp_path)
    docs = corpus / STORY / "documents.jsonl"
    rows = [json.loads(x) for x in docs.read_text().splitlines()]
    rows[0][field] = value
    docs.write_text("".join(json.dumps(r) + "\n" for r in rows))
    shutil.rmtree(corpus / STORY / "clean")  # validate would then advise `corpus clean`
    before = tree(tmp_path)
    code, out, err = run("validate", *io_args, "--quiet")
    assert code == 1 and f"documents.jsonl:1 [{field}]" in err + out
    assert "not a safe" in err + out or field == "story_id"  # an unknown story is refused first
    code, out, err = run("corpus", "clean", "--corpus", corpus)
    assert code == 1 and f"[{field}]" in err and "Traceback" not in err
    assert tree(tmp_path) == before
    assert not list(tmp_path.parent.glob("pwn*")) and not (tmp_path.parent / "x.txt").exists()


# --- 5. versions are semantic versions, checked once ----------------------------------------------------

@pytest.mark.parametrize("version", ["not a version", "1.0.1/../../../victim", "1.0", "01.0.0", "1.0.0-rc1",
                                     "", "v", "1.0.0\n"])
def test_release_build_version_must_be_a_semantic_version(tmp_path, version):
    corpus, ann, io_args = inputs(tmp_path)
    before = tree(tmp_path)
    code, _, err = run(*build_args(tmp_path, io_args, version))
    assert code == 1 and "--version" in err and "MAJOR.MINOR.PATCH" in err and "Traceback" not in err
    assert tree(tmp_path) == before and not (tmp_path / "releases").exists()


# --- 6. a story without a place ----------------------------------------------------------------------

def test_report_story_without_place(tmp_path):
    corpus, ann, io_args = inputs(tmp_path)
    story = corpus / STORY / "story.json"
    story.write_text(json.dumps({**json.loads(story.read_text()), "place": None, "description": None}))
    code, _, err = run("report", "--story", STORY, *io_args, "--out", tmp_path / "report")
    assert code == 0, err
    assert "None" not in (tmp_path / "report" / "index.html").read_text().split("Source of labels")[0][-200:]


# --- 7. deeply nested JSON ---------------------------------------------------------------------------

DEEP = "[" * 200_000 + "]" * 200_000


def test_jsonl_deeply_nested_json_is_a_clear_error(tmp_path):
    corpus, ann, io_args = inputs(tmp_path)
    p = ann / STORY / "gold" / "stance.jsonl"
    p.write_text(p.read_text() + '{"doc_id": ' + DEEP + "}\n")
    code, out, err = run("validate", *io_args, "--quiet")
    assert code == 1 and "nested too deeply" in err + out and "Traceback" not in err + out
    export = tmp_path / "export.json"
    export.write_text(DEEP)
    code, _, err = run("ls", "convert", export, "--project", "entities", "--story", "fixture-story",
                       "--annotations", LS, "--documents", LS / "documents.jsonl")
    assert code == 1 and "export.json" in err and "nested too deeply" in err


# --- 8. --out onto a folder or a file; parameters not an object ------------------------------------

def _evaluate(tmp_path, pred, *extra):
    return run("evaluate", "--predictions", pred, "--gold", GOLD, "--corpus", DOCUMENTS, "--resamples", "20",
               "--quiet", *extra)


def test_evaluate_out_folder_and_bad_system_json_refused_before_scoring(tmp_path):
    (tmp_path / "results").mkdir()
    code, out, err = _evaluate(tmp_path, NOISY, "--out", tmp_path / "results")
    assert code == 1 and "--out" in err and "folder" in err and out == ""  # nothing was scored or printed
    pred = tmp_path / "pred"
    shutil.copytree(NOISY, pred)
    (pred / "system.json").write_text(json.dumps({"name": "x", "parameters": [1, 2]}))
    code, _, err = _evaluate(tmp_path, pred)
    assert code == 1 and "[parameters]" in err and "Traceback" not in err


def test_leaderboard_out_onto_a_file_refused(tmp_path):
    target = tmp_path / "board"
    target.write_text("mine")
    code, _, err = run("leaderboard", "--results", ROOT / "leaderboard" / "results", "--out", target)
    assert code == 1 and "--out" in err and target.read_text() == "mine"


# --- 9. article size limits --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["bytes", "chars", "line", "paragraphs"])
def test_ingest_article_size_limits(tmp_path, kind):
    from samestory.corpus import store as corpus_mod

    corpus, ann, io_args = inputs(tmp_path)
    f = tmp_path / "big.txt"
    para = "The talks in Istanbul ended after two hours without a ceasefire. " * 8
    if kind == "bytes":
        f.write_text(para * (corpus_mod.MAX_RAW_BYTES // len(para) + 2))
    elif kind == "chars":
        f.write_text("\n\n".join([para] * (corpus_mod.MAX_TEXT_CHARS // len(para) + 2)))
    elif kind == "line":
        f.write_text(para * (corpus_mod.MAX_LINE_CHARS // len(para) + 2))
    else:
        f.write_text("\n".join(["Short line here."] * (corpus_mod.MAX_PARAGRAPHS + 5)))
    before = tree(corpus)
    t0 = time.monotonic()
    code, _, err = run("add", "--story", STORY, "--corpus", corpus, f)
    assert code == 1 and "big.txt" in err and "expected <=" in err and "Traceback" not in err
    assert time.monotonic() - t0 < 60  # refused before cleaning/segmenting (a loose bound, not a benchmark)
    assert tree(corpus) == before


def test_validate_refuses_oversized_raw_file_without_reading_it(tmp_path):
    from samestory.corpus import store as corpus_mod

    corpus, ann, io_args = inputs(tmp_path)
    raw = corpus / STORY / "raw" / "a_doc.txt"
    with open(raw, "ab") as fh:
        fh.truncate(corpus_mod.MAX_RAW_BYTES + 1)
    code, out, err = run("validate", *io_args, "--quiet")
    assert code == 1 and "a_doc.txt" in err and "too large" in err


# --- 10. verify compares the built folder -------------------------------------------------------------

def test_release_verify_compares_the_built_folder_with_the_manifest(tmp_path):
    corpus, ann, io_args = inputs(tmp_path)
    assert run(*build_args(tmp_path, io_args))[0] == 0
    verify = ["verify", "9.9.9", "--from-sources", *io_args, *CARD, "--releases", tmp_path / "releases", "--out", tmp_path / "build",
              "--quiet"]
    code, out, _ = run(*verify)
    assert code == 0 and "matches the manifest" in out
    pq = tmp_path / "build" / "samestory-v9.9.9" / "data" / "stance" / "test-00000-of-00001.parquet"
    data = bytearray(pq.read_bytes())
    data[len(data) // 2] ^= 0x01
    pq.write_bytes(bytes(data))
    code, out, err = run(*verify)
    assert code == 1 and "data/stance/test-00000-of-00001.parquet" in err and "differs from the manifest" in err


# --- 11. leaderboard --check -------------------------------------------------------------------------

def _results(tmp_path, change):
    data = json.loads((ROOT / "leaderboard" / "results" / "rules-clean.json").read_text())
    change(data)
    p = tmp_path / "sub.json"
    p.write_text(json.dumps(data))
    return p


def _no_intervals(d):
    d["bootstrap"]["resamples"] = 0
    for t in d["tasks"].values():
        for m in t["metrics"].values():
            m["ci_low"] = m["ci_high"] = None


@pytest.mark.parametrize("change,field", [
    (_no_intervals, "bootstrap.resamples"),
    (lambda d: d["system"].update(name="rules\u202egnp.exe"), "system.name"),
    (lambda d: d["system"].update(name="x" * 20_000), "system.name"),
    (lambda d: d["system"].update(name="two\nlines"), "system.name"),
    (lambda d: d["system"].update(description="ok \u2066hidden\u2069"), "system.description"),
])
def test_leaderboard_check_refuses_missing_intervals_and_spoofing_names(tmp_path, change, field):
    sub = _results(tmp_path, change)
    code, _, err = run("leaderboard", "--check", sub, "--results", tmp_path / "none")
    assert code == 1 and f"[{field}]" in err and "Traceback" not in err
    assert "\u202e" not in err and "x" * 200 not in err  # the message does not echo the spoof


# --- 12. conflicting Label Studio tasks ---------------------------------------------------------------

def test_labelstudio_conflicting_tasks_of_one_document_and_annotator(tmp_path):
    export = json.loads((LS / "export-entities.json").read_bytes())
    dup = json.loads(json.dumps(export[0]))
    dup["id"], dup["annotations"][0]["id"] = 99, 990
    args = ["ls", "convert", None, "--project", "entities", "--story", "fixture-story", "--annotations", LS,
            "--documents", LS / "documents.jsonl", "--out", tmp_path / "passes"]
    same = tmp_path / "same.json"
    same.write_text(json.dumps(export + [dup]))
    args[2] = same
    assert run(*args)[0] == 0  # an identical duplicate loses nothing
    shutil.rmtree(tmp_path / "passes")
    res = dup["annotations"][0]["result"]
    rid = next(r["id"] for r in res if r["from_name"] == "mention")
    dup["annotations"][0]["result"] = [r for r in res if r["id"] != rid]
    other = tmp_path / "other.json"
    other.write_text(json.dumps(export + [dup]))
    args[2] = other
    code, _, err = run(*args)
    assert code == 1 and "task 99" in err and f"conflicts with task {export[0]['id']}" in err
    assert not (tmp_path / "passes").exists()


# --- 13. unknown references in predictions ------------------------------------------------------------

def _gold_with_inventory(tmp_path):
    story = tmp_path / "story"
    shutil.copytree(GOLD.parent, story)
    ids = set()
    for f in list(GOLD.glob("*.jsonl")) + list(NOISY.glob("*.jsonl")):
        for line in f.read_text().splitlines():
            for k, v in _walk(json.loads(line)):
                if k in ("entity_id", "target_entity_id", "speaker_entity_id") and v:
                    ids.add(v)
    (story / "entities.jsonl").write_text("".join(json.dumps({"story_id": "s", "entity_id": e}) + "\n"
                                                  for e in sorted(ids)))
    return story / "gold"


def _walk(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield k, v
            yield from _walk(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk(v)


@pytest.mark.parametrize("config,items,key", [
    ("stance", "stances", "target"),
    ("facts", "facts", "fact_id"),
    ("mentions", "mentions", "entity_id"),
])
def test_eval_unknown_references_are_rejected_with_file_line_field(tmp_path, config, items, key):
    gold = _gold_with_inventory(tmp_path)
    pred = tmp_path / "pred"
    shutil.copytree(NOISY, pred)
    p = pred / f"{config}.jsonl"
    lines = p.read_text().splitlines()
    first = json.loads(lines[0])
    i = next(i for i, it in enumerate(first[items]) if isinstance(it.get(key), str))  # the first known reference
    first[items][i][key] += "x"
    lines[0] = json.dumps(first)
    p.write_text("\n".join(lines) + "\n")
    code, _, err = run("evaluate", "--predictions", pred, "--gold", gold, "--corpus", DOCUMENTS, "--quiet",
                       "--resamples", "10", "--out", tmp_path / "r.json")
    assert code == 2 and f"{p}:1 [{items}[{i}].{key}]" in err and "unknown" in err and not (tmp_path / "r.json").exists()


def test_eval_out_of_range_end_is_reported_under_end(tmp_path):
    pred = tmp_path / "pred"
    shutil.copytree(NOISY, pred)
    p = pred / "quotes.jsonl"
    recs = [json.loads(x) for x in p.read_text().splitlines()]
    recs[0]["quotes"] = [{"start": 3, "end": 10 ** 6, "speaker_entity_id": None}]
    p.write_text("".join(json.dumps(r) + "\n" for r in recs))
    code, _, err = _evaluate(tmp_path, pred)
    assert code == 2 and "[quotes[0].end]" in err and "[quotes[0].start]" not in err


# --- 14. one convention for empty predictions -------------------------------------------------------

def test_eval_empty_prediction_precision_is_null_in_every_span_task():
    text = "Zelensky met Erdogan in Istanbul. " * 3
    docs = {"d": {"doc_id": "d", "text": text}}
    gold = {"ner": {"d": {"doc_id": "d", "mentions": [{"start": 0, "end": 8, "type": "PER", "kind": "NAM",
                                                       "entity_id": None}]}},
            "bias_spans": {"d": {"doc_id": "d", "spans": [{"start": 0, "end": 8, "technique": "Doubt"}]}},
            "quotes": {"d": {"doc_id": "d", "quotes": [{"start": 0, "end": 8, "speaker_entity_id": None}]}}}
    empty = {"ner": "mentions", "bias_spans": "spans", "quotes": "quotes"}
    precision = {"ner": ["strict_precision"], "bias_spans": ["span_precision", "technique_precision"],
                 "quotes": ["span_precision"]}
    for task, items in empty.items():
        values, _, _ = score(task, gold[task], {"d": {"doc_id": "d", items: []}}, docs)
        for m in precision[task]:
            assert math.isnan(values[m]), (task, m, values[m])  # null: undefined, never 0.0
        f1 = [k for k in values if k.endswith("f1") and "." not in k]
        assert all(values[k] == 0.0 for k in f1), (task, values)


def test_docs_evaluation_documents_gold_span_merging():
    doc = (ROOT / "docs" / "evaluation.md").read_text()
    assert "Overlapping\n  **gold** spans are merged" in doc and "reported as `null`" in doc


# --- 15. honest advice, no "found None" ---------------------------------------------------------------

def test_ingest_latin1_file_gets_neutral_encoding_advice(tmp_path):
    corpus, ann, io_args = inputs(tmp_path)
    f = tmp_path / "latin.txt"
    f.write_bytes("El señor dijo que la reunión en Estambul fue útil.\n".encode("latin-1"))
    code, _, err = run("add", "--story", STORY, "--corpus", corpus, f)
    assert code == 1 and "'El señor dijo" in err and "cannot be told for sure" in err
    assert "iconv -f cp1250" not in err and "found cp1250" not in err


@pytest.mark.parametrize("name", ["stance.jsonl", "mentions.jsonl", "folder"])
def test_eval_empty_prediction_file_says_empty_not_found_none(tmp_path, name):
    p = tmp_path / "pred" / ("mentions.jsonl" if name == "folder" else name)
    p.parent.mkdir()
    p.write_bytes(b"" if name != "stance.jsonl" else b"\n  \n")
    code, _, err = _evaluate(tmp_path, p.parent if name == "folder" else p)
    assert code == 2 and "the prediction file is empty" in err and "None" not in err


def test_ingest_notes_with_line_separator_are_kept_not_blamed_on_staging(tmp_path):
    from samestory.corpus.store import load_documents

    corpus, ann, io_args = inputs(tmp_path)
    assert run("story", "new", "new-story", "--title", "T", "--date", "2025-05-16", *io_args)[0] == 0
    code, out, err = run("add", "--story", "new-story", "--corpus", corpus, "--notes", "first\u2028second",
                         INGEST / "globalwire.txt")
    assert code == 0 and "staging" not in err, err
    docs = [d for d in load_documents(corpus) if d["story_id"] == "new-story"]
    assert [d["notes"] for d in docs] == ["first\u2028second"]
    code, out, err = run("validate", *io_args, "--quiet")
    assert code == 0 and "staging" not in err, err


def test_errors_never_say_found_none():
    from hypothesis import given, strategies as st

    from samestory.core.errors import Problem

    txt = st.text(alphabet="ab:=", max_size=5)

    @given(st.one_of(st.none(), txt), st.one_of(st.none(), txt), st.one_of(st.none(), txt))
    def check(expected, found, field):
        s = str(Problem("f.jsonl", "msg", 3, field, expected, found))
        assert "found None" not in s and "expected None" not in s and "[None]" not in s
    check()
