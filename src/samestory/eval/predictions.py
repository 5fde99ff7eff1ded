"""Prediction files: find them, check them strictly against the schema and the documents, load them.

Every problem names the file, line and field. Nothing is guessed: an unknown document, a duplicate
record or item, an offset out of range, a label outside the schema or overlapping NER spans stop the
run (exit code 2) before anything is scored.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samestory import schema
from samestory.core.errors import Problem, SameStoryError
from samestory.layers.entity_frames import allowed_fine_roles, misplaced_fine_roles
from samestory.layers.mentions import name_clashes
from samestory.core.jsonl import read_jsonl

MAX_PROBLEMS = 50
"""Stop collecting after this many problems: the first ones are what a user fixes first."""

KEY_REFS = ("entity", "target", "sentence", "paragraph", "fact")
"""An item whose first field refers to one of these is keyed by it (one item per entity, sentence, …)."""

INT32 = (-(2 ** 31), 2 ** 31 - 1)


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


def _fast(f: schema.Field, dotted: str, required: set[str]):
    """A quick yes/no structural check of one field value (None included); the slow path explains a no."""
    t = f.dtype
    if t == "label":
        labels = frozenset(f.labels)
        one = lambda v: type(v) is str and v in labels  # noqa: E731
    elif t == "string":
        one = lambda v: type(v) is str  # noqa: E731
    elif t == "int32":
        one = lambda v: type(v) is int and INT32[0] <= v <= INT32[1]  # noqa: E731
    elif t == "bool":
        one = lambda v: type(v) is bool  # noqa: E731
    else:
        prefix = dotted + ("[]" if f.many else "") + "."
        one = _fast_struct(f.children, prefix, required)
    nullable = f.nullable
    if f.many:
        unique = t == "label"

        def check(v):
            if v is None:
                return nullable
            if type(v) is not list:
                return False
            for x in v:
                if x is None or not one(x):
                    return False
            return not unique or len(set(v)) == len(v)
        return check
    return lambda v: (nullable if v is None else one(v))  # noqa: E731


def _fast_struct(children, prefix: str, required: set[str]):
    names = frozenset(c.name for c in children)
    kids = [(c.name, _fast(c, prefix + c.name, required), prefix + c.name in required) for c in children]

    def check(v):
        if type(v) is not dict or not v.keys() <= names:
            return False
        for name, fn, req in kids:
            if name in v:
                if not fn(v[name]):
                    return False
            elif req:
                return False
        return True
    return check


def _short(value: Any) -> str:
    s = repr(value)
    return s if len(s) <= 60 else s[:57] + "..."


class _Checker:
    def __init__(self, path: str, config: str, required: set[str], gold_docs: dict[str, dict],
                 documents: dict[str, dict], refs: dict[str, set[str]] | None = None):
        self.path = path
        self.refs = dict(refs or {})
        for kind, key in (("fact", "fact_id"), ("target", "target")):  # enumerated in every gold record
            if kind not in self.refs and config in ("facts", "stance") and gold_docs:
                self.refs[kind] = {it.get(key) for r in gold_docs.values() for it in r.get(
                    schema.CONFIGS[config].items) or [] if isinstance(it, dict)}
        self.cfg = schema.CONFIGS[config]
        self.required = required
        self.gold_docs = gold_docs
        self.documents = documents
        self.problems: list[Problem] = []
        self.fast = _fast_struct(self.cfg.fields, "", required)
        self._ids: dict[tuple[str, str], set[str]] = {}
        self._plans: dict[int, tuple] = {}

    def add(self, line, where, message, expected=None, found=None):
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.path, message, line=line, field=where, expected=expected, found=found))

    # structural check driven by schema.Field
    def value(self, f: schema.Field, value, where: str, dotted: str, line):
        if value is None:
            if not f.nullable:
                self.add(line, where, "null is not allowed", f"a {f.dtype}" + (" list" if f.many else ""), "null")
            return
        if f.many:
            if not isinstance(value, list):
                self.add(line, where, "expected a list", "list", type(value).__name__)
                return
            for i, v in enumerate(value):
                if v is None:
                    self.add(line, f"{where}[{i}]", "null is not allowed in a list", f.dtype, "null")
                else:
                    self.one(f, v, f"{where}[{i}]", dotted + "[]", line)
            if f.dtype == "label" and len(set(map(str, value))) != len(value):
                self.add(line, where, "duplicate label in the list", "each label once", _short(value))
            return
        self.one(f, value, where, dotted, line)

    def one(self, f: schema.Field, v, where: str, dotted: str, line):
        t = f.dtype
        if t == "label":
            if not isinstance(v, str) or v not in f.labels:
                self.add(line, where, "label outside the schema", "one of " + ", ".join(f.labels), _short(v))
        elif t == "string":
            if not isinstance(v, str):
                self.add(line, where, "expected a string", "string", _short(v))
        elif t == "int32":
            if not isinstance(v, int) or isinstance(v, bool) or not INT32[0] <= v <= INT32[1]:
                self.add(line, where, "expected an integer", "int32", _short(v))
        elif t == "bool":
            if not isinstance(v, bool):
                self.add(line, where, "expected true or false", "bool", _short(v))
        elif t == "struct":
            self.struct(f.children, v, where, dotted + ".", line)

    def struct(self, children, v, where: str, prefix: str, line):
        if not isinstance(v, dict):
            self.add(line, where or "record", "expected an object", "object", type(v).__name__)
            return False
        names = {c.name for c in children}
        for k in v:
            if k not in names:
                self.add(line, f"{where}.{k}" if where else k, "unknown field", ", ".join(sorted(names)), k)
        for c in children:
            path = f"{where}.{c.name}" if where else c.name
            dotted = f"{prefix}{c.name}" if prefix != "." else c.name
            if c.name not in v:
                if dotted in self.required:
                    self.add(line, path, "missing required field")
                continue
            self.value(c, v[c.name], path, dotted, line)
        return True

    # checks against the document
    def spans_and_refs(self, f: schema.Field, item: dict, where: str, doc: dict, line):
        plan = self._plans.get(id(f))
        if plan is None:
            plan = self._plans[id(f)] = (f.is_span, [c for c in f.children if c.ref in ("sentence", "paragraph")
                                                     or c.ref in self.refs
                                                     or (c.dtype == "struct" and c.many)])
        is_span, children = plan
        if is_span and isinstance(item.get("start"), int) and isinstance(item.get("end"), int):
            s, e, n = item["start"], item["end"], len(doc["text"])
            if not 0 <= s < n:
                self.add(line, f"{where}.start", "offsets out of range: start outside the document",
                         f"0 <= start < {n} (document length)", f"start={s}, end={e}")
            elif e > n:
                self.add(line, f"{where}.end", "offsets out of range: end beyond the document",
                         f"end <= {n} (document length)", f"start={s}, end={e}")
            elif s >= e:
                self.add(line, f"{where}.start", "start >= end", "start < end", f"start={s}, end={e}")
            elif isinstance(item.get("text"), str) and doc["text"][s:e] != item["text"]:
                self.add(line, f"{where}.text", "text differs from the document at these offsets",
                         _short(doc["text"][s:e]), _short(item["text"]))
        for c in children:
            val = item.get(c.name)
            if c.ref in ("sentence", "paragraph") and isinstance(val, str):
                ids = self._ids.get((doc["doc_id"], c.ref))
                if ids is None:
                    ids = self._ids[doc["doc_id"], c.ref] = {x["id"] for x in doc.get(c.ref + "s") or []}
                if val not in ids:
                    self.add(line, f"{where}.{c.name}", f"unknown {c.ref} id", f"a {c.ref} id of the document", val)
            elif c.ref in self.refs and isinstance(val, str) and val not in self.refs[c.ref]:
                known = sorted(self.refs[c.ref])
                self.add(line, f"{where}.{c.name}", f"unknown {c.ref} id (not in the inventory)",
                         f"one of {', '.join(known[:8])}{' …' if len(known) > 8 else ''}", _short(val))
            if c.dtype == "struct" and c.many and isinstance(val, list):
                for j, sub in enumerate(val):
                    if isinstance(sub, dict):
                        self.spans_and_refs(c, sub, f"{where}.{c.name}[{j}]", doc, line)

    def items(self, rec: dict, doc: dict, line):
        cfg = self.cfg
        f = cfg.field(cfg.items)
        items = rec.get(cfg.items)
        if not isinstance(items, list):
            return
        first = f.children[0]
        keyed = first.ref in KEY_REFS
        plan = self._plans.get(id(f))
        needs_doc = plan is None or plan[0] or plan[1]  # spans or ids to check against the document
        span_key = f.is_span and not keyed
        technique = cfg.name == "bias_spans"
        seen: dict[Any, int] = {}
        for i, it in enumerate(items):
            if needs_doc:
                self.spans_and_refs(f, it, f"{cfg.items}[{i}]", doc, line)
                plan = self._plans[id(f)]
                needs_doc = plan[0] or plan[1]
            if keyed:
                k = it[first.name]
            elif span_key:
                k = (it["start"], it["end"], it["technique"]) if technique else (it["start"], it["end"])
            else:
                continue
            j = seen.setdefault(k, i)
            if j != i:
                self.add(line, f"{cfg.items}[{i}]", f"duplicate item (same as {cfg.items}[{j}])", "unique items",
                         _short(k))
        if cfg.name == "mentions":
            self.ner_overlaps(items, line)
        if cfg.name == "entity_frames":
            for i, it in enumerate(items):
                if not isinstance(it, dict) or "main_role" not in it:
                    continue
                for j, role in misplaced_fine_roles(it):
                    self.add(line, f"entities[{i}].fine_roles[{j}]",
                             f"fine role not under main role {it.get('main_role')!r}",
                             ", ".join(allowed_fine_roles(it.get("main_role"))) or "no fine role", role)

    def ner_overlaps(self, items, line):
        """Named spans (every mention not marked NOM) must not overlap, as in the gold
        (`samestory.layers.mentions.name_clashes`); a span repeated exactly is reported as a duplicate item."""
        for i, j in name_clashes(items):
            a, b = items[i], items[j]
            if (a["start"], a["end"]) != (b["start"], b["end"]):
                self.add(line, f"mentions[{i}]", f"NER span overlaps mentions[{j}]", f"start >= {b['end']}",
                         f"{a['start']}..{a['end']}")

    def record(self, rec: dict, line, seen: dict[str, int]):
        doc_id = rec.get("doc_id")
        if "doc_id" not in rec:
            self.add(line, "doc_id", "missing required field")
            return None
        if not isinstance(doc_id, str) or doc_id not in self.gold_docs:
            known = ", ".join(sorted(self.gold_docs)[:5]) + (" …" if len(self.gold_docs) > 5 else "")
            self.add(line, "doc_id", "unknown document id", f"a gold document ({known})", _short(doc_id))
            return None
        if doc_id in seen:
            self.add(line, "doc_id", f"duplicate record (first at line {seen[doc_id]})", "one record per document",
                     doc_id)
            return None
        seen[doc_id] = line
        before = len(self.problems)
        if self.cfg.items not in rec:
            self.add(line, self.cfg.items, "missing required field")
        elif not self.fast(rec):
            self.struct(self.cfg.fields, rec, "", ".", line)
        if len(self.problems) == before:
            self.items(rec, self.documents[doc_id], line)
        return doc_id if len(self.problems) == before else None


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
    listing the problems. `refs`: ref kind → known ids (entity, fact, target) of the inventories."""
    chk = _Checker(str(path), config, required, gold_docs, documents, refs)
    if rows is None:
        rows = read_rows(path)
    records, lines, seen = {}, {}, {}
    for line, rec in rows:
        doc_id = chk.record(rec, line, seen)
        if doc_id is not None:
            records[doc_id] = rec  # checked: every field the scorers read without .get() is present
            lines[doc_id] = line
        if len(chk.problems) >= MAX_PROBLEMS:
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
