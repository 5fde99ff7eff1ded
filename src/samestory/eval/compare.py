"""Compare two results files: paired bootstrap over the documents both were scored on."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from samestory.core.errors import Problem, SameStoryError
from samestory.eval import bootstrap as bs
from samestory.eval.predictions import PredictionError
from samestory.eval.registry import TASKS

STAMPS = ("dataset_version", "gold_sha256", "schema_version", "scorer_version")


def read_results(path: Path) -> dict:
    """A results file written by `samestory evaluate` (read by `Results.from_disk`); anything else is an
    error naming the field."""
    from samestory.eval.results import Results

    try:
        return Results.from_disk(Path(path)).model_dump(mode="json")
    except PredictionError:
        raise
    except SameStoryError as exc:
        raise PredictionError(exc.args[0], exc.problems) from None


def compare(path_a: Path, path_b: Path, resamples: int = 10000, seed: int = bs.DEFAULT_SEED) -> dict:
    """Per task and metric: A, B, B − A, a 95% interval of the difference and a paired-bootstrap p-value."""
    a, b = read_results(path_a), read_results(path_b)
    shown = lambda v: "null" if v is None else str(v)  # noqa: E731 (never "None" in a message)
    problems = [Problem(str(path_b), "differs from the other results file", field=k, expected=shown(a[k]),
                        found=shown(b[k])) for k in STAMPS if a[k] != b[k]]
    if problems:
        raise PredictionError(f"{path_a} and {path_b} were scored against different gold or scorer versions",
                              problems)
    out = {}
    for t in [t for t in a["tasks"] if t in b["tasks"]]:
        ta, tb = a["tasks"][t], b["tasks"][t]
        if t not in TASKS or ta["count_keys"] != tb["count_keys"] or ta["count_keys"] != list(TASKS[t].keys):
            raise PredictionError(f"task {t}: count columns differ", [Problem(str(path_b), "count_keys differ",
                                                                              field=f"tasks.{t}.count_keys")])
        docs = sorted(ta["per_document"])
        if sorted(tb["per_document"]) != docs:
            raise PredictionError(f"task {t}: the two results cover different documents",
                                  [Problem(str(path_b), "different documents", field=f"tasks.{t}.per_document")])
        A = np.array([ta["per_document"][d] for d in docs], dtype=np.float64).reshape(len(docs), -1)
        B = np.array([tb["per_document"][d] for d in docs], dtype=np.float64).reshape(len(docs), -1)
        out[t] = {"main_score": ta["main_score"],
                  "metrics": bs.paired_test(A, B, TASKS[t].metric_values, resamples, seed)}
    return {"a": {"file": str(path_a), "system": a["system"]}, "b": {"file": str(path_b), "system": b["system"]},
            "dataset_version": a["dataset_version"], "gold_sha256": a["gold_sha256"],
            "test": {"method": "paired bootstrap over documents (two-sided, shift method)",
                     "resamples": resamples, "seed": seed},
            "tasks": out}


def table(result: dict) -> str:
    """Readable comparison: B − A per metric, its interval and p-value."""
    rows = [("task", "metric", "A", "B", "B-A", "95% CI of B-A", "p")]
    f = lambda x: "n/a" if x is None else f"{x:.4f}"  # noqa: E731
    for t, block in result["tasks"].items():
        for name, m in block["metrics"].items():
            mark = "*" if name == block["main_score"] else " "
            ci = "n/a" if m["ci_low"] is None else f"[{m['ci_low']:+.4f}, {m['ci_high']:+.4f}]"
            rows.append((t if mark == "*" else "", mark + name, f(m["a"]), f(m["b"]),
                         "n/a" if m["delta"] is None else f"{m['delta']:+.4f}", ci, f(m["p_value"])))
    w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * x for x in w))
    head = f"A = {result['a']['system']['name']}, B = {result['b']['system']['name']}; * = main score"
    return head + "\n" + "\n".join(lines)
