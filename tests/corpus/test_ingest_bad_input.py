"""Bad input to `samestory add` and `samestory story new`: a clear message, non-zero exit, nothing added."""
import pytest

from tests.helpers.ingest_helpers import FIX, STORY, copy_corpus, run, snapshot

ARTICLE = (FIX / "globalwire.txt").read_text(encoding="utf-8")


@pytest.fixture
def corpus(tmp_path):
    return copy_corpus(tmp_path)


def _refused(capsys, corpus, *argv, expect):
    before = snapshot(corpus)
    code, out, err = run(capsys, *argv, "--corpus", corpus)
    assert code != 0, out
    for piece in expect:
        assert piece in err, err
    assert snapshot(corpus) == before  # nothing added, no staging left behind
    return err


def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("name,data,expect", [
    ("empty.txt", b"", ["empty.txt", "empty"]),
    ("blank.html", b"  \n\n ", ["blank.html", "empty"]),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), ["image.txt", "binary"]),
    ("utf16.txt", ARTICLE.encode("utf-16"), ["utf16.txt", "UTF-16"]),
])
def test_ingest_refuses_empty_binary_and_utf16_files(corpus, capsys, tmp_path, name, data, expect):
    _refused(capsys, corpus, "add", "--story", STORY, _write(tmp_path, name, data), expect=expect)


def test_ingest_refuses_non_utf8_text_and_names_the_encoding(corpus, capsys, tmp_path):
    text = "Le ministre a déclaré que les négociations reprendraient à Genève.\n" * 5
    f = _write(tmp_path, "latin.txt", text.encode("cp1252"))
    err = _refused(capsys, corpus, "add", "--story", STORY, f,
                   expect=["latin.txt:1 [encoding]", "invalid UTF-8 byte 0xe9", "iconv -f"])
    assert "cp1252" in err or "1252" in err or "latin" in err.lower() or "8859" in err


def test_ingest_html_declaring_its_charset_is_decoded_and_recorded(corpus, capsys, tmp_path):
    page = (FIX / "lequotidien.html").read_text(encoding="utf-8").replace('<meta charset="utf-8">',
                                                                           '<meta charset="windows-1252">')
    f = _write(tmp_path, "page.html", page.encode("cp1252"))
    code, out, err = run(capsys, "add", "--story", STORY, f, "--corpus", corpus)
    assert code == 0, err
    from samestory.corpus.store import load_documents, load_metadata

    meta = next(m for _, _, m in load_metadata(corpus) if m["doc_id"].startswith("005_"))
    assert meta["source"]["encoding"] == "windows-1252"
    assert meta["extraction"]["input_encoding_source"] == "declared by the page"
    doc = next(d for d in load_documents(corpus) if d["doc_id"] == meta["doc_id"])
    assert "délégations russe et ukrainienne" in doc["text"]
    assert (corpus / meta["raw_path"]).read_bytes() == page.encode("cp1252")


def test_ingest_refuses_html_without_an_article(corpus, capsys, tmp_path):
    page = ("<!DOCTYPE html><html lang='en'><head><title>Home | Global Wire</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/markets'>Markets</a></nav>"
            "<footer>© 2025 Global Wire</footer></body></html>")
    _refused(capsys, corpus, "add", "--story", STORY, _write(tmp_path, "home.html", page.encode()),
             expect=["home.html", "no article"])


def test_ingest_refuses_a_stub_too_short_to_be_an_article(corpus, capsys, tmp_path):
    _refused(capsys, corpus, "add", "--story", STORY, _write(tmp_path, "stub.txt", b"Talks end.\n\nShare\n"),
             expect=["stub.txt", "no article", ">= 200 characters"])


def test_ingest_refuses_unknown_story(corpus, capsys):
    _refused(capsys, corpus, "add", "--story", "no-such-story", FIX / "globalwire.txt",
             expect=["unknown story 'no-such-story'", "samestory story new"])


def test_ingest_refuses_exact_duplicate_of_a_seed_and_within_a_batch(corpus, capsys, tmp_path):
    seed = corpus / STORY / "raw" / "002_f9e9943e9bef2e6a.txt"
    _refused(capsys, corpus, "add", "--story", STORY, seed, expect=["exact duplicate", "002_f9e9943e9bef2e6a"])
    copy = _write(tmp_path, "copy.txt", (FIX / "globalwire.txt").read_bytes())
    _refused(capsys, corpus, "add", "--story", STORY, FIX / "globalwire.txt", copy,
             expect=["copy.txt", "exact duplicate", "in this batch"])


def test_ingest_one_bad_file_adds_none_of_the_batch(corpus, capsys, tmp_path):
    _refused(capsys, corpus, "add", "--story", STORY, FIX / "rundschau.txt", _write(tmp_path, "e.txt", b""),
             expect=["e.txt", "empty"])


@pytest.mark.parametrize("args,expect", [
    (["--published", "16/05/2025"], ["[published]", "YYYY-MM-DD", "'16/05/2025'"]),
    (["--published", "2025-02-30"], ["[published]", "not a calendar date"]),
    (["--title", "Two\nlines"], ["[title]", "not a plain one-line text"]),
    (["--title", "   "], ["[title]", "empty"]),
    (["--title", "x" * 301], ["[title]", "1-300 characters"]),
    (["--url", "www.example.org"], ["[url]", "not an http(s) address"]),
    (["--language", "english"], ["[language]", "ISO 639-1"]),
])
def test_ingest_refuses_malformed_metadata(corpus, capsys, args, expect):
    _refused(capsys, corpus, "add", "--story", STORY, FIX / "globalwire.txt", *args, expect=expect)


def test_ingest_refuses_unsupported_file_type(corpus, capsys, tmp_path):
    _refused(capsys, corpus, "add", "--story", STORY, _write(tmp_path, "a.pdf", b"%PDF-1.4"),
             expect=["a.pdf", "unsupported file type"])


def test_ingest_refuses_to_guess_an_unclear_language(corpus, capsys, tmp_path):
    names = "Rustem Umerov, Vladimir Medinsky, Hakan Fidan, Istanbul, Dolmabahce, 1000, 2025. " * 4
    f = _write(tmp_path, "names.txt", names.encode())
    _refused(capsys, corpus, "add", "--story", STORY, f, expect=["names.txt", "unreliable", "pass --language"])
    code, out, err = run(capsys, "add", "--story", STORY, f, "--language", "en", "--corpus", corpus)
    assert code == 0 and "[command line]" in out


def test_ingest_refuses_page_whose_declared_language_contradicts_its_text(corpus, capsys, tmp_path):
    page = (FIX / "globalwire.html").read_text(encoding="utf-8").replace('<html lang="en">', '<html lang="fr">')
    _refused(capsys, corpus, "add", "--story", STORY, _write(tmp_path, "p.html", page.encode()),
             expect=["p.html", "declares lang=fr", "reads as en", "pass --language"])


@pytest.mark.parametrize("argv,expect", [
    (["story", "new", "Bad Id", "--title", "T", "--date", "2025-06-01"], ["[story_id]", "slug"]),
    (["story", "new", "ok-id", "--title", "T", "--date", "1 June 2025"], ["[event_date]", "YYYY-MM-DD"]),
    (["story", "new", "ok-id", "--title", "", "--date", "2025-06-01"], ["[title]", "empty"]),
    (["story", "new", STORY, "--title", "T", "--date", "2025-06-01"], ["already exists"]),
])
def test_ingest_story_new_refuses_bad_input(corpus, capsys, argv, expect):
    _refused(capsys, corpus, *argv, expect=expect)


def test_ingest_failure_while_moving_into_place_rolls_back(corpus, capsys, monkeypatch):
    """A crash at the last step (replacing documents.jsonl) leaves the corpus exactly as it was."""
    from samestory.corpus import ingest

    real = ingest.atomic_write_bytes

    def failing(path, data):
        if ".staging-" not in str(path) and path.name == "documents.jsonl":
            raise OSError("disk full (injected)")
        return real(path, data)

    monkeypatch.setattr(ingest, "atomic_write_bytes", failing)
    before = snapshot(corpus)
    with pytest.raises(OSError, match="injected"):
        run(capsys, "add", "--story", STORY, FIX / "globalwire.html", FIX / "rundschau.txt", "--corpus", corpus)
    assert snapshot(corpus) == before
    assert not (corpus / STORY / "extracted").exists()  # folders it created are gone too


def test_ingest_refuses_while_another_add_holds_the_story(corpus, capsys):
    import fcntl
    import os

    fd = os.open(corpus / STORY, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _refused(capsys, corpus, "add", "--story", STORY, FIX / "globalwire.txt", expect=["another `samestory add`"])
    finally:
        os.close(fd)

