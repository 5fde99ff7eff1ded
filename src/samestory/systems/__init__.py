"""Baseline systems: a plain dict registry of predictors, each declaring the tasks it supports.

A system turns documents (+ the story inventories, which are resources, never gold) into prediction
records with exactly the row layout of the gold layer configs in `samestory.schema`, one file
`<config>.jsonl` per config, plus `system.json` saying who made them and for which tasks.
"""
from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from samestory.core import guard, jsonl

from samestory import schema
from samestory.core.errors import Problem, SameStoryError


@dataclass(frozen=True)
class System:
    """A registered predictor: what it is, which tasks it answers, and the function that runs it."""

    name: str
    version: str
    description: str
    tasks: tuple[str, ...]
    """Task names of `samestory.eval.registry.TASKS` this system predicts (and is scored on)."""
    predict: Callable[..., dict[str, list[dict]]]
    """predict(documents, resources, params, configs) -> {config name: [record per document]}; a system
    may leave a document out of a layer (scored as empty) and report why under ERRORS_KEY."""
    defaults: dict = field(default_factory=dict)
    """Parameters and their default values (recorded in system.json and the results file)."""
    extra: str | None = None
    """Optional dependency group needed (`pip install samestory[extra]`), None when always available."""
    url: str | None = None
    resources: Callable[[dict], list[dict]] = lambda params: []
    """resources(params) -> the `Resource` records of system.json (samestory.eval.declaration): what the
    system read besides the documents, each saying whether it was derived from the test documents."""
    languages: tuple[str, ...] | None = None
    """Languages (ISO 639-1) the system supports; `predict` skips other documents with a warning."""

    @property
    def configs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(task_config(t) for t in self.tasks))


SYSTEMS: dict[str, System] = {}

ERRORS_KEY = "_errors"
"""Key of the predictions dict under which a system lists documents it could not predict (→ errors.jsonl)."""
PARAMS_KEY = "_params"
"""Key under which a system reports parameter values it resolved itself (e.g. from the environment)."""

DEFAULT_NER_SYSTEM = "spacy-ner"
"""The NER system `samestory predict --story` runs when no --system is given: a pretrained model, which holds
on unseen text (rules-clean's cue words are tuned on English news of one story)."""

MODULES = ("priors", "rules", "lexicon", "spacy_ner", "embeddings", "llm")
"""Modules that register systems when imported (heavy imports stay inside their predict functions)."""


def register(system: System) -> System:
    """Add a system to the registry; a duplicate name or an unknown task is an error."""
    if system.name in SYSTEMS:
        raise ValueError(f"duplicate system {system.name}")
    for t in system.tasks:
        task_config(t)
    SYSTEMS[system.name] = system
    return system


def task_config(task: str) -> str:
    """The layer config a task reads, from the harness's task registry (declared there, once)."""
    from samestory.eval.registry import TASKS

    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; tasks: {', '.join(TASKS)}")
    return TASKS[task].meta.config


def systems() -> dict[str, System]:
    for m in MODULES:
        importlib.import_module(f"samestory.systems.{m}")
    return SYSTEMS


def get(name: str) -> System:
    all_systems = systems()
    if name not in all_systems:
        raise SameStoryError(f"unknown system {name!r}",
                             [Problem("--system", "no such system", field="system",
                                      expected=", ".join(sorted(all_systems)), found=name)])
    return all_systems[name]


def parse_params(system: System, pairs: list[str]) -> dict:
    """`key=value` flags over the system's defaults; values are parsed as JSON when they parse."""
    params = dict(system.defaults)
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or key not in system.defaults:
            raise SameStoryError(f"bad --param {pair!r} for system {system.name}",
                                 [Problem("--param", "expected KEY=VALUE with a known key", field="param",
                                          expected=", ".join(sorted(system.defaults)) or "no parameters",
                                          found=pair)])
        try:
            params[key] = json.loads(raw)
        except json.JSONDecodeError:
            params[key] = raw
    return params


MANAGED = {*(f"{c}.jsonl" for c in schema.LAYERS), "system.json", "errors.jsonl"}
"""Files a predictions directory written by `samestory predict` may hold (and a rerun replaces)."""


def write_predictions(out: Path, system: System, params: dict, predictions: dict[str, list[dict]],
                      tasks: tuple[str, ...], errors: list[dict] = ()) -> list[Path]:
    """Write `<config>.jsonl` per config, `system.json` and `errors.jsonl` (if any) into a fresh folder that
    then replaces `out`: readers see the old set of files or the new one, never a mix."""
    out = Path(out)
    guard.check_replaceable(out, MANAGED, "predict")
    with guard.scratch_dir(out.parent, out.name) as tmp:
        names = []
        for config, records in predictions.items():
            jsonl.write_jsonl(tmp / f"{config}.jsonl", sorted(records, key=lambda r: r["doc_id"]))
            names.append(f"{config}.jsonl")
        meta = declaration(system, params, tasks)
        jsonl.atomic_write_text(tmp / "system.json", json.dumps(meta, indent=2, ensure_ascii=False,
                                                                  sort_keys=True) + "\n")
        names.append("system.json")
        if errors:
            jsonl.write_jsonl(tmp / "errors.jsonl", errors)
            names.append("errors.jsonl")
        guard.replace_dir(tmp, out, MANAGED, "predict")
    return [out / n for n in names]


def declaration(system: System, params: dict, tasks: tuple[str, ...]) -> dict:
    """system.json of a run: checked against the strict declaration model before anything is written."""
    from samestory.eval.declaration import parse

    meta = {"name": system.name, "version": system.version, "description": system.description,
            "url": system.url, "parameters": params, "tasks": list(tasks),
            "languages": list(system.languages) if system.languages is not None else None,
            "resources": list(system.resources(params))}
    return parse(meta, f"system {system.name}").model_dump(mode="json")


def progress(items, desc: str):
    """A tqdm bar over documents (to stderr; silent when stderr is not a terminal)."""
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="doc", disable=None)
