"""Prediction files: find them, check them strictly against the schema and the documents, load them.

Every problem names the file, line and field. Nothing is guessed: an unknown document, a duplicate
record or item, an offset out of range, a label outside the schema or overlapping NER spans stop the
run (exit code 2) before anything is scored. The checks are the gold's (`samestory.schema.check` and the
layer's rules), with the two differences of a system's output: fields the tasks do not read may be left
out, and the codebook's completeness rules (one item per sentence, evidence, …) do not apply.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from samestory import layers, schema
from samestory.annotate import store
from samestory.core.errors import Problem, SameStoryError
from samestory.core.jsonl import read_jsonl
from samestory.schema.check import Checker, Context

MAX_PROBLEMS = 50
"""Stop collecting after this many problems: the first ones are what a user fixes first."""


class PredictionError(SameStoryError):
    """Bad predictions: the CLI prints every problem and exits with code 2, writing no results."""

    exit_code = 2

    def __reduce__(self):  # keep the problems when a worker process sends the error back
        return (self.__class__, (self.args[0], self.problems))


@dataclass
class Predictions:
    """Checked prediction records of one file, by doc_id."""

    path: str
    config: str
    records: dict[str, dict]
    lines: dict[str, int]
    warnings: list[str] = field(default_factory=list)


def _known_ids(config: str, gold_docs: dict[str, dict], refs: dict[str, set[str]] | None) -> dict:
    """ref kind → ids a prediction's references must name: the inventories' (`refs`); without them, the facts
    and targets that the gold of `config` enumerates in every record."""
    out = dict(refs or {})
    items = schema.CONFIGS[config].items
    for kind, key in (("fact", "fact_id"), ("target", "target")):
        if kind not in out and config in ("facts", "stance") and gold_docs:
            out[kind] = {it.get(key) for r in gold_docs.values() for it in r.get(items) or [] if isinstance(it, dict)}
    return out


def _doc_id(chk: Checker, rec: dict, line, gold_docs: dict[str, dict], seen: dict[str, int]) -> str | None:
    """The record's doc_id when it names a gold document not seen before in the file, else None (reported)."""
    doc_id = rec.get("doc_id")
    issue = store.doc_issue(doc_id, seen, gold_docs)
    if issue is not None:
        chk.add(line, "doc_id", *issue)
        return None
    seen[doc_id] = line
    return doc_id


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """(line, record) of a prediction file; invalid JSON or a non-object line is a PredictionError."""
    try:
        return list(read_jsonl(Path(path)))
    except SameStoryError as exc:
        raise PredictionError(str(exc.args[0]), exc.problems) from None
    except OSError as exc:
        raise PredictionError(f"{path}: cannot read", [Problem(str(path), str(exc))]) from None


def check_file(path: Path, config: str, required: set[str], gold_docs: dict[str, dict],
               documents: dict[str, dict], rows: list[tuple[int, dict]] | None = None,
               refs: dict[str, set[str]] | None = None) -> Predictions:
    """Check one prediction file of `config` (read unless `rows` are given); raise PredictionError
    listing the problems. `refs`: ref kind → known ids (entity, fact, target) of the inventories;
    `required`: the dotted fields the tasks read (the others may be left out)."""
    layer = layers.get(config)
    cfg = layer.config
    chk = Checker(str(path), required={"doc_id", cfg.items, *required}, limit=MAX_PROBLEMS)
    known = _known_ids(config, gold_docs, refs)
    ctx = Context(entities=known.get("entity"), facts=known.get("fact"), targets=known.get("target"),
                  doc_ids=None, annotation=False, scope="the dataset's")
    if rows is None:
        rows = read_rows(path)
    records, lines, seen = {}, {}, {}
    for line, rec in rows:
        doc_id = _doc_id(chk, rec, line, gold_docs, seen)
        if doc_id is not None:
            before = len(chk.problems)
            chk.layer(cfg, rec, line, ctx.at(documents[doc_id]), layer.rules)
            if len(chk.problems) == before:
                records[doc_id] = rec  # checked: every field the scorers read without .get() is present
                lines[doc_id] = line
        if chk.full:
            break
    if chk.problems:
        more = " (first %d shown)" % MAX_PROBLEMS if len(chk.problems) >= MAX_PROBLEMS else ""
        raise PredictionError(f"{path}: {len(chk.problems)} problem(s) in the predictions{more}", chk.problems)
    return Predictions(str(path), config, records, lines)


def present_keys(rows: list[tuple[int, dict]], config: str) -> set[str]:
    """Dotted item fields that occur in at least one item of the file (to tell which tasks it serves)."""
    items = schema.CONFIGS[config].items
    out: set[str] = set()
    for _, rec in rows:
        out.update(rec)
        its = rec.get(items)
        if isinstance(its, list):
            for it in its:
                if isinstance(it, dict):
                    out.update(f"{items}[].{k}" for k in it)
    return out


def resolve(predictions: Path, tasks: list[str], explicit: bool) -> tuple[dict[str, Path], list[str]]:
    """Which file holds each task's predictions: `<task>.jsonl`, else `<config>.jsonl` in a folder, or the
    one file given (named after a task or config, or with --task). Returns (task → file, warnings)."""
    from samestory.eval.registry import TASKS

    predictions = Path(predictions)
    warnings: list[str] = []
    out: dict[str, Path] = {}
    if not predictions.exists():
        raise PredictionError(f"{predictions} does not exist", [Problem(str(predictions), "no such file or folder")])
    if predictions.is_file():
        stem = predictions.name.removesuffix(".jsonl")
        if explicit:
            chosen = tasks
        elif stem in TASKS:
            chosen = [stem]
        elif stem in schema.LAYERS:
            chosen = [t for t in tasks if TASKS[t].meta.config == stem]
        else:
            raise PredictionError(f"{predictions}: cannot tell which task it is for",
                                  [Problem(str(predictions), "name the file <task>.jsonl or <config>.jsonl, "
                                           "or pass --task", expected=", ".join(TASKS), found=predictions.name)])
        configs = {TASKS[t].meta.config for t in chosen}
        if len(configs) > 1:
            raise PredictionError(f"{predictions}: one file cannot hold predictions of several configs",
                                  [Problem(str(predictions), "tasks read different configs", field="--task",
                                           expected="tasks of one config", found=", ".join(sorted(configs)))])
        for t in chosen:
            if stem in schema.LAYERS and TASKS[t].meta.config != stem or stem in TASKS and stem != t:
                raise PredictionError(f"{predictions}: not a prediction file of task {t}",
                                      [Problem(str(predictions), "file name names another task or config",
                                               expected=f"{t}.jsonl or {TASKS[t].meta.config}.jsonl",
                                               found=predictions.name)])
            out[t] = predictions
        return out, warnings
    for t in tasks:
        cfg = TASKS[t].meta.config
        for cand in (predictions / f"{t}.jsonl", predictions / f"{cfg}.jsonl"):
            if cand.exists():
                out[t] = cand
                break
        else:
            if explicit:
                raise PredictionError(f"no predictions for task {t} in {predictions}",
                                      [Problem(str(predictions), "missing file",
                                               expected=f"{t}.jsonl or {cfg}.jsonl")])
    return out, warnings


def shared_file_tasks(files: dict[str, Path], explicit: bool,
                      rows: dict[Path, list]) -> tuple[dict[str, Path], list[str]]:
    """A `<config>.jsonl` file serving several tasks (mentions: ner and linking) only serves the tasks
    whose required fields occur in it; the others are skipped with a warning unless asked for."""
    from samestory.eval.registry import TASKS

    warnings = []
    keep = {}
    cache: dict[Path, set[str]] = {}
    for t, p in files.items():
        if p.name == f"{t}.jsonl" or explicit:
            keep[t] = p
            continue
        if p not in cache:
            cache[p] = present_keys(rows[p], TASKS[t].meta.config)
        lacking = [r for r in TASKS[t].meta.required if r not in cache[p]]
        if lacking:
            warnings.append(f"task {t} skipped: no item of {p} has {', '.join(lacking)}")
        else:
            keep[t] = p
    return keep, warnings
