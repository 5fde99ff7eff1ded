"""The validator loads the corpus one story at a time with `corpus.load_rows` (flat memory for large
builds); story by story it must give the same rows and problems as `corpus.load_documents` at once."""
from __future__ import annotations

from samestory.corpus import store as corpus

from samestory.core import paths
from samestory.core.errors import SameStoryError
from tests.helpers.build_helpers import FIXTURE, STORY, copy_fixture


def per_story(corpus_dir):
    seen, problems, rows = {}, [], []
    metas = corpus.load_metadata(corpus_dir)
    for story in corpus.load_stories(corpus_dir):
        mine = [m for m in metas if m[2]["story_id"] == story["story_id"]]
        docs, _ = corpus.load_rows(corpus_dir, mine, seen, problems)
        rows += docs
    return sorted(rows, key=lambda r: r["doc_id"]), problems


def test_validate_story_loader_matches_load_documents():
    for corpus_dir in (paths.CORPUS, FIXTURE / "corpus"):
        rows, problems = per_story(corpus_dir)
        assert problems == []
        assert rows == corpus.load_documents(corpus_dir)


def test_validate_story_loader_reports_what_load_documents_reports(tmp_path):
    corpus_dir, _ = copy_fixture(tmp_path)
    (corpus_dir / STORY / "raw" / "a_doc.txt").write_bytes(b"changed\xff")
    p = corpus_dir / STORY / "clean" / "b_doc.txt"
    p.write_text(p.read_text(encoding="utf-8") + "!", encoding="utf-8")
    _, problems = per_story(corpus_dir)
    try:
        corpus.load_documents(corpus_dir)
        theirs = []
    except SameStoryError as exc:
        theirs = exc.problems
    assert sorted(map(str, problems)) == sorted(map(str, theirs)) and len(theirs) == 3
