"""A catalogue of bad inputs and faults, grouped by surface (add, story, validate, build, verify, evaluate,
ls convert, leaderboard, report, predict, concurrency/kill), kept from issue 15.

For every case: a non-zero exit, a message naming the file/line/field or the option, no traceback, and every
file under the test's folder (the checkout and the inputs) byte-identical afterwards: nothing lost, nothing
half-written, nothing written outside. All runs are in-process through `samestory.cli.main`.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from samestory.corpus import store as corpus_mod
from samestory.core import guard
from samestory.cli import main
from tests.helpers.build_helpers import FIXTURE, STORY
from tests.helpers.eval_helpers import DOCUMENTS, GOLD, NOISY

from tests.helpers import ROOT  # noqa: E402
INGEST = ROOT / "tests" / "fixtures" / "ingest"
LS = ROOT / "tests" / "fixtures" / "labelstudio"
RESULTS = ROOT / "leaderboard" / "results"
CARD = ["--card", str(ROOT / "dataset_card.md"), "--changelog", str(ROOT / "tests" / "fixtures" / "build" / "CHANGELOG-9.9.9.md")]
DEEP = "[" * 100_000 + "]" * 100_000
BUILT: dict[str, Path] = {}
"""A release built once per session (9.9.9 of the fixture), copied by the cases that need one."""


def cli(*argv) -> tuple[int, str, str]:
    """`samestory ARGV` in-process: (exit code, stdout, stderr); argparse's exit is a result, any other
    exception propagates (a traceback fails the test)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file (sha256) and folder under `folder`, hidden ones included."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        out[rel] = "<dir>" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@dataclass
class Ctx:
    """A scratch checkout (corpus, annotations, releases, build) plus a folder of user inputs."""

    tmp: Path

    @property
    def repo(self) -> Path:
        return self.tmp / "repo"

    @property
    def corpus(self) -> Path:
        return self.repo / "corpus"

    @property
    def ann(self) -> Path:
        return self.repo / "annotations"

    @property
    def inp(self) -> Path:
        return self.tmp / "in"

    @property
    def io(self) -> list:
        return ["--corpus", self.corpus, "--annotations", self.ann]

    def docs_jsonl(self) -> Path:
        return self.corpus / STORY / "documents.jsonl"

    def gold(self, layer: str) -> Path:
        return self.ann / STORY / "gold" / f"{layer}.jsonl"

    def write(self, name: str, data: str | bytes) -> Path:
        p = self.inp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return p


def edit_line(path: Path, line: int, change: Callable[[dict], None]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[line - 1])
    change(rec)
    lines[line - 1] = json.dumps(rec, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def replace_line(path: Path, line: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def ctx(tmp_path) -> Ctx:
    c = Ctx(tmp_path)
    shutil.copytree(FIXTURE / "corpus", c.corpus)
    shutil.copytree(FIXTURE / "annotations", c.ann)
    c.inp.mkdir()
    return c


def check(ctx: Ctx, argv: list, expect: list[str]) -> None:
    """The assertions every case makes."""
    before = snapshot(ctx.tmp)
    code, out, err = cli(*argv)
    text = out + err
    assert code not in (0, None), f"accepted: {argv}\n{text}"
    assert "Traceback" not in text
    for e in expect:
        assert e in text, f"{e!r} not in the message:\n{text}"
    assert "found None" not in text
    assert snapshot(ctx.tmp) == before, "a file changed, appeared or vanished"


# --- add ---------------------------------------------------------------------------------------------

LONG_ARTICLE = ("The delegations met in Istanbul on Friday and agreed to exchange prisoners, officials said.\n\n"
                "Neither side announced a ceasefire; the talks ended after less than two hours, according to "
                "Turkish officials.\n\nA further meeting was not scheduled, and both capitals traded blame late "
                "into the evening.\n")


def _add(c: Ctx, *files, opts=()):
    return ["add", "--story", STORY, "--corpus", c.corpus, *opts, *files]


ADD = {
    "empty_file": (lambda c: _add(c, c.write("a.txt", "")), ["a.txt", "empty file"]),
    "whitespace_only": (lambda c: _add(c, c.write("a.txt", " \n\t\n")), ["a.txt", "empty file"]),
    "binary_nul": (lambda c: _add(c, c.write("a.txt", b"\x00\x01abc" * 100)), ["a.txt", "binary"]),
    "utf16": (lambda c: _add(c, c.write("a.txt", "\ufeffhello".encode("utf-16"))), ["a.txt", "UTF-16"]),
    "latin1": (lambda c: _add(c, c.write("a.txt", ("Se\xf1or " * 50).encode("latin-1"))),
               ["a.txt", "[encoding]", "latin-1", "cannot be told for sure"]),
    "cp1250_bytes": (lambda c: _add(c, c.write("a.txt", "Łódź ".encode("cp1250") * 50)), ["a.txt", "[encoding]"]),
    "html_bad_charset": (lambda c: _add(c, c.write("a.html", b'<meta charset="nonsense-9"><p>caf\xe9</p>')),
                         ["a.html", "encoding"]),
    "html_no_article": (lambda c: _add(c, c.write("a.html", "<html><body><nav>Home</nav></body></html>")),
                        ["a.html", "no article"]),
    "pdf_suffix": (lambda c: _add(c, c.write("a.pdf", "text")), ["a.pdf", "[suffix]"]),
    "missing_file": (lambda c: _add(c, c.inp / "nope.txt"), ["nope.txt", "no such file"]),
    "folder_without_articles": (lambda c: (c.write("d/x.pdf", "x"), _add(c, c.inp / "d"))[1], ["nothing to add"]),
    "too_short": (lambda c: _add(c, c.write("a.txt", "Short text.")), ["a.txt", "no article"]),
    "too_large_bytes": (lambda c: _add(c, c.write("a.txt", "x" * (corpus_mod.MAX_RAW_BYTES + 1))),
                        ["a.txt", "too large"]),
    "too_long_text": (lambda c: _add(c, c.write("a.txt", ("Word " * 1000 + "\n") * 201)), ["a.txt", "too long"]),
    "too_long_line": (lambda c: _add(c, c.write("a.txt", "word " * 12_000)), ["a.txt", "too long"]),
    "too_many_paragraphs": (lambda c: _add(c, c.write("a.txt", "A line.\n" * (corpus_mod.MAX_PARAGRAPHS + 1))),
                            ["a.txt", "too many paragraphs"]),
    "exact_duplicate": (lambda c: _add(c, c.write("dup.txt", (c.corpus / STORY / "raw" / "a_doc.txt").read_bytes())),
                        ["dup.txt", "exact duplicate", "[raw_sha256]"]),
    "duplicate_in_batch": (lambda c: _add(c, c.write("x.txt", LONG_ARTICLE), c.write("y.txt", LONG_ARTICLE)),
                           ["y.txt", "exact duplicate"]),
    "unknown_story": (lambda c: ["add", "--story", "no-such-story", "--corpus", c.corpus,
                                 c.write("a.txt", LONG_ARTICLE)], ["unknown story", "[story]"]),
    "story_traversal": (lambda c: ["add", "--story", "../annotations", "--corpus", c.corpus,
                                   c.write("a.txt", LONG_ARTICLE)], ["unknown story"]),
    "title_newline": (lambda c: _add(c, c.write("a.txt", LONG_ARTICLE), opts=["--title", "a\nb"]), ["[title]"]),
    "title_too_long": (lambda c: _add(c, c.write("a.txt", LONG_ARTICLE), opts=["--title", "t" * 301]), ["[title]"]),
    "title_empty": (lambda c: _add(c, c.write("a.txt", LONG_ARTICLE), opts=["--title", " "]), ["[title]"]),
    "title_bidi": (lambda c: _add(c, c.write("a.txt", LONG_ARTICLE), opts=["--title", "a\u202eb"]), ["[title]"]),
    "outlet_control": (lambda c: _add(c, c.write("a.txt", LONG_ARTICLE), opts=["--outlet", "a\x07b"]), ["[outlet]"]),
    "url_ftp": (lambda c: _add(c, c.write("a.txt", LONG_ARTICLE), opts=["--url", "ftp://x.org/a"]), ["[url]"]),
    "url_javascript": (lambda c: _add(c, c.write("a.txt", LONG_ARTICLE), opts=["--url", "javascript:alert(1)"]),
                       ["[url]"]),
    "published_month_13": (lambda c: _add(c, c.write("a.txt", LONG_ARTICLE), opts=["--published", "2025-13-01"]),
                           ["[published]"]),
    "published_words": (lambda c: _add(c, c.write("a.txt", LONG_ARTICLE), opts=["--published", "yesterday"]),
                        ["[published]"]),
    "language_name": (lambda c: _add(c, c.write("a.txt", LONG_ARTICLE), opts=["--language", "english"]),
                      ["[language]"]),
    "notes_blank": (lambda c: _add(c, c.write("a.txt", LONG_ARTICLE), opts=["--notes", "  "]), ["[notes]"]),
    "title_for_two_files": (lambda c: _add(c, c.write("a.txt", LONG_ARTICLE), c.write("b.txt", LONG_ARTICLE + "x"),
                                           opts=["--title", "One"]), ["[title]", "one file"]),
    "unknown_profile": (lambda c: _add(c, c.write("a.txt", LONG_ARTICLE), opts=["--profile", "nope"]),
                        ["--profile"]),
    "corpus_is_a_file": (lambda c: ["add", "--story", STORY, "--corpus", c.write("corpus.txt", "x"),
                                    c.write("a.txt", LONG_ARTICLE)], ["corpus.txt"]),
    "corpus_broken_first": (lambda c: (replace_line(c.docs_jsonl(), 1, "{not json"),
                                       _add(c, c.write("a.txt", LONG_ARTICLE)))[1],
                            ["documents.jsonl:1", "invalid JSON"]),
}

STORY_NEW = {
    "id_upper": (lambda c: ["story", "new", "Bad_ID", "--title", "T", "--date", "2025-01-01", *c.io], ["[story_id]"]),
    "id_traversal": (lambda c: ["story", "new", "../x", "--title", "T", "--date", "2025-01-01", *c.io],
                     ["[story_id]"]),
    "date_feb_30": (lambda c: ["story", "new", "s-1", "--title", "T", "--date", "2025-02-30", *c.io],
                    ["[event_date]"]),
    "date_format": (lambda c: ["story", "new", "s-1", "--title", "T", "--date", "16/05/2025", *c.io],
                    ["[event_date]"]),
    "exists": (lambda c: ["story", "new", STORY, "--title", "T", "--date", "2025-01-01", *c.io], ["already exists"]),
    "title_empty": (lambda c: ["story", "new", "s-1", "--title", "", "--date", "2025-01-01", *c.io], ["[title]"]),
    "place_newline": (lambda c: ["story", "new", "s-1", "--title", "T", "--date", "2025-01-01", "--place", "a\nb",
                                 *c.io], ["[place]"]),
}


# --- validate -----------------------------------------------------------------------------------------

def _v(change: Callable[[Ctx], None]):
    def setup(c: Ctx):
        change(c)
        return ["validate", *c.io, "--quiet"]
    return setup


def _doc(field, value):
    return _v(lambda c: edit_line(c.docs_jsonl(), 1, lambda r: r.__setitem__(field, value)))


def _gold(layer, change, line=1):
    return _v(lambda c: edit_line(c.gold(layer), line, change))


def _mention(i, **kw):
    return lambda r: r["mentions"][i].update(kw)


VALIDATE = {
    "doc_id_traversal": (_doc("doc_id", "../../../../pwn"), ["documents.jsonl:1 [doc_id]", "not a safe id"]),
    "doc_id_slash": (_doc("doc_id", "a/b"), ["documents.jsonl:1 [doc_id]"]),
    "doc_id_space": (_doc("doc_id", "a doc"), ["documents.jsonl:1 [doc_id]"]),
    "doc_id_hidden": (_doc("doc_id", ".hidden"), ["documents.jsonl:1 [doc_id]"]),
    "doc_id_number": (_doc("doc_id", 7), ["documents.jsonl:1 [doc_id]"]),
    "doc_id_empty": (_doc("doc_id", ""), ["documents.jsonl:1 [doc_id]"]),
    "doc_id_nul": (_doc("doc_id", "a\x00b"), ["documents.jsonl:1 [doc_id]"]),
    "doc_id_200_chars": (_doc("doc_id", "a" * 200), ["documents.jsonl:1 [doc_id]"]),
    "raw_path_absolute": (_doc("raw_path", "/etc/hostname"), ["documents.jsonl:1 [raw_path]"]),
    "raw_path_traversal": (_doc("raw_path", "../../../../etc/hostname"), ["documents.jsonl:1 [raw_path]"]),
    "raw_path_inner_traversal": (_doc("raw_path", f"{STORY}/raw/../../../x.txt"), ["documents.jsonl:1 [raw_path]"]),
    "raw_path_other_story": (_doc("raw_path", "other-story/raw/a_doc.txt"), ["documents.jsonl:1 [raw_path]"]),
    "raw_path_backslash": (_doc("raw_path", f"{STORY}\\raw\\a_doc.txt"), ["documents.jsonl:1 [raw_path]"]),
    "extracted_path_traversal": (_doc("extracted_path", "../../x.txt"), ["documents.jsonl:1 [extracted_path]"]),
    "story_id_traversal": (_doc("story_id", "../x"), ["documents.jsonl:1 [story_id]"]),
    "missing_raw_sha": (_v(lambda c: edit_line(c.docs_jsonl(), 1, lambda r: r.pop("raw_sha256"))),
                        ["documents.jsonl:1 [raw_sha256]", "missing field"]),
    "duplicate_doc_id": (_doc("doc_id", "b_doc"), ["documents.jsonl:2 [doc_id]", "duplicate doc_id"]),
    "wrong_sha": (_doc("raw_sha256", "0" * 64), ["a_doc.txt", "[raw_sha256]"]),
    "invalid_json_line": (_v(lambda c: replace_line(c.docs_jsonl(), 2, '{"doc_id": ')),
                          ["documents.jsonl:2", "invalid JSON"]),
    "non_object_line": (_v(lambda c: replace_line(c.docs_jsonl(), 2, "[1, 2]")),
                        ["documents.jsonl:2", "expected a JSON object"]),
    "deep_nesting_docs": (_v(lambda c: replace_line(c.docs_jsonl(), 2, '{"x": ' + DEEP + "}")),
                          ["documents.jsonl:2", "nested too deeply"]),
    "deep_nesting_gold": (_v(lambda c: replace_line(c.gold("stance"), 1, DEEP)),
                          ["stance.jsonl:1", "nested too deeply"]),
    "deep_nesting_inventory": (_v(lambda c: replace_line(c.ann / STORY / "entities.jsonl", 1, DEEP)),
                               ["entities.jsonl:1", "nested too deeply"]),
    "not_utf8_gold": (_v(lambda c: c.gold("stance").write_bytes(b'{"doc_id": "a\xe9"}\n')),
                      ["stance.jsonl", "not UTF-8"]),
    "story_json_invalid": (_v(lambda c: (c.corpus / STORY / "story.json").write_text("{")),
                           ["story.json", "invalid JSON"]),
    "story_json_list": (_v(lambda c: (c.corpus / STORY / "story.json").write_text("[]")),
                        ["story.json", "JSON object"]),
    "story_json_deep": (_v(lambda c: (c.corpus / STORY / "story.json").write_text(DEEP)),
                        ["story.json", "nested too deeply"]),
    "story_json_empty": (_v(lambda c: (c.corpus / STORY / "story.json").write_text("")), ["story.json", "empty"]),
    "story_json_missing_field": (_v(lambda c: (c.corpus / STORY / "story.json").write_text(
        json.dumps({"story_id": STORY}))), ["story.json", "[title]"]),
    "story_json_other_id": (_v(lambda c: (c.corpus / STORY / "story.json").write_text(json.dumps(
        {"story_id": "x", "title": "t", "event_date": "2025-01-01", "place": None, "description": None}))),
        ["story.json", "[story_id]"]),
    "raw_too_large": (_v(lambda c: os.truncate(c.corpus / STORY / "raw" / "a_doc.txt", corpus_mod.MAX_RAW_BYTES + 1)),
                      ["a_doc.txt", "too large"]),
    "raw_missing": (_v(lambda c: (c.corpus / STORY / "raw" / "a_doc.txt").unlink()), ["[raw_path]", "missing"]),
    "clean_missing": (_v(lambda c: (c.corpus / STORY / "clean" / "a_doc.txt").unlink()),
                      ["a_doc.txt", "clean text missing"]),
    "gold_unknown_doc": (_gold("stance", lambda r: r.update(doc_id="zzz")), ["stance.jsonl:1 [doc_id]"]),
    "gold_offsets_outside": (_gold("mentions", _mention(0, start=5000, end=5005)), ["mentions.jsonl:1", "mentions[0]"]),
    "gold_end_before_start": (_gold("mentions", _mention(0, start=5, end=2)), ["mentions.jsonl:1", "mentions[0]"]),
    "gold_text_mismatch": (_gold("mentions", _mention(0, text="Putim")), ["mentions.jsonl:1", "mentions[0].text"]),
    "gold_bad_label": (_gold("mentions", _mention(0, type="WEAPON")), ["mentions.jsonl:1", "mentions[0].type"]),
    "gold_unknown_entity": (_gold("mentions", _mention(0, entity_id="putn")),
                            ["mentions.jsonl:1", "mentions[0].entity_id"]),
    "gold_start_string": (_gold("mentions", _mention(0, start="0")), ["mentions.jsonl:1", "mentions[0].start"]),
    "gold_unknown_field": (_gold("mentions", _mention(0, confidence=0.5)), ["mentions.jsonl:1", "confidence"]),
    "gold_unknown_fact": (_gold("facts", lambda r: r["facts"][0].update(fact_id="f99")),
                          ["facts.jsonl:1", "facts[0].fact_id"]),
    "gold_unknown_target": (_gold("stance", lambda r: r["stances"][0].update(target="rusia")),
                            ["stance.jsonl:1", "stances[0].target"]),
    "gold_bad_stance_label": (_gold("stance", lambda r: r["stances"][0].update(label="pro")),
                              ["stance.jsonl:1", "stances[0].label"]),
    "gold_items_not_list": (_gold("stance", lambda r: r.update(stances={"a": 1})), ["stance.jsonl:1", "stances"]),
    "gold_duplicate_record": (_v(lambda c: c.gold("stance").write_text(
        c.gold("stance").read_text() + c.gold("stance").read_text().splitlines()[0] + "\n")),
        ["stance.jsonl:3", "doc_id"]),
    "duplicate_raw_file": (_v(lambda c: (
        shutil.copy(c.corpus / STORY / "raw" / "a_doc.txt", c.corpus / STORY / "raw" / "c_doc.txt"),
        shutil.copy(c.corpus / STORY / "clean" / "a_doc.txt", c.corpus / STORY / "clean" / "c_doc.txt"),
        c.docs_jsonl().write_text(c.docs_jsonl().read_text() + json.dumps(
            {**json.loads(c.docs_jsonl().read_text().splitlines()[0]), "doc_id": "c_doc",
             "raw_path": f"{STORY}/raw/c_doc.txt"}) + "\n"))),
        ["documents.jsonl:3 [raw_sha256]", "exact duplicate"]),
    "duplicate_number": (_v(lambda c: (edit_line(c.docs_jsonl(), 1, lambda r: r.update(doc_id="000_" + "a" * 16)),
                                       edit_line(c.docs_jsonl(), 2, lambda r: r.update(doc_id="000_" + "b" * 16)))),
                         ["documents.jsonl:2 [doc_id]", "number used twice"]),
    "inventory_other_story": (_v(lambda c: edit_line(c.ann / STORY / "entities.jsonl", 1,
                                                     lambda r: r.update(story_id="other"))),
                              ["entities.jsonl:1 [story_id]"]),
}


# --- build and verify ---------------------------------------------------------------------------------

def _build(c: Ctx, version="9.9.9", *extra):
    return ["build", *c.io, *CARD, "--out", c.repo / "build", "--releases", c.repo / "releases", "--version",
            version, "--quiet", *extra]


def _with_release(c: Ctx) -> Path:
    """Copy the session's built release into the checkout; return the release folder."""
    shutil.copytree(BUILT["src"] / "build", c.repo / "build")
    shutil.copytree(BUILT["src"] / "releases", c.repo / "releases")
    return c.repo / "build" / "samestory-v9.9.9"


def _verify(c: Ctx, version="9.9.9"):
    return ["verify", version, "--from-sources", *c.io, *CARD, "--releases", c.repo / "releases", "--out", c.repo / "build", "--quiet"]


def _flip(p: Path):
    b = bytearray(p.read_bytes())
    b[len(b) // 2] ^= 1
    p.write_bytes(bytes(b))


BUILD = {
    **{f"version_{i}": ((lambda v: lambda c: _build(c, v))(v), ["--version", "MAJOR.MINOR.PATCH"])
       for i, v in enumerate(["not a version", "1.0.1/../../../victim", "1.0", "01.0.0", "1.0.0-rc.1",
                              "1.0.0+build", "", "1.0.0 ", "１.０.０", "v", "1..0", "99999999.0.0"])},
    "invalid_input": (lambda c: (edit_line(c.gold("stance"), 1, lambda r: r.update(doc_id="zzz")), _build(c))[1],
                      ["build refused", "stance.jsonl:1 [doc_id]"]),
    "other_content_same_version": (lambda c: (_with_release(c), edit_line(
        c.gold("stance"), 1, lambda r: r["stances"][0].update(note="not discussed")), _build(c))[2],
        ["bump the version", "stance.jsonl"]),
    "user_file_in_release_folder": (lambda c: (_flip(_with_release(c) / "README.md"),
                                               (c.repo / "build" / "samestory-v9.9.9" / "mine.txt").write_text("x"),
                                               _build(c))[2], ["mine.txt", "did not write"]),
    "out_is_a_file": (lambda c: (c.repo.joinpath("build").write_text("x"), _build(c))[1], ["--out", "is a file"]),
    "releases_is_a_file": (lambda c: (c.repo.joinpath("releases").write_text("x"), _build(c))[1],
                           ["--releases", "is a file"]),
    "manifest_deep": (lambda c: (c.repo.joinpath("releases").mkdir(), c.repo.joinpath(
        "releases", "v9.9.9.json").write_text(DEEP), _build(c))[2], ["v9.9.9.json", "nested too deeply"]),
}

VERIFY = {
    "bad_version": (lambda c: _verify(c, "../1.0.0"), ["version", "MAJOR.MINOR.PATCH"]),
    "no_manifest": (lambda c: _verify(c, "4.5.6"), ["v4.5.6.json", "manifest missing"]),
    "manifest_invalid": (lambda c: (c.repo.joinpath("releases").mkdir(), c.repo.joinpath(
        "releases", "v9.9.9.json").write_text("{"), _verify(c))[2], ["v9.9.9.json", "invalid JSON"]),
    "manifest_deep": (lambda c: (c.repo.joinpath("releases").mkdir(), c.repo.joinpath(
        "releases", "v9.9.9.json").write_text(DEEP), _verify(c))[2], ["v9.9.9.json", "nested too deeply"]),
    "flipped_parquet": (lambda c: (_flip(_with_release(c) / "data" / "stance" / "test-00000-of-00001.parquet"),
                                   _verify(c))[1], ["data/stance/test-00000-of-00001.parquet", "differs"]),
    "extra_file": (lambda c: ((_with_release(c) / "extra.txt").write_text("x"), _verify(c))[1],
                   ["extra.txt", "not in the manifest"]),
    "missing_file": (lambda c: ((_with_release(c) / "README.md").unlink(), _verify(c))[1],
                     ["README.md", "missing"]),
    "inputs_changed": (lambda c: (_with_release(c), edit_line(c.gold("stance"), 1, lambda r: r["stances"][0].update(
        note="not discussed")), _verify(c))[2], ["does not rebuild identically", "stance.jsonl"]),
}


# --- evaluate -----------------------------------------------------------------------------------------

def _pred(c: Ctx, config: str, change: Callable[[list], list] | None = None) -> Path:
    d = c.inp / "pred"
    if not d.exists():
        shutil.copytree(NOISY, d)
    if change is not None:
        p = d / f"{config}.jsonl"
        recs = [json.loads(x) for x in p.read_text().splitlines()]
        p.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in change(recs)))
    return d


def _ev(c: Ctx, pred, *extra):
    return ["evaluate", "--predictions", pred, "--gold", GOLD, "--corpus", DOCUMENTS, "--resamples", "10", "--quiet",
            "--out", c.repo / "results.json", *extra]


def _item(field, i=0, **kw):
    def change(recs):
        recs[0][field][i].update(kw)
        return recs
    return change


def _e(config, change, *extra):
    return lambda c: _ev(c, _pred(c, config, change), *extra)


def _sysjson(obj):
    def setup(c):
        d = _pred(c, "stance")
        (d / "system.json").write_text(obj if isinstance(obj, str) else json.dumps(obj))
        return _ev(c, d)
    return setup


EVALUATE = {
    "invalid_json": (_e("stance", lambda r: ['{"doc_id": '] + r[1:]), ["stance.jsonl:1", "invalid JSON"]),
    "deep_nesting": (_e("stance", lambda r: [DEEP] + r[1:]), ["stance.jsonl:1", "nested too deeply"]),
    "deep_in_field": (_e("stance", lambda r: ['{"doc_id": "doc000000", "stances": ' + DEEP + "}"] + r[1:]),
                      ["stance.jsonl:1", "nested too deeply"]),
    "non_object": (_e("stance", lambda r: ["42"] + r[1:]), ["stance.jsonl:1", "expected a JSON object"]),
    "not_utf8": (lambda c: (_pred(c, "stance"), (c.inp / "pred" / "stance.jsonl").write_bytes(b"\xff\xfe{}\n"),
                            _ev(c, c.inp / "pred"))[2], ["stance.jsonl", "not UTF-8"]),
    "empty_file": (_e("stance", lambda r: []), ["stance.jsonl", "the prediction file is empty"]),
    "missing_doc_id": (_e("stance", lambda r: [{"stances": []}] + r[1:]), ["stance.jsonl:1 [doc_id]"]),
    "unknown_doc": (_e("stance", lambda r: [{**r[0], "doc_id": "nope"}] + r[1:]), ["stance.jsonl:1 [doc_id]"]),
    "doc_id_traversal": (_e("stance", lambda r: [{**r[0], "doc_id": "../../x"}] + r[1:]),
                         ["stance.jsonl:1 [doc_id]"]),
    "duplicate_record": (_e("stance", lambda r: r + [r[0]]), ["stance.jsonl:", "[doc_id]", "duplicate record"]),
    "duplicate_item": (_e("stance", lambda r: [{**r[0], "stances": r[0]["stances"][:1] * 2}] + r[1:]),
                       ["stance.jsonl:1 [stances[1]]", "duplicate item"]),
    "items_not_list": (_e("stance", lambda r: [{**r[0], "stances": "favor"}] + r[1:]),
                       ["stance.jsonl:1 [stances]"]),
    "unknown_target": (_e("stance", _item("stances", target="us-mediation")),
                       ["stance.jsonl:1 [stances[0].target]", "unknown target"]),
    "unknown_fact": (_e("facts", _item("facts", fact_id="f-typo")), ["facts.jsonl:1 [facts[0].fact_id]", "unknown fact"]),
    "bad_label": (_e("stance", _item("stances", label="pro")), ["stance.jsonl:1 [stances[0].label]"]),
    "null_label": (_e("stance", _item("stances", label=None)), ["stance.jsonl:1 [stances[0].label]"]),
    "unknown_field": (_e("stance", _item("stances", confidence=0.9)), ["[stances[0].confidence]", "unknown field"]),
    "start_outside": (_e("quotes", lambda r: [{**r[0], "quotes": [{"start": -1, "end": 4, "speaker_entity_id": None}]}]
                         + r[1:]), ["quotes.jsonl:1 [quotes[0].start]"]),
    "end_outside": (_e("quotes", lambda r: [{**r[0], "quotes": [{"start": 1, "end": 10 ** 7, "speaker_entity_id": None}]}]
                       + r[1:]), ["quotes.jsonl:1 [quotes[0].end]", "end beyond"]),
    "start_ge_end": (_e("bias_spans", lambda r: [{**r[0], "spans": [{"start": 9, "end": 9, "technique": "Doubt"}]}]
                        + r[1:]), ["bias_spans.jsonl:1 [spans[0].start]", "start >= end"]),
    "start_string": (_e("quotes", lambda r: [{**r[0], "quotes": [{"start": "1", "end": 4, "speaker_entity_id": None}]}]
                        + r[1:]), ["quotes.jsonl:1 [quotes[0].start]"]),
    "start_bool": (_e("quotes", lambda r: [{**r[0], "quotes": [{"start": True, "end": 4, "speaker_entity_id": None}]}]
                      + r[1:]), ["quotes.jsonl:1 [quotes[0].start]"]),
    "start_huge": (_e("quotes", lambda r: [{**r[0], "quotes": [{"start": 2 ** 40, "end": 2 ** 41,
                                                                 "speaker_entity_id": None}]}] + r[1:]),
                   ["quotes.jsonl:1 [quotes[0].start]"]),
    "text_differs": (_e("mentions", _item("mentions", text="zzz")), ["mentions.jsonl:1 [mentions[0].text]"]),
    "ner_overlap": (_e("mentions", lambda r: [{**r[0], "mentions": [
        {"start": 0, "end": 8, "type": "PER", "entity_id": None},
        {"start": 4, "end": 12, "type": "ORG", "entity_id": None}]}] + r[1:]), ["mentions.jsonl:1", "overlaps"]),
    "unknown_sentence": (_e("bias_sentences", _item("sentences", sentence_id="s999")),
                         ["bias_sentences.jsonl:1 [sentences[0].sentence_id]", "unknown sentence"]),
    "unknown_paragraph": (_e("frames", _item("paragraphs", paragraph_id="p999")),
                          ["frames.jsonl:1 [paragraphs[0].paragraph_id]", "unknown paragraph"]),
    "fine_role": (_e("entity_frames", lambda r: [{**r[0], "entities": [{
        "entity_id": "e1", "main_role": "antagonist", "fine_roles": ["Martyr"], "portrayal": "negative"}]}] + r[1:]),
        ["entity_frames.jsonl:1", "fine_roles[0]"]),
    "out_is_folder": (lambda c: (c.repo.joinpath("results.json").mkdir(), _ev(c, NOISY))[1], ["--out", "folder"]),
    "out_under_file": (lambda c: (c.repo.joinpath("f").write_text("x"), _ev(c, NOISY, "--out", c.repo / "f" / "r.json"))[1],
                       ["--out", "not a folder"]),
    "resamples_negative": (lambda c: _ev(c, NOISY, "--resamples", "-1"), ["--resamples"]),
    "release_not_semver": (lambda c: ["evaluate", "--predictions", NOISY, "--release", "../../x", "--quiet"],
                           ["--release", "MAJOR.MINOR.PATCH"]),
    "release_and_gold": (lambda c: _ev(c, NOISY, "--release", "v1.0.0"), ["give one of --dataset, --release, --gold"]),
    "gold_missing": (lambda c: ["evaluate", "--predictions", NOISY, "--gold", c.inp / "nogold", "--corpus", DOCUMENTS],
                     ["nogold", "not a folder"]),
    "predictions_missing": (lambda c: _ev(c, c.inp / "nothing"), ["nothing", "no such file"]),
    "file_named_unknown": (lambda c: _ev(c, c.write("foo.jsonl", "{}\n")), ["foo.jsonl", "--task"]),
    "param_without_equals": (lambda c: _ev(c, NOISY, "--param", "noequals"), ["--param"]),
    "unknown_task": (lambda c: _ev(c, NOISY, "--task", "sentiment"), ["--task"]),
    "system_json_invalid": (_sysjson("{"), ["system.json", "invalid JSON"]),
    "system_json_list": (_sysjson([1]), ["system.json", "JSON object"]),
    "system_json_deep": (_sysjson(DEEP), ["system.json", "nested too deeply"]),
    "system_json_params_list": (_sysjson({"name": "x", "parameters": [1]}), ["system.json", "[parameters]"]),
    "system_json_params_string": (_sysjson({"name": "x", "parameters": "a=1"}), ["system.json", "[parameters]"]),
    "system_json_name_number": (_sysjson({"name": 5}), ["system.json", "[name]"]),
    "system_json_tasks_string": (_sysjson({"name": "x", "tasks": "stance"}), ["system.json", "[tasks]"]),
}


# --- ls convert ---------------------------------------------------------------------------------------

def _export(c: Ctx, change: Callable[[list], object] | None = None, raw: str | None = None):
    data = json.loads((LS / "export-entities.json").read_bytes())
    text = raw if raw is not None else json.dumps(change(data) if change else data)
    p = c.write("export.json", text)
    return ["ls", "convert", p, "--project", "entities", "--story", "fixture-story", "--annotations", LS,
            "--documents", LS / "documents.jsonl", "--out", c.repo / "passes"]


def _conflict(data):
    dup = json.loads(json.dumps(data[0]))
    dup["id"] = 99
    region = next(r for r in dup["annotations"][0]["result"] if r["from_name"] == "mention")
    region["value"]["labels"] = ["ORG" if region["value"]["labels"] != ["ORG"] else "PER"]
    return data + [dup]


def _email(value):
    def change(data):
        data[0]["annotations"][0]["completed_by"]["email"] = value
        return data
    return change


LS_CONVERT = {
    "not_json": (lambda c: _export(c, raw="{"), ["export.json", "invalid JSON"]),
    "deep": (lambda c: _export(c, raw=DEEP), ["export.json", "nested too deeply"]),
    "empty": (lambda c: _export(c, raw=""), ["export.json", "empty"]),
    "object_not_list": (lambda c: _export(c, lambda d: {"tasks": d}), ["export.json", "list of tasks"]),
    "task_not_object": (lambda c: _export(c, lambda d: d + [7]), ["export.json", "[2]"]),
    "annotations_not_list": (lambda c: _export(c, lambda d: [{**d[0], "annotations": 3}] + d[1:]),
                             ["export.json", "annotations"]),
    "unknown_doc": (lambda c: _export(c, lambda d: [{**d[0], "data": {**d[0]["data"], "doc_id": "nope"}}] + d[1:]),
                    ["export.json", "data.doc_id"]),
    "text_differs": (lambda c: _export(c, lambda d: [{**d[0], "data": {**d[0]["data"], "text": "other"}}] + d[1:]),
                     ["export.json", "data.text"]),
    "conflicting_tasks": (lambda c: _export(c, _conflict), ["export.json", "task 99", "conflicts with task 2"]),
    "email_dotdot": (lambda c: _export(c, _email("..@example.org")), ["--annotator", "safe folder name"]),
    "email_hidden": (lambda c: _export(c, _email(".x@example.org")), ["--annotator", "safe folder name"]),
    "email_missing": (lambda c: _export(c, _email(None)), ["export.json", "email"]),
    "export_missing": (lambda c: ["ls", "convert", c.inp / "nope.json", "--project", "entities", "--story",
                                  "fixture-story", "--annotations", LS, "--documents", LS / "documents.jsonl"],
                       ["nope.json", "cannot read"]),
    "export_is_folder": (lambda c: ["ls", "convert", c.inp, "--project", "entities", "--story", "fixture-story",
                                    "--annotations", LS, "--documents", LS / "documents.jsonl"], ["folder"]),
}


# --- leaderboard --------------------------------------------------------------------------------------

def _sub(change=None, raw=None):
    def setup(c: Ctx):
        data = json.loads((RESULTS / "rules-clean.json").read_text())
        if change:
            change(data)
        p = c.write("sub.json", raw if raw is not None else json.dumps(data))
        return ["leaderboard", "--check", p, "--results", c.inp / "none"]
    return setup


def _no_ci(d):
    for t in d["tasks"].values():
        for m in t["metrics"].values():
            m["ci_low"] = m["ci_high"] = None


def _first_metric(**kw):
    def change(d):
        t = next(iter(d["tasks"].values()))
        next(iter(t["metrics"].values())).update(kw)
    return change


LEADERBOARD = {
    "invalid_json": (_sub(raw="{"), ["sub.json", "invalid JSON"]),
    "deep": (_sub(raw=DEEP), ["sub.json", "nested too deeply"]),
    "not_object": (_sub(raw="[]"), ["sub.json", "JSON object"]),
    "missing_tasks": (_sub(lambda d: d.pop("tasks")), ["sub.json [tasks]"]),
    "resamples_zero": (_sub(lambda d: d["bootstrap"].update(resamples=0)), ["[bootstrap.resamples]"]),
    "no_intervals": (_sub(_no_ci), ["without its interval"]),
    "value_outside_interval": (_sub(_first_metric(value=0.99, ci_low=0.1, ci_high=0.2)), ["outside its interval"]),
    "value_nan_string": (_sub(_first_metric(value="NaN")), ["numeric-or-null"]),
    "name_rlo": (_sub(lambda d: d["system"].update(name="abc\u202etxt.exe")), ["[system.name]", "U+202E"]),
    "name_isolate": (_sub(lambda d: d["system"].update(name="a\u2067b\u2069")), ["[system.name]", "U+2067"]),
    "name_20000": (_sub(lambda d: d["system"].update(name="n" * 20_000)), ["[system.name]", "20000 characters"]),
    "name_empty": (_sub(lambda d: d["system"].update(name="  ")), ["[system.name]"]),
    "name_newline": (_sub(lambda d: d["system"].update(name="a\nb")), ["[system.name]"]),
    "name_not_string": (_sub(lambda d: d["system"].update(name=["x"])), ["[system.name]"]),
    "description_bidi": (_sub(lambda d: d["system"].update(description="x\u202ey")), ["[system.description]"]),
    "version_too_long": (_sub(lambda d: d["system"].update(version="1" * 500)), ["[system.version]"]),
    "format_wrong": (_sub(lambda d: d.update(format="other")), ["[format]"]),
    "release_not_semver": (lambda c: ["leaderboard", "--check", RESULTS / "rules-clean.json", "--release", "x/../y",
                                      "--results", c.inp / "none"], ["--release", "MAJOR.MINOR.PATCH"]),
    "out_is_file": (lambda c: ["leaderboard", "--results", RESULTS, "--out", c.write("board", "mine")],
                    ["--out", "is a file"]),
    "results_empty": (lambda c: ["leaderboard", "--results", c.inp, "--out", c.repo / "board"],
                      ["no results files"]),
    "two_files_one_name": (lambda c: (shutil.copy(RESULTS / "rules-clean.json", c.write("a.json", "")),
                                      shutil.copy(RESULTS / "rules-clean.json", c.inp / "b.json"),
                                      ["leaderboard", "--results", c.inp, "--out", c.repo / "board"])[2],
                           ["[system.name]", "same system"]),
}


# --- report and predict -------------------------------------------------------------------------------

def _report(c: Ctx, out, *extra):
    return ["report", "--story", STORY, *c.io, "--out", out, *extra]


REPORT = {
    "out_is_annotations": (lambda c: _report(c, c.ann), ["did not write", "--out"]),
    "out_is_corpus": (lambda c: _report(c, c.corpus), ["did not write"]),
    "out_is_repo": (lambda c: _report(c, c.repo), ["did not write"]),
    "out_is_a_file": (lambda c: _report(c, c.write("page.html", "mine")), ["page.html", "--out"]),
    "out_has_user_file": (lambda c: (c.write("rep/index.html", "x"), c.write("rep/notes.md", "mine"),
                                     _report(c, c.inp / "rep"))[2], ["notes.md", "did not write"]),
    "out_has_subfolder": (lambda c: (c.write("rep/keep/a.txt", "mine"), _report(c, c.inp / "rep"))[1],
                          ["keep/a.txt"]),
    "out_is_symlink": (lambda c: (os.symlink(c.ann, c.inp / "link"), _report(c, c.inp / "link"))[1], ["symlink"]),
    "story_unknown": (lambda c: ["report", "--story", "nope", *c.io, "--out", c.repo / "r"], ["unknown story"]),
    "story_traversal": (lambda c: ["report", "--story", "../corpus", *c.io, "--out", c.repo / "r"],
                        ["--story", "not a safe id"]),
    "predictions_missing": (lambda c: _report(c, c.repo / "r", "--predictions", c.inp / "nope"), ["nope"]),
    "predictions_deep": (lambda c: (c.write("p/stance.jsonl", DEEP + "\n"),
                                    _report(c, c.repo / "r", "--predictions", c.inp / "p"))[1],
                         ["stance.jsonl:1", "nested too deeply"]),
}

PREDICT = {
    "out_foreign": (lambda c: ["predict", "--system", "majority", "--out", c.ann / STORY, *c.io],
                    ["did not write", "--out"]),
    "unknown_system": (lambda c: ["predict", "--system", "nope", "--out", c.repo / "p", *c.io], ["nope"]),
    "unsupported_task": (lambda c: ["predict", "--system", "majority", "--task", "ner", "--out", c.repo / "p", *c.io],
                         ["task"]),
    "missing_options": (lambda c: ["predict", *c.io], ["--system/--out"]),
}


SURFACES = {"add": ADD, "story": STORY_NEW, "validate": VALIDATE, "build": BUILD, "verify": VERIFY,
            "evaluate": EVALUATE, "ls_convert": LS_CONVERT, "leaderboard": LEADERBOARD, "report": REPORT,
            "predict": PREDICT}
CASES = [pytest.param(surface, name, id=f"{surface}-{name}") for surface, cases in SURFACES.items()
         for name in cases]


@pytest.fixture(scope="session")
def built_release(tmp_path_factory):
    """The fixture's release 9.9.9, built once for the build/verify cases."""
    root = tmp_path_factory.mktemp("release")
    c = Ctx(root)
    shutil.copytree(FIXTURE / "corpus", c.corpus)
    shutil.copytree(FIXTURE / "annotations", c.ann)
    code, out, err = cli(*_build(c))
    assert code == 0, err
    BUILT["src"] = c.repo
    return c.repo


@pytest.mark.parametrize("surface,name", CASES)
def test_guard_bad_input_is_refused_cleanly(surface, name, ctx, built_release):
    setup, expect = SURFACES[surface][name]
    argv = setup(ctx)
    check(ctx, argv, expect)


def test_guard_catalogue_is_broad():
    assert len(CASES) >= 150, len(CASES)
    assert all(len(cases) >= 4 for cases in SURFACES.values())


# --- concurrency and kills ----------------------------------------------------------------------------

@contextlib.contextmanager
def held(folder: Path):
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        os.close(fd)


@pytest.mark.parametrize("what", ["add_corpus", "add_story", "build", "story_new"])
def test_guard_busy_lock_is_a_clear_error_and_writes_nothing(ctx, monkeypatch, what):
    monkeypatch.setattr(guard, "LOCK_TIMEOUT", 0.3)
    art = ctx.write("a.txt", LONG_ARTICLE)
    folder, argv = {
        "add_corpus": (ctx.corpus, _add(ctx, art)),
        "add_story": (ctx.corpus / STORY, _add(ctx, art)),
        "build": (ctx.repo / "build", _build(ctx)),
        "story_new": (ctx.corpus, ["story", "new", "s-2", "--title", "T", "--date", "2025-01-01", *ctx.io]),
    }[what]
    folder.mkdir(exist_ok=True)
    with held(folder):
        check(ctx, argv, ["another", "try again"])


@pytest.mark.parametrize("where,prefix", [("corpus", ".staging-samestory-tmp-"),
                                          ("annotations", ".staging-samestory-tmp-"),
                                          ("build", ".samestory-v9.9.9-samestory-tmp-"),
                                          ("build", ".samestory-v9.9.9-samestory-old-"),
                                          ("inp", ".rep-samestory-tmp-"), ("inp", ".rep-samestory-old-")])
def test_guard_leftover_of_a_killed_run_is_swept_unless_held(ctx, where, prefix, built_release):
    parent = {"corpus": ctx.corpus, "annotations": ctx.ann, "build": ctx.repo / "build", "inp": ctx.inp}[where]
    if where == "build":
        shutil.copytree(built_release / "build", parent)
        shutil.copytree(built_release / "releases", ctx.repo / "releases")
    if where == "inp":
        assert cli(*_report(ctx, ctx.inp / "rep"))[0] == 0  # a report to replace
    parent.mkdir(exist_ok=True)
    dead, live = parent / f"{prefix}dead", parent / f"{prefix}live"
    mine = [parent / f".{prefix.split('-samestory')[0].lstrip('.')}.bak", parent / ".staging-notes",
            parent / ".rep.old"]  # user folders with look-alike names are never touched
    for d in (dead, live, *mine):
        (d / "sub").mkdir(parents=True, exist_ok=True)
        (d / "sub" / "half.parquet").write_bytes(b"half")
    with held(live):
        argv = {"corpus": ["story", "new", "s-3", "--title", "T", "--date", "2025-01-01", *ctx.io],
                "annotations": ["story", "new", "s-3", "--title", "T", "--date", "2025-01-01", *ctx.io],
                "build": _build(ctx),
                "inp": _report(ctx, ctx.inp / "rep")}[where]
        if where == "build":  # the release folder must really be replaced for the trash to be swept
            _flip(parent / "samestory-v9.9.9" / "README.md")
        code, out, err = cli(*argv)
        assert code == 0, err
    assert not dead.exists() and (live / "sub" / "half.parquet").read_bytes() == b"half"
    assert all((d / "sub" / "half.parquet").read_bytes() == b"half" for d in mine)
    assert not [p for p in parent.iterdir() if "-samestory-" in p.name and p not in (live,)]


# --- properties ---------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_guard_id_validator_never_lets_a_path_escape(value):
    if guard.id_problem(value, "doc_id", "f") is None:
        p = (Path("/base") / value).resolve()
        assert p.parent == Path("/base") and not value.startswith(".") and "/" not in value and "\\" not in value


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab./-_\\", max_size=30))
def test_guard_relpath_validator_stays_under_the_story(value):
    if guard.relpath_problem(value, "raw_path", "f", under="s") is None:
        p = (Path("/c") / value).resolve()
        assert str(p).startswith("/c/s/")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_guard_version_parser_accepts_only_semver(value):
    try:
        v = guard.parse_version(value)
    except Exception as exc:  # a SameStoryError naming the option, never anything else
        assert type(exc).__name__ == "SameStoryError" and "--version" in str(exc)
    else:
        parts = v.split(".")
        assert len(parts) == 3 and all(p.isdigit() and p.isascii() for p in parts) and "/" not in v


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=3), kids, max_size=3),
                    max_leaves=20), st.integers(min_value=0, max_value=200))
def test_guard_bounded_json_reader_matches_json_or_refuses(value, wrap):
    from samestory.core.errors import SameStoryError

    text = "[" * wrap + json.dumps(value) + "]" * wrap
    try:
        got = guard.loads(text, "f.jsonl", 1)
    except SameStoryError as exc:
        assert "nested too deeply" in str(exc) and guard.nesting_depth(text) > guard.MAX_DEPTH
    else:
        assert got == json.loads(text)
