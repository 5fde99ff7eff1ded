"""Independent agreement: one blind pass scored against fixed gold snapshots, apart from the passes'
consistency figures.

`annotations/<story>/independent/spec.json` names the blind pass and the gold snapshots it is compared
with (folders of <layer>.jsonl inside the story folder). A snapshot that predates the sentence re-segmentation
names the old → new sentence-id map; facts are compared on the fact ids both sides hold. The measures are
those of `samestory.annotate.agreement` (Krippendorff α / Cohen κ per unit, strict and partial span F1).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from samestory.annotate import agreement, store

from samestory import schema
from samestory.core.errors import Problem, SameStoryError
from samestory.core.jsonl import read_jsonl

SPEC_FILE = Path("independent") / "spec.json"
REPORT_FILE = "agreement_independent.json"
INDEPENDENT_VERSION = "1.0.0"


def _inside(story_dir: Path, rel: str, spec: Path, field: str) -> Path:
    """A path from the spec, refused unless it is relative and stays inside the story folder."""
    p = Path(rel)
    if not rel or p.is_absolute() or ".." in p.parts:
        raise SameStoryError(f"{spec}: bad path in {field}",
                             [Problem(str(spec), "path must be relative and inside the story folder", None, field,
                                      "e.g. independent/gold_v1.0.0", rel)])
    path = story_dir / p
    if not path.exists():
        raise SameStoryError(f"{spec}: {field} does not exist",
                             [Problem(str(spec), "no such file or folder", None, field, "an existing path", rel)])
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load(folder: Path, layers: list[str]) -> dict[str, dict[str, dict]]:
    return {layer: {r["doc_id"]: r for _, r in rows}
            for layer, rows in store.read_layers(folder, layers, required=True).items()}


def sentence_map(path: Path) -> dict[str, dict[str, str]]:
    """doc_id -> old sentence id -> new sentence id, from changes/sentence_ids_*.jsonl."""
    out: dict[str, dict[str, str]] = {}
    for line, r in read_jsonl(path):
        try:
            out.setdefault(r["doc_id"], {})[r["old_sentence_id"]] = r["new_sentence_id"]
        except KeyError as exc:
            raise SameStoryError(f"{path}:{line}: missing field", [Problem(str(path), "missing field", line,
                                                                           str(exc), "doc_id, old/new_sentence_id")])
    return out


def remap_sentences(rec: dict, ids: dict[str, str]) -> dict:
    """Old sentence labels on the new sentences: a merged sentence is biased if any part was; its
    opinion is the parts' opinion when they agree, else mixed."""
    merged: dict[str, list[dict]] = {}
    for s in rec["sentences"]:
        if s["sentence_id"] not in ids:
            raise SameStoryError(f"sentence {s['sentence_id']} of {rec['doc_id']} has no mapping",
                                 [Problem("sentence_ids", "unmapped sentence", None, rec["doc_id"],
                                          "an old_sentence_id row", s["sentence_id"])])
        merged.setdefault(ids[s["sentence_id"]], []).append(s)
    out = []
    for new, parts in merged.items():
        opinions = {p["opinion"] for p in parts}
        out.append({"sentence_id": new,
                    "label": "biased" if any(p["label"] == "biased" for p in parts) else "non-biased",
                    "opinion": opinions.pop() if len(opinions) == 1 else "mixed"})
    return {"doc_id": rec["doc_id"], "sentences": out}


def _common_facts(a: dict, b: dict) -> tuple[dict, dict, int, int]:
    """Both records restricted to the fact ids both hold (ids retired or added by an inventory change drop)."""
    common = {f["fact_id"] for f in a["facts"]} & {f["fact_id"] for f in b["facts"]}
    keep = lambda r: {"doc_id": r["doc_id"], "facts": [f for f in r["facts"] if f["fact_id"] in common]}  # noqa: E731
    return keep(a), keep(b), len(common), len(a["facts"]) + len(b["facts"]) - 2 * len(common)


def compare(blind: dict[str, dict[str, dict]], reference: dict[str, dict[str, dict]],
            sentence_ids: dict[str, dict[str, str]] | None, names: tuple[str, str]) -> dict:
    """Label and span agreement of a blind pass with one reference, on the documents both hold."""
    ref_name, blind_name = names
    passes: agreement.Passes = {ref_name: {}, blind_name: {}}
    notes = {}
    for layer, docs in blind.items():
        ref_docs = reference[layer]
        passes[ref_name][layer], passes[blind_name][layer] = {}, {}
        dropped = 0
        for doc_id in sorted(set(docs) & set(ref_docs)):
            r, d = ref_docs[doc_id], docs[doc_id]
            if layer == "bias_sentences" and sentence_ids is not None:
                r = remap_sentences(r, sentence_ids.get(doc_id, {}))
            if layer == "facts":
                r, d, _, n = _common_facts(r, d)
                dropped += n
            passes[ref_name][layer][doc_id], passes[blind_name][layer][doc_id] = r, d
        if layer == "facts":
            if dropped:
                notes["facts"] = (f"{dropped} document × fact cells of one side left out "
                                  "(fact id in one inventory only)")
    report = agreement.agreement_report(passes)
    return {"layers": report["layers"], "labels": report["labels"], "spans": report["spans"], "notes": notes}


def independent_report(story_dir: Path) -> dict:
    """The independent-agreement report of a story, from its spec (deterministic, JSON-ready)."""
    story_dir = Path(story_dir)
    spec_path = story_dir / SPEC_FILE
    if not spec_path.exists():
        raise SameStoryError(f"{spec_path}: no independent-agreement spec",
                             [Problem(str(spec_path), "file missing", expected="independent/spec.json")])
    try:
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        annotator, refs = spec["annotator"], spec["references"]
    except (ValueError, KeyError, TypeError) as exc:
        raise SameStoryError(f"{spec_path}: unreadable spec", [Problem(str(spec_path), f"unreadable: {exc}")])
    pass_dir = _inside(story_dir, f"{store.PASSES}/{annotator}", spec_path, "annotator")
    layers = list(store.layer_files(pass_dir))
    blind = _load(pass_dir, layers)
    out = {
        "independent_version": INDEPENDENT_VERSION,
        "agreement_version": agreement.AGREEMENT_VERSION,
        "schema_version": schema.SCHEMA_VERSION,
        "story_id": story_dir.name,
        "annotator": annotator,
        "about": spec.get("about"),
        "annotator_sha256": {layer: _sha(store.layer_file(pass_dir, layer)) for layer in layers},
        "comparisons": [],
    }
    for i, ref in enumerate(refs):
        folder = _inside(story_dir, ref.get("folder", ""), spec_path, f"references[{i}].folder")
        ids_rel = ref.get("sentence_ids")
        ids = sentence_map(_inside(story_dir, ids_rel, spec_path, f"references[{i}].sentence_ids")) if ids_rel else None
        reference = _load(folder, layers)
        # "gold" sorts before "pass_…", so the reference plays gold in the span counts (P, R of the pass)
        result = compare(blind, reference, ids, ("gold", f"pass_{annotator}"))
        out["comparisons"].append({
            "name": ref["name"], "about": ref.get("about"), "folder": ref["folder"], "sentence_ids": ids_rel,
            "reference_sha256": {layer: _sha(store.layer_file(folder, layer)) for layer in layers}, **result})
    return out


def render_json(report: dict) -> str:
    """The report file's exact text (what `samestory independent-agreement` writes and `--check` compares)."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def _fmt(x) -> str:
    return "–" if x is None else f"{x:.3f}"


def report_markdown(report: dict) -> str:
    """One table for label measures and one for span measures, a column group per reference."""
    comps = report["comparisons"]
    head = " | ".join(f"{c['name']}: units | α | κ | obs." for c in comps)
    lines = [f"Blind pass `{report['annotator']}` against the gold snapshots "
             + " and ".join(f"**{c['name']}**" for c in comps) + " (`independent/spec.json`).", "",
             f"| Measure | Unit | {head} |", "|---|---|" + "---:|" * (4 * len(comps))]
    measures = [m for m in agreement.label_measures() if not m.startswith("frames.presence[")
                and any(m in c["labels"] for c in comps)]
    for m in measures:
        cells = []
        for c in comps:
            r = c["labels"].get(m)
            cells += [str(r["units"]), _fmt(r["alpha"]), _fmt(r["kappa_mean"]), _fmt(r["observed"])] if r \
                else ["–"] * 4
        unit = next(c["labels"][m]["unit"] for c in comps if m in c["labels"])
        lines.append(f"| {m} | {unit} | " + " | ".join(cells) + " |")
    span_names = [m for m in agreement.span_measures() if any(m in c["spans"] for c in comps)]
    if span_names:
        head = " | ".join(f"{c['name']}: strict P | strict R | strict F1 | partial F1" for c in comps)
        lines += ["", f"| Span layer | {head} |", "|---|" + "---:|" * (4 * len(comps))]
        for m in span_names:
            cells = []
            for c in comps:
                pair = next(iter(c["spans"][m]["pairs"].values())) if m in c["spans"] else None
                cells += [_fmt(pair["strict"]["precision"]), _fmt(pair["strict"]["recall"]),
                          _fmt(pair["strict"]["f1"]), _fmt(pair["partial"]["f1"])] if pair else ["–"] * 4
            lines.append(f"| {m} | " + " | ".join(cells) + " |")
    notes = sorted({f"{c['name']}: {n}" for c in comps for n in c["notes"].values()})
    if notes:
        lines += [""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"
