"""Score checked predictions against the gold: per task, counts → metrics → bootstrap intervals → results.

The results layout is documented in docs/evaluation.md (the leaderboard reads it).
"""
from __future__ import annotations

import datetime as _dt
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from samestory import schema
from samestory.version import __version__
from samestory.core.errors import Problem, SameStoryError
from samestory.core.gc_pause import no_gc
from samestory.eval import SCORER_VERSION
from samestory.eval import bootstrap as bs
from samestory.eval.data import Gold
from samestory.eval.predictions import PredictionError, check_file, read_rows, resolve, shared_file_tasks
from samestory.eval.registry import TASKS
from samestory.eval.tasks import Context

from samestory.eval.results import RESULTS_FORMAT, RESULTS_FORMAT_VERSION  # noqa: E402,F401
TOLERANCE = 1e-9
"""How far a count-based value may be from scikit-learn's before the run stops as a scorer bug."""


@dataclass
class Options:
    """How to score: which tasks, resampling unit and size, seed, strictness about missing documents."""

    tasks: list[str] | None = None
    declared_tasks: list[str] | None = None
    """Tasks the system says it answers (system.json): their files must exist, gold may be missing."""
    unit: str = "documents"
    resamples: int = bs.DEFAULT_RESAMPLES
    seed: int = bs.DEFAULT_SEED
    strict: bool = False
    system: dict = field(default_factory=dict)
    progress: bool = False
    workers: int = 1
    """Processes that read, check and score prediction files (one file each at a time); 2 helps on an
    idle two-core machine, and only costs when the cores are busy with other work."""
    parallel_min_bytes: int = 20_000_000
    """Below this much prediction data, one process is faster than starting workers."""


def _clean(x):
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def _per_document(doc_ids: list[str], table: np.ndarray) -> dict[str, list]:
    """doc_id → counts; whole-number columns as ints (only partial-overlap credits are fractions)."""
    whole = (table == np.round(table)).all(axis=0)
    cols = [table[:, j].astype(np.int64).tolist() if whole[j] else table[:, j].tolist()
            for j in range(table.shape[1])]
    rows = list(zip(*cols)) if cols else [() for _ in doc_ids]
    return {d: list(r) for d, r in zip(doc_ids, rows)}


def score_task(task_name: str, gold: Gold, pred: dict[str, dict], opts: Options):
    """Score one task: (result block without intervals, table to resample, warnings)."""
    task = TASKS[task_name]
    meta = task.meta
    gold_layer = gold.layers[meta.config]
    doc_ids = sorted(gold_layer)
    missing = [d for d in doc_ids if d not in pred]
    warnings = []
    if missing:
        msg = (f"{task_name}: {len(missing)} gold document(s) have no prediction and are scored as empty: "
               + ", ".join(missing[:10]) + (" …" if len(missing) > 10 else ""))
        if opts.strict:
            raise PredictionError(f"{task_name}: missing predictions (--strict)",
                                  [Problem(task_name, "gold document without a prediction record", field="doc_id",
                                           expected="a record", found=d) for d in missing[:50]])
        warnings.append(msg)
    ctx = Context(doc_ids, gold_layer, pred, gold.documents, gold.entities)
    scoring = task.score(ctx)
    per_doc = scoring.counts.per_document()
    point = task.metric_values(per_doc.sum(axis=0))
    for name, ref in scoring.reference_values.items():
        ours = float(point[name][0])
        if not (math.isnan(ref) and math.isnan(ours)) and not abs(ref - ours) <= TOLERANCE:
            raise RuntimeError(f"scorer bug: {task_name}.{name} from counts is {ours}, scikit-learn gives {ref}")
    metrics = {}
    for m in meta.metrics:
        value = scoring.reference_values.get(m.name, float(point[m.name][0]))
        metrics[m.name] = {"value": _clean(value), "ci_low": None, "ci_high": None,
                           "higher_is_better": m.higher_is_better, "description": m.description}
    block = {
        "task_version": meta.version,
        "config": meta.config,
        "main_score": meta.main_score,
        "higher_is_better": meta.higher_is_better,
        "direction": meta.direction,
        "metrics": metrics,
        "n_documents": len(doc_ids),
        "n_gold_items": scoring.n_gold_items,
        "n_pred_items": scoring.n_pred_items,
        "missing_documents": missing,
        "count_keys": list(task.keys),
        "per_document": _per_document(doc_ids, per_doc),
    }
    table = per_doc if opts.unit == "documents" else scoring.counts.per_item()
    return block, table, warnings


def add_intervals(blocks: dict[str, dict], tables: dict[str, object], opts: Options) -> None:
    """Fill ci_low/ci_high of every metric from the bootstrap over the chosen unit."""
    names = list(blocks)
    sums = bs.resampled_sums_many([tables[t] for t in names], opts.resamples, opts.seed)
    for t, S in zip(names, sums):
        for name, (lo, hi) in bs.intervals(TASKS[t].metric_values(S)).items():
            blocks[t]["metrics"][name]["ci_low"] = lo
            blocks[t]["metrics"][name]["ci_high"] = hi


class _Clock:
    """Seconds per phase into `timings` (for benchmarks); a no-op without it."""

    def __init__(self, timings: dict | None):
        import time

        self.timings, self.now, self.t = timings, time.perf_counter, time.perf_counter()

    def __call__(self, phase: str) -> None:
        if self.timings is not None:
            t = self.now()
            self.timings[phase] = self.timings.get(phase, 0.0) + t - self.t
            self.t = t


def evaluate(predictions: Path, gold: Gold, opts: Options, timings: dict | None = None) -> dict:
    """Check every prediction file first (nothing is scored if any is bad), then score each task."""
    with no_gc():
        return _evaluate(predictions, gold, opts, timings)


def _evaluate(predictions: Path, gold: Gold, opts: Options, timings: dict | None) -> dict:
    bad = [Problem("options", "out of range", field=k, expected=want, found=str(v)) for k, v, want, ok in (
        ("resamples", opts.resamples, ">= 0", opts.resamples >= 0),
        ("unit", opts.unit, "documents or items", opts.unit in ("documents", "items")),
        ("workers", opts.workers, ">= 1", opts.workers >= 1)) if not ok]
    if bad:
        raise SameStoryError("bad options", bad)
    explicit = bool(opts.tasks)
    tasks = opts.tasks or opts.declared_tasks or list(TASKS)
    declared = explicit or bool(opts.declared_tasks)
    for t in tasks:
        if t not in TASKS:
            raise PredictionError(f"unknown task {t}", [Problem("--task", "unknown task", expected=", ".join(TASKS),
                                                                found=t)])
    files, warnings = resolve(predictions, tasks, declared)
    clock = _Clock(timings)
    by_file: dict[Path, list[str]] = {}
    for t, p in files.items():
        cfg = TASKS[t].meta.config
        if cfg not in gold.layers or not gold.layers[cfg]:
            msg = f"task {t}: no gold {cfg} layer in {gold.source}"
            if explicit:
                raise PredictionError(msg, [Problem(gold.source, "gold layer missing", field=cfg)])
            warnings.append(msg + "; skipped")
            continue
        by_file.setdefault(p, []).append(t)
    jobs = [(p, ts, declared) for p, ts in by_file.items()]
    outputs = _run_jobs(jobs, gold, opts)
    clock("read, check and score")
    problems, results_tasks, tables = [], {}, {}
    for out in outputs:
        if isinstance(out, PredictionError):
            problems.append(out)
            continue
        scored, w = out
        warnings += w
        for t, block, table in scored:
            results_tasks[t], tables[t] = block, table
    if problems:
        if len(problems) == 1:
            raise problems[0]
        raise PredictionError("; ".join(str(e.args[0]) for e in problems), [x for e in problems for x in e.problems])
    if not results_tasks:
        raise PredictionError(f"no task to score in {predictions}",
                              [Problem(str(predictions), "no prediction file for any task with gold",
                                       expected=", ".join(f"{t}.jsonl" for t in tasks))])
    results_tasks = {t: results_tasks[t] for t in TASKS if t in results_tasks}
    add_intervals(results_tasks, tables, opts)
    clock("bootstrap")
    return {
        "format": RESULTS_FORMAT,
        "format_version": RESULTS_FORMAT_VERSION,
        "system": {"name": opts.system.get("name") or Path(predictions).stem,
                   "version": opts.system.get("version"),
                   "parameters": opts.system.get("parameters") or {},
                   "description": opts.system.get("description"),
                   "url": opts.system.get("url"),
                   **{k: opts.system[k] for k in ("languages", "resources") if k in opts.system}},
        "dataset_version": gold.dataset_version,
        "gold_sha256": gold.gold_sha256,
        "schema_version": schema.SCHEMA_VERSION,
        "scorer_version": SCORER_VERSION,
        "samestory_version": __version__,
        "date": results_date(),
        "bootstrap": {"unit": opts.unit, "resamples": opts.resamples, "seed": opts.seed,
                      "confidence": bs.CONFIDENCE},
        "gold_source": gold.source,
        "warnings": warnings,
        "tasks": results_tasks,
    }


_GOLD: Gold | None = None
"""The gold of the running evaluation, inherited by forked workers instead of being pickled."""


def _job(job, opts: Options):
    """Read, check and score one prediction file: ([(task, block, table)], warnings), or the PredictionError."""
    path, tasks, declared = job
    gold = _GOLD
    try:
        rows = read_rows(path)
        if not rows:  # a 0-byte or blank file is a mistake, not a system that predicts nothing
            raise PredictionError(f"{path}: the prediction file is empty", [Problem(
                str(path), "the prediction file is empty", expected="one JSON record per line, one per document",
                found="0 records")])
        keep, warnings = shared_file_tasks({t: path for t in tasks}, declared, {path: rows})
        if not keep:
            return [], warnings
        cfg = TASKS[tasks[0]].meta.config
        required = set().union(*(TASKS[t].meta.required for t in keep))
        preds = check_file(path, cfg, required, gold.layers[cfg], gold.documents, rows, gold.refs)
        scored = []
        for t in keep:
            block, table, w = score_task(t, gold, preds.records, opts)
            block["predictions"] = str(path)
            scored.append((t, block, table))
            warnings += w
        return scored, warnings
    except PredictionError as exc:
        return exc


def _run_jobs(jobs: list, gold: Gold, opts: Options) -> list:
    """Run the per-file jobs, in worker processes when there are several, big files and cores."""
    global _GOLD
    _GOLD = gold
    progress = None
    try:
        size = sum(Path(p).stat().st_size for p, _, _ in jobs)
        workers = min(opts.workers, len(jobs))
        if opts.progress:
            from tqdm import tqdm

            progress = tqdm(total=len(jobs), desc="check and score", unit="file")
        if workers <= 1 or size < opts.parallel_min_bytes:
            out = []
            for j in jobs:
                out.append(_job(j, opts))
                progress is not None and progress.update()
            return out
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # biggest files first, so the two workers finish together
        order = sorted(range(len(jobs)), key=lambda i: -Path(jobs[i][0]).stat().st_size)
        out: list = [None] * len(jobs)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {pool.submit(_job, jobs[i], opts): i for i in order}
            from concurrent.futures import as_completed

            for f in as_completed(futures):
                out[futures[f]] = f.result()
                progress is not None and progress.update()
        return out
    finally:
        _GOLD = None
        if progress is not None:
            progress.close()


def table(results: dict) -> str:
    """A readable table: task, metric, value and 95% interval, main scores marked."""
    rows = [("task", "metric", "value", "95% CI")]
    for t, block in results["tasks"].items():
        for name, m in block["metrics"].items():
            v = "n/a" if m["value"] is None else f"{m['value']:.4f}"
            ci = "n/a" if m["ci_low"] is None else f"[{m['ci_low']:.4f}, {m['ci_high']:.4f}]"
            mark = "*" if name == block["main_score"] else " "
            rows.append((t if name == block["main_score"] else "", f"{mark}{name}", v, ci))
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * x for x in w))
    head = (f"SameStory {results['dataset_version']} (gold {str(results['gold_sha256'])[:12]}), "
            f"system {results['system']['name']}; * = main score; "
            f"{results['bootstrap']['resamples']} bootstrap resamples over {results['bootstrap']['unit']}")
    return head + "\n" + "\n".join(lines)


def results_date() -> str:
    """Now (UTC), or SOURCE_DATE_EPOCH when set (the reproducible-builds convention; `make` sets it to the
    time of the last commit touching the data or code), so re-scoring an unchanged checkout is byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch
            else _dt.datetime.now(_dt.timezone.utc))
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
