"""The prediction JSON Schemas are derived from schema.py: the checked-in copies equal a regeneration,
gold and valid predictions pass them, and jsonschema and the harness's own checker agree on mutations."""
from __future__ import annotations

import copy
import json
import random

import jsonschema
import pytest

from samestory import schema
from samestory.eval.data import load_gold_dir
from samestory.eval.predictions import PredictionError, check_file
from samestory.eval.schemas import prediction_schema, render
from samestory.eval.registry import TASKS
from tests.helpers.eval_helpers import DOCUMENTS, GOLD, NOISY
from tests.helpers import ROOT

DOCS_SCHEMAS = ROOT / "docs" / "schemas"


@pytest.mark.parametrize("task", list(TASKS))
def test_eval_checked_in_schema_is_current(task):
    path = DOCS_SCHEMAS / f"{task}.schema.json"
    assert path.read_text(encoding="utf-8") == render(task), "run `samestory schemas --out docs/schemas`"


@pytest.mark.parametrize("task", list(TASKS))
def test_eval_gold_and_predictions_pass_schema(task):
    validator = jsonschema.Draft202012Validator(prediction_schema(task))
    jsonschema.Draft202012Validator.check_schema(prediction_schema(task))
    cfg = TASKS[task].meta.config
    for folder in (GOLD, NOISY):
        for line in (folder / f"{cfg}.jsonl").read_text(encoding="utf-8").splitlines():
            errors = list(validator.iter_errors(json.loads(line)))
            assert not errors, (folder, errors[:1])


def _mutations(rec, cfg, rng):
    """Structural breakages of one record (each must be rejected by both validators)."""
    items = rec[cfg.items]
    if not items:
        return
    f = cfg.field(cfg.items)
    for child in f.children:
        m = copy.deepcopy(rec)
        it = m[cfg.items][0]
        if child.dtype == "label":
            it[child.name] = "NOT_A_LABEL" if not child.many else ["NOT_A_LABEL"]
        elif child.dtype == "int32":
            it[child.name] = str(it.get(child.name))
        elif child.dtype == "bool":
            it[child.name] = "yes"
        elif child.dtype == "string" and not child.nullable:
            it[child.name] = 7
        else:
            continue
        yield f"{child.name} wrong type", m
    m = copy.deepcopy(rec)
    m[cfg.items][0]["surprise"] = 1
    yield "unknown field", m
    m = copy.deepcopy(rec)
    m["extra_top"] = True
    yield "unknown top-level field", m
    m = copy.deepcopy(rec)
    del m[cfg.items]
    yield "missing items", m


@pytest.mark.parametrize("task", list(TASKS))
def test_eval_jsonschema_and_checker_agree_on_mutations(task, tmp_path):
    gold = load_gold_dir(GOLD, DOCUMENTS)
    cfg = schema.CONFIGS[TASKS[task].meta.config]
    validator = jsonschema.Draft202012Validator(prediction_schema(task))
    rng = random.Random(0)
    recs = [json.loads(x) for x in (NOISY / f"{cfg.name}.jsonl").read_text(encoding="utf-8").splitlines()]
    rec = next(r for r in recs if r[cfg.items])
    n = 0
    for what, bad in _mutations(rec, cfg, rng):
        assert list(validator.iter_errors(bad)), what
        path = tmp_path / f"{n}.jsonl"
        path.write_text(json.dumps(bad) + "\n", encoding="utf-8")
        with pytest.raises(PredictionError):
            check_file(path, cfg.name, set(TASKS[task].meta.required), gold.layers[cfg.name], gold.documents)
        n += 1
    assert n >= 3


def test_eval_docs_task_table_is_current():
    from samestory.eval.registry import markdown_metrics, markdown_table

    doc = (DOCS_SCHEMAS.parent / "evaluation.md").read_text(encoding="utf-8")
    assert markdown_table() in doc and markdown_metrics() in doc, "regenerate the tables in docs/evaluation.md"
