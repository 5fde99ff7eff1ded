"""Push documents (and pre-annotations) to Label Studio projects; pull full exports back into records.

Push is idempotent: projects are found by title, tasks by doc_id, predictions by model_version (an equal
prediction is kept, a changed one replaced). Pull keeps each raw export untouched under
annotations/labelstudio/exports/ and converts it to per-annotator pass files; nothing is written unless
every annotation converts, and differing pass files are replaced only when asked.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from tqdm import tqdm

from samestory import guard, paths, schema
from samestory.errors import Problem, SameStoryError
from samestory.jsonl import atomic_write_bytes, dumps, read_jsonl
from samestory.labelstudio import client as lsclient
from samestory.labelstudio import config as C
from samestory.labelstudio.convert import ConvertError, from_results, to_results
from samestory.validate import check_layer_record

EXPORTS = paths.ANNOTATIONS / "labelstudio" / "exports"
REJECTED = paths.BUILD / "labelstudio" / "rejected"


# --- inputs -----------------------------------------------------------------------------------------------

def load_inventory(story_id: str, annotations_dir: Path = paths.ANNOTATIONS) -> C.Inventory:
    """The story's entity table, stance targets and fact inventory."""
    d = paths.story_annotations(story_id, Path(annotations_dir))

    def rows(name: str) -> tuple[dict, ...]:
        f = d / f"{name}.jsonl"
        if not f.exists():
            raise SameStoryError(f"{f}: missing inventory", [Problem(str(f), "file not found")])
        return tuple(r for _, r in read_jsonl(f))
    inv = C.Inventory(story_id, rows("entities"), rows("stance_targets"), rows("fact_inventory"))
    inv.check()
    return inv


def _file_layers() -> dict[str, str]:
    """File stem -> layer: the layer names, and the benchmark's task names (ner.jsonl -> mentions, ...)."""
    import samestory.eval.scorers  # noqa: F401  (registers the tasks)
    from samestory.eval.tasks import TASKS

    return {**{n: t.meta.config for n, t in TASKS.items()}, **{layer: layer for layer in schema.LAYERS}}


def load_layer_dir(folder: Path, doc_ids: Iterable[str], partial: bool = False) -> dict[str, dict[str, dict]]:
    """layer -> doc_id -> record from a folder of layer files: the gold, or (partial=True) a system's
    prediction files, named after the layer or the task, whose optional fields may be missing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SameStoryError(f"{folder}: no such folder of layer files",
                             [Problem(str(folder), "expected <layer>.jsonl files in the gold layout")])
    known = set(doc_ids)
    names = _file_layers() if partial else {layer: layer for layer in schema.LAYERS}
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    for f in sorted(folder.glob("*.jsonl")):
        layer = names.get(f.stem)
        if layer is None:
            continue
        if layer in files and files[layer].stem != layer:
            if f.stem == layer:
                files[layer] = f
                continue
            problems.append(Problem(str(f), f"a second file for layer {layer}", None, None, "one file per layer",
                                    f"{files[layer].name} and {f.name}"))
        elif layer not in files:
            files[layer] = f
    out: dict[str, dict[str, dict]] = {}
    for layer, f in files.items():
        for line, rec in read_jsonl(f):
            problems += check_layer_record(layer, rec, str(f), line, partial)
            if rec.get("doc_id") in known:
                out.setdefault(layer, {})[rec["doc_id"]] = rec
    if problems:
        raise SameStoryError(f"{folder}: {len(problems)} problem(s) in the pre-annotations", problems)
    if not out:
        raise SameStoryError(f"{folder}: no layer records for these documents",
                             [Problem(str(folder), "no <layer>.jsonl with matching doc_ids")])
    return out


def task_data(doc: dict) -> dict:
    """What a task shows: the clean text plus ids (the text is what every offset points into)."""
    return {"doc_id": doc["doc_id"], "story_id": doc["story_id"], "title": doc.get("title") or doc["doc_id"],
            "text": doc["text"]}


# --- push -------------------------------------------------------------------------------------------------

@dataclass
class PushSummary:
    projects: dict[str, int] = field(default_factory=dict)
    created_tasks: int = 0
    kept_tasks: int = 0
    created_predictions: int = 0
    kept_predictions: int = 0
    replaced_predictions: int = 0


def _find_project(ls, conn, title: str):
    with lsclient.api_errors(conn, "listing projects"):
        found = [p for p in ls.projects.list() if p.title == title]
    if len(found) > 1:
        raise SameStoryError(f"{len(found)} projects titled {title!r}",
                             [Problem(conn.url, "delete the duplicates by hand; push keeps one per title")])
    return found[0] if found else None


def push(conn: lsclient.Connection, docs: list[dict], inv: C.Inventory,
         preannotations: dict[str, dict[str, dict]] | None = None, model_version: str = "gold",
         projects: Iterable[str] = C.PROJECTS) -> PushSummary:
    """Create or update the story's projects, one task per document, optional predictions."""
    ls = lsclient.connect(conn)
    configs = C.project_configs(inv)
    summary = PushSummary()
    for project in projects:
        title = C.project_title(inv.story_id, project)
        xml = configs[project]
        proj = _find_project(ls, conn, title)
        with lsclient.api_errors(conn, f"creating or updating project {title!r}"):
            if proj is None:
                proj = ls.projects.create(title=title, label_config=xml,
                                          description=f"SameStory {project} layers of story {inv.story_id}; "
                                                      "generated by `samestory ls push`")
            else:
                ls.projects.validate_label_config(id=proj.id, label_config=xml)
                if (ls.projects.get(id=proj.id).label_config or "").strip() != xml.strip():
                    ls.projects.update(id=proj.id, label_config=xml)
        summary.projects[project] = proj.id
        with lsclient.api_errors(conn, f"listing tasks of {title!r}"):
            tasks = {}
            for t in ls.tasks.list(project=proj.id, fields="all"):
                tasks.setdefault((t.data or {}).get("doc_id"), []).append(t)
        for doc in tqdm(docs, desc=f"push {project}", unit="doc", disable=None):
            have = tasks.get(doc["doc_id"], [])
            if len(have) > 1:
                raise SameStoryError(f"{title}: {len(have)} tasks for document {doc['doc_id']}",
                                     [Problem(conn.url, "duplicate tasks; delete the extra ones by hand")])
            with lsclient.api_errors(conn, f"importing document {doc['doc_id']}"):
                if have:
                    task = have[0]
                    if task.data.get("text") != doc["text"]:
                        raise SameStoryError(f"{title}: task {task.id} has a different text for {doc['doc_id']}",
                                             [Problem(conn.url, "the clean text changed after import; offsets of "
                                                                "its annotations would be wrong. Use a new story "
                                                                "version or delete the task by hand")])
                    summary.kept_tasks += 1
                else:
                    task = ls.tasks.create(project=proj.id, data=task_data(doc))
                    summary.created_tasks += 1
                if not preannotations:
                    continue
                records = {layer: preannotations[layer][doc["doc_id"]] for layer in C.LAYERS_OF[project]
                           if doc["doc_id"] in preannotations.get(layer, {})}
                if not records:
                    continue
                try:
                    result = to_results(project, doc, records)
                except ConvertError as exc:
                    raise SameStoryError("cannot turn pre-annotations into Label Studio results",
                                         [Problem(model_version, str(exc))]) from None
                same = [p for p in (getattr(task, "predictions", None) or [])
                        if _get(p, "model_version") == model_version]
                if len(same) == 1 and _get(same[0], "result") == result:
                    summary.kept_predictions += 1
                    continue
                for p in same:
                    ls.predictions.delete(id=_get(p, "id"))
                    summary.replaced_predictions += 1
                ls.predictions.create(task=task.id, result=result, model_version=model_version)
                summary.created_predictions += 1
    return summary


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


# --- pull -------------------------------------------------------------------------------------------------

def annotator_name(completed_by: Any, where: str) -> str:
    """Folder name of an annotator: the local part of the account's email, lower-cased."""
    email = completed_by.get("email") if isinstance(completed_by, dict) else None
    if not email:
        raise ConvertError(where, f"annotation without the annotator's email (completed_by={completed_by!r}); "
                                  "the export must expand annotations__completed_by")
    name = re.sub(r"[^a-z0-9._-]", "-", email.split("@")[0].lower())
    bad = guard.id_problem(name, "completed_by.email", where)
    if bad:  # the name becomes a folder under passes/: never '..', a hidden name or empty
        raise ConvertError(where, f"annotator email {email!r} does not give a safe folder name ({bad.expected})")
    return name


def convert_export(project: str, export: Any, docs: dict[str, dict], inv: C.Inventory,
                   source: str) -> dict[str, dict[str, dict[str, dict]]]:
    """annotator -> layer -> doc_id -> record from one project's full JSON export (strict)."""
    if not isinstance(export, list):
        raise SameStoryError(f"{source}: not a Label Studio JSON export", [Problem(source, "expected a list of tasks")])
    out: dict[str, dict[str, dict[str, dict]]] = {}
    emails: dict[str, str] = {}
    problems: list[Problem] = []
    first: dict[tuple[str, str], tuple[str, dict]] = {}  # (doc_id, annotator) -> (where, records)
    for i, task in enumerate(export):
        if not isinstance(task, dict) or not isinstance(task.get("data") or {}, dict):
            problems.append(Problem(source, f"task [{i}] is not a Label Studio task", field=f"[{i}]",
                                    expected="an object with a `data` object", found=type(task).__name__))
            continue
        tid = task.get("id")
        data = task.get("data") or {}
        doc_id = data.get("doc_id")
        where_task = f"task {tid} (doc {doc_id})"
        if doc_id not in docs:
            problems.append(Problem(source, f"{where_task}: unknown document", field="data.doc_id",
                                    expected="a doc_id of the story", found=repr(doc_id)))
            continue
        doc = docs[doc_id]
        if data.get("text") != doc["text"]:
            problems.append(Problem(source, f"{where_task}: task text differs from the clean text", field="data.text"))
            continue
        seen: dict[str, Any] = {}
        anns = task.get("annotations") or []
        if not isinstance(anns, list) or not all(isinstance(a, dict) for a in anns):
            problems.append(Problem(source, f"{where_task}: annotations are not a list of objects",
                                    field="annotations"))
            continue
        for ann in anns:
            if ann.get("was_cancelled"):
                continue
            who = ann.get("completed_by")
            where = f"{where_task}, annotation {ann.get('id')}"
            try:
                name = annotator_name(who, where)
                where = f"{where_task}, annotator {who.get('email')}, annotation {ann.get('id')}"
                if emails.setdefault(name, who["email"]) != who["email"]:
                    raise ConvertError(where, f"two accounts map to annotator folder {name!r}: "
                                              f"{emails[name]} and {who['email']}")
                if name in seen:
                    raise ConvertError(where, f"a second annotation by the same annotator (first: {seen[name]})")
                seen[name] = ann.get("id")
                records = from_results(project, doc, inv, ann.get("result") or [], where)
                earlier = first.setdefault((doc_id, name), (where, records))
                if earlier[0] != where and earlier[1] != records:
                    # two tasks of one document: which annotation is the annotator's is not ours to guess
                    raise ConvertError(where, f"conflicts with {earlier[0]}: two tasks of document {doc_id} "
                                              "annotated differently by the same annotator; delete or fix one "
                                              "in Label Studio and export again")
            except ConvertError as exc:
                problems.append(Problem(source, str(exc)))
                continue
            for layer, rec in records.items():
                out.setdefault(name, {}).setdefault(layer, {})[doc_id] = rec
    if problems:
        raise SameStoryError(f"{source}: {len(problems)} annotation problem(s); nothing converted", problems)
    return out


def _download(ls, conn, project_id: int) -> bytes:
    with lsclient.api_errors(conn, f"exporting project {project_id}"):
        exp = ls.projects.exports.create(
            project_id, title="samestory pull",
            serialization_options={"annotations__completed_by": {"only_id": False},
                                   "predictions": {"only_id": False}, "drafts": {"only_id": False}})
    lsclient.wait_export(ls, conn, project_id, exp.id)
    with lsclient.api_errors(conn, f"downloading export {exp.id}"):
        return b"".join(ls.projects.exports.download(project_id, exp.id, export_type="JSON"))


def pull(conn: lsclient.Connection, docs: list[dict], inv: C.Inventory, out_dir: Path,
         exports_dir: Path = EXPORTS, overwrite: bool = False, projects: Iterable[str] = C.PROJECTS,
         stamp: str | None = None, rejected_dir: Path = REJECTED) -> dict[str, Any]:
    """Export every project, keep the raw exports, convert them and write per-annotator pass files."""
    ls = lsclient.connect(conn)
    by_id = {d["doc_id"]: d for d in docs}
    stamp = stamp or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    raws: dict[str, bytes] = {}
    passes: dict[str, dict[str, dict[str, dict]]] = {}
    for project in tqdm(list(projects), desc="pull", unit="project", disable=None):
        title = C.project_title(inv.story_id, project)
        proj = _find_project(ls, conn, title)
        if proj is None:
            raise SameStoryError(f"no project {title!r} on {conn.url}",
                                 [Problem(conn.url, "run `samestory ls push` first")])
        raw = _download(ls, conn, proj.id)
        source = f"{inv.story_id}/{project}-{stamp}.json"
        try:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise SameStoryError(f"{source}: not UTF-8", [Problem(source, f"not UTF-8 at byte {exc.start}")])
            export = guard.loads(text, source)  # bounded: depth and size
            converted = convert_export(project, export, by_id, inv, source)
        except (json.JSONDecodeError, SameStoryError) as exc:
            kept = Path(rejected_dir) / inv.story_id / f"{project}-{stamp}.json"
            atomic_write_bytes(kept, raw)
            msg = str(exc).splitlines()[0] if isinstance(exc, SameStoryError) else f"invalid JSON: {exc}"
            problems = exc.problems if isinstance(exc, SameStoryError) else [Problem(source, msg)]
            raise SameStoryError(f"{msg} (raw export kept in {kept}; annotations/ unchanged)", problems) from None
        raws[project] = raw
        for name, layers in converted.items():
            for layer, recs in layers.items():
                passes.setdefault(name, {}).setdefault(layer, {}).update(recs)
    writes = plan_pass_writes(passes, out_dir)
    clashes = [p for p, data, old in writes if old is not None and old != data]
    if clashes and not overwrite:
        raise SameStoryError(f"{len(clashes)} pass file(s) differ from what the server holds; not overwriting",
                             [Problem(str(p), "exists with other content; pass --overwrite to replace it")
                              for p in clashes])
    for project, raw in raws.items():
        atomic_write_bytes(Path(exports_dir) / inv.story_id / f"{project}-{stamp}.json", raw)
    for path, data, old in writes:
        if old != data:
            atomic_write_bytes(path, data)
    return {"exports": {p: str(Path(exports_dir) / inv.story_id / f"{p}-{stamp}.json") for p in raws},
            "annotators": sorted(passes), "files": [str(p) for p, d, o in writes if o != d]}


def plan_pass_writes(passes: dict[str, dict[str, dict[str, dict]]], out_dir: Path) -> list[tuple[Path, bytes, bytes | None]]:
    """(path, new bytes, current bytes or None) of every pass file, records sorted by doc_id."""
    out = []
    for name in sorted(passes):
        for layer in schema.LAYERS:
            recs = passes[name].get(layer)
            if not recs:
                continue
            path = Path(out_dir) / name / f"{layer}.jsonl"
            data = "".join(dumps(recs[d]) + "\n" for d in sorted(recs)).encode("utf-8")
            out.append((path, data, path.read_bytes() if path.exists() else None))
    return out
