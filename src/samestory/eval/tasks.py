"""The task registry: each task declared once with strict metadata, its count columns and its formulas.

Metadata follows mteb's TaskMetadata (pydantic, extra fields forbidden); a metric's direction is data
(lm-evaluation-harness's higher_is_better) so a leaderboard sorts without special cases.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

from samestory import schema
from samestory.eval.counts import Columns, Counts, div, f1, nanmean_rows


class MetricSpec(BaseModel):
    """One reported metric: its name, what it means, which way is better."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    description: str
    higher_is_better: bool = True


class TaskMetadata(BaseModel):
    """What a task scores, from which config, with which metrics; the first metric is the main score."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    version: str
    description: str
    config: str
    unit: str
    required: tuple[str, ...]
    """Item fields a prediction must give for this task (dotted paths as in schema.walk)."""
    metrics: tuple[MetricSpec, ...]
    main_score: str
    reference: str

    @property
    def higher_is_better(self) -> bool:
        return self.metric(self.main_score).higher_is_better

    @property
    def direction(self) -> str:
        return "higher" if self.higher_is_better else "lower"

    def metric(self, name: str) -> MetricSpec:
        return next(m for m in self.metrics if m.name == name)

    @model_validator(mode="after")
    def _check(self):
        cfg = schema.CONFIGS.get(self.config)
        if cfg is None or cfg.source != "layer":  # a declared layer (samestory.layers), built in or added
            raise ValueError(f"task {self.name}: config {self.config!r} is not a layer (declared in samestory.layers)")
        paths = {p for p, _ in schema.walk(schema.CONFIGS[self.config].fields)}
        for r in self.required:
            if r not in paths:
                raise ValueError(f"task {self.name}: required field {r!r} not in config {self.config}")
        names = [m.name for m in self.metrics]
        if len(set(names)) != len(names):
            raise ValueError(f"task {self.name}: duplicate metric name")
        if not names or names[0] != self.main_score:
            raise ValueError(f"task {self.name}: main_score must be the first metric")
        return self


@dataclass(frozen=True)
class Scoring:
    """What a scorer returns: count events, point values from the reference library, item totals."""

    counts: Counts
    reference_values: dict[str, float]
    n_gold_items: int
    n_pred_items: int


@dataclass(frozen=True)
class Task:
    """A registered task: metadata, count columns, the scorer and the metric formulas over summed counts."""

    meta: TaskMetadata
    keys: tuple[str, ...]
    score: Callable[["Context"], Scoring]
    formulas: Callable[[Columns], dict[str, np.ndarray]]

    @property
    def name(self) -> str:
        return self.meta.name

    def metric_values(self, S: np.ndarray) -> dict[str, np.ndarray]:
        """Every declared metric for each row of the summed count table S (rows, keys)."""
        out = self.formulas(Columns(S, list(self.keys)))
        declared = [m.name for m in self.meta.metrics]
        if sorted(out) != sorted(declared):
            raise RuntimeError(f"task {self.name}: formulas give {sorted(out)}, declared {sorted(declared)}")
        return {k: out[k] for k in declared}


@dataclass
class Context:
    """The inputs of one task's scoring: documents in a fixed order, gold and predicted records by doc_id."""

    doc_ids: list[str]
    gold: dict[str, dict]
    pred: dict[str, dict]
    documents: dict[str, dict]
    entities: dict[str, dict] = field(default_factory=dict)
    """The gold entity table (entity_id → row), for views by actor group (`samestory.annotate.actors`)."""

    def items(self, doc_id: str, side: str, field: str) -> list:
        rec = (self.gold if side == "gold" else self.pred).get(doc_id)
        if rec is None:
            return []
        return rec.get(field) or []


def registry(tasks: Iterable[Task]) -> dict[str, Task]:
    """name -> task in the order given (the order of every table); a duplicate name is an error."""
    out: dict[str, Task] = {}
    for task in tasks:
        if task.name in out:
            raise ValueError(f"duplicate task {task.name}")
        out[task.name] = task
    return out


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


def metric(name, description, higher_is_better=True) -> MetricSpec:
    return MetricSpec(name=name, description=description, higher_is_better=higher_is_better)
