"""Shared pieces of the label tasks: count columns and events of single- and multi-label items, their
formulas, the scikit-learn reference values, and the scorer of items keyed by id with one label."""
from __future__ import annotations

from typing import Callable

import numpy as np

from samestory.eval.counts import Columns, Counts, div, f1, nanmean_rows
from samestory.eval.tasks import Context, Scoring, Task, declare


# --- shared count builders and formulas ----------------------------------------------------------------

def label_keys(prefix: str, labels, per_label: bool = True) -> list[str]:
    """Count columns of single-label items: per-label tp/fp/fn (only when per_label), correct, total."""
    keys = [f"{prefix}{k}:{lab}" for lab in labels for k in ("tp", "fp", "fn")] if per_label else []
    return keys + [f"{prefix}correct", f"{prefix}total"]


def add_label_events(C: Counts, prefix: str, docs, yt, yp, labels, items=None, per_label: bool = True) -> None:
    """Single-label items: per-label tp/fp/fn, correct and total. -1 means null gold or no prediction."""
    docs, yt, yp = (np.asarray(a, dtype=np.int64) for a in (docs, yt, yp))
    items = C.new_items(docs.size) if items is None else np.asarray(items, dtype=np.int64)
    for li, lab in enumerate(labels if per_label else ()):
        for key, mask in (("tp", (yt == li) & (yp == li)), ("fp", (yp == li) & (yt != li)),
                          ("fn", (yt == li) & (yp != li))):
            C.add(f"{prefix}{key}:{lab}", docs[mask], items=items[mask])
    C.add(f"{prefix}correct", docs[yt == yp], items=items[yt == yp])
    C.add(f"{prefix}total", docs, items=items)


def multilabel_keys(prefix: str, labels, per_label: bool = True) -> list[str]:
    """Count columns of multi-label items: tp/fp/fn per label (or summed over labels), exact, total."""
    if per_label:
        keys = [f"{prefix}{k}:{lab}" for lab in labels for k in ("tp", "fp", "fn")]
    else:
        keys = [f"{prefix}tp", f"{prefix}fp", f"{prefix}fn"]
    return keys + [f"{prefix}exact", f"{prefix}total"]


def add_multilabel_events(C: Counts, prefix: str, docs, Yt, Yp, labels, items=None, per_label: bool = True,
                          exact_among=None) -> None:
    """Multi-label items (boolean indicator rows): tp/fp/fn (per label or summed), exact set matches and
    total (only over the items where `exact_among` is true, when given)."""
    docs = np.asarray(docs, dtype=np.int64)
    items = C.new_items(docs.size) if items is None else np.asarray(items, dtype=np.int64)
    for li, lab in enumerate(labels):
        t, p = Yt[:, li], Yp[:, li]
        for key, mask in (("tp", t & p), ("fp", p & ~t), ("fn", t & ~p)):
            C.add(f"{prefix}{key}:{lab}" if per_label else f"{prefix}{key}", docs[mask], items=items[mask])
    ex = (Yt == Yp).all(axis=1) if len(docs) else np.zeros(0, bool)
    among = np.ones(len(docs), bool) if exact_among is None else np.asarray(exact_among, bool)
    C.add(f"{prefix}exact", docs[ex & among], items=items[ex & among])
    C.add(f"{prefix}total", docs[among], items=items[among])


def label_f1(c: Columns, prefix: str, lab: str):
    return f1(c(f"{prefix}tp:{lab}"), c(f"{prefix}fp:{lab}"), c(f"{prefix}fn:{lab}"))


def macro_f1(c: Columns, prefix: str, labels):
    """Mean F1 over the labels that occur in gold or predictions (sklearn's labels=present)."""
    return nanmean_rows([label_f1(c, prefix, lab) for lab in labels])


def micro_f1(c: Columns, prefix: str, labels=None):
    """Micro-F1 from per-label columns, or from summed columns when labels is None."""
    if labels is None:
        return f1(c(f"{prefix}tp"), c(f"{prefix}fp"), c(f"{prefix}fn"))
    tp = sum(c(f"{prefix}tp:{lab}") for lab in labels)
    fp = sum(c(f"{prefix}fp:{lab}") for lab in labels)
    fn = sum(c(f"{prefix}fn:{lab}") for lab in labels)
    return f1(tp, fp, fn)


def accuracy(c: Columns, prefix: str):
    return div(c(f"{prefix}correct"), c(f"{prefix}total"))


def present(yt, yp, n_labels) -> list[int]:
    """Label indices that occur in gold or predictions."""
    s = set(np.asarray(yt).tolist()) | set(np.asarray(yp).tolist())
    return sorted(i for i in s if 0 <= i < n_labels)


def sk_macro_f1(yt, yp, n_labels, restrict=None):
    """scikit-learn macro-F1 over the present labels (optionally only those in `restrict`)."""
    from sklearn.metrics import f1_score

    labs = present(yt, yp, n_labels)
    if restrict is not None:
        labs = [i for i in labs if i in restrict]
    if not labs:
        return float("nan")
    return float(f1_score(yt, yp, labels=labs, average="macro", zero_division=0))


def sk_accuracy(yt, yp):
    from sklearn.metrics import accuracy_score

    return float(accuracy_score(yt, yp)) if len(yt) else float("nan")


def keyed_pairs(ctx: Context, field: str, key: str):
    """(doc index, gold item, predicted item or None) for every gold item, matched by `key`."""
    for i, doc_id in enumerate(ctx.doc_ids):
        pred = {it[key]: it for it in ctx.items(doc_id, "pred", field)}
        for it in ctx.items(doc_id, "gold", field):
            yield i, it, pred.get(it[key])


def n_items(ctx: Context, side: str, field: str) -> int:
    return sum(len(ctx.items(d, side, field)) for d in ctx.doc_ids)


_INDEX: dict[tuple, dict] = {}


def encode(value, labels) -> int:
    """Label index; -1 for null or no prediction."""
    if value is None:
        return -1
    index = _INDEX.get(labels)
    if index is None:
        index = _INDEX[labels] = {lab: i for i, lab in enumerate(labels)}
    return index[value]


def indicator(rows: list[list[str]], labels) -> np.ndarray:
    """Boolean (items, labels) matrix of multi-label rows."""
    Y = np.zeros((len(rows), len(labels)), dtype=bool)
    if rows:
        index = {lab: i for i, lab in enumerate(labels)}
        r = [i for i, row in enumerate(rows) for _ in row]
        c = [index[x] for row in rows for x in row]
        Y[r, c] = True
    return Y


def single_label_scorer(field: str, key: str, label: str, labels, refs: dict, to_label=None, extra=None):
    """A scorer for items keyed by `key` with one label in `label` (to_label maps raw values to names), counted
    in columns without prefix; `extra` = (count keys, fn(ctx, Counts) → reference values) adds a further view
    of the same items."""
    conv = to_label or (lambda v: v)
    prefix = ""

    def score(ctx: Context) -> Scoring:
        C = Counts(list(label_keys(prefix, labels)) + list(extra[0] if extra else ()), len(ctx.doc_ids))
        index = {lab: i for i, lab in enumerate(labels)}
        index[None] = -1
        docs, yt, yp = [], [], []
        for i, doc_id in enumerate(ctx.doc_ids):
            gold = ctx.items(doc_id, "gold", field)
            if not gold:
                continue
            pred = {it[key]: index[conv(it[label])] for it in ctx.items(doc_id, "pred", field)}
            docs.extend([i] * len(gold))
            yt.extend([index[conv(it[label])] for it in gold])
            yp.extend([pred.get(it[key], -1) for it in gold])
        add_label_events(C, prefix, docs, yt, yp, labels)
        ref = {name: fn(np.asarray(yt, dtype=np.int64), np.asarray(yp, dtype=np.int64))
               for name, fn in refs.items()} if docs else {}
        if extra:
            ref.update(extra[1](ctx, C))
        return Scoring(C, ref, len(docs), n_items(ctx, "pred", field))

    return score


LabelMetric = tuple[str, Callable | None, Callable]
"""A single-label task's metric: description, scikit-learn value of the (gold, predicted) label index arrays
(None: the further view gives it), formula of the count columns."""


def macro_f1_metric(description: str, labels, among=None) -> LabelMetric:
    """Macro-F1 over the present labels (only those in `among`, when given)."""
    restrict = None if among is None else [labels.index(lab) for lab in among]
    return (description, lambda t, p: sk_macro_f1(t, p, len(labels), restrict=restrict),
            lambda c: macro_f1(c, "", labels if among is None else list(among)))


def label_f1_metric(description: str, labels, lab: str) -> LabelMetric:
    """F1 of one label."""
    return (description, lambda t, p: sk_macro_f1(t, p, len(labels), restrict=[labels.index(lab)]),
            lambda c: label_f1(c, "", lab))


def accuracy_metric(description: str = "Accuracy.") -> LabelMetric:
    return description, sk_accuracy, lambda c: accuracy(c, "")


def single_label_task(name: str, config: str, unit: str, description: str, reference: str, items: tuple[str, str, str],
                      labels, metrics: dict[str, LabelMetric], to_label=None, extra=None) -> Task:
    """A task over items (list field, key, label field) with one label each, scored by `single_label_scorer`."""
    field, key, label = items
    refs = {n: ref for n, (_, ref, _) in metrics.items() if ref is not None}
    return declare(name, config, unit, description, (f"{field}[].{key}", f"{field}[].{label}"),
                   {n: d for n, (d, _, _) in metrics.items()}, reference,
                   label_keys("", labels) + list(extra[0] if extra else ()),
                   single_label_scorer(field, key, label, labels, refs, to_label, extra),
                   lambda c: {n: formula(c) for n, (_, _, formula) in metrics.items()})
