"""Shared helpers for the evaluation tests: fixture paths, random span documents, scoring a task directly."""
from __future__ import annotations

import random

import numpy as np

from samestory import schema
from samestory.schema.records import normalize
from samestory.eval.registry import TASKS
from samestory.eval.tasks import Context
from tests.helpers import FIXTURES

FIXTURE = FIXTURES / "eval"
GOLD = FIXTURE / "story" / "gold"
DOCUMENTS = FIXTURE / "documents.jsonl"
NOISY = FIXTURE / "predictions" / "noisy"
TYPES = list(schema.ENTITY_TYPES[:3])


def random_spans(rng: random.Random, length: int, n: int, nonoverlap: bool, labels=TYPES):
    """n random (start, end, label) spans in [0, length), optionally non-overlapping; sorted, unique."""
    out = []
    for _ in range(n):
        s = rng.randrange(0, length - 1)
        e = rng.randrange(s + 1, min(length, s + rng.choice([2, 5, 30, 300])) + 1)
        out.append((s, e, rng.choice(labels)))
    if nonoverlap:
        out.sort()
        res, last = [], -1
        for s, e, t in out:
            if s >= last:
                res.append((s, e, t))
                last = e
        out = res
    return sorted(set(out), key=lambda x: (x[0], x[1], labels.index(x[2])))


def arrays(docs, labels=TYPES):
    """(doc, start, end, label index) arrays from a list of span lists."""
    return (np.array([d for d, doc in enumerate(docs) for _ in doc], dtype=np.int64),
            np.array([s for doc in docs for s, _, _ in doc], dtype=np.int64),
            np.array([e for doc in docs for _, e, _ in doc], dtype=np.int64),
            np.array([labels.index(t) for doc in docs for _, _, t in doc], dtype=np.int64))


def score(task: str, gold: dict[str, dict], pred: dict[str, dict], documents: dict[str, dict] | None = None):
    """(metric values, per-document count table, Scoring) of one task on in-memory records."""
    cfg = TASKS[task].meta.config
    gold = {d: normalize(cfg, r) for d, r in gold.items()}
    pred = {d: normalize(cfg, r) for d, r in pred.items()}
    ctx = Context(sorted(gold), gold, pred, documents or {})
    sc = TASKS[task].score(ctx)
    table = sc.counts.per_document()
    values = {k: float(v[0]) for k, v in TASKS[task].metric_values(table.sum(axis=0)).items()}
    return values, table, sc
