"""The leaderboard: read results files (docs/evaluation.md), refuse to rank what is not comparable, rank.

Results are comparable only when they share the dataset version, the gold hash, the schema, scorer and
results-format versions; anything else is refused with the files that differ. Rows are sorted by the
mean main score over every task on the board (a task a system was not scored on counts as 0).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from samestory.errors import Problem, SameStoryError

RESULTS_FORMAT = "samestory-results"
MUST_AGREE = ("format_version", "dataset_version", "gold_sha256", "schema_version", "scorer_version")
"""Stamps that every results file on one board must share."""
TOP_FIELDS = {"format": str, "format_version": str, "system": dict, "dataset_version": str,
              "gold_sha256": str, "schema_version": str, "scorer_version": str, "date": str,
              "bootstrap": dict, "tasks": dict}
TASK_FIELDS = {"main_score": str, "metrics": dict, "higher_is_better": bool, "n_documents": int}
METRIC_FIELDS = ("value", "ci_low", "ci_high")
MAX_VERSION, MAX_DESCRIPTION = 100, 1000
"""Longest system version and description/url shown on the board (the name's limit is guard.MAX_NAME)."""


@dataclass(frozen=True)
class Score:
    value: float | None
    low: float | None
    high: float | None


@dataclass
class Entry:
    """One results file, checked."""

    path: Path
    data: dict
    rank: int = 0
    mean_all: float | None = None
    mean_scored: float | None = None

    @property
    def system(self) -> dict:
        return self.data["system"]

    @property
    def name(self) -> str:
        return self.data["system"]["name"]

    def main(self, task: str) -> Score | None:
        t = self.data["tasks"].get(task)
        if t is None:
            return None
        m = t["metrics"][t["main_score"]]
        return Score(m["value"], m["ci_low"], m["ci_high"])


@dataclass
class Board:
    """Ranked entries, the tasks on the board (registry order) and the shared stamps."""

    entries: list[Entry]
    tasks: list[str]
    stamps: dict
    task_meta: dict[str, dict] = field(default_factory=dict)
    """task → {main_score, higher_is_better, metrics (ordered names), descriptions} from the results."""


def _shown(x) -> str:
    """A value as the file writes it (null, not None)."""
    return json.dumps(x, ensure_ascii=False) if x is None or not isinstance(x, str) else x


def _num_ok(x) -> bool:
    return x is None or (isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x))


def check_shape(path: Path, data) -> list[Problem]:
    """Problems with the layout of one results file (docs/evaluation.md), each naming the field."""
    f = str(path)
    if not isinstance(data, dict):
        return [Problem(f, "expected a JSON object", found=type(data).__name__)]
    out = []
    for k, typ in TOP_FIELDS.items():
        if k not in data:
            out.append(Problem(f, "missing field", field=k))
        elif not isinstance(data[k], typ):
            out.append(Problem(f, "wrong type", field=k, expected=typ.__name__, found=type(data[k]).__name__))
    if out:
        return out
    if data["format"] != RESULTS_FORMAT:
        out.append(Problem(f, "not a SameStory results file", field="format", expected=RESULTS_FORMAT,
                           found=data["format"]))
    from samestory.guard import name_problem

    bad_name = name_problem(data["system"].get("name"), "system.name", f)
    if bad_name:
        out.append(bad_name)
    for key, limit in (("version", MAX_VERSION), ("description", MAX_DESCRIPTION), ("url", MAX_DESCRIPTION)):
        if data["system"].get(key) is not None:  # shown on the board too
            bad = name_problem(data["system"][key], f"system.{key}", f, limit=limit)
            if bad:
                out.append(bad)
    resamples = data["bootstrap"].get("resamples")
    if not isinstance(resamples, int) or isinstance(resamples, bool) or resamples < 1:
        out.append(Problem(f, "results without bootstrap intervals cannot be ranked; rerun `samestory evaluate` "
                           "without --resamples 0", field="bootstrap.resamples", expected=">= 1",
                           found=repr(resamples)))
    if not data["tasks"]:
        out.append(Problem(f, "no task was scored", field="tasks"))
    for tname, t in data["tasks"].items():
        where = f"tasks.{tname}"
        if not isinstance(t, dict):
            out.append(Problem(f, "expected an object", field=where))
            continue
        for k, typ in TASK_FIELDS.items():
            if not isinstance(t.get(k), typ) or (typ is int and isinstance(t.get(k), bool)):
                out.append(Problem(f, "missing or wrong type", field=f"{where}.{k}", expected=typ.__name__,
                                   found=type(t.get(k)).__name__))
        metrics = t.get("metrics") if isinstance(t.get("metrics"), dict) else {}
        if isinstance(t.get("main_score"), str) and t["main_score"] not in metrics:
            out.append(Problem(f, "main score is not among the metrics", field=f"{where}.main_score",
                               expected=", ".join(metrics), found=t["main_score"]))
        for mname, m in metrics.items():
            if not isinstance(m, dict) or any(k not in m or not _num_ok(m[k]) for k in METRIC_FIELDS):
                out.append(Problem(f, "metric needs numeric-or-null value, ci_low, ci_high",
                                   field=f"{where}.metrics.{mname}"))
            elif m["value"] is not None and None in (m["ci_low"], m["ci_high"]):
                out.append(Problem(f, "a score without its interval", field=f"{where}.metrics.{mname}",
                                   expected="ci_low and ci_high (bootstrap resamples >= 1)", found="null"))
            elif None not in (m["value"], m["ci_low"], m["ci_high"]) and not (
                    m["ci_low"] - 1e-9 <= m["value"] <= m["ci_high"] + 1e-9):
                out.append(Problem(f, "value outside its interval", field=f"{where}.metrics.{mname}",
                                   expected=f"{m['ci_low']} <= value <= {m['ci_high']}", found=str(m["value"])))
    return out


def read_results(path: Path) -> dict:
    """One results file, parsed and shape-checked (an error names the file and field)."""
    path = Path(path)
    from samestory.guard import read_json

    data = read_json(path, "results file")
    problems = check_shape(path, data)
    if problems:
        raise SameStoryError(f"{path}: not a valid results file", problems)
    return data


def load(results_dir: Path) -> list[Entry]:
    """Every `*.json` of the results folder, in name order; two files for one system name is an error."""
    results_dir = Path(results_dir)
    files = sorted(results_dir.glob("*.json"))
    if not files:
        raise SameStoryError(f"{results_dir}: no results files", [Problem(str(results_dir), "no *.json files")])
    entries = [Entry(p, read_results(p)) for p in files]
    seen: dict[str, Path] = {}
    problems = []
    for e in entries:
        key = e.name.strip()
        if key in seen:
            problems.append(Problem(str(e.path), f"system name also used by {seen[key]}", field="system.name",
                                    found=e.name))
        seen.setdefault(key, e.path)
    if problems:
        raise SameStoryError("two results files name the same system", problems)
    return entries


def _norm_version(key: str, value):
    return value[1:] if key == "dataset_version" and isinstance(value, str) and value.startswith("v") else value


def check_comparable(entries: list[Entry], reference: dict | None = None, reference_name: str = "") -> dict:
    """The shared stamps; a difference anywhere is an error listing which files carry which value."""
    problems = []
    for key in MUST_AGREE:
        groups: dict = {}
        for e in entries:
            raw = e.data.get(key)
            groups.setdefault(_norm_version(key, raw), []).append((str(e.path), raw))
        if reference is not None and key in reference:
            want = _norm_version(key, reference[key])
            for value, files in groups.items():
                if value != want:
                    problems += [Problem(f, f"{key} differs from {reference_name}", field=key,
                                         expected=_shown(reference[key]), found=_shown(raw)) for f, raw in files]
        elif len(groups) > 1:
            detail = "; ".join(f"{fs[0][1]} in {', '.join(f for f, _ in fs)}" for fs in groups.values())
            problems += [Problem(f, f"{key} differs between results files ({detail})", field=key, found=_shown(raw))
                         for fs in groups.values() for f, raw in fs]
    if problems:
        raise SameStoryError("refusing to rank results that are not comparable", problems)
    return {k: entries[0].data[k] for k in MUST_AGREE}


def task_order(names) -> list[str]:
    """Tasks in the harness's registry order (unknown ones last, by name)."""
    from samestory.eval.tasks import TASKS

    known = [t for t in TASKS if t in names]
    return known + sorted(set(names) - set(known))


def build(entries: list[Entry]) -> Board:
    """Rank the entries: mean main score over all board tasks (missing or undefined = 0), then name."""
    stamps = check_comparable(entries)
    tasks = task_order({t for e in entries for t in e.data["tasks"]})
    meta = {}
    for t in tasks:
        block = next(e.data["tasks"][t] for e in entries if t in e.data["tasks"])
        meta[t] = {"main_score": block["main_score"], "higher_is_better": block["higher_is_better"],
                   "metrics": list(block["metrics"]),
                   "descriptions": {k: v.get("description") for k, v in block["metrics"].items()}}
    ranked_tasks = [t for t in tasks if meta[t]["higher_is_better"]]
    for e in entries:
        values = [e.main(t).value if e.main(t) else None for t in ranked_tasks]
        scored = [v for v in values if v is not None]
        e.mean_all = sum(v or 0.0 for v in values) / len(values) if values else None
        e.mean_scored = sum(scored) / len(scored) if scored else None
    entries = sorted(entries, key=lambda e: (-(e.mean_all or 0.0), e.name, str(e.path)))
    for i, e in enumerate(entries, 1):
        e.rank = i
    return Board(entries, tasks, stamps, meta)


def current_reference(version: str | None = None, releases_dir: Path | None = None) -> tuple[dict, str]:
    """Stamps a submission must carry: the release manifest's, plus this package's schema and scorer."""
    from samestory import paths, schema
    from samestory.eval import SCORER_VERSION
    from samestory.version import DATASET_VERSION

    from samestory.guard import parse_version, read_json

    version = parse_version(version or DATASET_VERSION, "--release")
    manifest_path = Path(releases_dir or paths.RELEASES) / f"v{version}.json"
    if not manifest_path.exists():
        raise SameStoryError(f"{manifest_path}: release manifest not found",
                             [Problem(str(manifest_path), "no manifest for this release; build it first "
                                      "(`samestory build`) or pass --release")])
    manifest = read_json(manifest_path, "release manifest")
    ref = {"dataset_version": manifest["dataset_version"], "gold_sha256": manifest.get("gold_sha256"),
           "schema_version": schema.SCHEMA_VERSION, "scorer_version": SCORER_VERSION}
    return ref, str(manifest_path)


def recompute_problems(path: Path, data: dict) -> list[Problem]:
    """Each metric value must follow from the file's per-document counts (the harness's formulas)."""
    import numpy as np

    from samestory.eval.tasks import TASKS

    out = []
    for tname, t in data["tasks"].items():
        where = f"tasks.{tname}"
        if tname not in TASKS:
            out.append(Problem(str(path), "unknown task", field=where, expected=", ".join(TASKS), found=tname))
            continue
        task = TASKS[tname]
        if t.get("main_score") != task.meta.main_score:
            out.append(Problem(str(path), "main score differs from the task definition", field=f"{where}.main_score",
                               expected=task.meta.main_score, found=_shown(t.get("main_score"))))
        keys, per_doc = t.get("count_keys"), t.get("per_document")
        if list(keys or []) != list(task.keys) or not isinstance(per_doc, dict):
            out.append(Problem(str(path), "count columns differ from the task definition", field=f"{where}.count_keys"))
            continue
        rows = list(per_doc.values())
        if any(not isinstance(r, list) or len(r) != len(keys) for r in rows):
            out.append(Problem(str(path), "a per-document row has the wrong length", field=f"{where}.per_document",
                               expected=str(len(keys))))
            continue
        S = np.asarray(rows, dtype=float).sum(axis=0).reshape(1, -1) if rows else np.zeros((1, len(keys)))
        for mname, arr in task.metric_values(S).items():
            got = t["metrics"].get(mname, {}).get("value")
            want = float(np.asarray(arr).reshape(-1)[0])
            want = None if math.isnan(want) else want
            if (got is None) != (want is None) or (got is not None and abs(got - want) > 1e-6):
                out.append(Problem(str(path), "value does not follow from the per-document counts",
                                   field=f"{where}.metrics.{mname}.value", expected=_shown(want), found=_shown(got)))
    return out


def check_submission(path: Path, results_dir: Path | None = None, version: str | None = None,
                     releases_dir: Path | None = None) -> dict:
    """Validate a submitted results file against the current release and the board's other entries."""
    data = read_results(path)
    ref, ref_name = current_reference(version, releases_dir)
    check_comparable([Entry(Path(path), data)], ref, ref_name)
    problems = recompute_problems(Path(path), data)
    if problems:
        raise SameStoryError(f"{path}: scores are not consistent with their counts", problems)
    if results_dir and Path(results_dir).is_dir():
        others = [e for e in load(results_dir) if e.path.resolve() != Path(path).resolve()]
        clash = [e for e in others if e.name.strip() == data["system"]["name"].strip()]
        if clash:
            raise SameStoryError(f"{path}: system name already on the board",
                                 [Problem(str(path), f"also used by {clash[0].path}", field="system.name",
                                          found=data["system"]["name"])])
    return data
