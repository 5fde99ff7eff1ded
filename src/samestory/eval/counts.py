"""Scores are built from counts: every scorer emits (document, item, column, value) events.

Summing the events per document gives the per-document count table that the results file stores and
the bootstrap resamples; summing per item gives the table for item-level resampling. Metric formulas
then run on summed tables, vectorised over resamples (rows).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp


class Counts:
    """Accumulates count events for one task over `n_docs` documents and named columns `keys`."""

    def __init__(self, keys: list[str], n_docs: int):
        self.keys = list(keys)
        self.index = {k: i for i, k in enumerate(self.keys)}
        if len(self.index) != len(self.keys):
            raise ValueError("duplicate count key")
        self.n_docs = n_docs
        self._docs: list[np.ndarray] = []
        self._items: list[np.ndarray] = []
        self._cols: list[np.ndarray] = []
        self._vals: list[np.ndarray] = []
        self.n_items = 0

    def new_items(self, n: int) -> np.ndarray:
        """Allocate `n` fresh item ids (the resampling units when resampling items)."""
        out = np.arange(self.n_items, self.n_items + n, dtype=np.int64)
        self.n_items += n
        return out

    def add(self, key: str, docs, values=1.0, items=None) -> None:
        """Add `values` to column `key` of each document in `docs` (one event per entry)."""
        docs = np.asarray(docs, dtype=np.int64).ravel()
        if docs.size == 0:
            return
        vals = np.broadcast_to(np.asarray(values, dtype=np.float64), docs.shape).copy()
        items = self.new_items(docs.size) if items is None else np.asarray(items, dtype=np.int64).ravel()
        self._docs.append(docs)
        self._items.append(items)
        self._cols.append(np.full(docs.size, self.index[key], dtype=np.int64))
        self._vals.append(vals)

    def _cat(self):
        if not self._docs:
            e = np.zeros(0, dtype=np.int64)
            return e, e, e, np.zeros(0)
        return (np.concatenate(self._docs), np.concatenate(self._items), np.concatenate(self._cols),
                np.concatenate(self._vals))

    def per_document(self) -> np.ndarray:
        """Dense (n_docs, n_keys) table of per-document sums."""
        docs, _, cols, vals = self._cat()
        k = len(self.keys)
        flat = np.bincount(docs * k + cols, weights=vals, minlength=self.n_docs * k)
        return flat.reshape(self.n_docs, k)

    def per_item(self) -> sp.csr_matrix:
        """Sparse (n_items, n_keys) table of per-item sums."""
        _, items, cols, vals = self._cat()
        return sp.csr_matrix((vals, (items, cols)), shape=(self.n_items, len(self.keys)))


class Columns:
    """Named access to columns of a summed table `S` of shape (rows, keys)."""

    def __init__(self, S: np.ndarray, keys: list[str]):
        self.S = np.atleast_2d(np.asarray(S, dtype=np.float64))
        self.index = {k: i for i, k in enumerate(keys)}

    def __call__(self, key: str) -> np.ndarray:
        return self.S[:, self.index[key]]


def div(a, b) -> np.ndarray:
    """a / b, NaN (undefined, reported as null) where b == 0."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    out = np.full(np.broadcast(a, b).shape, np.nan)
    np.divide(a, b, out=out, where=b != 0)
    return out


def f1(tp, fp, fn) -> np.ndarray:
    """F1 = 2tp / (2tp + fp + fn); NaN when there is no gold and no predicted item."""
    tp = np.asarray(tp, dtype=np.float64)
    return div(2 * tp, 2 * tp + np.asarray(fp) + np.asarray(fn))




def nanmean_rows(arrays: list[np.ndarray]) -> np.ndarray:
    """Mean over the given per-label arrays ignoring NaN (labels absent from gold and predictions)."""
    stacked = np.vstack([np.asarray(a, dtype=np.float64) for a in arrays])
    present = ~np.isnan(stacked)
    n = present.sum(axis=0)
    total = np.where(present, stacked, 0.0).sum(axis=0)
    return div(total, n)
