"""The story report's tables, computed from documents, inventories and label layers (pure functions).

Works the same on gold labels and on a system's predictions: both have the layer record layout of
`samestory.schema`. A layer that is missing gives an empty section, never a guess.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from samestory import paths
from samestory.corpus import load_documents
from samestory.errors import Problem, SameStoryError
from samestory.jsonl import read_jsonl
from samestory.schema import INVENTORIES, LAYERS

REPORT_LAYERS = ("facts", "entity_frames", "stance", "frames", "bias_spans", "mentions")


@dataclass
class StoryData:
    """Everything the report shows for one story, from one source (gold or a system)."""

    story: dict
    source: str
    documents: list[dict]
    inventories: dict[str, list[dict]]
    layers: dict[str, dict[str, dict]] = field(default_factory=dict)
    """layer → doc_id → record (only documents of this story)."""

    def doc_ids(self) -> list[str]:
        return [d["doc_id"] for d in self.documents]


def doc_label(doc: dict) -> str:
    """A short column label: the id's sequence number, plus the outlet where the text shows one."""
    seq = doc["doc_id"].split("_")[0]
    return f"{seq} ({doc['outlet']})" if doc.get("outlet") else seq


def _read_records(path: Path, doc_ids: set[str]) -> dict[str, dict]:
    out = {}
    for line, rec in read_jsonl(path):
        if "doc_id" not in rec:
            raise SameStoryError(f"{path}:{line}: missing doc_id", [Problem(str(path), "missing field", line, "doc_id")])
        if rec["doc_id"] in doc_ids:
            out[rec["doc_id"]] = rec
    return out


def load_story(story_id: str, layers_dir: Path | None = None, *, source: str = "gold",
               corpus_dir: Path = paths.CORPUS, annotations_dir: Path = paths.ANNOTATIONS) -> StoryData:
    """Documents and inventories of a story, with layers from `layers_dir` (default: its gold folder)."""
    from samestory.corpus import load_stories

    stories = {s["story_id"]: s for s in load_stories(corpus_dir)}
    if story_id not in stories:
        raise SameStoryError(f"unknown story {story_id!r}; known: {', '.join(sorted(stories)) or 'none'}")
    docs = [d for d in load_documents(corpus_dir) if d["story_id"] == story_id]
    story_ann = Path(annotations_dir) / story_id
    inventories = {}
    for name in INVENTORIES:
        f = story_ann / f"{name}.jsonl"
        inventories[name] = [rec for _, rec in read_jsonl(f)] if f.exists() else []
    layers_dir = Path(layers_dir) if layers_dir else story_ann / "gold"
    if not layers_dir.is_dir():
        raise SameStoryError(f"{layers_dir}: no such folder of layer files (<layer>.jsonl)")
    ids = {d["doc_id"] for d in docs}
    layers = {}
    for name in LAYERS:
        f = layers_dir / f"{name}.jsonl"
        if f.exists():
            layers[name] = _read_records(f, ids)
    return StoryData(stories[story_id], source, docs, inventories, layers)


def load_story_release(story_id: str, release, layers_dir: Path | None = None, *, source: str = "gold") -> StoryData:
    """The same from a release (`samestory.dataset.Release`): its documents, inventories and gold layers,
    or the layers of a predictions folder."""
    stories = release.stories()
    if story_id not in stories:
        raise SameStoryError(f"unknown story {story_id!r} in {release.source}; known: {', '.join(sorted(stories)) or 'none'}")
    docs = [d for d in release.documents() if d["story_id"] == story_id]
    inventories = {name: [r for r in release.rows(name) if r.get("story_id") == story_id] for name in INVENTORIES}
    ids = {d["doc_id"] for d in docs}
    layers = {}
    if layers_dir is not None:
        if not Path(layers_dir).is_dir():
            raise SameStoryError(f"{layers_dir}: no such folder of layer files (<layer>.jsonl)")
        for name in LAYERS:
            f = Path(layers_dir) / f"{name}.jsonl"
            if f.exists():
                layers[name] = _read_records(f, ids)
    else:
        for name in LAYERS:
            recs = {r["doc_id"]: r for r in release.rows(name) if r["doc_id"] in ids}
            if recs:
                layers[name] = recs
    return StoryData(stories[story_id], source, docs, inventories, layers)


# --- sections -----------------------------------------------------------------------------------------

def sentence_of(doc: dict, start: int) -> str | None:
    """Id of the sentence that holds offset `start`."""
    return next((s["id"] for s in doc["sentences"] if s["start"] <= start < s["end"]), None)


def fact_coverage(data: StoryData) -> list[dict]:
    """One row per inventory fact: statement, per-document cell (reported, evidence sentence), count;
    sorted by how many documents report it (most first), then fact id."""
    layer = data.layers.get("facts")
    if layer is None:
        return []
    docs = {d["doc_id"]: d for d in data.documents}
    rows = []
    for fact in data.inventories["fact_inventory"]:
        cells = {}
        for doc_id in data.doc_ids():
            item = next((f for f in layer.get(doc_id, {}).get("facts", []) if f["fact_id"] == fact["fact_id"]), None)
            reported = bool(item and item["reported"])
            ev = item["evidence"][0] if reported and item["evidence"] else None
            cells[doc_id] = {"reported": reported,
                             "sentence_id": sentence_of(docs[doc_id], ev["start"]) if ev else None,
                             "evidence": ev["text"] if ev else None}
        rows.append({**fact, "cells": cells, "count": sum(c["reported"] for c in cells.values())})
    return sorted(rows, key=lambda r: (-r["count"], r["fact_id"]))


def portrayal(data: StoryData, min_docs: int = 2) -> list[dict]:
    """Entities that at least `min_docs` documents frame: per document main role, fine roles, portrayal."""
    layer = data.layers.get("entity_frames")
    if layer is None:
        return []
    names = {e["entity_id"]: e["name"] for e in data.inventories["entities"]}
    cells: dict[str, dict[str, dict]] = defaultdict(dict)
    for doc_id in data.doc_ids():
        for item in layer.get(doc_id, {}).get("entities", []):
            cells[item["entity_id"]][doc_id] = item
    rows = [{"entity_id": e, "name": names.get(e, e), "cells": c} for e, c in cells.items() if len(c) >= min_docs]
    return sorted(rows, key=lambda r: (-len(r["cells"]), r["name"]))


def stance(data: StoryData) -> list[dict]:
    """One row per stance target: definition and each document's label."""
    layer = data.layers.get("stance")
    if layer is None:
        return []
    rows = []
    for t in data.inventories["stance_targets"]:
        if t["story_id"] != data.story["story_id"]:
            continue
        labels = {}
        for doc_id in data.doc_ids():
            item = next((s for s in layer.get(doc_id, {}).get("stances", []) if s["target"] == t["target_id"]), None)
            labels[doc_id] = item["label"] if item else None
        rows.append({**t, "labels": labels})
    return rows


def frames(data: StoryData) -> dict[str, dict]:
    """doc_id → {frames, primary_frame, strip: [paragraph frame or None in paragraph order]}."""
    layer = data.layers.get("frames")
    if layer is None:
        return {}
    out = {}
    for d in data.documents:
        rec = layer.get(d["doc_id"])
        if not rec:
            continue
        by_para = {p["paragraph_id"]: p["frame"] for p in rec.get("paragraphs", [])}
        out[d["doc_id"]] = {"frames": rec["frames"], "primary_frame": rec["primary_frame"],
                            "strip": [by_para.get(p["id"]) for p in d["paragraphs"]]}
    return out


def naming_choices(data: StoryData) -> list[dict]:
    """Entities whose surface names differ between documents: entity → document → forms used (counted).
    Only NAM mentions count (a name is a naming choice), plus labels from Name_Calling spans."""
    layer = data.layers.get("mentions")
    if layer is None:
        return []
    names = {e["entity_id"]: e["name"] for e in data.inventories["entities"]}
    forms: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for doc_id in data.doc_ids():
        for m in layer.get(doc_id, {}).get("mentions", []):
            if m["entity_id"] and m["kind"] == "NAM":
                forms[m["entity_id"]][doc_id][m["text"]] += 1
    labels: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for doc_id in data.doc_ids():
        for s in data.layers.get("bias_spans", {}).get(doc_id, {}).get("spans", []):
            if s["technique"] == "Name_Calling-Labeling" and s.get("target_entity_id"):
                labels[s["target_entity_id"]][doc_id][s["text"]] += 1
    rows = []
    for ent, per_doc in forms.items():
        distinct = {f for c in per_doc.values() for f in c}
        if len(per_doc) >= 2 and len(distinct) >= 2 or ent in labels:
            rows.append({"entity_id": ent, "name": names.get(ent, ent),
                         "forms": {d: dict(c) for d, c in per_doc.items()},
                         "labels": {d: dict(c) for d, c in labels.get(ent, {}).items()}})
    return sorted(rows, key=lambda r: r["name"])


def technique_segments(doc: dict, spans: list[dict]) -> list[tuple[int, int, list[str]]]:
    """Cut the text at every span edge: (start, end, techniques covering it), overlaps kept."""
    edges = sorted({0, len(doc["text"]), *(s["start"] for s in spans), *(s["end"] for s in spans)})
    out = []
    for a, b in zip(edges, edges[1:]):
        techs = sorted({s["technique"] for s in spans if s["start"] <= a and b <= s["end"]})
        out.append((a, b, techs))
    return out


LOWER_FIRST = {"A", "An", "The", "More", "No", "Each", "Both", "Some", "Several", "Little"}
"""Sentence-initial words of a fact statement that are lower-cased after "omit that …"."""
KIND_WEIGHT = {"demand": 0, "outcome": 1, "position": 2, "event": 3, "statement": 4, "background": 5}
"""Which facts a summary names first: conditions and outcomes say more about selection than background."""


def _fact_phrase(statement: str) -> str:
    words = statement.rstrip(".").split(" ", 1)
    if words[0] in LOWER_FIRST and len(words) > 1:
        return words[0].lower() + " " + words[1]
    return statement.rstrip(".")


def summary(data: StoryData) -> list[str]:
    """Plain sentences from the same tables: omissions, lone reports, stance spread, portrayal, naming."""
    n = len(data.documents)
    labels = {d["doc_id"]: doc_label(d) for d in data.documents}
    out = []
    facts = fact_coverage(data)
    if facts:
        contested = sorted((f for f in facts if 2 <= f["count"] < n),
                           key=lambda f: (f["count"], KIND_WEIGHT.get(f["kind"], 9), f["fact_id"]))
        for f in contested[:4]:
            out.append(f"{n - f['count']} of {n} articles omit that {_fact_phrase(f['statement'])}.")
        lone = sorted((f for f in facts if f["count"] == 1), key=lambda f: (KIND_WEIGHT.get(f["kind"], 9), f["fact_id"]))
        for f in lone[:3]:
            doc = next(d for d, c in f["cells"].items() if c["reported"])
            out.append(f"Only article {labels[doc]} reports that {_fact_phrase(f['statement'])}.")
        everyone = sum(f["count"] == n for f in facts)
        out.append(f"{everyone} of {len(facts)} inventory facts are reported by all {n} articles.")
    for row in stance(data):
        c = Counter(v for v in row["labels"].values() if v)
        if c:
            parts = ", ".join(f"{k} in {v}" for k, v in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
            out.append(f"Stance toward {row['name']}: {parts} of {n} articles.")
    for row in portrayal(data)[:5]:
        c = Counter(cell["portrayal"] for cell in row["cells"].values())
        if len(c) > 1:
            parts = ", ".join(f"{v} {k}" for k, v in sorted(c.items()))
            out.append(f"{row['name']} is portrayed differently across the {len(row['cells'])} articles "
                       f"that frame it: {parts}.")
    for row in naming_choices(data):
        used = Counter()
        for forms in row["forms"].values():
            used.update({f: 1 for f in forms})
        if len(used) > 1:
            parts = " vs ".join(f"\u201c{f}\u201d ({k} article{'s' if k > 1 else ''})" for f, k in used.most_common())
            out.append(f"{row['name']} is named {parts}.")
    return out
