"""What a baseline may read besides the documents: the story inventories (never a gold layer).

The entity table, fact inventory and stance targets are resources of the task definition (the gold
layers point into them), so using them is fair; the gold mentions, frames, stances… are not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from samestory import paths, schema
from samestory.errors import Problem, SameStoryError
from samestory.jsonl import read_jsonl

FRAMED_TYPES = schema.FRAMED_TYPES
"""Entity types that get an `entity_frames` item (codebook section 3)."""


@dataclass
class Resources:
    """Inventories of every story, keyed by story_id."""

    entities: dict[str, list[dict]] = field(default_factory=dict)
    facts: dict[str, list[dict]] = field(default_factory=dict)
    targets: dict[str, list[dict]] = field(default_factory=dict)
    missing: list[Path] = field(default_factory=list)
    codebook: Path | None = None
    """The annotation guidelines (prompts quote them): annotations/guidelines.md, or the release's copy."""

    def require(self, kind: str, story_id: str) -> list[dict]:
        """The inventory rows, or an error naming the missing file."""
        table = getattr(self, kind)
        if story_id not in table:
            name = {"entities": "entities", "facts": "fact_inventory", "targets": "stance_targets"}[kind]
            f = [p for p in self.missing if p.name == f"{name}.jsonl" and p.parent.name == story_id]
            where = str(f[0]) if f else f"{story_id}/{name}.jsonl"
            raise SameStoryError(f"{where}: inventory missing; this system needs it",
                                 [Problem(where, "file not found")])
        return table[story_id]


def load_resources(story_ids, annotations_dir: Path = paths.ANNOTATIONS) -> Resources:
    """Read entities, fact_inventory and stance_targets of each story (missing files are remembered)."""
    res = Resources()
    for story_id in sorted(set(story_ids)):
        base = paths.story_annotations(story_id, Path(annotations_dir))
        for kind, name in (("entities", "entities"), ("facts", "fact_inventory"), ("targets", "stance_targets")):
            f = base / f"{name}.jsonl"
            if not f.exists():
                res.missing.append(f)
                continue
            cfg = schema.CONFIGS[name]
            rows = []
            for line, rec in read_jsonl(f):
                lacking = [fl.name for fl in cfg.fields if fl.name not in rec]
                if lacking:
                    raise SameStoryError(f"{f}:{line}: missing fields",
                                         [Problem(str(f), "missing field", line=line, field=k) for k in lacking])
                rows.append(rec)
            getattr(res, kind)[story_id] = rows
    codebook = Path(annotations_dir) / paths.CODEBOOK_NAME
    res.codebook = codebook if codebook.exists() else None
    return res


def release_resources(release, story_ids) -> Resources:
    """The same inventories read from a release (`samestory.dataset.Release`), plus its codebook."""
    res = Resources(codebook=release.codebook())
    wanted = set(story_ids)
    for kind, name in (("entities", "entities"), ("facts", "fact_inventory"), ("targets", "stance_targets")):
        table = getattr(res, kind)
        for rec in release.rows(name):
            if rec["story_id"] in wanted:
                table.setdefault(rec["story_id"], []).append(rec)
        for sid in wanted - set(table):
            res.missing.append(Path(release.source) / name / sid)
    return res


@dataclass(frozen=True)
class AliasHit:
    start: int
    end: int
    text: str
    entity_id: str
    type: str


_WORD = re.compile(r"\w")


def alias_matches(text: str, entities: list[dict]) -> list[AliasHit]:
    """Every whole-word, case-sensitive occurrence of an entity alias (or name), longest first, no overlaps."""
    forms: dict[str, dict] = {}
    for e in entities:
        for a in (e["name"], *e.get("aliases", [])):
            if a and a.strip():
                forms.setdefault(a, e)
    if not forms:
        return []
    pattern = re.compile("|".join(re.escape(a) for a in sorted(forms, key=lambda s: (-len(s), s))))
    hits, pos = [], 0
    while True:
        m = pattern.search(text, pos)
        if not m:
            break
        a, b = m.span()
        left_ok = a == 0 or not _WORD.match(text[a - 1])
        right_ok = b == len(text) or not _WORD.match(text[b])
        if left_ok and right_ok:
            e = forms[m.group()]
            hits.append(AliasHit(a, b, m.group(), e["entity_id"], e["type"]))
            pos = b
        else:
            pos = a + 1
    return hits


def framed_entities(doc: dict, resources: Resources) -> list[dict]:
    """PER/ORG/GPE entities of the table whose alias occurs in the document, in order of first occurrence."""
    table = {e["entity_id"]: e for e in resources.require("entities", doc["story_id"])}
    seen = []
    for h in alias_matches(doc["text"], list(table.values())):
        if h.type in FRAMED_TYPES and h.entity_id not in seen:
            seen.append(h.entity_id)
    return [table[e] for e in seen]


def sentence_text(doc: dict, sent: dict) -> str:
    return doc["text"][sent["start"]:sent["end"]]
