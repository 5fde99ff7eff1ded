"""What a baseline may read besides the documents: the story inventories (never a gold layer).

The entity table, fact inventory and stance targets are resources of the task definition (the gold
layers point into them), so using them is fair; the gold mentions, frames, stances… are not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from samestory.core import paths

from samestory import schema
from samestory.core.errors import Problem, SameStoryError
from samestory.annotate import store

FRAMED_TYPES = schema.FRAMED_TYPES
"""Entity types that get an `entity_frames` item (codebook section 3)."""

INVENTORY_OF = {"entities": "entities", "facts": "fact_inventory", "targets": "stance_targets"}
"""`Resources` table → the inventory config it holds (read in this order)."""


@dataclass
class Resources:
    """Inventories of every story, keyed by story_id."""

    entities: dict[str, list[dict]] = field(default_factory=dict)
    facts: dict[str, list[dict]] = field(default_factory=dict)
    targets: dict[str, list[dict]] = field(default_factory=dict)
    missing: list[Path] = field(default_factory=list)
    codebook: Path | None = None
    """The annotation guidelines (prompts quote them): annotations/guidelines.md, or the release's copy."""
    root: Path | None = None
    """The annotations folder they were read from (label-prior baselines count its gold, and say so)."""
    release: object | None = None
    """The release they were read from (`samestory.release.dataset.Release`), when not read from a checkout."""

    def require(self, kind: str, story_id: str) -> list[dict]:
        """The inventory rows, or an error naming the missing file."""
        table = getattr(self, kind)
        if story_id not in table:
            name = INVENTORY_OF[kind]
            f = [p for p in self.missing if p.name == f"{name}.jsonl" and p.parent.name == story_id]
            where = str(f[0]) if f else f"{story_id}/{name}.jsonl"
            raise store.missing_file(where, "inventory missing; this system needs it", store.INVENTORY_TODO)
        return table[story_id]


def load_resources(story_ids, annotations_dir: Path = paths.ANNOTATIONS) -> Resources:
    """Read entities, fact_inventory and stance_targets of each story (missing files are remembered)."""
    res = Resources(root=Path(annotations_dir))
    for story_id in sorted(set(story_ids)):
        base = store.story_dir(story_id, annotations_dir)
        for kind, name in INVENTORY_OF.items():
            f, read = store.inventory_file(base, name), store.inventory_rows(base, name)
            if read is None:
                res.missing.append(f)
                continue
            cfg = schema.CONFIGS[name]
            rows = []
            for line, rec in read:
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
    """The same inventories read from a release (`samestory.release.dataset.Release`), plus its codebook."""
    res = Resources(codebook=release.codebook(), release=release)
    wanted = set(story_ids)
    for kind, name in INVENTORY_OF.items():
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


def canonical_forms(entities: list[dict]) -> list[dict]:
    """The table with its aliases replaced by forms of the canonical name alone: the name without its
    parenthetical, and a PER's surname when no other PER shares it (never an alias from the documents)."""
    surnames: dict[str, int] = {}
    for e in entities:
        words = _PAREN.sub("", e["name"]).split()
        if e["type"] == "PER" and len(words) > 1:
            surnames[words[-1]] = surnames.get(words[-1], 0) + 1
    out = []
    for e in entities:
        name = _PAREN.sub("", e["name"]).strip()
        words = name.split()
        forms = [name] + ([words[-1]] if e["type"] == "PER" and len(words) > 1 and surnames[words[-1]] == 1 else [])
        out.append({**e, "name": name, "aliases": forms})
    return out


def framed_entities(doc: dict, resources: Resources) -> list[dict]:
    """PER/ORG/GPE entities of the table whose canonical name (or unique surname) occurs in the document, in
    order of first occurrence; the table's aliases (compiled from the test documents) are not used."""
    table = {e["entity_id"]: e for e in resources.require("entities", doc["story_id"])}
    seen = []
    for h in alias_matches(doc["text"], canonical_forms(list(table.values()))):
        if h.type in FRAMED_TYPES and h.entity_id not in seen:
            seen.append(h.entity_id)
    return [table[e] for e in seen]




# --- declared resources (system.json) --------------------------------------------------------------

def resource(name: str, kind: str, description: str, derived_from_test: bool = False, **extra) -> dict:
    """One `Resource` record of system.json (validated by samestory.eval.declaration)."""
    return {"name": name, "kind": kind, "derived_from_test": derived_from_test, "description": description,
            "source": extra.get("source"), "version": extra.get("version"), "sha256": extra.get("sha256"),
            "license": extra.get("license")}


ENTITY_TABLE = resource(
    "entity table: ids, types, canonical names", "inventory",
    "The story's entity inventory that the linking gold points into; a resource of the task definition "
    "given to every system. Only `entity_id`, `type` and the canonical `name` are read.",
    source="annotations/<story>/entities.jsonl")
ENTITY_ALIASES = resource(
    "entity table aliases", "alias_list",
    "Every surface form of each entity as it occurs in the test documents, misspellings included "
    "(codebook 1.1): compiled from these documents, so matching against it reads the test set.",
    derived_from_test=True, source="annotations/<story>/entities.jsonl (aliases)")
FACT_INVENTORY = resource(
    "fact inventory", "inventory",
    "The story's fact statements that the facts gold points into; a resource of the task definition.",
    source="annotations/<story>/fact_inventory.jsonl")
STANCE_TARGETS = resource(
    "stance targets", "inventory",
    "The story's stance targets and their definitions; a resource of the task definition.",
    source="annotations/<story>/stance_targets.jsonl")
LABEL_SET = resource(
    "schema label sets", "other", "The label set of each layer as declared in samestory.schema (no counts).",
    source="src/samestory/schema/__init__.py")


# --- linking by canonical name (no aliases) -------------------------------------------------------

_PAREN = re.compile(r"\s*\([^)]*\)")
_PUNCT = re.compile(r"[,\s\-‐’']+")
_ARTICLE = re.compile(r"^the\s+", re.I)


def norm_name(s: str) -> str:
    """Name key for linking: parenthetical, possessive, leading "the" and dots dropped, commas and hyphens as
    spaces, case folded. `Washington, D.C.` → `washington dc`; `Kremlin's` → `kremlin`."""
    s = _PAREN.sub("", s.strip()).replace(".", "")
    s = re.sub(r"(’s|'s|’|')$", "", s)
    s = _ARTICLE.sub("", s)
    return _PUNCT.sub(" ", s).strip().casefold()


class CanonicalLinker:
    """Links a mention to the entity table by its canonical names only (never its aliases): the full
    normalised name, a singular/plural `-s`, a PER's surname when only one PER has it, or the initials of
    a multi-word ORG name. NIL (None) otherwise or when two entities fit."""

    def __init__(self, entities: list[dict]):
        keys: dict[str, set[str]] = {}
        self.types = {e["entity_id"]: e["type"] for e in entities}

        def add(key: str, eid: str) -> None:
            if key:
                keys.setdefault(key, set()).add(eid)

        for e in entities:
            full = norm_name(e["name"])
            add(full, e["entity_id"])
            add(full[:-1] if full.endswith("s") else full + "s", e["entity_id"])
            words = full.split()
            if e["type"] == "PER" and len(words) > 1:
                add("~" + words[-1], e["entity_id"])
            caps = [w for w in _PAREN.sub("", e["name"]).split() if w[:1].isupper()]
            if e["type"] == "ORG" and len(caps) > 2:
                add("^" + "".join(w[0] for w in caps).casefold(), e["entity_id"])
        self.keys = keys

    def link(self, text: str, type_: str | None = None) -> str | None:
        key = norm_name(text)
        for k in (key, "~" + key if " " not in key else None, "^" + key if " " not in key else None):
            ids = self.keys.get(k) if k else None
            if ids:
                if len(ids) > 1 and type_:
                    ids = {i for i in ids if self.types[i] == type_}
                if len(ids) == 1:
                    return next(iter(ids))
                return None
        return None
