"""Inter-annotator agreement over annotation passes (pure functions, no I/O but loading the passes).

A *pass* is one annotator's set of layer files, `passes/<annotator>/<layer>.jsonl`, in exactly the
gold layout of `samestory.schema`. Label layers are compared with Krippendorff's alpha (nominal) and
Cohen's kappa per unit; span layers with span F1 (strict: same offsets and label; partial: one-to-one
overlap with the same label) built from tp/fp/fn counts that add up across documents. Merging passes into a
gold candidate is `samestory.annotate.adjudicate`.
"""
from __future__ import annotations

import itertools
import warnings
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from samestory import layers as layer_api
from samestory import schema
from samestory.schema.spans import match_one_to_one
from samestory.core.errors import Problem, SameStoryError
from samestory.core.prf import PRF, rounded
from samestory.annotate import store
from samestory.annotate.validate import check_layer_record

AGREEMENT_VERSION = "1.0.0"

Passes = dict[str, dict[str, dict[str, dict]]]
"""annotator -> layer -> doc_id -> record (the gold row layout of that layer)."""


# --- loading and checking ---------------------------------------------------------------------------

def load_passes(root: Path, layers: Iterable[str] | None = None, annotators: Iterable[str] | None = None) -> Passes:
    """Read `root/<annotator>/<layer>.jsonl` for every annotator folder (or only `annotators`); strict,
    errors name file and line."""
    root = Path(root)
    if not root.is_dir():
        raise SameStoryError(f"{root}: no such directory of annotation passes",
                             [Problem(str(root), "expected a directory with one folder per annotator")])
    declared = store.declared()
    wanted = tuple(layers) if layers else declared
    for layer in wanted:
        if layer not in declared:
            raise SameStoryError(f"unknown layer {layer!r}",
                                 [Problem("<arguments>", "unknown layer", None, "layer",
                                          "one of " + ", ".join(declared), layer)])
    passes: Passes = {}
    problems: list[Problem] = []
    folders = store.pass_folders(root)
    if annotators is not None:
        wanted_ann = list(annotators)
        unknown = sorted(set(wanted_ann) - {p.name for p in folders})
        if unknown:
            raise SameStoryError(f"{root}: no pass folder for " + ", ".join(unknown),
                                 [Problem(str(root), "unknown annotator", None, "annotators",
                                          "one of " + ", ".join(p.name for p in folders), a) for a in unknown])
        folders = [p for p in folders if p.name in wanted_ann]
    for ann_dir in folders:
        by_layer: dict[str, dict[str, dict]] = {}
        for layer, path in store.layer_files(ann_dir, wanted).items():
            docs, found = store.records_by_doc(
                path, check=lambda rec, line, layer=layer, path=path: check_layer_record(layer, rec, path, line))
            problems += found
            by_layer[layer] = docs
        if by_layer:
            passes[ann_dir.name] = by_layer
    if problems:
        raise SameStoryError(f"{root}: {len(problems)} problem(s) in annotation passes", problems)
    if not passes:
        raise SameStoryError(f"{root}: no annotation passes found",
                             [Problem(str(root), "expected <annotator>/<layer>.jsonl files")])
    return passes


# --- label layers: units and values ------------------------------------------------------------------

LABEL_ORDER = ("stance", "frames", "bias_sentences", "entity_frames", "facts", "mentions")
"""Report order of the layers' label measures; a layer not listed (an added one) follows."""
SPAN_ORDER = ("mentions", "bias_spans", "quotes", "facts")
"""Report order of the layers' span measures."""


def _in_order(order: tuple[str, ...]) -> list[layer_api.Layer]:
    by = {layer.name: layer for layer in layer_api.layers()}
    return [by[n] for n in order if n in by] + [layer for n, layer in by.items() if n not in order]


def label_measures() -> dict[str, str]:
    """Every label measure of the declared layers (`samestory.layers`) and its unit, in report order."""
    return {m: unit for layer in _in_order(LABEL_ORDER) for m, unit in layer.label_measures.items()}


def span_measures() -> dict[str, str]:
    """Every span measure of the declared layers and what its spans are, in report order."""
    return {m: what for layer in _in_order(SPAN_ORDER) for m, what in layer.span_measures.items()}


def declaration(layer: str) -> layer_api.Layer:
    """The declaration of a layer found in passes; an undeclared one is an error, never left out of a report."""
    try:
        return layer_api.get(layer)
    except KeyError:
        raise SameStoryError(f"layer {layer!r} is not declared: add a Layer for it in samestory.layers",
                             [Problem("<passes>", "unknown layer", None, "layer", "one of " + ", ".join(
                                 d.name for d in layer_api.layers()), layer)]) from None


def _undeclared_measure(layer: str, measure: str, where: str, declared) -> SameStoryError:
    return SameStoryError(f"layer {layer!r} gives agreement measure {measure!r} that its Layer does not declare",
                          [Problem(f"samestory.layers.{layer}", "undeclared agreement measure", None, where,
                                   "one of " + (", ".join(declared) or "nothing declared"), measure)])


def key_text(k: Any) -> str:
    """A unit or item key as shown in messages and disagreement ids: a tuple's parts joined by commas."""
    return ",".join(map(str, k)) if isinstance(k, tuple) else str(k)


def token(value: Any) -> str:
    """A category name for a value: null is its own category (a deliberate 'not applicable')."""
    return "null" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))


def krippendorff_alpha(units: dict[tuple, dict[str, Any]], annotators: list[str]) -> float | None:
    """Nominal alpha over units (unit -> annotator -> value); None when undefined (one category only)."""
    import krippendorff

    pairable = {u: v for u, v in units.items() if len(v) >= 2}
    cats = sorted({token(x) for v in pairable.values() for x in v.values()})
    if not pairable or len(cats) < 2:
        return None
    index = {c: i for i, c in enumerate(cats)}
    data = np.full((len(annotators), len(pairable)), np.nan)
    for j, u in enumerate(sorted(pairable, key=repr)):
        for i, a in enumerate(annotators):
            if a in pairable[u]:
                data[i, j] = index[token(pairable[u][a])]
    return rounded(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def cohen_kappa(units: dict[tuple, dict[str, Any]], a: str, b: str) -> float | None:
    """Cohen's kappa of two annotators over the units both coded; None when undefined (one category)."""
    from sklearn.metrics import cohen_kappa_score

    both = [u for u in sorted(units, key=repr) if a in units[u] and b in units[u]]
    ya = [token(units[u][a]) for u in both]
    yb = [token(units[u][b]) for u in both]
    if not both or len(set(ya) | set(yb)) < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rounded(cohen_kappa_score(ya, yb))


def observed_agreement(units: dict[tuple, dict[str, Any]]) -> float | None:
    """Share of agreeing annotator pairs over all pairable units; None when no unit has two values."""
    agree = total = 0
    for v in units.values():
        vals = [token(x) for _, x in sorted(v.items())]
        for x, y in itertools.combinations(vals, 2):
            total += 1
            agree += x == y
    return rounded(agree / total) if total else None


def _label_tables(passes: Passes) -> dict[str, dict[tuple, dict[str, Any]]]:
    """measure -> (doc_id, *unit) -> annotator -> value, over every annotator's records."""
    tables: dict[str, dict[tuple, dict[str, Any]]] = {m: {} for m in label_measures()}
    for ann, layers in sorted(passes.items()):
        for layer, docs in layers.items():
            decl = declaration(layer)
            for doc_id, rec in docs.items():
                for measure, unit, value in decl.label_units(rec):
                    if measure not in decl.label_measures:
                        raise _undeclared_measure(layer, measure, "label_measures", decl.label_measures)
                    cell = tables[measure].setdefault((doc_id, *unit), {})
                    if ann in cell:
                        raise SameStoryError(f"{ann}/{layer}.jsonl: {doc_id} judges one unit twice",
                                             [Problem(f"{ann}/{layer}.jsonl", "duplicate unit", None, measure,
                                                      "one judgement per unit", key_text(tuple(unit)))])
                    cell[ann] = value
    return tables


def label_agreement(passes: Passes) -> dict[str, dict]:
    """Alpha, pairwise kappa and observed agreement for every label measure, overall and per document."""
    annotators = sorted(passes)
    unit_of = label_measures()
    out: dict[str, dict] = {}
    for measure, units in _label_tables(passes).items():
        pairable = {u: v for u, v in units.items() if len(v) >= 2}
        if not pairable:
            continue
        kappas = {f"{a}|{b}": cohen_kappa(pairable, a, b) for a, b in itertools.combinations(annotators, 2)}
        defined = [k for k in kappas.values() if k is not None]
        per_doc = {}
        for doc_id in sorted({u[0] for u in pairable}):
            sub = {u: v for u, v in pairable.items() if u[0] == doc_id}
            per_doc[doc_id] = {"units": len(sub), "alpha": krippendorff_alpha(sub, annotators),
                               "observed": observed_agreement(sub)}
        out[measure] = {
            "unit": unit_of[measure],
            "units": len(pairable),
            "categories": sorted({token(x) for v in pairable.values() for x in v.values()}),
            "alpha": krippendorff_alpha(pairable, annotators),
            "kappa": kappas,
            "kappa_mean": rounded(sum(defined) / len(defined)) if defined else None,
            "observed": observed_agreement(pairable),
            "per_document": per_doc,
        }
    return out


# --- span layers --------------------------------------------------------------------------------------

Span = tuple[int, int, Any]


def match_strict(gold: list[Span], pred: list[Span]) -> PRF:
    """Same start, end and label; duplicates count once each (multiset intersection)."""
    tp = sum((Counter(gold) & Counter(pred)).values())
    return PRF(tp, len(pred) - tp, len(gold) - tp)


def match_partial(gold: list[Span], pred: list[Span]) -> PRF:
    """One-to-one matching of overlapping spans with the same label, as many pairs as possible
    (`samestory.schema.spans.match_one_to_one`, the quote scorer's matcher): the count does not depend on
    input order."""
    tp = len(match_one_to_one(gold, pred, compatible=lambda g, p: g[2] == p[2]))
    return PRF(tp, len(pred) - tp, len(gold) - tp)


def _spans_of(decl: layer_api.Layer, rec: dict, measure: str) -> list[Span]:
    """The spans of a declared span measure in a record; a measure `span_units` does not give is an error."""
    units = decl.span_units(rec)
    if measure not in units:
        raise SameStoryError(f"layer {decl.name!r} declares span measure {measure!r} that its span_units do not give",
                             [Problem(f"samestory.layers.{decl.name}", "span measure without spans", None,
                                      "span_units", "spans for each of " + ", ".join(decl.span_measures),
                                      ", ".join(units) or "none")])
    return units[measure]


def span_agreement(passes: Passes) -> dict[str, dict]:
    """Strict and partial span F1 for every annotator pair, overall (summed counts) and per document.

    Only documents both annotators annotated in that layer are compared; the first of the pair plays
    'gold' (F1 is symmetric; precision and recall swap).
    """
    annotators = sorted(passes)
    out: dict[str, dict] = {}
    for decl in layer_api.layers():
        layer = decl.name
        for measure in decl.span_measures:
            pairs = {}
            for a, b in itertools.combinations(annotators, 2):
                da, db = passes[a].get(layer, {}), passes[b].get(layer, {})
                common = sorted(set(da) & set(db))
                if not common:
                    continue
                strict, partial, per_doc = PRF(), PRF(), {}
                for doc_id in common:
                    sa, sb = (_spans_of(decl, rec, measure) for rec in (da[doc_id], db[doc_id]))
                    s, p = match_strict(sa, sb), match_partial(sa, sb)
                    strict, partial = strict + s, partial + p
                    per_doc[doc_id] = {"strict": s.as_dict(), "partial": p.as_dict()}
                pairs[f"{a}|{b}"] = {"documents": len(common), "strict": strict.as_dict(),
                                     "partial": partial.as_dict(), "per_document": per_doc}
            if pairs:
                out[measure] = {"unit": decl.span_measures[measure], "pairs": pairs}
    return out


def agreement_report(passes: Passes) -> dict:
    """The full agreement report (JSON-ready, deterministic key order)."""
    layers = sorted({layer for p in passes.values() for layer in p})
    for layer in layers:
        declaration(layer)
    return {
        "agreement_version": AGREEMENT_VERSION,
        "schema_version": schema.SCHEMA_VERSION,
        "annotators": sorted(passes),
        "layers": {layer: {a: len(passes[a].get(layer, {})) for a in sorted(passes)} for layer in layers},
        "labels": label_agreement(passes),
        "spans": span_agreement(passes),
    }


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def report_markdown(report: dict) -> str:
    """Markdown tables of a report, for the dataset card (per-frame presence in its own table)."""
    lines = [f"Annotators: {', '.join(report['annotators'])}. "
             "α: Krippendorff's alpha (nominal); κ: Cohen's kappa, mean over annotator pairs; "
             "obs.: observed pairwise agreement; – = undefined (e.g. a single category used).", "",
             "| Measure | Unit | Units | α | κ | obs. |", "|---|---|---:|---:|---:|---:|"]
    per_frame = []
    for name, m in report["labels"].items():
        row = f"| {name} | {m['unit']} | {m['units']} | {_fmt(m['alpha'])} | {_fmt(m['kappa_mean'])} | " \
              f"{_fmt(m['observed'])} |"
        (per_frame if name.startswith("frames.presence[") else lines).append(row)
    if per_frame:
        lines += ["", "| Frame presence | Unit | Units | α | κ | obs. |", "|---|---|---:|---:|---:|---:|"]
        lines += per_frame
    if report["spans"]:
        lines += ["", "| Span layer | Pair | Docs | Strict P | Strict R | Strict F1 | Partial F1 |",
                  "|---|---|---:|---:|---:|---:|---:|"]
        for name, m in report["spans"].items():
            for pair, r in m["pairs"].items():
                s, p = r["strict"], r["partial"]
                lines.append(f"| {name} | {pair.replace('|', ' vs ')} | {r['documents']} | "
                             f"{_fmt(s['precision'])} | {_fmt(s['recall'])} | {_fmt(s['f1'])} | "
                             f"{_fmt(p['f1'])} |")
    return "\n".join(lines) + "\n"
