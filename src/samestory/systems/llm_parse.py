"""The LLM system's parsing: an answer's JSON into a record in the gold layer's layout. Surface strings are
located in the clean text here (models count characters badly); anything else is `InvalidOutput`."""
from __future__ import annotations

import re

from samestory import schema
from samestory.layers.entity_frames import allowed_fine_roles
from samestory.layers.mentions import name_clashes
from samestory.systems.resources import FRAMED_TYPES, Resources


class InvalidOutput(ValueError):
    """The model answered, but not with JSON of the requested shape."""


def parse_json(content: str) -> dict:
    """The JSON object of an answer (a ```json fence around it is tolerated), else InvalidOutput."""
    s = content.strip()
    fence = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", s, flags=re.S)
    if fence:
        s = fence.group(1)
    from samestory.core.errors import SameStoryError
    from samestory.core.guard import loads

    try:
        obj = loads(s, "answer")  # bounded: a model's answer nested 100,000 deep is invalid output, not a crash
    except SameStoryError as exc:
        raise InvalidOutput(f"not JSON: {exc.problems[0].message if exc.problems else exc}")
    if not isinstance(obj, dict):
        raise InvalidOutput(f"expected a JSON object, got {type(obj).__name__}")
    return obj


def _get(obj: dict, key: str, typ):
    if not isinstance(obj.get(key), typ):
        raise InvalidOutput(f"field {key!r} missing or not a {typ.__name__ if isinstance(typ, type) else typ}")
    return obj[key]


def _keyed(obj: dict, key: str, id_field: str) -> dict:
    """A {id: answer} mapping; a list of objects carrying `id_field` is accepted as well."""
    v = obj.get(key)
    if isinstance(v, list) and all(isinstance(x, dict) and isinstance(x.get(id_field), str) for x in v):
        return {x[id_field]: x.get("frame", x) if key == "paragraphs" else x for x in v}
    if not isinstance(v, dict):
        raise InvalidOutput(f"field {key!r} missing or not an object keyed by {id_field}")
    return v


def _label(value, labels, where: str, nullable=False):
    if nullable and (value is None or (isinstance(value, str) and value.strip().lower() in NULLS)):
        return None
    if value not in labels:
        raise InvalidOutput(f"{where}: {value!r} is not one of {', '.join(map(str, labels))}")
    return value


class Locator:
    """Finds answer strings in the text, left to right, each occurrence used once."""

    def __init__(self, text: str):
        self.text, self.pos, self.used = text, 0, set()

    def find(self, s: str, where: str) -> tuple[int, int]:
        if not isinstance(s, str) or not s.strip():
            raise InvalidOutput(f"{where}: empty or non-string text")
        s = s.strip()
        for start in (self.pos, 0):
            i = self.text.find(s, start)
            while i >= 0 and (i, i + len(s)) in self.used:
                i = self.text.find(s, i + 1)
            if i >= 0:
                self.used.add((i, i + len(s)))
                self.pos = i + len(s)
                return i, i + len(s)
        raise InvalidOutput(f"{where}: {s[:60]!r} does not occur in the document")


NULLS = ("", "null", "none", "nil", "n/a")
"""Spellings of "no entity" that models use instead of JSON null."""


def _entity(value, ids: set, where: str):
    if value is None or (isinstance(value, str) and value.strip().lower() in NULLS):
        return None
    if value not in ids:
        raise InvalidOutput(f"{where}: unknown entity id {value!r}")
    return value


def _spans(obj: dict, config: str, key: str, text: str, fields) -> list[dict]:
    """The answer's list `key` of quoted spans: each found in the text (`fields(item, where)` gives the rest of
    its record), in text order, numbered with the config's item ids."""
    loc, items = Locator(text), []
    for i, s in enumerate(_get(obj, key, list)):
        where = f"{key}[{i}]"
        if not isinstance(s, dict):
            raise InvalidOutput(f"{where}: not an object")
        a, b = loc.find(s.get("text"), where)
        items.append({"start": a, "end": b, "text": text[a:b], **fields(s, where)})
    items.sort(key=lambda s: (s["start"], -s["end"]))
    return [{"id": schema.CONFIGS[config].item_id(i), **s} for i, s in enumerate(items, 1)]


def to_record(config: str, obj: dict, doc: dict, res: Resources) -> dict:
    """Turn a parsed answer into a record with the gold layer's layout; any mismatch is InvalidOutput."""
    text, story, doc_id = doc["text"], doc["story_id"], doc["doc_id"]
    if config == "mentions":
        ids = {e["entity_id"] for e in res.require("entities", story)}
        loc, items = Locator(text), []
        for i, m in enumerate(_get(obj, "mentions", list)):
            where = f"mentions[{i}]"
            if not isinstance(m, dict):
                raise InvalidOutput(f"{where}: not an object")
            a, b = loc.find(m.get("text"), where)
            items.append({"start": a, "end": b, "text": text[a:b], "type": _label(m.get("type"), schema.ENTITY_TYPES, where),
                          "kind": _label(m.get("kind", "NAM"), schema.MENTION_KINDS, where),
                          "entity_id": _entity(m.get("entity_id"), ids, where)})
        items.sort(key=lambda m: (m["start"], -m["end"]))
        dropped = {i for i, _ in name_clashes(items)}  # names never overlap (codebook): keep the first
        kept = [m for i, m in enumerate(items) if i not in dropped]
        return {"doc_id": doc_id, "mentions": [{"id": schema.CONFIGS["mentions"].item_id(i), **m} for i, m in enumerate(kept, 1)]}
    if config == "entity_frames":
        allowed = {e["entity_id"] for e in res.require("entities", story) if e["type"] in FRAMED_TYPES}
        items, seen = [], set()
        for i, e in enumerate(_get(obj, "entities", list)):
            where = f"entities[{i}]"
            if not isinstance(e, dict):
                raise InvalidOutput(f"{where}: not an object")
            eid = _entity(e.get("entity_id"), allowed, where)
            if eid is None or eid in seen:
                raise InvalidOutput(f"{where}: missing or repeated entity_id {eid!r}")
            seen.add(eid)
            main = _label(e.get("main_role"), schema.MAIN_ROLES, where + ".main_role")
            fine = e.get("fine_roles") or []
            if not isinstance(fine, list):
                raise InvalidOutput(f"{where}.fine_roles: not a list")
            fine = [_label(f, allowed_fine_roles(main), where + ".fine_roles") for f in dict.fromkeys(fine)]
            items.append({"entity_id": eid, "main_role": main, "fine_roles": fine,
                          "portrayal": _label(e.get("portrayal"), schema.PORTRAYALS, where + ".portrayal"),
                          "evidence": []})
        return {"doc_id": doc_id, "entities": items}
    if config == "stance":
        targets = [t["target_id"] for t in res.require("targets", story)]
        got = {}
        for i, s in enumerate(_get(obj, "stances", list)):
            if not isinstance(s, dict):
                raise InvalidOutput(f"stances[{i}]: not an object")
            t = _label(s.get("target"), targets, f"stances[{i}].target")
            note = s.get("note")
            got[t] = {"target": t, "label": _label(s.get("label"), schema.STANCE_LABELS, f"stances[{i}].label"),
                      "note": note if isinstance(note, str) else None}
        missing = [t for t in targets if t not in got]
        if missing:
            raise InvalidOutput(f"stances: no answer for target(s) {', '.join(missing)}")
        return {"doc_id": doc_id, "stances": [got[t] for t in targets]}
    if config == "frames":
        frames = [_label(f, schema.FRAMES, "frames") for f in dict.fromkeys(_get(obj, "frames", list))]
        primary = _label(obj.get("primary_frame"), schema.FRAMES, "primary_frame")
        if primary not in frames:
            raise InvalidOutput("primary_frame is not among frames")
        paras = _keyed(obj, "paragraphs", "paragraph_id")
        out = []
        for p in doc["paragraphs"]:
            if p["id"] not in paras:
                raise InvalidOutput(f"paragraphs: no frame for {p['id']}")
            out.append({"paragraph_id": p["id"], "frame": _label(paras[p["id"]], schema.FRAMES,
                                                                   f"paragraphs.{p['id']}", nullable=True)})
        return {"doc_id": doc_id, "frames": frames, "primary_frame": primary, "paragraphs": out}
    if config == "bias_sentences":
        sents = _keyed(obj, "sentences", "sentence_id")
        out = []
        for s in doc["sentences"]:
            v = sents.get(s["id"])
            if not isinstance(v, dict):
                raise InvalidOutput(f"sentences: no answer for {s['id']}")
            out.append({"sentence_id": s["id"], "label": _label(v.get("label"), schema.BIAS_LABELS, f"sentences.{s['id']}.label"),
                        "opinion": _label(v.get("opinion"), schema.OPINION_LABELS, f"sentences.{s['id']}.opinion")})
        return {"doc_id": doc_id, "sentences": out}
    if config == "bias_spans":
        ids = {e["entity_id"] for e in res.require("entities", story)}
        return {"doc_id": doc_id, "spans": _spans(obj, config, "spans", text, lambda s, where: {
            "technique": _label(s.get("technique"), schema.TECHNIQUES, where + ".technique"),
            "target_entity_id": _entity(s.get("target_entity_id"), ids, where),
            "polarity": _label(s.get("polarity"), schema.PORTRAYALS, where + ".polarity", nullable=True)})}
    if config == "facts":
        answers = _keyed(obj, "facts", "fact_id")
        out = []
        for f in res.require("facts", story):
            v = answers.get(f["fact_id"])
            if not isinstance(v, dict) or not isinstance(v.get("reported"), bool):
                raise InvalidOutput(f"facts.{f['fact_id']}: missing or without a boolean 'reported'")
            evidence = []
            if v["reported"]:
                loc = Locator(text)
                for j, e in enumerate(v.get("evidence") or []):
                    a, b = loc.find(e, f"facts.{f['fact_id']}.evidence[{j}]")
                    evidence.append({"start": a, "end": b, "text": text[a:b]})
            out.append({"fact_id": f["fact_id"], "reported": v["reported"], "evidence": evidence})
        return {"doc_id": doc_id, "facts": out}
    if config == "quotes":
        ids = {e["entity_id"] for e in res.require("entities", story)}
        return {"doc_id": doc_id, "quotes": _spans(obj, config, "quotes", text, lambda q, where: {
            "speaker_entity_id": _entity(q.get("speaker_entity_id"), ids, where)})}
    raise ValueError(f"unknown config {config}")
