"""lm-evaluation-harness tasks of SameStory: items, prompts, and scores from the task registry.

Each lm-eval task asks one multiple-choice question per gold item (a document × target, a sentence, a
document × entity, a document, a document × fact); the answer with the highest log-likelihood is the
prediction. lm-eval's aggregation turns the answers into prediction records in the gold layer layout
and scores them with `samestory.evaluate`, so the number lm-eval prints is the number
`samestory evaluate` gives on the same predictions (`predictions_from_samples` writes them out).

The YAML files are in `samestory/eval/lm_eval_tasks/` (`samestory lm-eval path` prints the folder).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from samestory import schema
from samestory.core.errors import Problem, SameStoryError

DATASET_ENV = "SAMESTORY_DATASET"
"""Where the tasks read the release when `--metadata '{"dataset": ...}'` is not given."""
REVISION_ENV = "SAMESTORY_REVISION"


@dataclass(frozen=True)
class LMTask:
    """One lm-eval task: which samestory task scores it, which items it asks about, its prompt."""

    name: str
    task: str
    """The samestory task (registry) that scores the answers."""
    metric: str
    """The registry metric lm-eval reports."""
    config: str
    items_field: str
    key_field: str
    label_field: str
    choices: tuple[str, ...]
    prompt_version: str
    question: Callable[[dict, dict, dict], str]
    """(document, item, inventories by id) → the prompt text up to "Answer:"."""


def _article(doc: dict) -> str:
    return f"Article ({doc.get('outlet') or 'unknown outlet'}): {doc['title'] or ''}\n{doc['text']}\n\n"


def _stance(doc, item, inv):
    t = inv["stance_targets"][item["target"]]
    return (_article(doc) + f"Target: {t['name']}. {t['definition']}\n"
            "Question: What is the article's stance toward the target: favor, against or neutral?\nAnswer:")


def _sentence(doc, item, inv):
    s = next(x for x in doc["sentences"] if x["id"] == item["sentence_id"])
    return ("A sentence is biased when the author's wording or framing is not neutral.\n"
            f"Sentence: {doc['text'][s['start']:s['end']]}\n"
            "Question: Is the sentence biased or non-biased?\nAnswer:")


def _portrayal(doc, item, inv):
    e = inv["entities"][item["entity_id"]]
    return (_article(doc) + f"Entity: {e['name']} ({e['description']})\n"
            "Question: How does the article portray this entity: positive, neutral or negative?\nAnswer:")


def _frame(doc, item, inv):
    return (_article(doc) + "Frames: " + "; ".join(schema.FRAMES) + ".\n"
            "Question: Which policy frame dominates the article?\nAnswer:")


def _fact(doc, item, inv):
    f = inv["fact_inventory"][item["fact_id"]]
    return _article(doc) + f"Fact: {f['statement']}\nQuestion: Does the article report this fact?\nAnswer:"


LM_TASKS: dict[str, LMTask] = {t.name: t for t in (
    LMTask("samestory_stance", "stance", "f_avg", "stance", "stances", "target", "label",
           schema.STANCE_LABELS, "1", _stance),
    LMTask("samestory_sentence_bias", "bias_sentences", "macro_f1", "bias_sentences", "sentences", "sentence_id",
           "label", schema.BIAS_LABELS, "1", _sentence),
    LMTask("samestory_entity_portrayal", "entity_portrayal", "macro_f1", "entity_frames", "entities", "entity_id",
           "portrayal", schema.PORTRAYALS, "1", _portrayal),
    LMTask("samestory_primary_frame", "frames", "primary_accuracy", "frames", "primary_frame", "", "primary_frame",
           schema.FRAMES, "1", _frame),
    LMTask("samestory_fact_reported", "facts", "reported_f1", "facts", "facts", "fact_id", "reported",
           ("no", "yes"), "1", _fact),
)}
"""The `samestory` group. A changed prompt or item set is a new prompt_version (the YAML's metadata.version)."""


def _label(t: LMTask, value) -> str:
    return ("yes" if value else "no") if t.label_field == "reported" else value


def _value(t: LMTask, label: str):
    return label == "yes" if t.label_field == "reported" else label


_RELEASES: dict[tuple, object] = {}


def release_for(dataset: str | None, revision: str | None):
    """The release the tasks read: --metadata's dataset/revision, else $SAMESTORY_DATASET/$SAMESTORY_REVISION."""
    from samestory.release.dataset import open_release

    dataset = dataset or os.environ.get(DATASET_ENV)
    revision = revision or os.environ.get(REVISION_ENV) or None
    if not dataset:
        raise SameStoryError("the samestory lm-eval tasks need the dataset: pass --metadata "
                             "'{\"dataset\": \"RELEASE_FOLDER_OR_HUB_ID\", \"revision\": \"v1.0.0\"}' "
                             f"or set ${DATASET_ENV}", [Problem("--metadata", "missing", field="dataset")])
    key = (str(Path(dataset).resolve()) if Path(dataset).is_dir() else dataset, revision)
    if key not in _RELEASES:
        _RELEASES[key] = open_release(dataset, revision)
    return _RELEASES[key]


def items(name: str, dataset: str | None = None, revision: str | None = None) -> list[dict]:
    """One row per gold item of the task, with its prompt, choices and gold answer."""
    t = LM_TASKS[name]
    release = release_for(dataset, revision)
    docs = {d["doc_id"]: d for d in release.documents()}
    inv = {"stance_targets": {r["target_id"]: r for r in release.rows("stance_targets")},
           "entities": {r["entity_id"]: r for r in release.rows("entities")},
           "fact_inventory": {r["fact_id"]: r for r in release.rows("fact_inventory")}}
    where = {"dataset": str(dataset or os.environ.get(DATASET_ENV)), "revision": revision or ""}
    out = []
    for rec in sorted(release.rows(t.config), key=lambda r: r["doc_id"]):
        doc = docs[rec["doc_id"]]
        its = [{t.label_field: rec[t.label_field]}] if not t.key_field else rec[t.items_field]
        for it in its:
            gold = _label(t, it[t.label_field])
            key = it[t.key_field] if t.key_field else ""
            out.append({"id": f"{doc['doc_id']}/{key}" if key else doc["doc_id"], "doc_id": doc["doc_id"],
                        "key": key, "query": t.question(doc, it, inv), "choices": list(t.choices),
                        "gold": t.choices.index(gold), **where})
    return out


def dataset_dict(name: str, **kw):
    """lm-eval's `custom_dataset`: {"test": Dataset} of the task's items (kw: --metadata and dataset_kwargs)."""
    import datasets

    rows = items(name, kw.get("dataset"), kw.get("revision"))
    return {"test": datasets.Dataset.from_list(rows)}


def answer(doc: dict, results) -> dict:
    """lm-eval's `process_results`: the choice with the highest log-likelihood, kept for the aggregation."""
    lls = [r[0] if isinstance(r, (tuple, list)) else r for r in results]
    best = max(range(len(lls)), key=lambda i: (lls[i], -i))
    return {"doc_id": doc["doc_id"], "key": doc["key"], "answer": doc["choices"][best],
            "dataset": doc["dataset"], "revision": doc["revision"]}


def records(name: str, answers: list[dict]) -> list[dict]:
    """Prediction records in the gold layer layout from the answers (one record per document)."""
    t = LM_TASKS[name]
    by_doc: dict[str, list[dict]] = {}
    for a in answers:
        by_doc.setdefault(a["doc_id"], []).append(a)
    out = []
    for doc_id in sorted(by_doc):
        got = sorted(by_doc[doc_id], key=lambda a: a["key"])
        if not t.key_field:
            label = got[0]["answer"]
            out.append({"doc_id": doc_id, "frames": [label], "primary_frame": label, "paragraphs": []})
        else:
            out.append({"doc_id": doc_id, t.items_field: [{t.key_field: a["key"], t.label_field: _value(t, a["answer"])}
                                                          for a in got]})
    return out


def score(name: str, answers: list[dict]) -> float:
    """The registry metric of the task on the answers, computed by `samestory.evaluate`."""
    from samestory.eval.api import evaluate

    t = LM_TASKS[name]
    if not answers:
        return float("nan")
    a = answers[0]
    release = release_for(a["dataset"], a["revision"] or None)
    results = evaluate({t.config: records(name, answers)}, dataset=release, tasks=[t.task], resamples=0)
    value = results.tasks[t.task].metrics[t.metric].value
    return float("nan") if value is None else value


def predictions_from_samples(samples_dir: Path, out: Path) -> dict[str, Path]:
    """Write `<config>.jsonl` prediction files from lm-eval's `--log_samples` output (samples_<task>_*.jsonl);
    returns config → file. A task logged twice (two runs in one folder) is an error."""
    from samestory.core.jsonl import read_jsonl, write_jsonl

    samples_dir, out = Path(samples_dir), Path(out)
    found: dict[str, Path] = {}
    for f in sorted(samples_dir.rglob("samples_*.jsonl")):
        name = next((n for n in sorted(LM_TASKS, key=len, reverse=True) if f.name.startswith(f"samples_{n}_")), None)
        if name is None:
            continue
        if name in found:
            raise SameStoryError(f"{samples_dir}: several sample files for {name}",
                                 [Problem(str(f), "one run per folder", found=str(found[name]))])
        found[name] = f
    if not found:
        raise SameStoryError(f"{samples_dir}: no samestory sample files",
                             [Problem(str(samples_dir), "no samples_samestory_*.jsonl (run lm_eval with --log_samples)")])
    written = {}
    out.mkdir(parents=True, exist_ok=True)
    for name, f in found.items():
        answers = []
        for line, rec in read_jsonl(f):
            resps = rec.get("filtered_resps")
            if not isinstance(resps, list) or "doc" not in rec:
                raise SameStoryError(f"{f}:{line}: not an lm-eval sample",
                                     [Problem(str(f), "missing field", line=line, field="doc/filtered_resps")])
            lls = [float(r[0] if isinstance(r, list) else json.loads(r)[0] if isinstance(r, str) and r.startswith("[")
                         else r) for r in resps]
            answers.append(answer(rec["doc"], [(x, False) for x in lls]))
        config = LM_TASKS[name].config
        path = out / f"{config}.jsonl"
        write_jsonl(path, records(name, answers))
        written[config] = path
    return written


# --- the task folder (YAML + utils.py), derived from LM_TASKS --------------------------------------------

GROUP = "samestory"
FOLDER = Path(__file__).parent / "lm_eval_tasks"
"""Shipped with the package: `lm_eval --include_path "$(samestory lm-eval path)" --tasks samestory`."""


def _short(name: str) -> str:
    return name.removeprefix(f"{GROUP}_")


def task_yaml(name: str) -> str:
    """The lm-eval YAML of one task (metadata.version is its prompt_version)."""
    t = LM_TASKS[name]
    s = _short(name)
    return (f"# Generated by samestory.eval.lmeval.write_task_folder; do not edit.\n"
            f"# Scored by the samestory task `{t.task}` ({t.metric}), computed by samestory.evaluate.\n"
            f"task: {name}\n"
            f"custom_dataset: !function utils.{s}_dataset\n"
            f"test_split: test\n"
            f"output_type: multiple_choice\n"
            f"doc_to_text: query\n"
            f"doc_to_choice: choices\n"
            f"doc_to_target: gold\n"
            f"process_results: !function utils.{s}_answer\n"
            f"metric_list:\n"
            f"  - metric: {t.metric}\n"
            f"    aggregation: !function utils.{s}_score\n"
            f"    higher_is_better: {'true' if _higher(t) else 'false'}\n"
            f"metadata:\n"
            f"  version: {t.prompt_version}\n")


def _higher(t: LMTask) -> bool:
    from samestory.eval.registry import TASKS

    return TASKS[t.task].meta.metric(t.metric).higher_is_better


def group_yaml() -> str:
    return ("# Generated by samestory.eval.lmeval.write_task_folder; do not edit.\n"
            f"group: {GROUP}\ntask:\n" + "".join(f"  - {n}\n" for n in LM_TASKS)
            + "metadata:\n  version: 1\n")


def utils_py() -> str:
    lines = ['"""Generated by samestory.eval.lmeval.write_task_folder; do not edit. lm-eval loads this file by path."""',
             "from samestory.eval import lmeval", ""]
    lines += [f"{_short(n)}_dataset, {_short(n)}_answer, {_short(n)}_score = lmeval.task_functions({n!r})"
              for n in LM_TASKS]
    return "\n".join(lines) + "\n"


def task_functions(name: str):
    """The three functions the YAML of task `name` points at: custom_dataset, process_results, aggregation."""
    metric = LM_TASKS[name].metric

    def dataset(**kwargs):
        return dataset_dict(name, **kwargs)

    def process_results(doc, results):
        return {metric: answer(doc, results)}

    def aggregation(answers):
        return score(name, answers)

    return dataset, process_results, aggregation


def task_files() -> dict[str, str]:
    """file name → text of every file of the task folder."""
    return {f"{GROUP}.yaml": group_yaml(), "utils.py": utils_py(),
            **{f"{n}.yaml": task_yaml(n) for n in LM_TASKS}}


def write_task_folder(folder: Path = FOLDER) -> list[Path]:
    from samestory.core.jsonl import atomic_write_text

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in task_files().items():
        atomic_write_text(folder / name, text)
        out.append(folder / name)
    return out
