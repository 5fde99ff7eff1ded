"""The codebook's "File formats" appendix, generated from schema.py: every annotated file's fields plus
one example line per file, built on an invented text so offsets are computed, never typed.

`python -m samestory.codebook` rewrites the appendix of annotations/guidelines.md in place (between the
`<!-- generated:formats -->` markers); a test checks that the checked-in copy is current.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from samestory.core import paths
from samestory.core.errors import Problem, SameStoryError

from samestory import schema
from samestory.schema import CONFIGS, INVENTORIES, LAYERS

EXAMPLE_TEXT = ("Harbour strike halts exports\n"
                "Dockworkers in Port Hallam walked out on Monday. Mayor Lena Okafor called the strike "
                "“a reckless gamble with our jobs.”\n")
"""An invented two-paragraph article (headline + one paragraph); no example comes from a real story."""
STORY, DOC = "port-hallam-2031", "000_example"


def _span(surface: str, nth: int = 0) -> dict:
    starts = [m.start() for m in re.finditer(re.escape(surface), EXAMPLE_TEXT)]
    a = starts[nth]
    return {"start": a, "end": a + len(surface), "text": surface}


def examples() -> dict[str, dict]:
    """One example record per inventory and layer file (valid against the schema's layout)."""
    return {
        "entities": {"story_id": STORY, "entity_id": "port-hallam-council", "name": "Port Hallam City Council",
                     "type": "ORG", "aliases": ["Hallam council"], "description": "Local government of Port Hallam.",
                     "wikidata": None, "speaks_for": "port-hallam"},
        "fact_inventory": {"story_id": STORY, "fact_id": "port-hallam-f01",
                           "statement": "Dockworkers in Port Hallam went on strike on Monday.", "kind": "event"},
        "stance_targets": {"story_id": STORY, "target_id": "strikers", "name": "The striking dockworkers",
                           "definition": "favor: the article presents the strike as justified; against: as "
                                         "harmful or unjustified; neutral: neither, or not discussed."},
        "mentions": {"doc_id": DOC, "mentions": [
            {"id": "m1", **_span("Port Hallam"), "type": "GPE", "kind": "NAM", "entity_id": "port-hallam"},
            {"id": "m2", **_span("Lena Okafor"), "type": "PER", "kind": "NAM", "entity_id": "lena-okafor"}]},
        "entity_frames": {"doc_id": DOC, "entities": [
            {"entity_id": "lena-okafor", "main_role": "none", "fine_roles": [], "portrayal": "neutral",
             "evidence": ["m2"]}]},
        "stance": {"doc_id": DOC, "stances": [
            {"target": "strikers", "label": "neutral", "note": "the mayor's criticism is quoted, not adopted"}]},
        "frames": {"doc_id": DOC, "frames": ["Economic"], "primary_frame": "Economic", "paragraphs": [
            {"paragraph_id": "p1", "frame": "Economic"}, {"paragraph_id": "p2", "frame": "Economic"}]},
        "bias_sentences": {"doc_id": DOC, "sentences": [
            {"sentence_id": "s1", "label": "non-biased", "opinion": "factual"},
            {"sentence_id": "s2", "label": "non-biased", "opinion": "factual"},
            {"sentence_id": "s3", "label": "non-biased", "opinion": "factual"}]},
        "bias_spans": {"doc_id": DOC, "spans": [
            {"id": "b1", **_span("reckless gamble"), "technique": "Loaded_Language",
             "target_entity_id": None, "polarity": None}]},
        "facts": {"doc_id": DOC, "facts": [
            {"fact_id": "port-hallam-f01", "reported": True,
             "evidence": [{k: v for k, v in _span("Dockworkers in Port Hallam walked out on Monday").items()}]}]},
        "quotes": {"doc_id": DOC, "quotes": [
            {"id": "q1", **_span("a reckless gamble with our jobs."), "speaker_entity_id": "lena-okafor"}]},
    }


def _type(f: schema.Field) -> str:
    base = {"string": "string", "int32": "integer", "bool": "true/false", "struct": "object"}.get(f.dtype)
    if f.dtype == "label":
        base = "one of: " + ", ".join(f.labels) if len(f.labels) <= 8 else f"one of the {len(f.labels)} names in schema.py"
    return f"list of {base}" if f.many else base


def formats_markdown() -> str:
    """The appendix body: per file, where it lives, its fields and one example line."""
    ex = examples()
    out = ["One JSON object per line (UTF-8). Every field listed is required; \"or null\" marks fields whose "
           "value may be null (unknown / not applicable; never 0 or \"\"). " + schema.SPAN_CONVENTION,
           f"Schema version {schema.SCHEMA_VERSION}. The example lines use an invented article (text below); "
           "they are not from any story of the dataset. Its paragraphs are p1 (the headline) and p2; its "
           "sentences s1 (the headline), s2 and s3.", "", "```text", EXAMPLE_TEXT.rstrip("\n"), "```", ""]
    where = {**{n: f"`annotations/<story>/{n}.jsonl`, one line per item" for n in INVENTORIES},
             **{n: f"`annotations/<story>/gold/{n}.jsonl` (a pass: `passes/<annotator>/{n}.jsonl`), one line "
                   "per document" for n in LAYERS}}
    missing = [name for name in (*INVENTORIES, *LAYERS) if name not in ex]
    if missing:
        raise SameStoryError("the codebook appendix has no example line for " + ", ".join(missing), [
            Problem("samestory.annotate.codebook", "file without an example record", None, "examples()",
                    "one valid example record per inventory and layer", name) for name in missing])
    for name in (*INVENTORIES, *LAYERS):
        cfg = CONFIGS[name]
        out += [f"### `{name}`", "", f"{cfg.description} File: {where[name]}.", ""]
        for path, f in schema.walk(cfg.fields):
            ref = f"; must be {'an' if f.ref[0] in 'aeiou' else 'a'} {f.ref} id" if f.ref else ""
            out.append(f"- `{path}` ({_type(f)}{' or null' if f.nullable else ''}{ref}): {f.doc}")
        out += ["", "```json", json.dumps(ex[name], ensure_ascii=False), "```", ""]
    return "\n".join(out).rstrip() + "\n"


MARKER = re.compile(r"(<!-- generated:formats -->\n).*?(<!-- /generated:formats -->)", re.DOTALL)


def refresh(path: Path = paths.ANNOTATIONS / "guidelines.md") -> bool:
    """Rewrite the appendix in `path`; True when it changed."""
    text = path.read_text(encoding="utf-8")
    if not MARKER.search(text):
        raise SystemExit(f"{path}: no <!-- generated:formats --> … <!-- /generated:formats --> markers")
    new = MARKER.sub(lambda m: m.group(1) + formats_markdown() + m.group(2), text)
    if new != text:
        tmp = path.with_suffix(".md.tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(path)
    return new != text


if __name__ == "__main__":
    try:
        print("refreshed" if refresh(Path(sys.argv[1]) if len(sys.argv) > 1 else paths.ANNOTATIONS / "guidelines.md")
              else "up to date")
    except SameStoryError as exc:
        raise SystemExit(f"error: {exc}")
