"""The tasks: what a task is (strict metadata, count columns, scorer, formulas) and the context it scores;
each task is declared in its own module here, and `samestory.eval.registry` lists them.

Metadata follows mteb's TaskMetadata (pydantic, extra fields forbidden); a metric's direction is data
(lm-evaluation-harness's higher_is_better) so a leaderboard sorts without special cases.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

from samestory import schema
from samestory.eval.counts import Columns, Counts


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


def metric(name, description, higher_is_better=True) -> MetricSpec:
    return MetricSpec(name=name, description=description, higher_is_better=higher_is_better)


def declare(name: str, config: str, unit: str, description: str, required: Iterable[str], metrics: dict[str, str],
            reference: str, keys: Iterable[str], score: Callable[[Context], Scoring],
            formulas: Callable[[Columns], dict[str, np.ndarray]], version: str = "1.0.0") -> Task:
    """A task from its parts; `metrics` maps name to description, higher is better, the first is the main score."""
    specs = tuple(metric(n, d) for n, d in metrics.items())
    return Task(TaskMetadata(name=name, version=version, description=description, config=config, unit=unit,
                             required=tuple(required), metrics=specs, main_score=specs[0].name, reference=reference),
                tuple(keys), score, formulas)


def prf_metrics(prefix: str, f1_description: str, qualifier: str) -> dict[str, str]:
    """`<prefix>_f1`, `_precision` and `_recall`: F1 as described, the others as "<qualifier> precision/recall."."""
    return {f"{prefix}_f1": f1_description, f"{prefix}_precision": f"{qualifier} precision.",
            f"{prefix}_recall": f"{qualifier} recall."}
