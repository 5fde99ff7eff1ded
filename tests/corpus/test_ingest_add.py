"""`samestory story new` and `samestory add`: text and HTML articles land with provenance and checks."""
import json

import pytest

from samestory.corpus import dedup
from samestory.corpus.cleaning import clean_to_raw
from samestory.corpus.store import load_documents, load_metadata, sha256_bytes
from samestory.corpus.ingest import EXTRACT_OPTIONS

from tests.helpers.ingest_helpers import FIX, STORY, copy_corpus, run, snapshot


@pytest.fixture
def corpus(tmp_path):
    return copy_corpus(tmp_path)


def _meta(corpus, doc_id):
    return next(m for _, _, m in load_metadata(corpus) if m["doc_id"] == doc_id)


def test_ingest_story_new_then_add_text_and_html(corpus, capsys):
    code, out, _ = run(capsys, "story", "new", "kyiv-2025-06-02", "--title", "Second round of talks",
                       "--date", "2025-06-02", "--place", "Istanbul, Turkey", "--corpus", corpus)
    assert code == 0 and "created story kyiv-2025-06-02" in out
    story = json.loads((corpus / "kyiv-2025-06-02" / "story.json").read_text())
    assert story == {"story_id": "kyiv-2025-06-02", "title": "Second round of talks", "event_date": "2025-06-02",
                     "place": "Istanbul, Turkey", "description": None}
    code, out, err = run(capsys, "add", "--story", "kyiv-2025-06-02", FIX / "capitaltimes.txt", FIX / "rundschau.html",
                         "--corpus", corpus)
    assert code == 0, err
    raw_txt = (FIX / "capitaltimes.txt").read_bytes()
    raw_html = (FIX / "rundschau.html").read_bytes()
    id_txt, id_html = f"000_{sha256_bytes(raw_txt)[:16]}", f"001_{sha256_bytes(raw_html)[:16]}"
    assert f"added {id_txt}" in out and f"added {id_html}" in out
    # what was removed is printed, line by line
    assert "advertisement" in out and "'Also Read | Zelensky says ready" in out and "'Anzeige'" in out
    sdir = corpus / "kyiv-2025-06-02"
    assert (sdir / "raw" / f"{id_txt}.txt").read_bytes() == raw_txt  # byte for byte
    assert (sdir / "raw" / f"{id_html}.html").read_bytes() == raw_html
    docs = {d["doc_id"]: d for d in load_documents(corpus)}  # the checked path every consumer uses
    assert {id_txt, id_html} <= set(docs)
    assert len(docs) == 7
    t, h = docs[id_txt], docs[id_html]
    assert t["language"] == "en" and h["language"] == "de"
    assert t["byline"] == "Rohan Mehta" and t["title"] is None and t["outlet"] is None  # nothing guessed
    assert h["title"] == "Gefangenenaustausch vereinbart, aber keine Waffenruhe"
    assert h["outlet"] == "Rundschau Online" and h["published"] == "2025-05-16" and h["byline"] == "Anna Schmidt"
    assert (sdir / "clean" / f"{id_html}.txt").read_text(encoding="utf-8") == h["text"]
    assert h["sentences"] and all(s["end"] > s["start"] for s in h["sentences"])
    # provenance of the extraction; offsets map into the stored extracted text
    m = _meta(corpus, id_html)
    assert m["extraction"]["tool"] == "trafilatura" and m["extraction"]["options"] == json.loads(
        json.dumps(EXTRACT_OPTIONS))
    assert m["extraction"]["metadata"]["language"] == "de" and m["extraction"]["input_encoding"] == "utf-8"
    extracted = (corpus / m["extracted_path"]).read_text(encoding="utf-8")
    assert sha256_bytes(extracted.encode()) == m["extracted_sha256"]
    assert all(extracted[clean_to_raw(i, h["removals"])] == ch for i, ch in enumerate(h["text"]))
    assert m["metadata_origin"]["title"] == "extracted" and m["language_detection"]["language"] == "de"
    assert m["language_detection"]["tool"] == "lingua-language-detector" and m["clean_sha256"] == h["clean_sha256"]
    assert _meta(corpus, id_txt)["source"] == {"file": "capitaltimes.txt", "format": "text", "encoding": "utf-8"}


def test_ingest_command_line_metadata_wins(corpus, capsys):
    code, out, err = run(capsys, "add", "--story", STORY, FIX / "lequotidien.html", "--title", "Mon titre",
                         "--outlet", "Le Soir", "--published", "2025-05-17", "--url", "https://example.org/a",
                         "--byline", "C. Martin", "--notes", "test", "--corpus", corpus)
    assert code == 0, err
    doc = next(d for d in load_documents(corpus) if d["doc_id"].startswith("005_"))
    assert (doc["title"], doc["outlet"], doc["published"], doc["url"], doc["byline"], doc["language"]) == (
        "Mon titre", "Le Soir", "2025-05-17", "https://example.org/a", "C. Martin", "fr")
    m = _meta(corpus, doc["doc_id"])
    assert m["metadata_origin"]["title"] == "command line" and m["extraction"]["metadata"]["sitename"] == \
        "Le Quotidien du Soir"


def test_ingest_profile_and_language_override(corpus, capsys):
    code, out, err = run(capsys, "add", "--story", STORY, FIX / "channel9.txt", "--profile", "broadcast",
                         "--language", "en", "--corpus", corpus)
    assert code == 0, err
    doc = next(d for d in load_documents(corpus) if d["doc_id"].startswith("005_"))
    assert "Video Ad Feedback" not in doc["text"] and "video_player" in out
    assert _meta(corpus, doc["doc_id"])["profile"] == "broadcast"


def test_ingest_near_duplicate_needs_flag_and_is_recorded(corpus, capsys):
    assert run(capsys, "add", "--story", STORY, FIX / "globalwire.txt", "--corpus", corpus)[0] == 0
    before = snapshot(corpus)
    code, out, err = run(capsys, "add", "--story", STORY, FIX / "harbourpost.txt", "--corpus", corpus)
    assert code == 1 and "near duplicate of 005_" in err and "--allow-near-duplicate" in err
    assert snapshot(corpus) == before
    code, out, err = run(capsys, "add", "--story", STORY, FIX / "harbourpost.txt", "--allow-near-duplicate",
                         "--corpus", corpus)
    assert code == 0 and "near duplicate of 005_" in out
    near = _meta(corpus, next(d["doc_id"] for d in load_documents(corpus) if d["doc_id"].startswith("006_")))
    assert near["near_duplicates"][0]["doc_id"].startswith("005_")
    assert near["near_duplicates"][0]["similarity"] >= dedup.THRESHOLD


def test_ingest_same_article_as_text_and_html_is_a_near_duplicate(corpus, capsys):
    code, out, err = run(capsys, "add", "--story", STORY, FIX / "northernchronicle.txt",
                         FIX / "northernchronicle.html", "--corpus", corpus)
    assert code == 1 and "northernchronicle.html" in err and "near duplicate of 005_" in err


def test_ingest_dry_run_writes_nothing(corpus, capsys):
    before = snapshot(corpus)
    code, out, err = run(capsys, "add", "--story", STORY, FIX / "globalwire.html", "--dry-run", "--corpus", corpus)
    assert code == 0 and "would add 1 document(s)" in out and "dry run" in out
    assert snapshot(corpus) == before


def test_ingest_directory_adds_supported_files_and_skips_others(corpus, capsys, tmp_path):
    d = tmp_path / "incoming"
    d.mkdir()
    for name in ("rundschau.txt", "lequotidien.html"):
        (d / name).write_bytes((FIX / name).read_bytes())
    (d / "notes.md").write_text("not an article")
    code, out, err = run(capsys, "add", "--story", STORY, d, "--corpus", corpus)
    assert code == 0, err
    assert "skipped" in out and "notes.md" in out and "added 2 document(s)" in out
    assert len(load_documents(corpus)) == 7


def test_ingest_seed_articles_are_not_near_duplicates_of_each_other():
    texts = {d["doc_id"]: d["text"] for d in load_documents()}
    for doc_id, text in texts.items():
        others = {k: v for k, v in texts.items() if k != doc_id}
        assert dedup.near_duplicates(text, others) == []
        assert max(dedup.similarity(text, o) for o in others.values()) < 0.2


def test_ingest_wire_reprint_is_a_near_duplicate():
    from samestory.corpus.cleaning import clean

    a = clean((FIX / "globalwire.txt").read_text()).text
    b = clean((FIX / "harbourpost.txt").read_text()).text
    assert dedup.similarity(a, b) >= dedup.THRESHOLD
    assert dedup.similarity(a, a) == 1.0 and dedup.similarity(a, "") == 0.0
