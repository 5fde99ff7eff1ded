"""`add --translation-of` links a translation; a likely translation in another language is refused unless
declared; the cleaner version is recorded with every added document."""
import pytest

from samestory.corpus import dedup
from samestory.corpus.cleaning_fixtures import export
from samestory.corpus.store import load_documents, load_metadata

from tests.helpers.ingest_helpers import copy_corpus, run

STORY = "talks-test"


@pytest.fixture
def setup(tmp_path, capsys):
    corpus = copy_corpus(tmp_path)
    caps = {f.stem: f for f in export(tmp_path / "caps")}
    code, _, err = run(capsys, "story", "new", STORY, "--title", "Test talks", "--date", "2025-05-16",
                       "--corpus", corpus)
    assert code == 0, err
    return corpus, caps


def _ids(corpus):
    return {m["source"]["file"]: m for _, _, m in load_metadata(corpus) if m["story_id"] == STORY}


def test_ingest_translation_is_refused_until_declared(setup, capsys):
    corpus, caps = setup
    code, out, err = run(capsys, "add", "--story", STORY, caps["07_id_translation"], "--corpus", corpus)
    assert code == 0, err
    assert "cleaner v2" in out
    id_doc = _ids(corpus)["07_id_translation.txt"]["doc_id"]
    code, out, err = run(capsys, "add", "--story", STORY, caps["08_it_translation"], "--corpus", corpus)
    assert code != 0 and f"likely translation of {id_doc} (id)" in err and "Traceback" not in err
    code, out, err = run(capsys, "add", "--story", STORY, caps["08_it_translation"], "--translation-of", "000_x",
                         "--corpus", corpus)
    assert code != 0 and "--translation-of must name a document of this story" in err
    code, out, err = run(capsys, "add", "--story", STORY, caps["08_it_translation"], "--translation-of", id_doc,
                         "--corpus", corpus)
    assert code == 0, err
    assert f"translates: {id_doc}" in out
    metas = _ids(corpus)
    it = metas["08_it_translation.txt"]
    assert it["translation_of"] == id_doc and it["cleaner"] == "v2"
    rows = {d["doc_id"]: d for d in load_documents(corpus)}
    assert rows[it["doc_id"]]["translation_of"] == id_doc and rows[it["doc_id"]]["language"] == "it"


def test_ingest_different_articles_are_not_flagged_as_translations(setup):
    corpus, _ = setup
    docs = [d for d in load_documents(corpus) if d["story_id"] == "istanbul-2025-05-16"]
    for d in docs:  # pretend each seed article were in another language: still no match between them
        others = [{**o, "language": "xx"} for o in docs if o["doc_id"] != d["doc_id"]]
        assert dedup.cross_language_duplicates(d, others) == []


def test_ingest_dry_run_says_would_add_and_no_dangling_colon(setup, capsys, tmp_path):
    corpus, caps = setup
    code, out, err = run(capsys, "add", "--story", STORY, caps["01_en_wire_menu"], "--dry-run", "--corpus", corpus)
    assert code == 0, err
    assert "would add 0" in out and not any(line.startswith("added") for line in out.splitlines())
    assert "lines of the raw text:" in out  # something was removed: the list follows the colon
    plain = tmp_path / "plain.txt"  # an article with nothing to remove: the summary ends without a colon
    plain.write_text(_article(), encoding="utf-8")
    code, out, err = run(capsys, "add", "--story", STORY, plain, "--dry-run", "--corpus", corpus)
    assert code == 0, err
    summary = next(line for line in out.splitlines() if "removed as boilerplate" in line)
    assert summary.rstrip().endswith("cuts)") and "0 line(s)" in summary


def _article() -> str:
    from samestory.corpus.cleaning_fixtures import captures

    return next(c for c in captures() if c.name == "04_by_agency_english").expected + "\n"
