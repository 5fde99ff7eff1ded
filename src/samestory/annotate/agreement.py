"""Inter-annotator agreement and adjudication over annotation passes (pure functions, no I/O but loading).

A *pass* is one annotator's set of layer files, `passes/<annotator>/<layer>.jsonl`, in exactly the
gold layout of `samestory.schema`. Label layers are compared with Krippendorff's alpha (nominal) and
Cohen's kappa per unit; span layers with span F1 (strict: same offsets and label; partial: one-to-one
overlap with the same label) built from tp/fp/fn counts that add up across documents.
"""
from __future__ import annotations

import itertools
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

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
    wanted = tuple(layers) if layers else store.declared()
    for layer in wanted:
        if layer not in schema.LAYERS:
            raise SameStoryError(f"unknown layer {layer!r}",
                                 [Problem("<arguments>", "unknown layer", None, "layer",
                                          "one of " + ", ".join(schema.LAYERS), layer)])
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
            docs: dict[str, dict] = {}
            for lineno, rec in store.read_rows(path):
                problems += check_layer_record(layer, rec, path, lineno)
                doc_id = rec.get("doc_id")
                if doc_id in docs:
                    problems.append(Problem(str(path), "duplicate document", lineno, "doc_id", "unique", doc_id))
                docs[doc_id] = rec
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


def _declared(layer: str) -> layer_api.Layer:
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


def _token(value: Any) -> str:
    """A category name for a value: null is its own category (a deliberate 'not applicable')."""
    return "null" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))


def krippendorff_alpha(units: dict[tuple, dict[str, Any]], annotators: list[str]) -> float | None:
    """Nominal alpha over units (unit -> annotator -> value); None when undefined (one category only)."""
    import krippendorff

    pairable = {u: v for u, v in units.items() if len(v) >= 2}
    cats = sorted({_token(x) for v in pairable.values() for x in v.values()})
    if not pairable or len(cats) < 2:
        return None
    index = {c: i for i, c in enumerate(cats)}
    data = np.full((len(annotators), len(pairable)), np.nan)
    for j, u in enumerate(sorted(pairable, key=repr)):
        for i, a in enumerate(annotators):
            if a in pairable[u]:
                data[i, j] = index[_token(pairable[u][a])]
    return rounded(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def cohen_kappa(units: dict[tuple, dict[str, Any]], a: str, b: str) -> float | None:
    """Cohen's kappa of two annotators over the units both coded; None when undefined (one category)."""
    from sklearn.metrics import cohen_kappa_score

    both = [u for u in sorted(units, key=repr) if a in units[u] and b in units[u]]
    ya = [_token(units[u][a]) for u in both]
    yb = [_token(units[u][b]) for u in both]
    if not both or len(set(ya) | set(yb)) < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rounded(cohen_kappa_score(ya, yb))


def observed_agreement(units: dict[tuple, dict[str, Any]]) -> float | None:
    """Share of agreeing annotator pairs over all pairable units; None when no unit has two values."""
    agree = total = 0
    for v in units.values():
        vals = [_token(x) for _, x in sorted(v.items())]
        for x, y in itertools.combinations(vals, 2):
            total += 1
            agree += x == y
    return rounded(agree / total) if total else None


def _label_tables(passes: Passes) -> dict[str, dict[tuple, dict[str, Any]]]:
    """measure -> (doc_id, *unit) -> annotator -> value, over every annotator's records."""
    tables: dict[str, dict[tuple, dict[str, Any]]] = {m: {} for m in label_measures()}
    for ann, layers in sorted(passes.items()):
        for layer, docs in layers.items():
            decl = _declared(layer)
            for doc_id, rec in docs.items():
                for measure, unit, value in decl.label_units(rec):
                    if measure not in decl.label_measures:
                        raise _undeclared_measure(layer, measure, "label_measures", decl.label_measures)
                    cell = tables[measure].setdefault((doc_id, *unit), {})
                    if ann in cell:
                        raise SameStoryError(f"{ann}/{layer}.jsonl: {doc_id} judges one unit twice",
                                             [Problem(f"{ann}/{layer}.jsonl", "duplicate unit", None, measure,
                                                      "one judgement per unit", _keystr(tuple(unit)))])
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
            "categories": sorted({_token(x) for v in pairable.values() for x in v.values()}),
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
        _declared(layer)
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


# --- adjudication ---------------------------------------------------------------------------------------

@dataclass
class _Adj:
    """Collects the candidate's disagreements while records are merged."""

    decisions: dict[str, Any]
    disagreements: list[dict]

    def vote(self, did: str, layer: str, doc_id: str, where: str, values: dict[str, Any]) -> tuple[Any, bool]:
        """Majority value of `values` (annotator -> value); (value, resolved). Lists any non-unanimity."""
        counts = Counter(_token(v) for v in values.values())
        by_token = {_token(v): v for _, v in sorted(values.items())}
        top, n = counts.most_common(1)[0]
        tied = sum(1 for c in counts.values() if c == n) > 1
        majority = not tied and n * 2 > len(values)
        value, resolved = (by_token[top], True) if majority else (None, False)
        if len(counts) > 1:
            entry = {"id": did, "layer": layer, "doc_id": doc_id, "where": where,
                     "values": dict(sorted(values.items())),
                     "candidate": value, "resolved_by": "majority" if majority else None, "decision": None}
            if did in self.decisions:
                entry["decision"] = self.decisions[did]
                entry["resolved_by"] = "decision"
                value, resolved = self.decisions[did], True
            self.disagreements.append(entry)
        return value, resolved


def _order(keys_lists: Iterable[Iterable]) -> list:
    """Keys in first-appearance order over the annotators' lists (annotators in sorted order)."""
    seen: dict = {}
    for keys in keys_lists:
        for k in keys:
            seen.setdefault(k, None)
    return list(seen)


def _id_prefix(ids: Iterable[str], default: str) -> str:
    prefixes = {m.group(1) for i in ids if (m := re.fullmatch(r"(\D*)\d+", i))}
    return prefixes.pop() if len(prefixes) == 1 else default


def _merge_keyed(adj: _Adj, layer: str, doc_id: str, recs: dict[str, dict], list_field: str,
                 key: Callable[[dict], Any], key_name: str,
                 merge_item: Callable[[str, dict[str, dict]], dict]) -> list[dict]:
    """Merge a list of items keyed by `key`: presence by vote, then each item's fields by `merge_item`."""
    lists: dict[str, dict] = {}
    for a, r in sorted(recs.items()):
        lists[a] = {}
        for i, it in enumerate(r[list_field]):
            k = key(it)
            if k in lists[a]:
                raise SameStoryError(f"{a}/{layer}.jsonl: two items with the same {key_name} in {doc_id}",
                                     [Problem(f"{a}/{layer}.jsonl", "duplicate item", None,
                                              f"{doc_id} {list_field}[{i}]", f"unique {key_name}", _keystr(k))])
            lists[a][k] = it
    out = []
    for k in _order(lists[a].keys() for a in sorted(lists)):
        having = {a: lst[k] for a, lst in lists.items() if k in lst}
        base = f"{layer}/{doc_id}/{list_field}[{key_name}={_keystr(k)}]"
        present, ok = adj.vote(base + "#present", layer, doc_id, f"{list_field}[{key_name}={_keystr(k)}] present",
                               {a: (k in lst) for a, lst in lists.items()})
        if ok and present:
            out.append(merge_item(base, having))
    return out


def _keystr(k: Any) -> str:
    return ",".join(map(str, k)) if isinstance(k, tuple) else str(k)


def _merge_set(adj: _Adj, did: str, layer: str, doc_id: str, where: str, sets: dict[str, list],
               universe: Iterable) -> list:
    """Majority per element of a multi-valued field, in `universe` order (first appearance)."""
    out = []
    for x in universe:
        v, ok = adj.vote(f"{did}[{x}]", layer, doc_id, f"{where} contains {x}", {a: x in s for a, s in sets.items()})
        if ok and v:
            out.append(x)
    return out


def _merge_fields(adj: _Adj, base: str, layer: str, doc_id: str, having: dict[str, dict],
                  fields: Iterable[str], where: str) -> dict[str, Any]:
    return {f: adj.vote(f"{base}.{f}", layer, doc_id, f"{where}.{f}", {a: it[f] for a, it in having.items()})[0]
            for f in fields}


def _first_agreeing(having: dict[str, dict], field: str, value: Any, take: str) -> Any:
    for a in sorted(having):
        if having[a][field] == value and having[a].get(take) is not None:
            return having[a][take]
    return None


def merge_rule(name: str) -> layer_api.Merge:
    """The declared merge rule of a layer (`Layer.merge`); an unknown layer, a layer without a rule or a rule
    that leaves a field out is an error naming the layer and what to declare."""
    decl = _declared(name)
    where = f"samestory.layers.{name}"
    if decl.merge is None:
        raise SameStoryError(f"cannot adjudicate layer {name!r}: its Layer declares no merge rule",
                             [Problem(where, "no merge rule", None, "merge",
                                      "Layer(..., merge=Merge(key=..., voted=..., ...))", "None")])
    problems = [Problem(where, "field the merge rule does not name", None, f"{name}.{f}",
                        "named once in Merge(key, voted, sets, refs, carried, copied, ids, record_voted, "
                        "record_sets)", "not named")
                for f in decl.merge.undeclared(decl.config)]
    if problems:
        raise SameStoryError(f"cannot adjudicate layer {name!r}: its merge rule does not cover every field", problems)
    for ref in decl.merge.refs.values():
        merge_rule(ref)
    return decl.merge


def adjudicate(passes: Passes, decisions: dict[str, Any] | None = None) -> tuple[dict[str, list[dict]], list[dict]]:
    """Merge annotators into a gold candidate (majority) and list every disagreement.

    A disagreement is any value the annotators did not all give. With a majority the candidate takes it
    (resolved_by "majority"); without, the value stays null (an item stays out) until `decisions`
    (disagreement id -> value) settles it. Each layer is merged by its declared rule (`Layer.merge`).
    Returns (layer -> records sorted by doc_id, disagreements).
    """
    adj = _Adj(dict(decisions or {}), [])
    present = {layer for p in passes.values() for layer in p}
    rules = {layer: merge_rule(layer) for layer in sorted(present)}
    declared = [d.name for d in layer_api.layers()]
    layers = [layer for layer in declared if layer in present]
    # a layer whose item ids another lists goes first: entity_frames evidence is re-pointed to candidate mentions
    referred = {ref for rule in rules.values() for ref in rule.refs.values()}
    layers.sort(key=lambda layer: layer not in referred)
    candidate: dict[str, list[dict]] = {}
    ids: dict[str, dict[str, dict]] = {}  # layer -> doc_id -> item key (a tuple) -> candidate id
    for layer in layers:
        docs = sorted({d for p in passes.values() for d in p.get(layer, {})})
        rows = []
        for doc_id in docs:
            recs = {a: p[layer][doc_id] for a, p in sorted(passes.items()) if doc_id in p.get(layer, {})}
            rows.append(_merge_record(adj, layer, rules[layer], doc_id, recs, passes, ids))
        candidate[layer] = rows
    unknown = sorted(set(adj.decisions) - {d["id"] for d in adj.disagreements})
    if unknown:
        raise SameStoryError("decisions name disagreements that do not exist",
                             [Problem("<decisions>", "unknown disagreement id", None, "id", "an id from the "
                                      "disagreements list", u) for u in unknown])
    return {layer: candidate[layer] for layer in declared if layer in candidate}, adj.disagreements


def _as_tuple(k: Any) -> tuple:
    return k if isinstance(k, tuple) else (k,)


def _merge_record(adj: _Adj, layer: str, rule: layer_api.Merge, doc_id: str, recs: dict[str, dict],
                  passes: Passes, ids: dict[str, dict[str, dict]]) -> dict:
    """One document's candidate record: its fields in the config's order, each as the rule says."""
    cfg = layer_api.get(layer).config
    key = f"{layer}/{doc_id}"
    out: dict[str, Any] = {}
    for name in (f.name for f in cfg.fields):
        values = {a: r[name] for a, r in recs.items()}
        if name in cfg.key:
            out[name] = doc_id if name == "doc_id" else next(iter(values.values()))
        elif name == cfg.items:
            out[name] = _merge_items(adj, layer, rule, doc_id, recs, passes, ids)
        elif name in rule.record_sets:
            out[name] = _merge_set(adj, f"{key}/{name}", layer, doc_id, name, values, _order(values.values()))
        else:  # record_voted: merge_rule() saw every field named
            out[name] = adj.vote(f"{key}/{name}", layer, doc_id, name, values)[0]
    return out


def _merge_items(adj: _Adj, layer: str, rule: layer_api.Merge, doc_id: str, recs: dict[str, dict],
                 passes: Passes, ids: dict[str, dict[str, dict]]) -> list[dict]:
    """The candidate's items: kept by majority, then voted fields, carried fields, per-element sets; ids kept
    or renumbered."""
    cfg = layer_api.get(layer).config
    list_field = cfg.items
    children = {f.name: f for f in cfg.field(list_field).children}

    def ref_keys(a: str, ref: str) -> dict[str, tuple]:
        """id -> key of annotator `a`'s items of layer `ref` in this document (a mention's offsets)."""
        ref_decl = layer_api.get(ref)
        rec = passes[a].get(ref, {}).get(doc_id)
        return {x["id"]: _as_tuple(ref_decl.merge.item_key(x)) for x in rec[ref_decl.config.items]} if rec else {}

    def item_set(base: str, where: str, f: str, having: dict[str, dict]) -> list:
        did, at = f"{base}.{f}", f"{where}.{f}"
        if f in rule.refs:  # compared by the referred items' keys, re-pointed to the candidate's ids
            ref = rule.refs[f]
            sets = {a: [ref_keys(a, ref).get(i, i) for i in it[f]] for a, it in having.items()}
            kept = _merge_set(adj, did, layer, doc_id, at, sets, _order(sets[a] for a in sorted(sets)))
            cand = ids.get(ref, {}).get(doc_id, {})
            return [x for x in (cand.get(x, x) if isinstance(x, tuple) else x for x in kept) if isinstance(x, str)]
        if children[f].children:  # a list of spans, compared by offsets
            sets = {a: [(e["start"], e["end"]) for e in it[f]] for a, it in having.items()}
            spans = {(e["start"], e["end"]): e for it in having.values() for e in it[f]}
            kept = _merge_set(adj, did, layer, doc_id, at, sets, _order(sets[a] for a in sorted(sets)))
            return [{c.name: spans[k][c.name] for c in children[f].children} for k in kept]
        sets = {a: it[f] for a, it in having.items()}
        return _merge_set(adj, did, layer, doc_id, at, sets, _order(having[a][f] for a in sorted(having)))

    def item(base: str, having: dict[str, dict]) -> dict:
        where = base.split("/", 2)[2]
        first = next(iter(having.values()))
        out = {f: first[f] for f in (*rule.key, *rule.copied, *(("id",) if rule.ids else ()))}
        out.update(_merge_fields(adj, base, layer, doc_id, having, rule.voted, where))
        for f, by in rule.carried.items():
            out[f] = _first_agreeing(having, by, out[by], f)
        for f in rule.sets:
            out[f] = item_set(base, where, f, having)
        return out

    items = _merge_keyed(adj, layer, doc_id, recs, list_field, rule.item_key, rule.key_name, item)
    if rule.ids:
        # keep the annotators' ids when they are unique among the kept items, else renumber in order
        prefix = _id_prefix((it["id"] for r in recs.values() for it in r[list_field]), cfg.id_prefix)
        first_ids = [it["id"] for it in items]
        keep = len(set(first_ids)) == len(first_ids)
        for n, it in enumerate(items, 1):
            it["id"] = first_ids[n - 1] if keep else f"{prefix}{n}"
        ids.setdefault(layer, {})[doc_id] = {_as_tuple(rule.item_key(it)): it["id"] for it in items}
    return [{f: it[f] for f in children} for it in items]


def unresolved(disagreements: list[dict]) -> list[dict]:
    """Disagreements that neither a majority nor a decision settled."""
    return [d for d in disagreements if d["resolved_by"] is None]
