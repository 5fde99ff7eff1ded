"""Adjudication: merge annotation passes into a gold candidate by majority, each layer by the merge rule its
declaration carries (`samestory.layers.Merge`), and list every disagreement with a stable id that a decision
can settle."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from samestory import layers as layer_api
from samestory.annotate.agreement import Passes, declaration, key_text, token
from samestory.core.errors import Problem, SameStoryError


@dataclass
class _Adj:
    """Collects the candidate's disagreements while records are merged."""

    decisions: dict[str, Any]
    disagreements: list[dict]

    def vote(self, did: str, layer: str, doc_id: str, where: str, values: dict[str, Any]) -> tuple[Any, bool]:
        """Majority value of `values` (annotator -> value); (value, resolved). Lists any non-unanimity."""
        counts = Counter(token(v) for v in values.values())
        by_token = {token(v): v for _, v in sorted(values.items())}
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
                                              f"{doc_id} {list_field}[{i}]", f"unique {key_name}", key_text(k))])
            lists[a][k] = it
    out = []
    for k in _order(lists[a].keys() for a in sorted(lists)):
        having = {a: lst[k] for a, lst in lists.items() if k in lst}
        base = f"{layer}/{doc_id}/{list_field}[{key_name}={key_text(k)}]"
        present, ok = adj.vote(base + "#present", layer, doc_id, f"{list_field}[{key_name}={key_text(k)}] present",
                               {a: (k in lst) for a, lst in lists.items()})
        if ok and present:
            out.append(merge_item(base, having))
    return out


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
    decl = declaration(name)
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
