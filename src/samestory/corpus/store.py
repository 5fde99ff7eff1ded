"""The corpus: stories, their raw documents (byte-for-byte), curated metadata and frozen clean text.

Layout per story: corpus/<story_id>/story.json, documents.jsonl (curated metadata, one row per
document), raw/<file> (never edited) and clean/<doc_id>.txt (frozen output of the cleaner, which every
annotation offset points into). More stories and documents need no code change.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from samestory.core import guard, paths
from samestory.corpus.cleaning import CLEANERS, PROFILES, clean
from samestory.core.errors import Problem, SameStoryError
from samestory.core.jsonl import read_jsonl
from samestory.corpus.segment import paragraphs, sentences

STORY_FIELDS = ("story_id", "title", "event_date", "place", "description")
METADATA_FIELDS = ("doc_id", "story_id", "raw_path", "raw_sha256", "title", "outlet", "byline", "url",
                   "published", "language", "machine_translated", "notes", "profile")
"""Fields of corpus/<story>/documents.jsonl, written by curators (and by `samestory add`)."""
OPTIONAL_METADATA = {"cleaner": "v1", "translation_of": None}
"""Fields a documents.jsonl row may omit, with their value when absent: rows written before they existed
(the seed release) were cleaned by cleaner v1 and link no translation."""


MAX_RAW_BYTES = 10 * 1024 * 1024
"""Largest raw file accepted (a saved web page with its markup; article text is far smaller)."""
MAX_TEXT_CHARS = 1_000_000
"""Longest article text (raw text, or text extracted from a page): about 150,000 words, ten times a long read."""
MAX_LINE_CHARS = 50_000
"""Longest line of an article text: a paragraph longer than this is a broken file, not prose."""
MAX_PARAGRAPHS = 5_000
"""Most non-blank lines (at most one paragraph each) in an article text."""


def size_problem(path: Path, size: int, line: int | None = None, field: str | None = None) -> Problem | None:
    """A Problem when a raw file exceeds MAX_RAW_BYTES (checked before reading it)."""
    if size <= MAX_RAW_BYTES:
        return None
    return Problem(str(path), "file too large for an article", line=line, field=field,
                   expected=f"<= {MAX_RAW_BYTES // (1024 * 1024)} MiB", found=f"{size / 1024 / 1024:.1f} MiB")


def text_problems(text: str, where: str, line: int | None = None) -> list[Problem]:
    """Limits on an article text (size, line length, paragraph count), so every later step stays small and
    linear; each Problem says which limit and by how much."""
    out = []
    if len(text) > MAX_TEXT_CHARS:
        out.append(Problem(where, "text too long for an article", line=line,
                           expected=f"<= {MAX_TEXT_CHARS} characters", found=f"{len(text)} characters"))
    longest, lineno = max(((len(x), i) for i, x in enumerate(text.split("\n"), 1)), default=(0, 0))
    if longest > MAX_LINE_CHARS:
        out.append(Problem(where, f"line {lineno} of the text is too long (no line breaks?)", line=line,
                           expected=f"<= {MAX_LINE_CHARS} characters per line", found=f"{longest} characters"))
    paras = sum(1 for x in text.split("\n") if x.strip())
    if paras > MAX_PARAGRAPHS:
        out.append(Problem(where, "too many paragraphs (non-blank lines) for an article", line=line,
                           expected=f"<= {MAX_PARAGRAPHS}", found=str(paras)))
    return out


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def story_dirs(corpus_dir: Path = paths.CORPUS) -> list[Path]:
    return sorted(p.parent for p in Path(corpus_dir).glob("*/story.json"))


def load_stories(corpus_dir: Path = paths.CORPUS) -> list[dict]:
    """Every story.json, sorted by story_id; missing fields are an error."""
    out = []
    for d in story_dirs(corpus_dir):
        f = d / "story.json"
        story = guard.read_json(f, "story.json")
        if not isinstance(story, dict):
            raise SameStoryError(f"{f}: not a JSON object", [Problem(str(f), "wrong type", expected="a JSON object",
                                                                    found=type(story).__name__)])
        missing = [k for k in STORY_FIELDS if k not in story]
        if missing:
            raise SameStoryError(f"{f}: missing fields", [Problem(str(f), "missing field", field=k) for k in missing])
        if story["story_id"] != d.name:
            raise SameStoryError(f"{f}: story_id does not match its folder",
                                 [Problem(str(f), "story_id must equal the folder name", field="story_id",
                                          expected=d.name, found=story["story_id"])])
        out.append({k: story[k] for k in STORY_FIELDS})
    return out


def load_metadata(corpus_dir: Path = paths.CORPUS) -> list[tuple[Path, int, dict]]:
    """(documents.jsonl path, line, record) for every curated document row."""
    out = []
    for d in story_dirs(corpus_dir):
        f = d / "documents.jsonl"
        if f.exists():
            out.extend((f, line, rec) for line, rec in read_jsonl(f))
    return out


def metadata_problems(f: Path, line: int, meta: dict) -> list[Problem]:
    """Ids and paths of one documents.jsonl row that would build an unsafe path (checked before any use):
    doc_id and story_id are safe ids, raw_path and extracted_path lie under the story's folder."""
    out = [p for p in (guard.id_problem(meta.get("doc_id"), "doc_id", str(f), line),
                       guard.id_problem(meta.get("story_id"), "story_id", str(f), line)) if p]
    if out:
        return out
    for key in ("raw_path", "extracted_path"):
        if key == "raw_path" or meta.get(key) is not None:
            p = guard.relpath_problem(meta.get(key), key, str(f), line, under=meta["story_id"])
            if p:
                out.append(p)
    return out


def read_raw(corpus_dir: Path, meta: dict, where: tuple[Path, int]) -> tuple[str, list[Problem]]:
    """The cleaner's input, after checking it exists, matches its sha256 and decodes as UTF-8: the raw
    text, or for a web page (meta has `extracted_path`) the text extracted from the raw HTML."""
    f, line = where
    raw_path = Path(corpus_dir) / meta["raw_path"]
    if not raw_path.is_file():
        return "", [Problem(str(f), f"raw file {raw_path} is missing", line=line, field="raw_path")]
    too_big = size_problem(raw_path, raw_path.stat().st_size)
    if too_big:
        return "", [too_big]
    data = raw_path.read_bytes()
    problems = []
    digest = sha256_bytes(data)
    if digest != meta["raw_sha256"]:
        problems.append(Problem(str(raw_path), "raw file changed (sha256 mismatch); raw text is never edited",
                                field="raw_sha256", expected=meta["raw_sha256"], found=digest))
    if meta.get("extracted_path"):  # HTML page: clean the stored extraction (see docs/adding-articles.md)
        derived = {**meta, "raw_path": meta["extracted_path"], "raw_sha256": meta.get("extracted_sha256"),
                   "extracted_path": None}
        text, more = read_raw(corpus_dir, derived, where)
        renamed = [Problem(p.file, p.message.replace("raw ", "extracted "), p.line,
                           p.field and p.field.replace("raw_", "extracted_"), p.expected, p.found) for p in more]
        return text, problems + renamed
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(str(raw_path), f"not UTF-8 (invalid byte at offset {exc.start})"))
        return "", problems
    limits = text_problems(text, str(raw_path))
    if limits:
        return "", problems + limits
    return text, problems


def clean_path(corpus_dir: Path, meta: dict) -> Path:
    guard.check_id(meta["story_id"], "story_id", "documents.jsonl")
    guard.check_id(meta["doc_id"], "doc_id", "documents.jsonl")
    return Path(corpus_dir) / meta["story_id"] / "clean" / f"{meta['doc_id']}.txt"


def extraction_json(extraction: dict | str | None) -> str | None:
    """A web page's extraction provenance as compact, key-sorted JSON (the `extraction` field); None stays None."""
    if extraction is None or isinstance(extraction, str):
        return extraction
    return json.dumps(extraction, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def build_document(meta: dict, raw: str) -> dict:
    """The `documents` config row for one document: metadata, clean text, segments, removals. `raw` is
    the cleaner's input: the raw text, or for a web page the extracted text (provenance filled, else null)."""
    cleaner = meta.get("cleaner") or OPTIONAL_METADATA["cleaner"]
    result = clean(raw, PROFILES[meta.get("profile") or "default"], cleaner=cleaner, language=meta["language"])
    text = result.text
    paras = paragraphs(text)
    return {
        "doc_id": meta["doc_id"], "story_id": meta["story_id"], "title": meta.get("title"),
        "outlet": meta.get("outlet"), "byline": meta.get("byline"), "author_bio": result.author_bio,
        "url": meta.get("url"), "published": meta.get("published"), "language": meta["language"],
        "machine_translated": bool(meta["machine_translated"]), "notes": meta.get("notes"),
        "translation_of": meta.get("translation_of"), "cleaner": cleaner,
        "raw_path": meta["raw_path"], "raw_sha256": meta["raw_sha256"],
        "extracted_path": meta.get("extracted_path"), "extracted_sha256": meta.get("extracted_sha256"),
        "extraction": extraction_json(meta.get("extraction")),
        "clean_sha256": sha256_bytes(text.encode("utf-8")), "text": text,
        "paragraphs": paras, "sentences": sentences(text, paras, meta["language"]),
        "removals": [r.as_record() for r in result.removals],
    }


def _check_optional(meta: dict) -> list[tuple[str, str, str]]:
    """(field, message, expected) for a bad `cleaner` value (translation_of is checked per story)."""
    cleaner = meta.get("cleaner", "v1")
    if cleaner not in CLEANERS:
        return [("cleaner", "unknown cleaner version", ", ".join(CLEANERS))]
    return []


def check_translations(metas: list[tuple[Path, int, dict]]) -> list[Problem]:
    """Every `translation_of` names another document of the same story, and no chain loops back."""
    by_id = {m.get("doc_id"): m for _, _, m in metas}
    problems = []
    for f, line, m in metas:
        target = m.get("translation_of")
        if target is None:
            continue
        other = by_id.get(target) if isinstance(target, str) else None
        if other is None or target == m.get("doc_id") or other.get("story_id") != m.get("story_id"):
            problems.append(Problem(str(f), "translation_of must name another document of the same story",
                                    line=line, field="translation_of", expected="a doc_id of story "
                                    f"{m.get('story_id')}", found=repr(target)))
            continue
        seen, cur = {m.get("doc_id")}, other
        while cur is not None and cur.get("translation_of"):
            if cur["doc_id"] in seen:
                problems.append(Problem(str(f), "translation_of forms a cycle", line=line, field="translation_of",
                                        found=" -> ".join(sorted(seen))))
                break
            seen.add(cur["doc_id"])
            cur = by_id.get(cur["translation_of"])
    return problems


SEQ = re.compile(r"(\d{3,})_[0-9a-f]{16}")
"""doc ids written by `samestory add`: a per-story sequence number and the raw file's sha256 prefix."""


def _seq_key(meta: dict) -> str | None:
    m = SEQ.fullmatch(str(meta.get("doc_id")))
    return f"seq:{meta.get('story_id')}:{int(m.group(1))}" if m else None


def load_rows(corpus_dir: Path, metas: list[tuple[Path, int, dict]], seen: dict[str, str],
              problems: list[Problem], check: bool = True) -> tuple[list[dict], set[str]]:
    """`documents` rows for the given metadata rows (e.g. one story's), appending every problem (missing
    field, duplicate id across calls via `seen`, missing/edited/non-UTF-8 raw file, stale or missing clean
    text) to `problems`. Returns (rows sorted by doc_id, ids of documents that could not be built)."""
    rows, broken = [], set()
    for f, line, meta in metas:
        missing = [k for k in METADATA_FIELDS if k not in meta]
        if missing:
            problems.extend(Problem(str(f), "missing field", line=line, field=k) for k in missing)
            broken.add(meta.get("doc_id") if isinstance(meta.get("doc_id"), str) else None)
            continue
        unsafe = metadata_problems(f, line, meta)
        if unsafe:
            problems.extend(unsafe)
            broken.add(meta["doc_id"] if isinstance(meta["doc_id"], str) else None)
            continue
        bad = _check_optional(meta)
        if bad:
            problems.extend(Problem(str(f), msg, line=line, field=k, expected=exp, found=repr(meta.get(k)))
                            for k, msg, exp in bad)
            broken.add(meta.get("doc_id"))
            continue
        if meta["doc_id"] in seen:
            problems.append(Problem(str(f), f"duplicate doc_id (first at {seen[meta['doc_id']]})", line=line,
                                    field="doc_id", found=meta["doc_id"]))
            continue
        seen[meta["doc_id"]] = f"{f}:{line}"
        for key, field, what in ((f"raw_sha256:{meta['raw_sha256']}", "raw_sha256", "exact duplicate (same raw "
                                  "file bytes)"),
                                 (_seq_key(meta), "doc_id", "document number used twice in the story")):
            if key is None:
                continue
            if key in seen:  # what concurrent `add`s once produced: refuse it here too
                problems.append(Problem(str(f), f"{what} as {seen[key]}", line=line, field=field,
                                        found=str(meta.get(field))))
            seen.setdefault(key, f"{meta['doc_id']} ({f}:{line})")
        raw, raw_problems = read_raw(corpus_dir, meta, (f, line))
        problems.extend(raw_problems)
        if raw_problems and not raw:
            broken.add(meta["doc_id"])
            continue
        row = build_document(meta, raw)
        if check:
            cp = clean_path(corpus_dir, meta)
            if not cp.exists():
                problems.append(Problem(str(cp), "clean text missing; run `samestory corpus clean`"))
            elif cp.read_bytes() != row["text"].encode("utf-8"):
                problems.append(Problem(str(cp), "stored clean text differs from the cleaner's output; "
                                        "annotations point into it, so re-clean only with a new version"))
        rows.append(row)
    return sorted(rows, key=lambda r: r["doc_id"]), broken


def load_documents(corpus_dir: Path = paths.CORPUS, check: bool = True, translations: bool = True) -> list[dict]:
    """Rows of the `documents` config, sorted by doc_id. With check, every problem (missing or edited raw
    file, non-UTF-8, duplicate id, stale or missing clean text) is collected and raised together."""
    problems: list[Problem] = []
    metas = load_metadata(corpus_dir)
    if translations:  # off only for a staged subset whose links point to documents outside it
        problems.extend(check_translations(metas))
    rows, _ = load_rows(corpus_dir, metas, {}, problems, check)
    if check and problems:
        raise SameStoryError(f"corpus {corpus_dir}: {len(problems)} problem(s)", problems)
    return rows


def texts(corpus_dir: Path = paths.CORPUS) -> dict[str, str]:
    """doc_id → clean text."""
    return {d["doc_id"]: d["text"] for d in load_documents(corpus_dir)}
