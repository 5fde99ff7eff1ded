"""Add stories and articles (plain text or saved web pages) to the corpus with the seeds' guarantees.

An article is planned fully in memory (read, extract, clean, detect language, deduplicate), staged as a
small corpus in a temporary folder inside corpus/, validated there with `corpus.load_documents`, and only
then moved into place; documents.jsonl is replaced last, atomically, so a failure adds nothing.
Layout of an added document: raw/<doc_id>.<txt|html> (the file byte for byte), for HTML also
extracted/<doc_id>.txt (trafilatura's main text, the cleaner's input) and clean/<doc_id>.txt.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from samestory.version import __version__

from samestory.corpus import dedup, language, segment

from samestory.core import guard
from samestory.corpus.cleaning import CURRENT_CLEANER, PROFILES, clean, clean_to_raw
from samestory.corpus.store import (METADATA_FIELDS, STORY_FIELDS, build_document, load_documents, load_metadata,
                              load_stories, sha256_bytes, size_problem, text_problems)
from samestory.core.errors import Problem, SameStoryError
from samestory.core.jsonl import atomic_write_bytes, atomic_write_text, dumps
from samestory.schema import INVENTORIES
from tqdm import tqdm

STAGING = "staging"
"""Name of the scratch folders (`.staging-samestory-tmp-*`) `add` and `story new` build in before moving
files into place; leftovers of a killed run are swept by the next run (guard.scratch_dir), git ignores them."""
SUFFIXES = {".txt": "text", ".html": "html", ".htm": "html"}
"""File types `samestory add` accepts, by suffix (case-insensitive)."""
STORY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""A story id is a lower-case slug: letters, digits and single hyphens ('istanbul-2025-05-16')."""
MAX_TITLE = 300
MIN_ARTICLE_CHARS = 200
"""A clean text shorter than this is not an article (an empty page, a stub, a failed extraction)."""
EXTRACTOR = "trafilatura"
EXTRACT_OPTIONS = {
    "with_metadata": True, "include_comments": False, "include_tables": True, "include_images": False,
    "include_links": False, "include_formatting": False, "favor_precision": False, "favor_recall": False,
    "no_fallback": False, "deduplicate": False,
    "date_extraction_params": {"extensive_search": False, "original_date": True},
}
"""trafilatura.bare_extraction options, recorded with every extraction. Date search is restricted to the
page's markup (no free-text search), so the date is read, not guessed."""
META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)


def _problem(source, message, field=None, expected=None, found=None, line=None) -> Problem:
    return Problem(str(source), message, line=line, field=field, expected=expected, found=found)


# --- checks of user-given values ----------------------------------------------------------------------

def check_date(value: str | None, field: str, source: str = "command line") -> list[Problem]:
    """A real calendar date written YYYY-MM-DD."""
    if value is None:
        return []
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return [_problem(source, "date must be written YYYY-MM-DD", field, "YYYY-MM-DD", repr(value))]
    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        return [_problem(source, f"not a calendar date ({exc})", field, "YYYY-MM-DD", repr(value))]
    return []


def check_title(value: str | None, field: str = "title", source: str = "command line",
                limit: int = MAX_TITLE) -> list[Problem]:
    """One line of 1-limit printable characters without leading or trailing spaces."""
    if value is None:
        return []
    expected = f"one line, 1-{limit} characters, no control characters or edge spaces"
    if not value.strip():
        return [_problem(source, f"{field} is empty", field, expected, repr(value))]
    if value != value.strip() or len(value) > limit or any(not c.isprintable() for c in value):
        return [_problem(source, f"{field} is not a plain one-line text", field, expected, repr(value[:80]))]
    return []


def check_url(value: str | None, source: str = "command line") -> list[Problem]:
    if value is None or re.fullmatch(r"https?://[^\s/]+\.[^\s]+", value):
        return []
    return [_problem(source, "not an http(s) address", "url", "http(s)://host/path", repr(value))]


def check_story_id(value: str) -> list[Problem]:
    if STORY_ID.match(value):
        return []
    return [_problem("command line", "story id must be a lower-case slug", "story_id",
                     "letters, digits and single hyphens, e.g. kyiv-2025-06-01", repr(value))]


# --- stories -----------------------------------------------------------------------------------------

def new_story(corpus: Path, story_id: str, title: str, date: str, place: str | None = None,
              description: str | None = None, annotations: Path | None = None) -> tuple[Path, Path]:
    """Create corpus/<story_id>/story.json and annotations/<story_id>/ (empty inventories, empty gold/),
    staged, then renamed into place; refuse an existing id. annotations defaults to the folder beside corpus.
    Returns (story folder, annotations folder)."""
    corpus = Path(corpus)
    annotations = Path(annotations) if annotations is not None else corpus.parent / "annotations"
    problems = (check_story_id(story_id) + check_title(title) + check_date(date, "event_date")
                + check_title(place, "place") + check_title(description, "description", limit=2000))
    if problems:
        raise SameStoryError(f"cannot create story {story_id!r}", problems)
    target, atarget = corpus / story_id, annotations / story_id
    exists = [_problem(t, "folder exists") for t in (target, atarget) if t.exists()]
    if exists:
        raise SameStoryError(f"story {story_id!r} already exists", exists)
    story = {"story_id": story_id, "title": title, "event_date": date, "place": place, "description": description}
    assert tuple(story) == STORY_FIELDS
    corpus.mkdir(parents=True, exist_ok=True)
    annotations.mkdir(parents=True, exist_ok=True)
    with guard.locked(corpus, "changing this corpus"), guard.scratch_dir(corpus, STAGING) as stage, \
            guard.scratch_dir(annotations, STAGING) as astage:
        (stage / story_id).mkdir()
        atomic_write_text(stage / story_id / "story.json", json.dumps(story, ensure_ascii=False, indent=2) + "\n")
        (astage / story_id / "gold").mkdir(parents=True)
        for name in INVENTORIES:  # empty inventories: rows are added by annotators (layout in schema.py)
            atomic_write_text(astage / story_id / f"{name}.jsonl", "")
        for t in (target, atarget):  # rename onto an empty folder would succeed: check just before
            if t.exists():
                raise SameStoryError(f"story {story_id!r} already exists", [_problem(t, "folder appeared meanwhile")])
        os.rename(stage / story_id, target)
        try:
            os.rename(astage / story_id, atarget)
        except BaseException:  # annotations could not be placed: take the story folder back out
            shutil.rmtree(target, ignore_errors=True)
            raise
    return target, atarget


# --- reading sources ---------------------------------------------------------------------------------

@dataclass
class Source:
    """One input file: its bytes, its kind and, once decoded, its text."""

    path: Path
    kind: str
    data: bytes
    text: str = ""
    encoding: str = "utf-8"
    encoding_source: str = "valid UTF-8"


def collect(inputs: list[Path]) -> tuple[list[Path], list[Path]]:
    """Files to add (named files, and .txt/.html/.htm files under named folders, sorted) and skipped files."""
    files, skipped, problems = [], [], []
    for p in map(Path, inputs):
        if p.is_dir():
            for f in sorted(q for q in p.rglob("*") if q.is_file()):
                (files if f.suffix.lower() in SUFFIXES else skipped).append(f)
        elif not p.exists():
            problems.append(_problem(p, "no such file or folder"))
        elif p.suffix.lower() not in SUFFIXES:
            problems.append(_problem(p, "unsupported file type", "suffix", ", ".join(SUFFIXES), repr(p.suffix)))
        else:
            files.append(p)
    if problems:
        raise SameStoryError("cannot read the input", problems)
    if not files:
        raise SameStoryError("no .txt, .html or .htm file to add", [_problem(p, "nothing to add") for p in inputs])
    return files, skipped


def _guess_encoding(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1 << 20]).best()  # a sample: the guess only adds one reading to the advice
    return best.encoding if best else None


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


def read_source(path: Path) -> Source:
    """Read and decode one file; empty, binary and non-UTF-8 text files are refused with the reason."""
    path = Path(path)
    too_big = size_problem(path, path.stat().st_size)
    if too_big:  # checked before reading: cost stays bounded whatever the file
        raise SameStoryError(f"{path}: file too large", [too_big])
    data = path.read_bytes()
    kind = SUFFIXES[path.suffix.lower()]
    if not data.strip():
        raise SameStoryError(f"{path}: empty file", [_problem(path, "empty file (or only whitespace)",
                                                              found=f"{len(data)} bytes")])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SameStoryError(f"{path}: not UTF-8", [_problem(
            path, "the file is UTF-16 (byte-order mark found); save it as UTF-8 first", "encoding", "UTF-8", "UTF-16")])
    if _looks_binary(data):
        raise SameStoryError(f"{path}: binary file", [_problem(
            path, "binary file: not text or HTML (NUL or control bytes found)", expected="text",
            found=repr(data[:16]))])
    src = Source(path, kind, data)
    try:
        src.text = data.decode("utf-8")
        return src
    except UnicodeDecodeError as exc:
        bad = exc
    line = data[:bad.start].count(b"\n") + 1
    guess = _guess_encoding(data)
    if kind == "html":
        declared = META_CHARSET.search(data[:4096])
        if declared:
            name = declared.group(1).decode("ascii").lower()
            try:
                src.text, src.encoding, src.encoding_source = data.decode(name), name, "declared by the page"
                return src
            except (LookupError, UnicodeDecodeError) as exc:
                raise SameStoryError(f"{path}: cannot decode", [_problem(
                    path, f"the page declares charset {name!r} but does not decode with it ({exc})",
                    "encoding", name, guess)])
    advice = encoding_advice(data, bad.start, guess)
    hint = "" if kind == "text" else " and declares no charset"
    raise SameStoryError(f"{path}: not UTF-8{hint}", [_problem(
        path, f"invalid UTF-8 byte 0x{data[bad.start]:02x} at offset {bad.start}; {advice}", "encoding",
        "UTF-8", f"byte 0x{data[bad.start]:02x}", line=line)])


SINGLE_BYTE = ("latin-1", "cp1252", "cp1250", "iso8859-15")
"""Single-byte encodings that decode almost any bytes: which one a file uses cannot be detected reliably
(ñ in latin-1 is ń in cp1250), so the advice shows what each makes of the text instead of guessing."""


def encoding_advice(data: bytes, offset: int, guess: str | None) -> str:
    """Neutral advice for a non-UTF-8 file: the text around the first bad byte as each plausible encoding
    reads it, and the command to convert once the user has seen which one is right."""
    lo = data.rfind(b"\n", 0, offset) + 1
    hi = data.find(b"\n", offset)
    lo, hi = max(lo, offset - 30), min(hi if hi != -1 else len(data), offset + 30)
    groups: dict[str, list[str]] = {}  # reading -> encodings that give it
    for enc in dict.fromkeys([*SINGLE_BYTE, *([guess] if guess else [])]):
        try:
            groups.setdefault(data[lo:hi].decode(enc), []).append(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    readings = [f"{'/'.join(encs)}: {shown!r}" for shown, encs in groups.items()]
    return ("the encoding cannot be told for sure from the bytes; around it the text reads as "
            + "; ".join(readings[:5])
            + ". Raw files are kept byte for byte, so convert it first with the encoding that reads right: "
              "iconv -f ENCODING -t UTF-8 FILE > FILE.utf8.txt")


def html_lang(html: str) -> str | None:
    """The page's declared language: the primary subtag of <html lang=…>, parsed by trafilatura's loader."""
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return None
    root = tree.getroottree().getroot()
    lang = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    code = lang.split("-")[0].split("_")[0].lower()
    return code if len(code) == 2 and code.isalpha() else None


def extract(src: Source) -> tuple[str, dict, dict]:
    """(main text, extracted metadata, provenance) of a saved web page, via trafilatura."""
    from trafilatura import bare_extraction

    doc = bare_extraction(src.text, **EXTRACT_OPTIONS)
    text = (doc.text if doc is not None else None) or ""
    if not text.strip():
        raise SameStoryError(f"{src.path}: no article found", [_problem(
            src.path, f"no article: {EXTRACTOR} found no main text in this page (navigation or an empty page only?)")])
    meta = {"title": doc.title, "author": doc.author, "date": doc.date, "sitename": doc.sitename,
            "url": doc.url, "language": html_lang(src.text)}
    meta = {k: (v.strip() if isinstance(v, str) and v.strip() else None) for k, v in meta.items()}
    provenance = {"tool": EXTRACTOR, "version": version(EXTRACTOR), "function": "bare_extraction",
                  "options": EXTRACT_OPTIONS, "input_encoding": src.encoding,
                  "input_encoding_source": src.encoding_source, "metadata": meta}
    return text, meta, provenance


# --- planning -----------------------------------------------------------------------------------------

@dataclass
class Options:
    """Metadata given on the command line (None = not given); it wins over anything extracted."""

    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    notes: str | None = None
    machine_translated: bool = False
    profile: str = "default"
    allow_near_duplicate: bool = False
    translation_of: str | None = None
    """doc_id of the document (same story) the added article translates."""

    def check(self, n_files: int) -> list[Problem]:
        p = (check_title(self.title) + check_title(self.outlet, "outlet") + check_title(self.byline, "byline")
             + check_url(self.url) + check_date(self.published, "published"))
        if self.notes is not None and not self.notes.strip():
            p.append(_problem("command line", "notes are empty", "notes"))
        if self.language is not None and not language.is_iso639_1(self.language):
            p.append(_problem("command line", "not an ISO 639-1 language code", "language", "e.g. en, de, fr",
                              repr(self.language)))
        if self.profile not in PROFILES:
            p.append(_problem("command line", "unknown cleaning profile", "profile", ", ".join(PROFILES),
                              repr(self.profile)))
        for name in ("title", "url", "byline", "translation_of"):
            if getattr(self, name) is not None and n_files > 1:
                p.append(_problem("command line", f"--{name.replace('_', '-')} describes one article; add the "
                                  "files one by one",
                                  name, "one file", f"{n_files} files"))
        return p


@dataclass
class Planned:
    """An article ready to be written: its files, its metadata row and what the checks found."""

    source: Source
    doc_id: str
    meta: dict
    cleaner_input: str
    row: dict
    near: list[tuple[str, float]] = field(default_factory=list)
    cross: list = field(default_factory=list)
    """Cross-language duplicates (dedup.CrossMatch) of documents already in the story."""
    messages: list[str] = field(default_factory=list)

    @property
    def raw_name(self) -> str:
        return f"{self.doc_id}.{'html' if self.source.kind == 'html' else 'txt'}"


def _pick(cli, *found) -> tuple[object, str | None]:
    """The CLI value if given, else the first found (value, origin) pair with a value; else (None, None)."""
    if cli is not None:
        return cli, "command line"
    return next(((v, o) for v, o in found if v is not None), (None, None))


def _language(opts: Options, text: str, declared: str | None, src: Source) -> tuple[str, str, dict, list[str]]:
    """(code, origin, detection record, messages): CLI wins; else a reliable detection that agrees with
    the page's declared language; else the declared language; else refuse."""
    det = language.detect(text)
    msgs = []
    if opts.language:
        if det.reliable and det.language != opts.language:
            msgs.append(f"note: --language {opts.language} given, but the text reads as {det.language} "
                        f"({det.confidence:.2f}); keeping {opts.language}")
        code, origin = opts.language, "command line"
    elif det.reliable and declared and declared != det.language:
        raise SameStoryError(f"{src.path}: language unclear", [_problem(
            src.path, f"the page declares lang={declared} but the text reads as {det.language} "
            f"({det.confidence:.2f}); pass --language", "language", declared, det.language)])
    elif det.reliable:
        code, origin = det.language, f"detected ({language.TOOL})"
    elif declared:
        code, origin = declared, "declared by the page (<html lang>)"
        msgs.append(f"note: detection unreliable ({det.language} {det.confidence:.2f}); using the page's lang")
    else:
        raise SameStoryError(f"{src.path}: language unclear", [_problem(
            src.path, f"language detection is unreliable on this text ({det.language or 'none'} at "
            f"{det.confidence:.2f}, {len(text)} characters); pass --language", "language")])
    if segment.pipeline_name(code) != code:
        msgs.append(f"note: {fallback_note(code)}")
    return code, origin, det.as_record(), msgs


def fallback_note(code: str) -> str:
    """The note recorded (and released, in `notes`) when a language is segmented by spaCy's `xx` pipeline."""
    return (f"Segmented with spaCy's multi-language pipeline ({segment.FALLBACK}) and its rule-based "
            f"sentencizer: spaCy has no blank pipeline for language {code!r} here.")


def plan_one(src: Source, story_id: str, seq: int, opts: Options) -> Planned:
    """Extract (HTML), clean, detect language and build the metadata row and document of one article."""
    sha = sha256_bytes(src.data)
    doc_id = f"{seq:03d}_{sha[:16]}"
    extracted, emeta, provenance = (None, {}, None)
    if src.kind == "html":
        extracted, emeta, provenance = extract(src)
    cleaner_input = extracted if extracted is not None else src.text
    limits = text_problems(cleaner_input, str(src.path))
    if limits:
        raise SameStoryError(f"{src.path}: not an article of a sane size", limits)
    guess = opts.language or language.detect(cleaner_input).language  # picks jusText's stoplist
    result = clean(cleaner_input, PROFILES[opts.profile], cleaner=CURRENT_CLEANER, language=guess)
    if len(result.text) < MIN_ARTICLE_CHARS:
        what = "extracted main text" if extracted is not None else "text"
        raise SameStoryError(f"{src.path}: no article", [_problem(
            src.path, f"no article: after cleaning, the {what} has only {len(result.text)} characters",
            expected=f">= {MIN_ARTICLE_CHARS} characters", found=repr(result.text[:80]))])
    code, lang_origin, detection, msgs = _language(opts, result.text, emeta.get("language"), src)
    if code != guess:  # the clean text reads as another language than the whole page: clean with its stoplist
        result = clean(cleaner_input, PROFILES[opts.profile], cleaner=CURRENT_CLEANER, language=code)
    title = _pick(opts.title, (emeta.get("title"), "extracted"), (result.title, "repeated headline"))
    outlet = _pick(opts.outlet, (emeta.get("sitename"), "extracted"))
    byline = _pick(opts.byline, (emeta.get("author"), "extracted"), (result.byline, "cleaner (byline/bio line)"))
    url = _pick(opts.url, (emeta.get("url"), "extracted"))
    published = _pick(opts.published, (emeta.get("date"), "extracted"))
    problems = (check_title(title[0], "title", f"{src.path} (extracted)") + check_url(url[0], f"{src.path}")
                + check_date(published[0], "published", f"{src.path} (extracted)"))
    if problems:
        raise SameStoryError(f"{src.path}: extracted metadata is malformed; give it on the command line", problems)
    ext = "html" if src.kind == "html" else "txt"
    notes = opts.notes
    if segment.pipeline_name(code) != code:
        notes = f"{notes} {fallback_note(code)}" if notes else fallback_note(code)
    meta = {
        "doc_id": doc_id, "story_id": story_id, "raw_path": f"{story_id}/raw/{doc_id}.{ext}", "raw_sha256": sha,
        "title": title[0], "outlet": outlet[0], "byline": byline[0], "url": url[0], "published": published[0],
        "language": code, "machine_translated": bool(opts.machine_translated), "notes": notes,
        "profile": opts.profile, "cleaner": CURRENT_CLEANER, "translation_of": opts.translation_of,
        "source": {"file": src.path.name, "format": src.kind, "encoding": src.encoding},
        "metadata_origin": {"title": title[1], "outlet": outlet[1], "byline": byline[1], "url": url[1],
                            "published": published[1], "language": lang_origin},
        "language_detection": detection,
        "segmentation": segment.provenance(code),
        "added_by": f"samestory {__version__} add",
    }
    if extracted is not None:
        meta.update({"extracted_path": f"{story_id}/extracted/{doc_id}.txt",
                     "extracted_sha256": sha256_bytes(extracted.encode("utf-8")), "extraction": provenance})
    assert all(k in meta for k in METADATA_FIELDS)
    row = build_document(meta, cleaner_input)
    meta["clean_sha256"] = row["clean_sha256"]
    return Planned(src, doc_id, meta, cleaner_input, row, messages=msgs)


def plan(corpus: Path, story_id: str, inputs: list[Path], opts: Options) -> tuple[list[Planned], list[Path]]:
    """Plan every file or refuse them all: unknown story, bad options or input, duplicates."""
    corpus = Path(corpus)
    stories = {s["story_id"] for s in load_stories(corpus)}
    if story_id not in stories:
        raise SameStoryError(f"unknown story {story_id!r}", [_problem(
            corpus, "no such story; create it with `samestory story new`", "story", ", ".join(sorted(stories)) or
            "an existing story", story_id)])
    files, skipped = collect(inputs)
    problems = opts.check(len(files))
    if problems:
        raise SameStoryError("bad command-line metadata", problems)
    existing = load_documents(corpus)  # also checks the corpus is sound before anything is added
    by_sha = {d["raw_sha256"]: d["doc_id"] for d in existing}
    texts = {d["doc_id"]: d["text"] for d in existing}
    story_docs = {d["doc_id"]: d for d in existing if d["story_id"] == story_id}
    if opts.translation_of is not None and opts.translation_of not in story_docs:
        raise SameStoryError("bad --translation-of", [_problem(
            "command line", "--translation-of must name a document of this story", "translation_of",
            ", ".join(sorted(story_docs)) or "a document of the story (add the original first)",
            repr(opts.translation_of))])
    seq = sum(1 for _, _, m in load_metadata(corpus) if m.get("story_id") == story_id)
    planned, problems = [], []
    for path in tqdm(files, desc="add", unit="file", disable=len(files) < 5):
        try:
            src = read_source(path)
            sha = sha256_bytes(src.data)
            if sha in by_sha:
                raise SameStoryError(f"{path}: exact duplicate", [_problem(
                    path, f"exact duplicate: same bytes (sha256 {sha[:16]}…) as {by_sha[sha]}; refused",
                    "raw_sha256")])
            p = plan_one(src, story_id, seq + len(planned), opts)
        except SameStoryError as exc:
            problems.extend(exc.problems or [_problem(path, str(exc))])
            continue
        p.near = dedup.near_duplicates(p.row["text"], texts)
        if p.near and not opts.allow_near_duplicate:
            problems.extend(_problem(path, f"near duplicate of {d}: MinHash similarity {s:.2f} >= "
                                     f"{dedup.THRESHOLD} over {dedup.SHINGLE}-word shingles; pass "
                                     "--allow-near-duplicate to add it anyway", "text", f"< {dedup.THRESHOLD}",
                                     f"{s:.2f}") for d, s in p.near)
        p.cross = [c for c in dedup.cross_language_duplicates(p.row, list(story_docs.values()))
                   if c.doc_id != opts.translation_of]
        if p.cross and not opts.allow_near_duplicate:
            problems.extend(_problem(path, f"likely translation of {c.doc_id} ({c.language}): {c.explain()}; pass "
                                     f"--translation-of {c.doc_id} if it is, or --allow-near-duplicate if not",
                                     "text", f"< {dedup.FINGERPRINT_THRESHOLD}", f"{c.score:.2f}") for c in p.cross)
        if p.near:
            p.meta["near_duplicates"] = [{"doc_id": d, "similarity": round(s, 4)} for d, s in p.near]
        if p.cross:
            p.meta["cross_language_duplicates"] = [c.as_record() for c in p.cross]
        by_sha[p.meta["raw_sha256"]] = f"{p.doc_id} ({path}, in this batch)"
        texts[p.doc_id] = p.row["text"]
        story_docs[p.doc_id] = p.row
        planned.append(p)
    if problems:
        raise SameStoryError(f"nothing added: {len(problems)} problem(s)", problems)
    return planned, skipped


# --- validation and writing --------------------------------------------------------------------------

def validate(p: Planned, row: dict) -> list[Problem]:
    """The staged document, as load_documents builds it, is the planned one and is internally sound."""
    where = f"{p.source.path} ({p.doc_id})"
    problems = []
    if row["text"] != p.row["text"]:
        problems.append(_problem(where, "staged clean text differs from the planned one"))
    text, src = row["text"], p.cleaner_input
    if any(src[clean_to_raw(i, row["removals"])] != ch for i, ch in enumerate(text)):
        problems.append(_problem(where, "a clean offset does not map back to the same character"))
    if not row["paragraphs"] or not row["sentences"]:
        problems.append(_problem(where, "no paragraphs or sentences"))
    paras = {q["id"]: q for q in row["paragraphs"]}
    for s in row["sentences"]:
        q = paras.get(s["paragraph_id"])
        if q is None or not (q["start"] <= s["start"] < s["end"] <= q["end"]):
            problems.append(_problem(where, f"sentence {s['id']} lies outside its paragraph", "sentences"))
    return problems


def commit(corpus: Path, story_id: str, planned: list[Planned], dry_run: bool = False) -> list[dict]:
    """Stage, validate with load_documents, then move files into place and replace documents.jsonl last.
    Returns the validated `documents` rows. With dry_run, nothing in the corpus changes."""
    corpus = Path(corpus)
    story_dir = corpus / story_id
    with guard.locked(story_dir, "writing to this story", timeout=0, holder="another `samestory add`"), \
            guard.scratch_dir(corpus, STAGING) as stage:
        moved: list[Path] = []
        made: list[Path] = []
        try:
            sdir = stage / story_id
            sdir.mkdir()
            shutil.copy2(story_dir / "story.json", sdir / "story.json")
            files: list[tuple[Path, Path]] = []
            for p in planned:
                pairs = [(f"raw/{p.raw_name}", p.source.data),
                         (f"clean/{p.doc_id}.txt", p.row["text"].encode("utf-8"))]
                if p.source.kind == "html":
                    pairs.append((f"extracted/{p.doc_id}.txt", p.cleaner_input.encode("utf-8")))
                for rel, data in pairs:
                    atomic_write_bytes(sdir / rel, data)
                    files.append((sdir / rel, story_dir / rel))
            new_lines = "".join(dumps(p.meta) + "\n" for p in planned)
            atomic_write_text(sdir / "documents.jsonl", new_lines)
            rows = {r["doc_id"]: r for r in load_documents(stage, translations=False)}  # links checked in plan
            problems = [q for p in planned for q in validate(p, rows[p.doc_id])]
            problems += [_problem(dst, "would overwrite an existing file") for _, dst in files if dst.exists()]
            if problems:
                raise SameStoryError("validation failed; nothing added", problems)
            if dry_run:
                return [rows[p.doc_id] for p in planned]
            for src, dst in files:
                if not dst.parent.exists():
                    dst.parent.mkdir(parents=True)
                    made.append(dst.parent)
                os.replace(src, dst)
                moved.append(dst)
            docs = story_dir / "documents.jsonl"
            old = docs.read_bytes() if docs.exists() else b""
            if old and not old.endswith(b"\n"):
                old += b"\n"
            atomic_write_bytes(docs, old + new_lines.encode("utf-8"))
            moved.clear()
            made.clear()
            return [rows[p.doc_id] for p in planned]
        finally:
            for dst in moved:  # roll back files moved before a failure; they were new
                dst.unlink(missing_ok=True)
            for d in made:
                if not any(d.iterdir()):
                    d.rmdir()


def add(corpus: Path, story_id: str, inputs: list[Path], opts: Options, dry_run: bool = False):
    """Plan, validate and write; returns (planned, rows, skipped files). The corpus lock is taken BEFORE
    planning: numbering (000_, 001_, …) and the duplicate checks read the corpus, so two concurrent runs
    must not both plan against the same state (a second run waits, then sees the first one's documents)."""
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise SameStoryError(f"{corpus}: no such corpus folder", [_problem(corpus, "not a folder", "--corpus")])
    with guard.locked(corpus, "adding articles to this corpus"):
        planned, skipped = plan(corpus, story_id, inputs, opts)
        rows = commit(corpus, story_id, planned, dry_run=dry_run)
    return planned, rows, skipped
