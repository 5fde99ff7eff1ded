"""The leaderboard: read results files (docs/evaluation.md), refuse to rank what is not comparable, rank.

Results are comparable only when they share the dataset version, the gold hash, the schema, scorer and
results-format versions; anything else is refused with the files that differ. Every file must declare its
resources (samestory.eval.declaration); a *test-informed* system (any resource derived from the test
documents or their gold) is shown apart and never ranked. Clean systems get a rank per task and an
overall rank among the systems scored on the same task set (mean main score over those tasks); a system
ranks below another only when the paired bootstrap of `samestory compare` separates them (p < ALPHA),
otherwise they share the rank.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from samestory.core.errors import Problem, SameStoryError
from samestory.eval import declaration
from samestory.eval.results import layout_problems, read_results_json

MUST_AGREE = ("format_version", "dataset_version", "gold_sha256", "schema_version", "scorer_version")
"""Stamps that every results file on one board must share."""
METRIC_FIELDS = ("value", "ci_low", "ci_high")
ALPHA = 0.05
"""Two systems whose paired-bootstrap p-value is at least this share a rank."""
TIE_RESAMPLES = 10000
"""Resamples of the paired bootstrap behind ties (the default of `samestory compare`)."""
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
    rank: int | None = None
    """Overall rank among clean systems scored on the same task set; None for a test-informed system."""
    mean_scored: float | None = None
    """Mean main score over the tasks this system was scored on (undefined scores count as 0)."""
    task_ranks: dict[str, int] = field(default_factory=dict)
    """task → rank among the clean systems scored on it (ties share a rank)."""
    tied: set[str] = field(default_factory=set)
    """Columns ("overall" or a task) where another system shares this one's rank."""

    @property
    def system(self) -> dict:
        return self.data["system"]

    @property
    def name(self) -> str:
        return self.data["system"]["name"]

    @cached_property
    def declared(self) -> declaration.Declaration:
        return declaration.Declaration.model_validate(self.data["system"])

    @property
    def test_informed(self) -> bool:
        return self.declared.test_informed

    @property
    def coverage(self) -> tuple[str, ...]:
        """The tasks this system was scored on, in registry order."""
        return tuple(task_order(self.data["tasks"]))

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
    task_sets: list[tuple[str, ...]] = field(default_factory=list)
    """The distinct task sets of clean systems, most tasks first: overall ranks are per task set."""
    doc_labels: dict[str, str] = field(default_factory=dict)
    """doc_id → short label (sequence number, outlet, machine-translated) for the per-document view."""

    @property
    def clean(self) -> list[Entry]:
        return [e for e in self.entries if not e.test_informed]

    @property
    def informed(self) -> list[Entry]:
        return [e for e in self.entries if e.test_informed]


def _shown(x) -> str:
    """A value as the file writes it (null, not None)."""
    return json.dumps(x, ensure_ascii=False) if x is None or not isinstance(x, str) else x


def _num_ok(x) -> bool:
    return x is None or (isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x))


def check_shape(path: Path, data) -> list[Problem]:
    """Problems of one results file: its layout (the one results model, `samestory.eval.results`), then what
    ranking needs (a safe system name, bootstrap intervals, declared resources, finite scores)."""
    out = layout_problems(path, data)
    if out:
        return out
    f = str(path)
    from samestory.core.guard import name_problem

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
    out += declaration.problems(data["system"], f, prefix="system.")
    if not data["tasks"]:
        out.append(Problem(f, "no task was scored", field="tasks"))
    for tname, t in data["tasks"].items():
        where = f"tasks.{tname}"
        metrics = t["metrics"]
        if t["main_score"] not in metrics:
            out.append(Problem(f, "main score is not among the metrics", field=f"{where}.main_score",
                               expected=", ".join(metrics), found=t["main_score"]))
        for mname, m in metrics.items():
            if any(not _num_ok(m[k]) for k in METRIC_FIELDS):
                out.append(Problem(f, "metric needs numeric-or-null (finite) value, ci_low, ci_high",
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
    data = read_results_json(path)
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
    from samestory.eval.registry import TASKS

    known = [t for t in TASKS if t in names]
    return known + sorted(set(names) - set(known))


def _table(e: Entry, task: str, docs: list[str]):
    """The per-document count table of one task (docs × keys), or None when the file has no usable counts."""
    import numpy as np

    from samestory.eval.registry import TASKS

    t = e.data["tasks"].get(task)
    if task not in TASKS or not t or list(t.get("count_keys") or []) != list(TASKS[task].keys):
        return None
    per_doc = t.get("per_document") or {}
    if not docs or any(d not in per_doc for d in docs):
        return None
    return np.asarray([per_doc[d] for d in docs], dtype=float).reshape(len(docs), -1)


def _docs(entries: list[Entry], tasks) -> list[str]:
    """Documents every entry was scored on, for every task (the paired bootstrap needs the same units)."""
    sets = [set(e.data["tasks"][t].get("per_document") or {}) for e in entries for t in tasks]
    return sorted(set.intersection(*sets)) if sets else []


def _mean_metric(tasks: list[str], widths: list[int]):
    """metrics(S) for the paired bootstrap: the mean main score of `tasks` from concatenated count columns."""
    import numpy as np

    from samestory.eval.registry import TASKS

    def fn(S):
        S = np.atleast_2d(S)
        vals, col = [], 0
        for t, w in zip(tasks, widths):
            v = np.asarray(TASKS[t].metric_values(S[:, col:col + w])[TASKS[t].meta.main_score], dtype=float)
            vals.append(np.nan_to_num(v.reshape(-1), nan=0.0))
            col += w
        return {"mean": np.mean(vals, axis=0)}
    return fn


def separated(a: Entry, b: Entry, tasks: list[str]) -> bool:
    """True when the paired bootstrap over documents (as `samestory compare`) tells a and b apart on the
    mean main score of `tasks` (p < ALPHA); False when it cannot, or the files lack comparable counts."""
    import numpy as np

    from samestory.eval import bootstrap as bs

    docs = _docs([a, b], tasks)
    ta = [_table(a, t, docs) for t in tasks]
    tb = [_table(b, t, docs) for t in tasks]
    if any(x is None for x in ta + tb):
        return False
    test = bs.paired_test(np.hstack(ta), np.hstack(tb), _mean_metric(tasks, [x.shape[1] for x in ta]),
                          TIE_RESAMPLES, bs.DEFAULT_SEED)["mean"]
    return test["p_value"] is not None and test["p_value"] < ALPHA


def tied_ranks(entries: list[Entry], value, better, tasks: list[str]) -> dict[int, int]:
    """index → rank = 1 + the number of entries that score better *and* are separated by the bootstrap."""
    vals = [value(e) for e in entries]
    ranks = {}
    for i, e in enumerate(entries):
        above = [j for j, v in enumerate(vals) if j != i and better(v, vals[i])]
        ranks[i] = 1 + sum(1 for j in above if separated(entries[j], e, tasks))
    return ranks


def build(entries: list[Entry], doc_labels: dict[str, str] | None = None) -> Board:
    """Per-task ranks and an overall rank per task set for clean systems; test-informed ones unranked."""
    stamps = check_comparable(entries)
    tasks = task_order({t for e in entries for t in e.data["tasks"]})
    meta = {}
    for t in tasks:
        block = next(e.data["tasks"][t] for e in entries if t in e.data["tasks"])
        meta[t] = {"main_score": block["main_score"], "higher_is_better": block["higher_is_better"],
                   "metrics": list(block["metrics"]),
                   "descriptions": {k: v.get("description") for k, v in block["metrics"].items()}}
    sign = {t: 1.0 if meta[t]["higher_is_better"] else -1.0 for t in tasks}
    for e in entries:
        values = [e.main(t).value for t in e.coverage]
        e.mean_scored = sum(sign[t] * (v or 0.0) for t, v in zip(e.coverage, values)) / len(values) if values else None
    clean = [e for e in entries if not e.test_informed]
    for t in tasks:
        scored = [e for e in clean if t in e.data["tasks"]]
        v = lambda e, t=t: sign[t] * (e.main(t).value or 0.0)  # noqa: E731
        ranks = tied_ranks(scored, v, lambda x, y: x > y + 1e-12, [t])
        for i, e in enumerate(scored):
            e.task_ranks[t] = ranks[i]
            if sum(1 for r in ranks.values() if r == ranks[i]) > 1:
                e.tied.add(t)
    task_sets = sorted({e.coverage for e in clean}, key=lambda c: (-len(c), [tasks.index(t) for t in c]))
    for ts in task_sets:
        group = [e for e in clean if e.coverage == ts]
        ranks = tied_ranks(group, lambda e: e.mean_scored or 0.0, lambda x, y: x > y + 1e-12, list(ts))
        for i, e in enumerate(group):
            e.rank = ranks[i]
            if sum(1 for r in ranks.values() if r == ranks[i]) > 1:
                e.tied.add("overall")
    ordered = sorted(clean, key=lambda e: (task_sets.index(e.coverage), e.rank, -(e.mean_scored or 0.0), e.name,
                                           str(e.path)))
    ordered += sorted((e for e in entries if e.test_informed),
                      key=lambda e: (-len(e.coverage), -(e.mean_scored or 0.0), e.name, str(e.path)))
    return Board(ordered, tasks, stamps, meta, task_sets, dict(doc_labels or {}))


def document_labels(corpus_dir: Path | None = None) -> dict[str, str]:
    """doc_id → "000 Mirror, machine-translated"-style labels from the corpus metadata ({} without a corpus)."""
    from samestory.corpus import store as corpus
    from samestory.core import paths

    corpus_dir = Path(corpus_dir or paths.CORPUS)
    if not corpus_dir.is_dir():
        return {}
    try:
        docs = corpus.load_documents(corpus_dir, check=False)
    except SameStoryError:
        return {}
    out = {}
    for d in docs:
        bits = [x for x in (d.get("outlet"), "machine-translated" if d.get("machine_translated") else None) if x]
        out[d["doc_id"]] = d["doc_id"].split("_")[0] + (f" ({', '.join(bits)})" if bits else "")
    return out


def current_reference(version: str | None = None, releases_dir: Path | None = None) -> tuple[dict, str]:
    """Stamps a submission must carry: the release manifest's, plus this package's schema and scorer."""
    from samestory.core import paths
    from samestory import schema
    from samestory.eval import SCORER_VERSION
    from samestory.version import DATASET_VERSION

    from samestory.core.guard import parse_version, read_json

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

    from samestory.eval.registry import TASKS

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
