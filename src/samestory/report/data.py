"""The story report's tables, computed from documents, inventories and label layers (pure functions).

Works the same on gold labels and on a system's predictions: both have the layer record layout of
`samestory.schema`. A layer that is missing gives an empty section, never a guess.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from samestory.core import paths
from samestory.corpus.store import load_documents
from samestory.core.errors import SameStoryError
from samestory.annotate import store
from samestory.schema import CONFIGS, INVENTORIES, LAYERS

REPORT_LAYERS = ("facts", "entity_frames", "stance", "frames", "bias_spans", "mentions")


GOLD = "gold"
PROPOSALS = "machine proposals (samestory story propose)"


@dataclass
class StoryData:
    """Everything the report shows for one story, and where each part comes from (gold, a system's
    predictions, or machine proposals)."""

    story: dict
    source: str
    """One line naming every source used, e.g. 'gold' or 'predictions: preds/lexicon; machine proposals'."""
    documents: list[dict]
    inventories: dict[str, list[dict]]
    layers: dict[str, dict[str, dict]] = field(default_factory=dict)
    """layer → doc_id → record (only documents of this story)."""
    layer_sources: dict[str, str] = field(default_factory=dict)
    """layer → where its records come from."""
    inventory_sources: dict[str, str] = field(default_factory=dict)
    """inventory → where its rows come from (gold when the story's own inventory has rows)."""
    notes: list[str] = field(default_factory=list)
    """What the loader chose and why (e.g. a layer given by two prediction folders)."""

    def doc_ids(self) -> list[str]:
        return [d["doc_id"] for d in self.documents]

    def origin(self, *parts: str) -> str | None:
        """The sources of the named layers/inventories, joined; None when none of them has data."""
        found = [self.layer_sources.get(p) or self.inventory_sources.get(p) for p in parts]
        found = list(dict.fromkeys(f for f in found if f))
        return "; ".join(found) or None

    def machine(self, *parts: str) -> bool:
        """True when any of the named parts comes from predictions or proposals rather than gold."""
        return any((self.layer_sources.get(p) or self.inventory_sources.get(p) or GOLD) != GOLD for p in parts)


def doc_label(doc: dict) -> str:
    """A short column label: the id's sequence number, plus the outlet where the text shows one."""
    seq = doc["doc_id"].split("_")[0]
    return f"{seq} ({doc['outlet']})" if doc.get("outlet") else seq


def _read_records(path: Path, doc_ids: set[str]) -> dict[str, dict]:
    """The records of the story's documents (a predictions folder may cover other stories too)."""
    out, problems = store.records_by_doc(path, doc_ids, skip_unknown=True)
    if problems:
        raise SameStoryError(f"{path}: {len(problems)} problem(s)", problems)
    return out


def _system_name(folder: Path) -> str:
    """'predictions: <folder> (<system> <version>)' from a predictions folder's system.json, when present."""
    import json

    label = f"predictions: {folder}"
    try:
        meta = json.loads((folder / "system.json").read_text(encoding="utf-8"))
        name = meta.get("name") or meta.get("system", {}).get("name")
        ver = meta.get("version") or meta.get("system", {}).get("version")
        if name:
            label += f" ({name}{' ' + ver if ver else ''})"
    except (OSError, ValueError, AttributeError):
        pass
    return label


def load_story(story_id: str, layers_dir: Path | None = None, *, source: str = GOLD,
               corpus_dir: Path = paths.CORPUS, annotations_dir: Path = paths.ANNOTATIONS,
               predictions: list[Path] | tuple = (), proposals: Path | None | str = "auto") -> StoryData:
    """Documents, inventories and layers of a story. Layers come from `predictions` folders (in order; the
    first folder that has a layer gives it) or, without predictions, from `layers_dir` (default: the story's
    gold folder); layers still missing, and inventories the story does not have yet, come from the proposals
    folder (`auto`: annotations/<story>/proposals when it exists; None: never)."""
    from samestory.corpus.store import load_stories
    from samestory.systems.proposals import FOLDER, is_proposals

    stories = {s["story_id"]: s for s in load_stories(corpus_dir)}
    if story_id not in stories:
        raise SameStoryError(f"unknown story {story_id!r}; known: {', '.join(sorted(stories)) or 'none'}")
    docs = [d for d in load_documents(corpus_dir) if d["story_id"] == story_id]
    ids = {d["doc_id"] for d in docs}
    story_ann = store.story_dir(story_id, annotations_dir)
    if proposals == "auto":
        proposals = story_ann / FOLDER if (story_ann / FOLDER).is_dir() else None
    if proposals is not None and not is_proposals(Path(proposals)):
        raise SameStoryError(f"{proposals}: not a proposals folder (no manifest.json with status "
                             "'machine-proposed'); make one with `samestory story propose`")
    inventories, inv_sources = {}, {}
    for name in INVENTORIES:
        rows = store.inventory(story_ann, name) or []
        proposed = store.inventory(Path(proposals), name) if not rows and proposals is not None else None
        if rows:
            inventories[name], inv_sources[name] = rows, GOLD
        elif proposed is not None:
            inventories[name] = proposed
            inv_sources[name] = PROPOSALS if proposed else None
        else:
            inventories[name] = []
    inv_sources = {k: v for k, v in inv_sources.items() if v}
    layers, layer_sources, notes = {}, {}, []
    folders: list[tuple[Path, str]] = [(Path(p), _system_name(Path(p))) for p in predictions]
    if not folders:
        gold_dir = Path(layers_dir) if layers_dir else store.gold_dir(story_ann)
        if layers_dir and not gold_dir.is_dir():
            raise SameStoryError(f"{gold_dir}: no such folder of layer files (<layer>.jsonl)")
        folders.append((gold_dir, source if layers_dir is None or source != GOLD else f"predictions: {gold_dir}"))
    for folder, label in folders:
        if label != GOLD and not folder.is_dir():
            raise SameStoryError(f"{folder}: no such predictions folder (<layer>.jsonl files, as written by "
                                 "`samestory predict --out`)")
    for name in LAYERS:
        for folder, label in folders:
            f = store.layer_file(folder, name)
            if not f.exists():
                continue
            recs = _read_records(f, ids)
            items = CONFIGS[name].items
            if recs and items and not any(r.get(items) for r in recs.values()):
                notes.append(f"{name}: every record in {label} is empty (the system had nothing to label, e.g. no "
                             "entity table when it ran); not used")
                continue
            if not recs:
                continue
            if name in layers:
                notes.append(f"{name}: also in {label}; kept {layer_sources[name]}")
                continue
            layers[name], layer_sources[name] = recs, label
        if name not in layers and proposals is not None and store.layer_file(Path(proposals), name).exists():
            recs = _read_records(store.layer_file(Path(proposals), name), ids)
            if recs:
                layers[name], layer_sources[name] = recs, PROPOSALS
    used = list(dict.fromkeys([*layer_sources.values(), *inv_sources.values()]))
    summary_src = "; ".join(used) if used else "none (no labels, predictions or proposals yet)"
    return StoryData(stories[story_id], summary_src, docs, inventories, layers, layer_sources, inv_sources, notes)


def load_story_release(story_id: str, release, predictions: list[Path] | tuple = ()) -> StoryData:
    """The same from a release (`samestory.release.dataset.Release`): its documents, inventories and gold layers,
    or the layers of predictions folders (the first folder that has a layer gives it)."""
    stories = release.stories()
    if story_id not in stories:
        raise SameStoryError(f"unknown story {story_id!r} in {release.source}; known: {', '.join(sorted(stories)) or 'none'}")
    docs = [d for d in release.documents() if d["story_id"] == story_id]
    inventories = release.inventories(story_id)
    inv_sources = {name: GOLD for name, rows in inventories.items() if rows}
    ids = {d["doc_id"] for d in docs}
    layers, layer_sources, notes = {}, {}, []
    gold_label = f"gold of {release.source} (v{release.dataset_version})"
    for name in LAYERS:
        for folder in map(Path, predictions):
            if not folder.is_dir():
                raise SameStoryError(f"{folder}: no such predictions folder (<layer>.jsonl files, as written by "
                                     "`samestory predict --out`)")
            f = store.layer_file(folder, name)
            if f.exists() and name not in layers:
                recs = _read_records(f, ids)
                if recs:
                    layers[name], layer_sources[name] = recs, _system_name(folder)
        if not predictions:
            recs = {r["doc_id"]: r for r in release.rows(name) if r["doc_id"] in ids}
            if recs:
                layers[name], layer_sources[name] = recs, gold_label
    used = list(dict.fromkeys([*layer_sources.values(), *inv_sources.values()]))
    summary_src = "; ".join(used) if used else "none (no labels or predictions in this release)"
    return StoryData(stories[story_id], summary_src, docs, inventories, layers, layer_sources, inv_sources, notes)


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


def side_casting(data: StoryData) -> list[dict]:
    """Each actor group's casting per document (entities' `speaks_for`, `samestory.annotate.actors`): the head's and
    every member's own item (main role, fine roles, portrayal) and the side's casting by the one side rule
    (`actors.side_casting`), with the entities that carry it and any conflict; groups framed in no document
    are left out."""
    from samestory.annotate import actors

    layer = data.layers.get("entity_frames")
    if layer is None:
        return []
    table = {e["entity_id"]: e for e in data.inventories.get("entities", [])}
    heads = actors.groups(table)
    rows = []
    for head, members in heads.items():
        cells = {}
        for doc_id in data.doc_ids():
            items = {it["entity_id"]: it for it in layer.get(doc_id, {}).get("entities", [])}
            own = [items[e] for e in members if e in items]
            if own:
                cells[doc_id] = {"entities": [{k: it.get(k) for k in ("entity_id", "main_role", "fine_roles",
                                                                      "portrayal")} for it in own],
                                 "side": actors.side_casting(own)}
        if cells:
            rows.append({"entity_id": head, "name": table[head]["name"] if head in table else head,
                         "members": [{"entity_id": e, "name": table[e]["name"]} for e in members[1:]],
                         "cells": cells})
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
        distinct = {f.casefold() for c in per_doc.values() for f in c}  # 'ISTANBUL' in a dateline is no choice
        if len(per_doc) >= 2 and len(distinct) >= 2 or ent in labels:
            rows.append({"entity_id": ent, "name": names.get(ent, ent),
                         "forms": {d: dict(c) for d, c in per_doc.items()},
                         "labels": {d: dict(c) for d, c in labels.get(ent, {}).items()}})
    return sorted(rows, key=lambda r: r["name"])


def entity_table(data: StoryData) -> list[dict]:
    """The story's entities (gold or proposed) with how often each document names them (NAM and NOM
    mentions of the mentions layer; without that layer, counts are None), most widely mentioned first."""
    layer = data.layers.get("mentions")
    counts: dict[str, Counter] = defaultdict(Counter)
    if layer is not None:
        for doc_id in data.doc_ids():
            for m in layer.get(doc_id, {}).get("mentions", []):
                if m.get("entity_id"):
                    counts[m["entity_id"]][doc_id] += 1
    rows = []
    for e in data.inventories.get("entities", []):
        c = counts.get(e["entity_id"], Counter())
        rows.append({"entity_id": e["entity_id"], "name": e["name"], "type": e["type"],
                     "aliases": e.get("aliases", []),
                     "counts": {d: c.get(d, 0) for d in data.doc_ids()} if layer is not None else None,
                     "documents": sum(1 for d in data.doc_ids() if c.get(d)) if layer is not None else None})
    return sorted(rows, key=lambda r: (-(r["documents"] or 0), r["name"]))


LOADED_TECHNIQUES = ("Loaded_Language", "Name_Calling-Labeling")


def loaded_words(data: StoryData) -> list[dict]:
    """Per document, the words its bias_spans mark as loaded language or name calling (lower-cased, counted),
    most frequent first."""
    layer = data.layers.get("bias_spans")
    if layer is None:
        return []
    rows = []
    for doc_id in data.doc_ids():
        c = Counter(" ".join(s["text"].split()).lower() for s in layer.get(doc_id, {}).get("spans", [])
                    if s["technique"] in LOADED_TECHNIQUES)
        rows.append({"doc_id": doc_id, "total": sum(c.values()),
                     "words": [{"text": w, "count": n} for w, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))]})
    return rows


def empty_reason(data: StoryData, section: str) -> str:
    """Why a section is empty, naming the missing piece and what to run (never a bare 'no layer')."""
    inv = data.inventories
    has = data.layers
    hint = f"run `samestory story propose {data.story['story_id']}`"
    if not data.documents:
        return "No documents in this story yet: add articles with `samestory add`."
    if section == "facts":
        if not inv.get("fact_inventory"):
            return f"No fact inventory for this story (gold or proposed): {hint}."
        return "No facts labels: neither the gold, the given predictions nor the proposals have facts.jsonl."
    if section == "stance":
        if not inv.get("stance_targets"):
            return f"No stance targets in this story: add rows to stance_targets.jsonl or {hint} for stubs."
        return ("No stance labels for this story's targets: add gold stance labels or give predictions of a system "
                "that predicts stance (e.g. `samestory predict --system embeddings`).")
    if section == "entities":
        return f"No entity table for this story (gold or proposed): {hint}."
    if section == "portrayal":
        if not inv.get("entities"):
            return f"No entity table for this story: {hint}."
        if "entity_frames" not in has:
            return "No entity_frames labels (role and portrayal): gold, or predictions of a system that predicts them."
        return "No entity is framed by two or more documents."
    if section == "sides":
        if not any(e.get("speaks_for") for e in inv.get("entities", [])):
            return ("No actor groups: no entity of this story's table speaks for another (`speaks_for`, "
                    "annotations/guidelines.md §1.1).")
        if "entity_frames" not in has:
            return "No entity_frames labels (role and portrayal): gold, or predictions of a system that predicts them."
        return "No document frames an entity of an actor group."
    if section == "frames":
        return "No frames labels: gold, or predictions of a system that predicts frames (e.g. embeddings)."
    if section == "naming":
        if "mentions" not in has:
            return f"No mentions to compare names: {hint} (it links mentions to proposed entities)."
        return "No entity is named differently across documents."
    if section == "loaded":
        return ("No bias_spans labels: give predictions of a system that marks loaded language (e.g. "
                "`samestory predict --system lexicon`).")
    return "No labels."


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
    names = {e["entity_id"]: e["name"] for e in data.inventories.get("entities", [])}
    for row in side_casting(data):
        for doc_id, cell in row["cells"].items():
            side = cell["side"]
            own = next((e["portrayal"] for e in cell["entities"] if e["entity_id"] == row["entity_id"]), None)
            if side["portrayal"] != own and side["portrayal_by"] != [row["entity_id"]]:
                roles = f" ({side['main_role']}: {', '.join(side['fine_roles'])})" if side["fine_roles"] else ""
                by = ", ".join(names.get(e, e) for e in side["portrayal_by"])
                out.append(f"Article {labels[doc_id]} casts the {row['name']} side {side['portrayal']}{roles} through "
                           f"{by}; its own label for {row['name']} is {own or 'absent'}.")
    for row in naming_choices(data):
        used = Counter()
        for forms in row["forms"].values():
            used.update({f: 1 for f in forms})
        if len(used) > 1:
            parts = " vs ".join(f"\u201c{f}\u201d ({k} article{'s' if k > 1 else ''})" for f, k in used.most_common())
            out.append(f"{row['name']} is named {parts}.")
    return out
