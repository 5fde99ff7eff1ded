"""Records <-> Label Studio results, both directions, deterministic and strict (pure functions).

`to_results` turns a document's layer records (gold or a system's predictions) into the result list of
one project; `from_results` turns an annotator's result list back into layer records and rejects what
the server accepts but the schema does not (unknown labels, two choices on a single-choice field,
offsets outside the text, a region text that does not match the offsets). Label Studio and the
records both count offsets in code points (not UTF-16 units), so offsets pass through unchanged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from samestory import schema
from samestory.annotate.labelstudio import config as C

ID_PATTERN = re.compile(r"([a-z]+)(\d+)")
ID_PREFIX = {c.name: c.id_prefix for c in schema.CONFIGS.values() if c.id_prefix}
ROLE_TAGS = (C.MAIN_ROLE, C.PORTRAYAL, *(C.fine_tag(main) for main in schema.FINE_ROLES))


class ConvertError(Exception):
    """One bad region or field in an annotation; `where` names task, annotator and region."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


# --- offsets --------------------------------------------------------------------------------------------

class Offsets:
    """Offset checks for one text. Label Studio's Text tag counts code points, like Python (checked in
    the browser test with a flag emoji, which is two code points and four UTF-16 units)."""

    def __init__(self, text: str):
        self.text = text

    def py(self, u: Any, where: str) -> int:
        if not isinstance(u, int) or isinstance(u, bool):
            raise ConvertError(where, f"offset {u!r} is not an integer")
        if u < 0 or u > len(self.text):
            raise ConvertError(where, f"offset {u} is outside the text (length {len(self.text)})")
        return u


# --- records -> results -----------------------------------------------------------------------------------

def _region(off: Offsets, rid: str, tag: str, kind: str, start: int, end: int, key: str, values: list) -> dict:
    if not (0 <= start < end <= len(off.text)):
        raise ConvertError(f"region {rid} [{tag}]", f"span {start}..{end} outside the text (length {len(off.text)})")
    return {"id": rid, "from_name": tag, "to_name": C.TEXT, "type": kind,
            "value": {"start": start, "end": end, "text": off.text[start:end], key: values}}


def _doc_choice(rid: str, tag: str, values: list) -> dict:
    return {"id": rid, "from_name": tag, "to_name": C.TEXT, "type": "choices", "value": {"choices": values}}


def _ids_for(items: list[dict], prefix: str, where: str) -> list[str]:
    """Region ids for span items: their own ids, or m1, m2, … when a prediction file has none."""
    ids = [it.get("id") or f"{prefix}{n}" for n, it in enumerate(items, 1)]
    if len(set(ids)) != len(ids):
        raise ConvertError(where, f"duplicate ids {sorted({i for i in ids if ids.count(i) > 1})}")
    return ids


def _need(item: dict, key: str, where: str) -> Any:
    if item.get(key) is None:
        raise ConvertError(where, f"{key} is needed to show the item in Label Studio")
    return item[key]


def _path(inv: C.Inventory | None, entity_id: str, where: str) -> list[str]:
    """[type, entity_id]: where an entity sits in the grouped entity dropdown."""
    types = {e["entity_id"]: e.get("type") for e in (inv.entities if inv else ())}
    if entity_id not in types:
        raise ConvertError(where, f"entity {entity_id!r} is not in the story's entity table")
    return [types[entity_id], entity_id]


def to_results(project: str, doc: dict, records: dict[str, dict], unit: dict | None = None,
               inv: C.Inventory | None = None) -> list[dict]:
    """The result list of `project` for one document from its layer records (missing layers are left out).

    Gold records are complete; a system's prediction records may lack optional fields, which are then
    simply not pre-filled (the annotator completes them). `unit` is the task data of a `sentences` task.
    """
    off = Offsets(doc["text"])
    where = f"doc {doc['doc_id']}"
    out: list[dict] = []
    if project == "entities":
        items = records.get("mentions", {}).get("mentions", [])
        mentions = dict(zip(_ids_for(items, ID_PREFIX["mentions"], f"{where} mentions"), items))
        for mid, m in mentions.items():
            s, e = m["start"], m["end"]
            out.append(_region(off, mid, C.MENTION, "labels", s, e, "labels", [_need(m, "type", f"{where} {mid}")]))
            if m.get("kind") is not None:
                out.append(_region(off, mid, C.KIND, "choices", s, e, "choices", [m["kind"]]))
            if "entity_id" in m:
                out.append(_region(off, mid, C.ENTITY, "taxonomy", s, e, "taxonomy",
                                   [[m["type"], m["entity_id"]] if m["entity_id"] is not None else [C.NIL]]))
        for item in records.get("entity_frames", {}).get("entities", []):
            here = f"{where} entity_frames[{item.get('entity_id')}]"
            evidence = list(item.get("evidence") or [])
            if not evidence:  # a judgement needs a region to live on: the first mention of the entity
                evidence = [mid for mid, m in mentions.items() if m.get("entity_id") == item.get("entity_id")][:1]
            if not evidence:
                raise ConvertError(here, "no mention of the entity to attach its role to")
            for mid in evidence:
                if mid not in mentions:
                    raise ConvertError(here, f"evidence {mid} is not a mention of the document")
                m = mentions[mid]
                if m.get("entity_id") != item.get("entity_id"):
                    raise ConvertError(here, f"evidence {mid} links to {m.get('entity_id')!r}")
                fine_tag = C.fine_tag(item.get("main_role")) if item.get("main_role") in schema.FINE_ROLES else None
                if item.get("fine_roles") and fine_tag is None:
                    raise ConvertError(here, f"fine roles under main role {item.get('main_role')!r}")
                for tag, vals in ((C.MAIN_ROLE, [item.get("main_role")]), (fine_tag, list(item.get("fine_roles")
                                                                                         or [])),
                                  (C.PORTRAYAL, [item.get("portrayal")])):
                    vals = [v for v in vals if v is not None]
                    if vals:
                        out.append(_region(off, mid, tag, "choices", m["start"], m["end"], "choices", vals))
    elif project == "document":
        if "frames" in records:
            fr = records["frames"]
            if fr.get("frames"):
                out.append(_doc_choice(C.FRAMES, C.FRAMES, list(fr["frames"])))
            if fr.get("primary_frame") is not None:
                out.append(_doc_choice(C.PRIMARY_FRAME, C.PRIMARY_FRAME, [fr["primary_frame"]]))
        for st in records.get("stance", {}).get("stances", []):
            if st.get("label") is not None:
                out.append(_doc_choice(C.STANCE_PREFIX + st["target"], C.STANCE_PREFIX + st["target"], [st["label"]]))
            if st.get("note") is not None:
                out.append({"id": C.NOTE_PREFIX + st["target"], "from_name": C.NOTE_PREFIX + st["target"],
                            "to_name": C.TEXT, "type": "textarea", "value": {"text": [st["note"]]}})
    elif project == "facts":
        if unit is None:
            raise ValueError("facts results belong to one page of facts")
        reported = {v: k for k, v in C.REPORTED.items()}
        facts = {f.get("fact_id"): f for f in records.get("facts", {}).get("facts", [])}
        for i, fid in enumerate(unit["fact_ids"], 1):
            f = facts.get(fid)
            if f is None:
                continue
            if f.get("reported") is not None:
                out.append(_doc_choice(f"{C.FACT_PREFIX}f{i}", f"{C.FACT_PREFIX}f{i}", [reported[f["reported"]]]))
            for n, e in enumerate(f.get("evidence") or [], 1):
                out.append(_region(off, f"{fid}.e{n}", C.FACT_EVIDENCE, "labels", e["start"], e["end"],
                                   "labels", [C.fact_slot_label(i)]))
    elif project == "paragraphs":
        if unit is None:
            raise ValueError("paragraphs results belong to one unit task")
        items = {p.get("paragraph_id"): p for p in records.get("frames", {}).get("paragraphs") or []}
        for i, pid in enumerate(unit["paragraph_ids"], 1):
            if pid not in items or "frame" not in items[pid]:
                continue  # a prediction without this paragraph: left for the annotator
            frame = items[pid]["frame"]
            out.append({"id": pid, "from_name": f"{C.PARAGRAPH_FRAME}__{C.para_slot(i)}", "to_name": C.para_slot(i),
                        "type": "choices", "value": {"choices": [C.NO_FRAME if frame is None else frame]}})
    elif project == "sentences":
        if unit is None:
            raise ValueError("sentences results belong to one unit task")
        labels = {st.get("sentence_id"): st for st in records.get("bias_sentences", {}).get("sentences", [])}
        for i, sid in enumerate(unit["sentence_ids"], 1):
            st = labels.get(sid)
            if st is None or st.get("label") is None or st.get("opinion") is None:
                continue  # a unit choice needs both halves; a partial proposal is left for the annotator
            out.append({"id": f"{sid}", "from_name": f"{C.SENTENCE}__{C.slot(i)}", "to_name": C.slot(i),
                        "type": "choices", "value": {"choices": [f"{st['label']}{C.UNIT_SEP}{st['opinion']}"]}})
    elif project == "spans":
        items = records.get("bias_spans", {}).get("spans", [])
        for bid, b in zip(_ids_for(items, ID_PREFIX["bias_spans"], f"{where} bias_spans"), items):
            s, e = b["start"], b["end"]
            out.append(_region(off, bid, C.TECHNIQUE, "labels", s, e, "labels", [_need(b, "technique", f"{where} {bid}")]))
            if b.get("target_entity_id") is not None:
                out.append(_region(off, bid, C.TARGET, "taxonomy", s, e, "taxonomy",
                                   [_path(inv, b["target_entity_id"], f"{where} {bid}")]))
            if b.get("polarity") is not None:
                out.append(_region(off, bid, C.POLARITY, "choices", s, e, "choices", [b["polarity"]]))
        items = records.get("quotes", {}).get("quotes", [])
        for qid, q in zip(_ids_for(items, ID_PREFIX["quotes"], f"{where} quotes"), items):
            out.append(_region(off, qid, C.QUOTE_TAG, "labels", q["start"], q["end"], "labels", [C.QUOTE]))
            if q.get("speaker_entity_id") is not None:
                out.append(_region(off, qid, C.SPEAKER, "taxonomy", q["start"], q["end"], "taxonomy",
                                   [_path(inv, q["speaker_entity_id"], f"{where} {qid}")]))
    else:
        raise ValueError(f"unknown project {project!r}")
    return out


def _unit_choices(results: list[dict], slots: dict[str, tuple[str, str]], known: set[str], values,
                  what: str, control: str, where: str) -> dict[str, str]:
    """unit id -> the one choice made for it, from one annotator's results on one ready-made unit task
    (`slots`: control name -> (object name, unit id)); every unit needs exactly one choice from `values`,
    and errors name the unit id the UI shows."""
    got: dict[str, str] = {}
    for pos, r in enumerate(results):
        if not isinstance(r, dict):
            raise ConvertError(where, f"result {pos} is not an object")
        tag = r.get("from_name")
        here = f"{where}, result {r.get('id')} [{tag}]"
        if tag not in slots:
            raise ConvertError(here, f"unknown control (or a choice on an empty slot) in the {what}s config")
        obj, uid = slots[tag]
        if uid not in known:
            raise ConvertError(here, f"unknown {what} {uid!r}")
        if r.get("to_name") != obj or r.get("type") != "choices":
            raise ConvertError(here, f"expected type 'choices' on {obj!r}, found {r.get('type')!r} on "
                                     f"{r.get('to_name')!r}")
        vals = (r.get("value") or {}).get("choices")
        if not isinstance(vals, list) or len(vals) != 1 or vals[0] not in values:
            raise ConvertError(here, f"{what} {uid}: expected one of {', '.join(values)}, found {vals!r}")
        if uid in got:
            raise ConvertError(here, f"{what} {uid} labelled twice")
        got[uid] = vals[0]
    missing = [uid for _, uid in slots.values() if uid not in got]
    if missing:
        label = "a label" if what == "sentence" else "a frame"
        raise ConvertError(f"{where} [{control}]", f"{what}s without {label}: {', '.join(missing)}")
    return got


def unit_labels(doc: dict, unit: dict, results: list[dict], where: str) -> dict[str, tuple[str, str]]:
    """sentence id -> (bias label, opinion) from one annotator's results on one `sentences` unit task."""
    slots = {f"{C.SENTENCE}__{C.slot(i)}": (C.slot(i), sid) for i, sid in enumerate(unit["sentence_ids"], 1)}
    got = _unit_choices(results, slots, {s["id"] for s in doc["sentences"]}, C.BIAS_UNIT_VALUES, "sentence",
                        C.SENTENCE, where)
    return {sid: tuple(v.split(C.UNIT_SEP)) for sid, v in got.items()}


def paragraph_labels(doc: dict, unit: dict, results: list[dict], where: str) -> dict[str, str | None]:
    """paragraph id -> frame (None for 'no frame') from one annotator's results on one `paragraphs` unit task."""
    slots = {f"{C.PARAGRAPH_FRAME}__{C.para_slot(i)}": (C.para_slot(i), pid)
             for i, pid in enumerate(unit["paragraph_ids"], 1)}
    got = _unit_choices(results, slots, {p["id"] for p in doc["paragraphs"]}, C.PARAGRAPH_VALUES, "paragraph",
                        C.PARAGRAPH_FRAME, where)
    return {pid: None if v == C.NO_FRAME else v for pid, v in got.items()}


def frames_record(doc: dict, document: dict, frames: dict[str, str | None]) -> dict:
    """The frames record of a document: the document-level frames and primary frame (`document` project)
    with the frame of every paragraph (`paragraphs` units), in paragraph order."""
    return {"doc_id": doc["doc_id"], "frames": list(document["frames"]), "primary_frame": document["primary_frame"],
            "paragraphs": [{"paragraph_id": p["id"], "frame": frames[p["id"]]} for p in doc["paragraphs"]
                           if p["id"] in frames]}


def fact_page(doc: dict, inv: C.Inventory, unit: dict, results: list[dict], where: str) -> dict[str, dict]:
    """fact_id -> fact item from one annotator's results on one `facts` page; every fact of the page needs
    its reported/not reported choice, and evidence labels name a fact of the page."""
    regs, docv = _parse("facts", doc, inv, results, where)
    slots = {C.fact_slot_label(i): fid for i, fid in enumerate(unit["fact_ids"], 1)}
    for r in regs:
        if r.label not in slots:
            raise ConvertError(f"{where}, region {r.rid} [{r.label_tag}]",
                               f"evidence label {r.label} but this page has {len(slots)} fact(s)")
        if r.choices:
            raise ConvertError(f"{where}, region {r.rid}", "per-region choices are not used in this project")
    out: dict[str, dict] = {}
    empty = [tag for tag in docv if int(tag.removeprefix(C.FACT_PREFIX + "f")) > len(slots)]
    if empty:
        raise ConvertError(f"{where} [{empty[0]}]", "a choice on an empty place of the page")
    missing = []
    for i, fid in enumerate(unit["fact_ids"], 1):
        tag = f"{C.FACT_PREFIX}f{i}"
        if tag not in docv:
            missing.append(f"F{i} {fid}")
            continue
        out[fid] = {"fact_id": fid, "reported": C.REPORTED[docv[tag][0]],
                    "evidence": [_span(r) for r in regs if slots[r.label] == fid]}
    if missing:
        raise ConvertError(f"{where} [{C.FACT_PREFIX}]", f"facts without reported/not reported: {', '.join(missing)}")
    return out


def facts_record(doc: dict, inv: C.Inventory, items: dict[str, dict]) -> dict:
    """The facts record of a document from all its pages, in inventory order."""
    return {"doc_id": doc["doc_id"], "facts": [items[f["fact_id"]] for f in inv.facts if f["fact_id"] in items]}


def bias_sentences_record(doc: dict, labels: dict[str, tuple[str, str]]) -> dict:
    """The bias_sentences record of a document from the labels of all its units (in sentence order)."""
    return {"doc_id": doc["doc_id"], "sentences": [
        {"sentence_id": s["id"], "label": labels[s["id"]][0], "opinion": labels[s["id"]][1]}
        for s in doc["sentences"] if s["id"] in labels]}


# --- results -> records -----------------------------------------------------------------------------------

@dataclass
class _Region:
    rid: str
    start: int
    end: int
    text: str
    label_tag: str | None = None
    label: str | None = None
    choices: dict[str, list[str]] | None = None
    groups: dict[str, str] = field(default_factory=dict)
    """Taxonomy tag -> the group (entity type) the value was picked under."""
    first: int = 0
    """Position of the region's first result in the list (keeps the annotator's order)."""


def _allowed(project: str, inv: C.Inventory) -> dict[str, tuple[str, tuple[str, ...], bool]]:
    """from_name -> (kind, allowed values, multiple) for every control tag of the project's config."""
    ents = tuple(e["entity_id"] for e in inv.entities)
    if project == "entities":
        out = {C.MENTION: ("labels", schema.ENTITY_TYPES, False),
               C.KIND: ("choices", schema.MENTION_KINDS, False),
               C.ENTITY: ("taxonomy", ents + (C.NIL,), False),
               C.MAIN_ROLE: ("choices", schema.MAIN_ROLES, False),
               C.PORTRAYAL: ("choices", schema.PORTRAYALS, False)}
        for main, roles in schema.FINE_ROLES.items():
            out[C.fine_tag(main)] = ("choices", roles, True)
        return out
    if project == "facts":
        out = {C.FACT_EVIDENCE: ("labels", tuple(C.fact_slot_label(i) for i in range(1, C.FACT_SLOTS + 1)), False)}
        for i in range(1, C.FACT_SLOTS + 1):
            out[f"{C.FACT_PREFIX}f{i}"] = ("choices", tuple(C.REPORTED), False)
        return out
    if project == "document":
        out = {C.FRAMES: ("choices", schema.FRAMES, True),
               C.PRIMARY_FRAME: ("choices", schema.FRAMES, False)}
        for t in inv.targets:
            out[C.STANCE_PREFIX + t["target_id"]] = ("choices", schema.STANCE_LABELS, False)
            out[C.NOTE_PREFIX + t["target_id"]] = ("textarea", (), False)
        return out
    if project == "spans":
        return {C.TECHNIQUE: ("labels", schema.TECHNIQUES, False),
                C.QUOTE_TAG: ("labels", (C.QUOTE,), False),
                C.TARGET: ("taxonomy", ents, False),
                C.POLARITY: ("choices", schema.PORTRAYALS, False),
                C.SPEAKER: ("taxonomy", ents, False)}
    raise ValueError(f"unknown project {project!r}")


def _shown(inv: C.Inventory) -> dict[str, str]:
    """What the UI shows -> the id results should carry (alias); accepted in case a client sends it."""
    out = {C.entity_label(e): e["entity_id"] for e in inv.entities}
    out[C.NIL_LABEL] = C.NIL
    return out


def _parse(project: str, doc: dict, inv: C.Inventory, results: list[dict], where: str):
    """Check every result against the config; return (regions by id in order, doc-level values)."""
    allowed = _allowed(project, inv)
    shown = _shown(inv)
    off = Offsets(doc["text"])
    regions: dict[str, _Region] = {}
    doc_values: dict[str, list[str]] = {}
    for pos, r in enumerate(results):
        if not isinstance(r, dict):
            raise ConvertError(where, f"result {pos} is not an object")
        rid, tag, value = r.get("id"), r.get("from_name"), r.get("value") or {}
        here = f"{where}, region {rid} [{tag}]"
        if tag not in allowed:
            raise ConvertError(here, f"unknown control {tag!r} (not in the {project} config)")
        kind, values, multiple = allowed[tag]
        if r.get("to_name") != C.TEXT or r.get("type") != kind:
            raise ConvertError(here, f"expected type {kind!r} on {C.TEXT!r}, found {r.get('type')!r} on "
                                     f"{r.get('to_name')!r}")
        if kind == "textarea":
            texts = value.get("text")
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts) or len(texts) > 1:
                raise ConvertError(here, f"expected one note, found {texts!r}")
            doc_values[tag] = texts
            continue
        key = {"labels": "labels", "taxonomy": "taxonomy"}.get(kind, "choices")
        got = value.get(key)
        if not isinstance(got, list) or not got:
            raise ConvertError(here, f"no {key}")
        group = None
        if kind == "taxonomy":  # [[type, entity_id]] or [[NIL]]: one path, its leaf is the value
            if len(got) != 1 or not isinstance(got[0], list) or not 1 <= len(got[0]) <= 2:
                raise ConvertError(here, f"expected one entity, found {got!r}")
            group = got[0][0] if len(got[0]) == 2 else None
            got = [got[0][-1]]
        got = [shown.get(v, v) if isinstance(v, str) else v for v in got]
        for v in got:
            if v not in values:
                raise ConvertError(here, f"unknown label {v!r}; allowed: {', '.join(values)}")
        if len(set(got)) != len(got):
            raise ConvertError(here, f"the same {key[:-1]} twice: {got}")
        if not multiple and len(got) > 1:
            raise ConvertError(here, f"{len(got)} values on a single-choice field: {got}")
        if "start" not in value and "end" not in value:
            if kind == "labels":
                raise ConvertError(here, "a label without a text span")
            if tag in doc_values:
                raise ConvertError(here, "given twice")
            doc_values[tag] = got
            continue
        start, end = off.py(value.get("start"), here), off.py(value.get("end"), here)
        if start >= end:
            raise ConvertError(here, f"empty or reversed span {value.get('start')}..{value.get('end')}")
        text = doc["text"][start:end]
        if "text" in value and value["text"] != text:
            raise ConvertError(here, f"region text {value['text']!r} differs from the document text {text!r} at "
                                     f"{start}..{end}")
        reg = regions.get(rid)
        if reg is None:
            reg = regions[rid] = _Region(rid, start, end, text, choices={}, first=pos)
        elif (reg.start, reg.end) != (start, end):
            raise ConvertError(here, f"region offsets {start}..{end} differ from {reg.start}..{reg.end} of the "
                                     "same region")
        if kind == "labels":
            if reg.label is not None:
                raise ConvertError(here, f"a second label on one region (already {reg.label!r} from {reg.label_tag})")
            reg.label_tag, reg.label = tag, got[0]
        else:
            if tag in reg.choices:
                raise ConvertError(here, "given twice for one region")
            reg.choices[tag] = got
            if group is not None:
                types = {e["entity_id"]: e.get("type") for e in inv.entities}
                if types.get(got[0]) != group:
                    raise ConvertError(here, f"entity {got[0]!r} given under group {group!r}")
                reg.groups[tag] = group
    for reg in regions.values():
        if reg.label is None:
            raise ConvertError(f"{where}, region {reg.rid}", "per-region choices on a region without a label")
    return list(regions.values()), doc_values


def _one(reg: _Region, tag: str, where: str, required: bool, null: str | None = None):
    vals = reg.choices.get(tag)
    if not vals:
        if required:
            raise ConvertError(f"{where}, region {reg.rid} [{tag}]", f"missing {tag} for {reg.text!r}")
        return None
    return None if vals[0] == null else vals[0]


def _ids(regs: list[_Region], prefix: str) -> dict[str, str]:
    """Region id -> record id: keep ids like m3 (unique), number the others on after the largest."""
    keep = {r.rid for r in regs if ID_PATTERN.fullmatch(r.rid) and r.rid.startswith(prefix)
            and ID_PATTERN.fullmatch(r.rid).group(1) == prefix}
    n = max((int(ID_PATTERN.fullmatch(i).group(2)) for i in keep), default=0)
    out = {}
    for r in sorted(regs, key=lambda r: (r.start, r.end, r.first)):
        if r.rid in keep:
            out[r.rid] = r.rid
        else:
            n += 1
            out[r.rid] = f"{prefix}{n}"
    return out


def _span(reg: _Region) -> dict:
    return {"start": reg.start, "end": reg.end, "text": reg.text}


def from_results(project: str, doc: dict, inv: C.Inventory, results: list[dict], where: str) -> dict[str, dict]:
    """Layer records (layer -> record) of one document from one annotator's results in `project`."""
    regs, docv = _parse(project, doc, inv, results, where)
    doc_id = doc["doc_id"]
    if project == "entities":
        mregs = [r for r in regs if r.label_tag == C.MENTION]
        ids = _ids(mregs, ID_PREFIX["mentions"])
        for r in mregs:
            t = r.groups.get(C.ENTITY)
            if t is not None and t != r.label:
                raise ConvertError(f"{where}, region {r.rid}", f"entity chosen from the {t} group on a {r.label} "
                                                               f"mention {r.text!r}")
            for main in schema.FINE_ROLES:
                chosen = _one(r, C.MAIN_ROLE, where, False)
                if C.fine_tag(main) in r.choices and chosen != main:
                    raise ConvertError(f"{where}, region {r.rid} [{C.fine_tag(main)}]",
                                       f"fine roles {r.choices[C.fine_tag(main)]} belong under main role {main!r}, "
                                       f"but the main role is {chosen!r}")
        mentions = [{"id": ids[r.rid], **_span(r), "type": r.label, "kind": _one(r, C.KIND, where, True),
                     "entity_id": _one(r, C.ENTITY, where, True, null=C.NIL)} for r in mregs]
        frames: dict[str, dict] = {}
        first_role: dict[str, int] = {}
        for r, m in zip(mregs, mentions):
            if not any(t in r.choices for t in (C.MAIN_ROLE, C.PORTRAYAL, *map(C.fine_tag, schema.FINE_ROLES))):
                continue
            here = f"{where}, region {r.rid}"
            if m["entity_id"] is None:
                raise ConvertError(here, "role or portrayal on a mention without an entity (NIL)")
            judgement = {"main_role": _one(r, C.MAIN_ROLE, where, True),
                         "fine_roles": [v for main in schema.FINE_ROLES for v in r.choices.get(C.fine_tag(main), [])],
                         "portrayal": _one(r, C.PORTRAYAL, where, True)}
            eid = m["entity_id"]
            if eid in frames:
                prev = {k: frames[eid][k] for k in judgement}
                if prev != judgement:
                    raise ConvertError(here, f"role/portrayal of {eid!r} differs from another of its mentions: "
                                             f"{judgement} vs {prev}")
                frames[eid]["evidence"].append(m["id"])
            else:
                frames[eid] = {"entity_id": eid, **judgement, "evidence": [m["id"]]}
            role_pos = min(i for i, x in enumerate(results) if x.get("id") == r.rid
                           and x.get("from_name") in ROLE_TAGS)
            first_role[eid] = min(first_role.get(eid, role_pos), role_pos)
        # keep evidence in the order of the role results, entities in the order they first appear
        for eid, item in frames.items():
            pos = {m_id: min(i for i, x in enumerate(results) if x.get("id") == rid and x.get("from_name") in
                             ROLE_TAGS) for rid, m_id in ids.items()
                   if m_id in item["evidence"]}
            item["evidence"].sort(key=lambda m_id: pos[m_id])
        ents = [frames[e] for e in sorted(frames, key=lambda e: first_role[e])]
        return {"mentions": {"doc_id": doc_id, "mentions": mentions},
                "entity_frames": {"doc_id": doc_id, "entities": ents}}
    if project == "document":
        stray = [r for r in regs if r.choices]
        if stray:
            raise ConvertError(f"{where}, region {stray[0].rid}", "per-region choices are not used in this project")
        order = {tag: i for i, tag in enumerate(dict.fromkeys(x.get("from_name") for x in results))}
        if C.PRIMARY_FRAME not in docv:
            raise ConvertError(f"{where} [{C.PRIMARY_FRAME}]", "missing primary frame")
        frames_part = {"doc_id": doc_id, "frames": list(docv.get(C.FRAMES, [])),
                       "primary_frame": docv[C.PRIMARY_FRAME][0]}
        stances = []
        for t in sorted(inv.targets, key=lambda t: order.get(C.STANCE_PREFIX + t["target_id"], len(order))):
            tag = C.STANCE_PREFIX + t["target_id"]
            if tag not in docv:
                raise ConvertError(f"{where} [{tag}]", f"missing stance toward {t['target_id']!r}")
            note = docv.get(C.NOTE_PREFIX + t["target_id"]) or [None]
            stances.append({"target": t["target_id"], "label": docv[tag][0], "note": note[0] or None})
        # `frames` here is the document-level part only: pull joins it with the `paragraphs` units
        return {"stance": {"doc_id": doc_id, "stances": stances}, "frames": frames_part}
    if project == "spans":
        for r in regs:
            if r.label_tag != C.TECHNIQUE and (C.TARGET in r.choices or C.POLARITY in r.choices):
                raise ConvertError(f"{where}, region {r.rid}", "target/polarity on a region that is no technique")
            if r.label_tag != C.QUOTE_TAG and C.SPEAKER in r.choices:
                raise ConvertError(f"{where}, region {r.rid}", "speaker on a region that is no quote")
        tregs = [r for r in regs if r.label_tag == C.TECHNIQUE]
        qregs = [r for r in regs if r.label_tag == C.QUOTE_TAG]
        tids, qids = _ids(tregs, ID_PREFIX["bias_spans"]), _ids(qregs, ID_PREFIX["quotes"])
        return {
            "bias_spans": {"doc_id": doc_id, "spans": [
                {"id": tids[r.rid], **_span(r), "technique": r.label,
                 "target_entity_id": _one(r, C.TARGET, where, False),
                 "polarity": _one(r, C.POLARITY, where, False)} for r in tregs]},
            "quotes": {"doc_id": doc_id, "quotes": [
                {"id": qids[r.rid], **_span(r), "speaker_entity_id": _one(r, C.SPEAKER, where, False)}
                for r in qregs]},
        }
    raise ValueError(f"unknown project {project!r}")
