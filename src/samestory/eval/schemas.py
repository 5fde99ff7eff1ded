"""JSON Schema (draft 2020-12) of each task's prediction file, derived from `samestory.schema`.

A prediction file holds one JSON object per line; the schema describes one line. Required item fields
are the task's `required`; every other declared field is optional; undeclared fields are rejected.
"""
from __future__ import annotations

import json
from pathlib import Path

from samestory import schema
from samestory.eval.registry import TASKS
from samestory.core.jsonl import atomic_write_text

_TYPES = {"string": {"type": "string"}, "int32": {"type": "integer", "minimum": -(2 ** 31), "maximum": 2 ** 31 - 1},
          "bool": {"type": "boolean"}}


def _field(f: schema.Field, path: str, required: set[str]) -> dict:
    if f.dtype == "label":
        one = {"type": "string", "enum": list(f.labels)}
    elif f.dtype == "struct":
        one = _object(f.children, path + ("[]" if f.many else "") + ".", required)
    else:
        one = dict(_TYPES[f.dtype])
    out = {"type": "array", "items": one} if f.many else one
    if f.many and f.dtype == "label":
        out["uniqueItems"] = True
    if f.nullable:
        out = {"anyOf": [out, {"type": "null"}]}
    return {"description": f.doc, **out}


def _object(fields, prefix: str, required: set[str], top: tuple[str, ...] = ()) -> dict:
    props, req = {}, list(top)
    for f in fields:
        path = f"{prefix}{f.name}" if prefix else f.name
        props[f.name] = _field(f, path, required)
        if path in required and f.name not in req:
            req.append(f.name)
    out = {"type": "object", "properties": props, "additionalProperties": False}
    if req:
        out["required"] = req
    return out


def prediction_schema(task: str) -> dict:
    """The JSON Schema of one line of `task`'s prediction file."""
    meta = TASKS[task].meta
    cfg = schema.CONFIGS[meta.config]
    body = _object(cfg.fields, "", set(meta.required), top=("doc_id", cfg.items))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://samestory.invalid/schemas/{task}.schema.json",
        "title": f"SameStory {task} predictions (one JSON object per line)",
        "description": f"{meta.description} Config {meta.config}; {schema.SPAN_CONVENTION} "
                       f"Schema version {schema.SCHEMA_VERSION}, task version {meta.version}.",
        **body,
    }


def render(task: str) -> str:
    return json.dumps(prediction_schema(task), indent=2, ensure_ascii=False) + "\n"


def rendered() -> dict[str, str]:
    """`<task>.schema.json` -> its text, for every task: what `write_all` writes and a release ships."""
    return {f"{t}.schema.json": render(t) for t in TASKS}


def write_all(out_dir: Path) -> list[Path]:
    """Write `<task>.schema.json` for every task; returns the paths."""
    out = []
    for name, text in rendered().items():
        p = Path(out_dir) / name
        atomic_write_text(p, text)
        out.append(p)
    return out
