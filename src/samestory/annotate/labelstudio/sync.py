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
from typing import Any, Iterable, Mapping

from tqdm import tqdm

from samestory.core import guard, paths

from samestory import schema
from samestory.core.errors import Problem, SameStoryError
from samestory.core.jsonl import atomic_write_bytes, dumps
from samestory.annotate import store
from samestory.annotate.labelstudio import client as lsclient
from samestory.annotate.labelstudio import config as C
from samestory.annotate.labelstudio.convert import (ConvertError, bias_sentences_record, fact_page, facts_record,
                                                    frames_record, from_results, paragraph_labels, to_results,
                                                    unit_labels)
from samestory.annotate.validate import check_layer_record

EXPORTS = paths.ANNOTATIONS / "labelstudio" / "exports"
REJECTED = paths.BUILD / "labelstudio" / "rejected"


# --- inputs -----------------------------------------------------------------------------------------------

def load_inventory(story_id: str, annotations_dir: Path = paths.ANNOTATIONS) -> C.Inventory:
    """The story's entity table, stance targets and fact inventory (a missing one is an error)."""
    rows = store.inventories(store.story_dir(story_id, annotations_dir), ("entities", "stance_targets",
                                                                          "fact_inventory"), required=True)
    inv = C.Inventory(story_id, *(tuple(rows[n]) for n in ("entities", "stance_targets", "fact_inventory")))
    inv.check()
    return inv


def load_layer_dir(folder: Path, doc_ids: Iterable[str], partial: bool = False,
                   task_files: Mapping[str, str] | None = None) -> dict[str, dict[str, dict]]:
    """layer -> doc_id -> record from a folder of layer files: the gold, or (partial=True) a system's
    prediction files, named after the layer or after a task (`task_files`: file stem -> layer, from
    `samestory.eval.registry.task_files()`), whose optional fields may be missing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SameStoryError(f"{folder}: no such folder of layer files",
                             [Problem(str(folder), "expected <layer>.jsonl files in the gold layout")])
    known = set(doc_ids)
    names = {**((task_files or {}) if partial else {}), **{layer: layer for layer in schema.LAYERS}}
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
        recs, found = store.records_by_doc(f, known, skip_unknown=True, check=lambda rec, line, layer=layer, f=f:
                                           check_layer_record(layer, rec, str(f), line, partial))
        problems += found
        if recs:
            out[layer] = recs
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


EMPTY_SLOT = "(no sentence here: leave it empty)"


def _runs(items: list, size: int):
    """Consecutive runs of `size` items, numbered from 1, each with the item before and the one after (or None):
    the units of the sentences and paragraphs projects."""
    for n, i in enumerate(range(0, len(items), size), 1):
        run = items[i:i + size]
        yield n, run, items[i - 1] if i else None, items[i + len(run)] if i + len(run) < len(items) else None


def _run_data(doc: dict, unit_id: str, what: str, run: list[dict], total: int) -> dict:
    """The fields every run unit starts with: where it is, and a title naming its first and last item."""
    return {"doc_id": doc["doc_id"], "story_id": doc["story_id"], "unit_id": f"{doc['doc_id']}/{unit_id}",
            "title": f"{doc.get('title') or doc['doc_id']} ({what} {run[0]['id']}-{run[-1]['id']} of {total})"}


def sentence_units(doc: dict) -> list[dict]:
    """The `sentences` tasks of a document: runs of `C.SLOTS` consecutive sentences, each shown with its
    id and paragraph, between the sentence before and the one after (context, not labelled)."""
    sents = doc["sentences"]
    text = doc["text"]
    out = []
    for n, run, prev, nxt in _runs(sents, C.SLOTS):
        data = {**_run_data(doc, f"u{n}", "sentences", run, len(sents)),
                "sentence_ids": [x["id"] for x in run],
                "before": "\u2026 " + text[prev["start"]:prev["end"]] if prev else "(start of the article)",
                "after": text[nxt["start"]:nxt["end"]] + " \u2026" if nxt else "(end of the article)"}
        for k in range(1, C.SLOTS + 1):
            x = run[k - 1] if k <= len(run) else None
            data[f"{C.slot(k)}_id"] = f"{x['id']} ({x.get('paragraph_id', '')})" if x else ""
            data[f"{C.slot(k)}_text"] = text[x["start"]:x["end"]] if x else EMPTY_SLOT
        out.append(data)
    return out


EMPTY_FACT = "(no fact here: leave it empty)"


def fact_pages(doc: dict, inv: C.Inventory) -> list[dict]:
    """The `facts` tasks of a document: the inventory in pages of `C.FACT_SLOTS` facts, each shown as
    "F<i>: statement [fact id]" above the document text."""
    facts = list(inv.facts)
    out = []
    for n, i in enumerate(range(0, len(facts), C.FACT_SLOTS), 1):
        page = facts[i:i + C.FACT_SLOTS]
        data = {**task_data(doc), "unit_id": f"{doc['doc_id']}/f{n}", "fact_ids": [f["fact_id"] for f in page],
                "title": f"{doc.get('title') or doc['doc_id']} (facts {i + 1}-{i + len(page)} of {len(facts)})"}
        for k in range(1, C.FACT_SLOTS + 1):
            f = page[k - 1] if k <= len(page) else None
            data[f"f{k}_statement"] = (f"{C.fact_slot_label(k)}: {f['statement']} [{f['fact_id']}]" if f
                                       else f"{C.fact_slot_label(k)}: {EMPTY_FACT}")
        out.append(data)
    return out


EMPTY_PARAGRAPH = "(no paragraph here: leave it empty)"
CONTEXT = 300
"""Characters of the neighbouring paragraphs shown around a `paragraphs` unit (context, not labelled)."""


def paragraph_units(doc: dict) -> list[dict]:
    """The `paragraphs` tasks of a document: runs of `C.PARA_SLOTS` consecutive paragraphs, each shown
    with its id (`p3`) and text, between the end of the paragraph before and the start of the one after."""
    paras = doc["paragraphs"]
    text = doc["text"]
    out = []
    for n, run, prev, nxt in _runs(paras, C.PARA_SLOTS):
        before = " ".join(text[prev["start"]:prev["end"]].split()) if prev else ""
        after = " ".join(text[nxt["start"]:nxt["end"]].split()) if nxt else ""
        data = {**_run_data(doc, f"par{n}", "paragraphs", run, len(paras)),
                "paragraph_ids": [p["id"] for p in run],
                "before": (f"{prev['id']}: \u2026 " + before[-CONTEXT:]) if prev else "(start of the article)",
                "after": (f"{nxt['id']}: " + after[:CONTEXT] + " \u2026") if nxt else "(end of the article)"}
        for k in range(1, C.PARA_SLOTS + 1):
            p = run[k - 1] if k <= len(run) else None
            data[f"{C.para_slot(k)}_id"] = p["id"] if p else ""
            data[f"{C.para_slot(k)}_text"] = text[p["start"]:p["end"]] if p else EMPTY_PARAGRAPH
        out.append(data)
    return out


def project_tasks(project: str, doc: dict, inv: C.Inventory) -> list[dict]:
    """Task data of one document in one project (one task, or one per sentence unit / page of facts)."""
    if project == "sentences":
        return sentence_units(doc)
    if project == "paragraphs":
        return paragraph_units(doc)
    if project == "facts":
        return fact_pages(doc, inv)
    return [task_data(doc)]


UNIT_KEYS = ("text", "sentence_ids", "paragraph_ids", "fact_ids")
"""What must not change in a task after import (what offsets and slots point into)."""


def task_key(data: dict) -> str:
    return data.get("unit_id") or data.get("doc_id")


# --- push -------------------------------------------------------------------------------------------------

DEFAULT_ANNOTATORS = 2
"""Independent annotations per task (Label Studio's maximum_annotations) unless push is told otherwise."""
PROPOSALS = "proposals"
"""model_version of machine proposals (alias/NER mentions, quotation marks): the only predictions an
annotation project may pre-label with, and only when push was asked for them."""


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


def project_settings(project: str, story_id: str, annotators: int, review: bool, model_version: str | None,
                     guidelines: str) -> dict:
    """Label Studio project settings. Annotation projects are blind: N annotators per task, no
    predictions shown (unless machine proposals were pushed), no annotation history, no empty submits,
    instructions from the codebook behind the Instructions button. The review twin takes one reviewer
    and pre-labels."""
    prelabel = model_version is not None
    return {
        "title": C.project_title(story_id, project, review),
        "description": (f"SameStory {project} layers of story {story_id}"
                        + (" - REVIEW of gold/pre-annotations, not for annotators" if review else
                           f" - blind annotation, {annotators} annotators per task")
                        + "; generated by `samestory ls push`"),
        "expert_instruction": C.instructions(project, guidelines),
        "show_instruction": False,  # True opens them as a modal on every task; the Instructions button stays
        "maximum_annotations": 1 if review else annotators,
        "overlap_cohort_percentage": 100,
        "sampling": "Sequential sampling",
        "show_collab_predictions": prelabel,
        "model_version": model_version or "",
        "show_annotation_history": False,
        "enable_empty_annotation": False,
        "show_ground_truth_first": False,
        "show_overlap_first": True,
    }


def push(conn: lsclient.Connection, docs: list[dict], inv: C.Inventory,
         preannotations: dict[str, dict[str, dict]] | None = None, model_version: str = "gold",
         projects: Iterable[str] = C.PROJECTS, annotators: int = DEFAULT_ANNOTATORS,
         review: bool | None = None) -> PushSummary:
    """Create or update the story's projects and their tasks, with optional predictions.

    Pre-annotations (gold, a system's predictions) go to the review projects only (`review` defaults to
    True when there are pre-annotations), so annotators never see them. Machine proposals
    (model_version `PROPOSALS`) may go to the annotation projects, which then pre-label with them alone."""
    if annotators < 1:
        raise SameStoryError("--annotators must be at least 1", [Problem("push", "annotators", None, "annotators",
                                                                         ">= 1", str(annotators))])
    review = bool(preannotations) and model_version != PROPOSALS if review is None else review
    if not review and preannotations and model_version != PROPOSALS:
        raise SameStoryError(f"pre-annotations {model_version!r} would show to annotators",
                             [Problem(model_version, "only machine proposals may pre-label annotation projects; "
                                                     "gold and system predictions go to the review projects")])
    ls = lsclient.connect(conn)
    configs = C.project_configs(inv)
    guidelines = (paths.ROOT / C.CODEBOOK).read_text(encoding="utf-8")
    summary = PushSummary()
    by_id = {d["doc_id"]: d for d in docs}
    for project in projects:
        records_of = {layer: (preannotations or {}).get(layer, {}) for layer in C.LAYERS_OF[project]}
        has_pre = any(records_of.values())
        settings = project_settings(project, inv.story_id, annotators, review,
                                    model_version if has_pre else None, guidelines)
        title = settings["title"]
        # Label Studio accepts a model_version only once predictions of it exist: set it after them
        prelabel = {k: settings.pop(k) for k in ("show_collab_predictions", "model_version")}
        xml = configs[project]
        proj = _find_project(ls, conn, title)
        with lsclient.api_errors(conn, f"creating or updating project {title!r}"):
            if proj is None:
                proj = ls.projects.create(label_config=xml, **settings)
            else:
                ls.projects.validate_label_config(id=proj.id, label_config=xml)
                current = ls.projects.get(id=proj.id)
                if not has_pre and getattr(current, "show_collab_predictions", False) and not review:
                    # keep pre-labelling with the proposals pushed before
                    prelabel = {"show_collab_predictions": True, "model_version": current.model_version or ""}
                if (current.label_config or "").strip() != xml.strip():
                    ls.projects.update(id=proj.id, label_config=xml)
                ls.projects.update(id=proj.id, **{k: v for k, v in settings.items() if k != "title"})
        summary.projects[project] = proj.id
        with lsclient.api_errors(conn, f"listing tasks of {title!r}"):
            tasks = {}
            for t in ls.tasks.list(project=proj.id, fields="all"):
                tasks.setdefault(task_key(t.data or {}), []).append(t)
        for data in tqdm([x for d in docs for x in project_tasks(project, d, inv)], desc=f"push {project}", unit="task",
                         disable=None):
            doc = by_id[data["doc_id"]]
            have = tasks.get(task_key(data), [])
            if len(have) > 1:
                raise SameStoryError(f"{title}: {len(have)} tasks for {task_key(data)}",
                                     [Problem(conn.url, "duplicate tasks; delete the extra ones by hand")])
            with lsclient.api_errors(conn, f"importing {task_key(data)}"):
                if have:
                    task = have[0]
                    if task.data != data and {k: task.data.get(k) for k in UNIT_KEYS} != {
                            k: data.get(k) for k in UNIT_KEYS}:
                        raise SameStoryError(f"{title}: task {task.id} has a different text for {task_key(data)}",
                                             [Problem(conn.url, "the clean text changed after import; offsets of "
                                                                "its annotations would be wrong. Use a new story "
                                                                "version or delete the task by hand")])
                    if task.data != data:  # shown fields only (titles, ids, context): refresh them
                        ls.tasks.update(id=task.id, data=data)
                    summary.kept_tasks += 1
                else:
                    task = ls.tasks.create(project=proj.id, data=data)
                    summary.created_tasks += 1
                records = {layer: recs[doc["doc_id"]] for layer, recs in records_of.items() if doc["doc_id"] in recs}
                if not records:
                    continue
                try:
                    result = to_results(project, doc, records, unit=data if "unit_id" in data else None,
                                        inv=inv)
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
        with lsclient.api_errors(conn, f"updating the settings of {title!r}"):
            ls.projects.update(id=proj.id, **prelabel)
    return summary


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


# --- pull -------------------------------------------------------------------------------------------------

def annotator_email(completed_by: Any, where: str) -> str:
    email = completed_by.get("email") if isinstance(completed_by, dict) else None
    if not email:
        raise ConvertError(where, f"annotation without the annotator's email (completed_by={completed_by!r}); "
                                  "the export must expand annotations__completed_by")
    return email


def annotator_name(completed_by: Any, where: str) -> str:
    """Default folder name of an annotator: the local part of the account's email, lower-cased."""
    email = annotator_email(completed_by, where)
    name = re.sub(r"[^a-z0-9._-]", "-", email.split("@")[0].lower())
    bad = guard.id_problem(name, "completed_by.email", where)
    if bad:  # the name becomes a folder under passes/: never '..', a hidden name or empty
        raise ConvertError(where, f"annotator email {email!r} does not give a safe folder name ({bad.expected})")
    return name


@dataclass
class Converted:
    """What one project's export gave: records per annotator email, and the annotations it refused."""

    records: dict[str, dict[str, dict[str, dict]]] = field(default_factory=dict)
    """email -> layer -> doc_id -> record"""
    problems: list[Problem] = field(default_factory=list)
    tasks: int = 0
    frame_parts: dict[tuple[str, str], dict] = field(default_factory=dict)
    """(email, doc_id) -> half of a `frames` record: the document-level frames and primary frame (from
    `document`) or the paragraph frames (from `paragraphs`); `join_frames` makes the record."""


def _context(doc: dict, inv: C.Inventory, mentions: dict | None = None):
    from samestory.annotate.validate import Context

    return Context(entities={e["entity_id"]: e for e in inv.entities}, facts={f["fact_id"] for f in inv.facts},
                   targets={t["target_id"] for t in inv.targets}, doc_ids={doc["doc_id"]}, doc=doc,
                   mentions=mentions)


def check_records(records: dict[str, dict], doc: dict, inv: C.Inventory, where: str, source: str) -> list[Problem]:
    """The checks of `samestory validate` on one annotation's layer records, named by task/annotator."""
    from samestory.annotate.validate import check_record

    mentions = None
    if "mentions" in records:
        mentions = {m["id"]: m for m in records["mentions"].get("mentions", []) if isinstance(m, dict)}
    out = []
    for layer, rec in records.items():
        for p in check_record(layer, rec, _context(doc, inv, mentions), f"{source} {where} -> {layer}"):
            out.append(p)
    return out


def convert_export(project: str, export: Any, docs: dict[str, dict], inv: C.Inventory,
                   source: str) -> Converted:
    """Records per annotator from one project's full JSON export. Each annotation is converted and then
    checked with the validator's rules on its own: a bad one is listed (task, annotator, region) and left
    out, the others convert. `sentences` units of a document join into one record per annotator, which
    is kept only when every sentence of the document is labelled; `paragraphs` units and the `document`
    project's frames each give half of a `frames` record (`frame_parts`), which `join_frames` completes."""
    if not isinstance(export, list):
        raise SameStoryError(f"{source}: not a Label Studio JSON export", [Problem(source, "expected a list of tasks")])
    out = Converted()
    units: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
    seen: dict[tuple[str, str], tuple[Any, Any, str]] = {}  # (email, unit) -> (task id, annotation id, result)
    for i, task in enumerate(export):
        if not isinstance(task, dict) or not isinstance(task.get("data") or {}, dict):
            out.problems.append(Problem(source, f"task [{i}] is not a Label Studio task", field=f"[{i}]",
                                        expected="an object with a `data` object", found=type(task).__name__))
            continue
        tid = task.get("id")
        data = task.get("data") or {}
        doc_id = data.get("doc_id")
        unit = data.get("unit_id", "").rpartition("/")[2] if isinstance(data, dict) else ""
        ids = (data.get("sentence_ids") or data.get("paragraph_ids") or data.get("fact_ids") or []
               if isinstance(data, dict) else [])
        where_task = f"task {tid} (doc {doc_id}" + (f", unit {unit}: {', '.join(ids)})" if unit else ")")
        out.tasks += 1
        if doc_id not in docs:
            out.problems.append(Problem(source, f"{where_task}: unknown document", field="data.doc_id",
                                        expected="a doc_id of the story", found=repr(doc_id)))
            continue
        doc = docs[doc_id]
        expected = {task_key(x): x for x in project_tasks(project, doc, inv)}.get(task_key(data))
        if expected is None or any(data.get(k) != expected.get(k) for k in UNIT_KEYS):
            out.problems.append(Problem(source, f"{where_task}: task text differs from the clean text",
                                        field="data.text"))
            continue
        anns = task.get("annotations") or []
        if not isinstance(anns, list) or not all(isinstance(a, dict) for a in anns):
            out.problems.append(Problem(source, f"{where_task}: annotations are not a list of objects",
                                        field="annotations"))
            continue
        for ann in anns:
            if ann.get("was_cancelled"):
                continue
            who = ann.get("completed_by")
            where = f"{where_task}, annotation {ann.get('id')}"
            try:
                email = annotator_email(who, where)
                where = f"{where_task}, annotator {email}, annotation {ann.get('id')}"
                result = json.dumps(ann.get("result") or [], sort_keys=True)
                first = seen.get((email, task_key(data)))
                if first is not None and first[2] == result:
                    continue  # the same unit exported twice with identical work: nothing is lost
                if first is not None:
                    raise ConvertError(where, f"conflicts with task {first[0]}, annotation {first[1]}: the same "
                                              "unit annotated twice by one annotator with different labels; "
                                              "delete one of them in Label Studio")
                seen[(email, task_key(data))] = (tid, ann.get("id"), result)
                if project == "sentences":
                    labels = unit_labels(doc, data, ann.get("result") or [], where)
                    units.setdefault((email, doc_id), {}).update(labels)
                    continue
                if project == "paragraphs":
                    units.setdefault((email, doc_id), {}).update(paragraph_labels(doc, data, ann.get("result") or [],
                                                                                  where))
                    continue
                if project == "facts":
                    units.setdefault((email, doc_id), {}).update(fact_page(doc, inv, data, ann.get("result") or [],
                                                                           where))
                    continue
                records = from_results(project, doc, inv, ann.get("result") or [], where)
            except ConvertError as exc:
                out.problems.append(Problem(source, str(exc)))
                continue
            part = records.pop("frames", None) if project == "document" else None
            bad = check_records(records, doc, inv, where, source)
            if bad:
                out.problems += bad
                continue
            if part is not None:
                out.frame_parts[(email, doc_id)] = part
            for layer, rec in records.items():
                out.records.setdefault(email, {}).setdefault(layer, {})[doc_id] = rec
    for (email, doc_id), labels in sorted(units.items()):
        doc = docs[doc_id]
        where = f"document {doc_id}, annotator {email}"
        if project == "sentences":
            what, layer, missing = "sentences", "bias_sentences", [s["id"] for s in doc["sentences"]
                                                                   if s["id"] not in labels]
        elif project == "paragraphs":
            what, layer, missing = "paragraphs", "frames", [p["id"] for p in doc["paragraphs"]
                                                            if p["id"] not in labels]
        else:
            what, layer, missing = "facts", "facts", [f["fact_id"] for f in inv.facts if f["fact_id"] not in labels]
        if missing:
            out.problems.append(Problem(source, f"{where}: {what} not labelled yet (their tasks are not "
                                                f"submitted): {', '.join(missing)}; the document is left out"))
            continue
        if project == "paragraphs":  # half a frames record: joined with the document project's half
            out.frame_parts[(email, doc_id)] = {"paragraphs": labels}
            continue
        rec = bias_sentences_record(doc, labels) if project == "sentences" else facts_record(doc, inv, labels)
        bad = check_records({layer: rec}, doc, inv, where, source)
        if bad:
            out.problems += bad
            continue
        out.records.setdefault(email, {}).setdefault(layer, {})[doc_id] = rec
    return out


def join_frames(document: Converted, paragraphs: Converted, docs: dict[str, dict], inv: C.Inventory,
                source: str) -> Converted:
    """`frames` records per annotator and document from the two projects that make them: the document's
    frames and primary frame (`document`) and every paragraph's frame (`paragraphs` units). A record is
    kept only when both halves are there and it passes the validator's checks; what is missing is listed."""
    out = Converted()
    for email, doc_id in sorted(set(document.frame_parts) | set(paragraphs.frame_parts)):
        where = f"document {doc_id}, annotator {email}"
        top, paras = document.frame_parts.get((email, doc_id)), paragraphs.frame_parts.get((email, doc_id))
        if top is None or paras is None:
            half = "the document's frames and primary frame (project document)" if top is None else \
                "the paragraph frames (project paragraphs)"
            out.problems.append(Problem(source, f"{where}: frames not complete: {half} not submitted (or not "
                                                "converted, see above); the document's frames are left out"))
            continue
        doc = docs[doc_id]
        rec = frames_record(doc, top, paras["paragraphs"])
        bad = check_records({"frames": rec}, doc, inv, where, source)
        if bad:
            out.problems += bad
            continue
        out.records.setdefault(email, {}).setdefault("frames", {})[doc_id] = rec
    return out


ANNOTATORS_FILE = "annotators.json"
"""<passes>/annotators.json: email -> pass folder, every choice recorded (one folder per account)."""


def load_annotators(out_dir: Path) -> dict[str, str]:
    f = Path(out_dir) / ANNOTATORS_FILE
    if not f.exists():
        return {}
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SameStoryError(f"{f}: invalid JSON", [Problem(str(f), str(exc))]) from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise SameStoryError(f"{f}: expected an object email -> folder", [Problem(str(f), "wrong layout")])
    return data




def assign_folders(emails: Iterable[str], out_dir: Path, chosen: dict[str, str] | None = None) -> dict[str, str]:
    """email -> pass folder. A recorded choice wins; an explicit `chosen` one (--annotator EMAIL=FOLDER)
    is recorded; otherwise the email's local part, unless that folder already holds passes that no
    recorded email owns (e.g. passes made before Label Studio) or belongs to another email: then refuse."""
    out_dir = Path(out_dir)
    recorded = load_annotators(out_dir)
    chosen = chosen or {}
    problems = []
    result: dict[str, str] = {}
    for email, folder in chosen.items():  # every folder name becomes a path under passes/: one id rule
        bad = guard.id_problem(folder, f"--annotator {email}", "command line")
        if bad:
            problems.append(bad)
    for email, folder in recorded.items():
        bad = guard.id_problem(folder, email, str(out_dir / ANNOTATORS_FILE))
        if bad:
            problems.append(bad)
    for email in sorted(set(emails)):
        if email in chosen:
            result[email] = chosen[email]
        elif email in recorded:
            result[email] = recorded[email]
        else:
            try:
                folder = annotator_name({"email": email}, email)
            except ConvertError as exc:
                problems.append(Problem("--annotator", str(exc), None, email, f"--annotator {email}=<folder>",
                                        email))
                continue
            owners = [e for e, f in recorded.items() if f == folder]
            if owners or (out_dir / folder).exists():
                problems.append(Problem(str(out_dir / folder), f"annotator {email} would write into an existing "
                                        "pass folder" + (f" of {owners[0]}" if owners else " made without a recorded "
                                                         "email"), None, "--annotator",
                                        f"--annotator {email}=<new folder> (or ={folder} to add to it on purpose)",
                                        folder))
                continue
            result[email] = folder
    taken: dict[str, str] = {}
    for email, folder in {**{e: f for e, f in recorded.items() if e not in result}, **result}.items():
        if folder in taken and taken[folder] != email:
            problems.append(Problem(str(out_dir / folder), "two accounts map to one pass folder", None,
                                    "--annotator", "one folder per account", f"{taken[folder]} and {email}"))
        taken[folder] = email
    if problems:
        raise SameStoryError("annotator accounts and pass folders do not match; nothing written", problems)
    return result


def record_annotators(out_dir: Path, folders: dict[str, str]) -> None:
    """Add email -> folder choices to <out>/annotators.json (written only when something is new)."""
    recorded = load_annotators(out_dir)
    if folders and {**recorded, **folders} != recorded:
        atomic_write_bytes(Path(out_dir) / ANNOTATORS_FILE,
                           (json.dumps({**recorded, **folders}, indent=2, sort_keys=True) + "\n").encode())


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
         stamp: str | None = None, rejected_dir: Path = REJECTED,
         annotator_folders: dict[str, str] | None = None) -> dict[str, Any]:
    """Export every annotation project, keep the raw exports, convert them and write per-annotator pass
    files. Annotations that fail the validator's rules are listed under "problems" and left out."""
    ls = lsclient.connect(conn)
    by_id = {d["doc_id"]: d for d in docs}
    stamp = stamp or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    raws: dict[str, bytes] = {}
    by_email: dict[str, dict[str, dict[str, dict]]] = {}
    problems: list[Problem] = []
    converted_of: dict[str, Converted] = {}
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
            problems_ = exc.problems if isinstance(exc, SameStoryError) else [Problem(source, msg)]
            raise SameStoryError(f"{msg} (raw export kept in {kept}; annotations/ unchanged)", problems_) from None
        raws[project] = raw
        converted_of[project] = converted
    if "document" in converted_of or "paragraphs" in converted_of:
        converted_of["frames"] = join_frames(converted_of.get("document", Converted()),
                                             converted_of.get("paragraphs", Converted()), by_id, inv,
                                             f"{inv.story_id}/document+paragraphs-{stamp}")
    for converted in converted_of.values():
        problems += converted.problems
        for email, layers in converted.records.items():
            for layer, recs in layers.items():
                by_email.setdefault(email, {}).setdefault(layer, {}).update(recs)
    folders = assign_folders(by_email, out_dir, annotator_folders)
    passes = {folders[e]: layers for e, layers in by_email.items()}
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
    record_annotators(out_dir, folders)
    return {"exports": {p: str(Path(exports_dir) / inv.story_id / f"{p}-{stamp}.json") for p in raws},
            "annotators": sorted(passes), "files": [str(p) for p, d, o in writes if o != d],
            "problems": problems}


def plan_pass_writes(passes: dict[str, dict[str, dict[str, dict]]], out_dir: Path) -> list[tuple[Path, bytes, bytes | None]]:
    """(path, new bytes, current bytes or None) of every pass file, records sorted by doc_id."""
    out = []
    for name in sorted(passes):
        for layer in schema.LAYERS:
            recs = passes[name].get(layer)
            if not recs:
                continue
            path = store.layer_file(store.pass_dir(out_dir, name), layer)
            data = "".join(dumps(recs[d]) + "\n" for d in sorted(recs)).encode("utf-8")
            out.append((path, data, path.read_bytes() if path.exists() else None))
    return out
