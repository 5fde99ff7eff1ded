"""Convert a blind annotation pass, kept byte for byte under passes/<annotator>/raw/, into the pass layout.

Only two things change, and both are logged in passes/<annotator>/conversion/log.jsonl:
- a label spelled differently from schema.py is renamed only when exactly one schema label matches it
  case-, space-, hyphen- and underscore-insensitively (anything else is an error, never a guess);
- entity_frames evidence ids point to the annotator's own mention list (raw/work/mentions_aux.jsonl);
  they are re-pointed to the gold mention with the same offsets; ids with no such gold mention are
  dropped and logged as unmappable.
No decision of the annotator changes. Deterministic: the same raw files give byte-identical output.

Usage: python scripts/import_blind_pass.py annotations/<story>/passes/<annotator> [--gold annotations/<story>/gold]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

from samestory import schema
from samestory.core.jsonl import read_jsonl, write_jsonl

LAYERS = ("stance", "frames", "bias_sentences", "bias_spans", "entity_frames", "facts")
AUX_MENTIONS = Path("work") / "mentions_aux.jsonl"


def _key(s: str) -> str:
    return re.sub(r"[\s_\-]+", "", s).lower()


def _label_fields() -> dict[tuple[str, str], tuple[str, ...]]:
    """(layer, dotted field path) -> allowed labels, from schema.py."""
    out = {}
    for layer in LAYERS:
        for path, f in schema.walk(schema.CONFIGS[layer].fields):
            if f.dtype == "label":
                out[(layer, path)] = f.labels
    return out


def _normalise(value, labels, layer, path, doc_id, log):
    if value is None or value in labels:
        return value
    hits = [x for x in labels if _key(x) == _key(str(value))]
    if len(hits) != 1:
        sys.exit(f"error: {layer} {doc_id} {path}: label {value!r} is not in schema.py and maps to "
                 f"{len(hits)} schema labels; fix by hand, expected one of {', '.join(labels)}")
    log.append({"kind": "label", "layer": layer, "doc_id": doc_id, "field": path, "raw": value, "new": hits[0]})
    return hits[0]


def _walk_labels(layer, rec, fields, doc_id, log):
    """Rename labels in place for every label field of the record (top-level and one list level)."""
    for (lay, path), labels in fields.items():
        if lay != layer:
            continue
        parts = path.split("[].")
        if len(parts) == 1:
            v = rec.get(parts[0])
            rec[parts[0]] = ([_normalise(x, labels, layer, path, doc_id, log) for x in v] if isinstance(v, list)
                             else _normalise(v, labels, layer, path, doc_id, log))
        else:
            for item in rec.get(parts[0]) or []:
                v = item.get(parts[1])
                item[parts[1]] = ([_normalise(x, labels, layer, path, doc_id, log) for x in v]
                                  if isinstance(v, list) else _normalise(v, labels, layer, path, doc_id, log))


def convert(pass_dir: Path, gold_dir: Path) -> list[dict]:
    raw = pass_dir / "raw"
    fields = _label_fields()
    log: list[dict] = []
    aux = {r["doc_id"]: {m["id"]: m for m in r["mentions"]} for _, r in read_jsonl(raw / AUX_MENTIONS)}
    gold = {r["doc_id"]: {(m["start"], m["end"]): m for m in r["mentions"]}
            for _, r in read_jsonl(gold_dir / "mentions.jsonl")}
    for layer in LAYERS:
        rows = [r for _, r in read_jsonl(raw / f"{layer}.jsonl")]
        for rec in rows:
            _walk_labels(layer, rec, fields, rec["doc_id"], log)
            if layer != "entity_frames":
                continue
            for item in rec["entities"]:
                new = []
                for mid in item["evidence"]:
                    m = aux[rec["doc_id"]].get(mid)
                    g = gold.get(rec["doc_id"], {}).get((m["start"], m["end"])) if m else None
                    if g is None or g["entity_id"] != item["entity_id"]:
                        log.append({"kind": "evidence_unmappable", "doc_id": rec["doc_id"],
                                    "entity_id": item["entity_id"], "raw": mid,
                                    "offsets": [m["start"], m["end"]] if m else None,
                                    "why": "no gold mention of this entity at these offsets" if m
                                    else "id not in the annotator's mention list"})
                        continue
                    if g["id"] != mid:
                        log.append({"kind": "evidence_id", "doc_id": rec["doc_id"], "entity_id": item["entity_id"],
                                    "raw": mid, "new": g["id"], "offsets": [g["start"], g["end"]]})
                    new.append(g["id"])
                item["evidence"] = new
        write_jsonl(pass_dir / f"{layer}.jsonl", rows)
    return log


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pass_dir", type=Path, help="passes/<annotator> holding raw/")
    ap.add_argument("--gold", type=Path, help="gold folder (default: <pass_dir>/../../gold)")
    args = ap.parse_args(argv)
    gold = args.gold or args.pass_dir.parent.parent / "gold"
    log = convert(args.pass_dir, gold)
    out = args.pass_dir / "conversion"
    out.mkdir(exist_ok=True)
    write_jsonl(out / "log.jsonl", log)
    sums = {p.relative_to(args.pass_dir / "raw").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((args.pass_dir / "raw").rglob("*")) if p.is_file()}
    (out / "raw_sha256.json").write_text(json.dumps(sums, indent=1) + "\n", encoding="utf-8")
    kinds = {}
    for e in log:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    print(f"converted {args.pass_dir}: " + (", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or
                                              "no label renamed, every evidence id kept"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
