"""Records in the layout of their config: every declared field present (null when absent), labels as
names. The one normaliser of gold and prediction rows, from JSON Lines or Parquet."""
from __future__ import annotations

from samestory import schema


def _identity(v):
    return v


def _compile(f: schema.Field, ids: bool):
    """A function normalising one value of field f (None stays None); `ids`: labels may be ClassLabel ids."""
    if f.dtype == "label" and ids:
        labels = f.labels

        def one(v):
            return labels[v] if isinstance(v, int) and not isinstance(v, bool) else v
    elif f.dtype == "struct":
        kids = [(c.name, _compile(c, ids)) for c in f.children]
        deep = [(n, fn) for n, fn in kids if fn is not _identity]
        names = [n for n, _ in kids]
        n_kids = len(kids)

        def one(v):
            if v is None:
                return None
            if not deep and len(v) == n_kids:
                return v  # JSON input with every field present: nothing to do
            get = v.get
            out = {n: get(n) for n in names}
            for n, fn in deep:
                out[n] = fn(out[n])
            return out
    else:
        one = _identity
    if not f.many:
        return one
    if one is _identity:
        return _identity
    return lambda v: None if v is None else [one(x) for x in v]


_PLANS: dict[tuple[str, bool], list] = {}


def normalize(config: str, record: dict, ids: bool = False) -> dict:
    """The record with every declared field (null when absent); with ids, ClassLabel ids become names."""
    plan = _PLANS.get((config, ids))
    if plan is None:
        plan = _PLANS[config, ids] = [(f.name, _compile(f, ids)) for f in schema.CONFIGS[config].fields]
    get = record.get
    return {n: fn(get(n)) for n, fn in plan}
