"""Paragraphs, sentences and tokens with character offsets into clean text.

Paragraphs are the non-blank lines of the clean text (every seed page puts one paragraph per line).
Sentences come from spaCy's blank pipeline of the document's language with its rule-based sentencizer,
run per paragraph so that no sentence crosses a paragraph, then merged so that no sentence boundary
falls inside a closed quotation (see `quotation_ranges`); tokens from the same tokenizer. A language
spaCy has no (loadable) blank pipeline for falls back to the multi-language `xx` pipeline. No model
download is needed.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable


FALLBACK = "xx"
"""spaCy's multi-language blank pipeline: tokenizer rules shared by all languages, no language data."""


@lru_cache(maxsize=None)
def pipeline_name(language: str) -> str:
    """The spaCy blank pipeline used for `language`: its own when spaCy has one that loads here (some,
    e.g. ja or th, need extra packages), else FALLBACK."""
    import spacy

    try:
        spacy.blank(language)
    except ImportError:
        return FALLBACK
    return language


def provenance(language: str) -> dict:
    """What segments a document of `language`: tool, version, pipeline and components."""
    import spacy

    return {"tool": "spacy", "version": spacy.__version__, "pipeline": pipeline_name(language),
            "components": ["sentencizer"]}


@lru_cache(maxsize=8)
def _nlp(language: str = "en"):
    import spacy

    nlp = spacy.blank(pipeline_name(language))
    nlp.add_pipe("sentencizer")
    return nlp


def paragraphs(text: str) -> list[dict]:
    """[{id, start, end}] of each non-blank line, edges stripped; ids p1, p2, … in order."""
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        lead = len(body) - len(body.lstrip())
        core = body.strip()
        if core:
            start = pos + lead
            out.append({"id": f"p{len(out) + 1}", "start": start, "end": start + len(core)})
        pos += len(line)
    return out


def sentences(text: str, paras: list[dict] | None = None, language: str = "en") -> list[dict]:
    """[{id, start, end, paragraph_id}]; ids s1, s2, … in document order."""
    paras = paragraphs(text) if paras is None else paras
    nlp = _nlp(language)
    out = []
    for para in paras:
        chunk = text[para["start"]:para["end"]]
        bounds = _fix_opening_quotes(chunk, [(s.start_char, s.end_char) for s in nlp(chunk).sents])
        for a, b in _merge_inside_quotes(bounds, quotation_ranges(chunk)):
            raw = chunk[a:b]
            lead = len(raw) - len(raw.lstrip())
            core = raw.strip()
            if not core:
                continue
            start = para["start"] + a + lead
            out.append({"id": f"s{len(out) + 1}", "start": start, "end": start + len(core),
                        "paragraph_id": para["id"]})
    return out


OPENING_QUOTES = "\u201c\u2018\"'"


def _fix_opening_quotes(chunk: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentencizer leaves an opening quote mark at the end of the previous sentence
    ('… he said. “' + 'Once …'); move it to the start of the sentence it opens."""
    bounds = list(bounds)
    for i in range(len(bounds) - 1):
        a, b = bounds[i]
        body = chunk[a:b].rstrip()
        if len(body) >= 2 and body[-1] in OPENING_QUOTES and body[-2].isspace():
            cut = a + len(body) - 1
            bounds[i] = (a, cut)
            bounds[i + 1] = (cut, bounds[i + 1][1])
    return bounds


def quotation_ranges(chunk: str) -> list[tuple[int, int]]:
    """(open, close) offsets of every double-quoted stretch of `chunk` that closes within it: curly
    “…” pairs and straight "…" pairs (a straight mark toggles). An opening mark that is never closed
    yields no range, so one stray mark cannot glue a paragraph together. Single quotes are not
    tracked: ’ is also the apostrophe."""
    out, open_at, kind = [], None, None
    for i, ch in enumerate(chunk):
        if open_at is None:
            if ch in "\u201c\"":
                open_at, kind = i, ch
        elif (kind == "\u201c" and ch == "\u201d") or (kind == '"' and ch == '"'):
            out.append((open_at, i))
            open_at = None
        elif kind == "\u201c" and ch == "\u201c":
            open_at = i  # an unclosed “ followed by a new one: the earlier one never closed
    return out


def _merge_inside_quotes(bounds: list[tuple[int, int]], quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join consecutive sentences whose boundary lies strictly inside a quotation: a quotation of
    several sentences is one sentence unit (codebook 0, "Sentences")."""
    out: list[tuple[int, int]] = []
    for a, b in bounds:
        if out and any(qa < a <= qb for qa, qb in quotes):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def tokenize(text: str, boundaries: Iterable[int] = (), language: str = "en") -> list[tuple[int, int]]:
    """Token (start, end) offsets from spaCy's tokenizer, whitespace dropped, further split at
    `boundaries` (e.g. mention edges) so that spans align to whole tokens."""
    cuts = sorted(set(boundaries))
    out = []
    for tok in _nlp(language).tokenizer(text):
        if tok.is_space:
            continue
        start, end = tok.idx, tok.idx + len(tok.text)
        inner = [c for c in cuts if start < c < end]
        for a, b in zip([start, *inner], [*inner, end]):
            out.append((a, b))
    return out
