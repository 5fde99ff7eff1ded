"""Every registered task is declared strictly: valid metadata, main score first, formulas give exactly the
declared metrics, required fields exist in its config; bad declarations are refused."""
from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from samestory import schema
from samestory.eval.registry import TASKS
from samestory.eval.tasks import MetricSpec, Task, TaskMetadata, registry


@pytest.mark.parametrize("name", list(TASKS))
def test_eval_task_metadata_is_valid(name):
    task = TASKS[name]
    meta = TaskMetadata.model_validate(task.meta.model_dump())
    assert meta == task.meta and meta.name == name
    assert meta.config in schema.LAYERS
    assert meta.metrics[0].name == meta.main_score
    assert meta.direction == ("higher" if meta.higher_is_better else "lower")
    values = task.metric_values(np.ones((3, len(task.keys))))
    assert list(values) == [m.name for m in meta.metrics]
    assert all(v.shape == (3,) for v in values.values())


def test_eval_registry_covers_issue_tasks():
    assert set(TASKS) == {"ner", "linking", "entity_roles", "entity_portrayal", "stance", "frames",
                          "bias_sentences", "bias_spans", "facts", "quotes"}


def _meta(**kw):
    base = dict(name="x", version="1", description="d", config="stance", unit="u", required=("stances[].label",),
                metrics=(MetricSpec(name="m", description="d"),), main_score="m", reference="r")
    return {**base, **kw}


@pytest.mark.parametrize("kw,msg", [
    (dict(extra_field=1), "extra"),
    (dict(config="documents"), "not a layer"),
    (dict(required=("stances[].nope",)), "not in config"),
    (dict(main_score="other"), "first metric"),
    (dict(metrics=(MetricSpec(name="m", description="a"), MetricSpec(name="m", description="b"))), "duplicate"),
])
def test_eval_bad_task_metadata_refused(kw, msg):
    with pytest.raises(ValidationError, match=msg):
        TaskMetadata(**_meta(**kw))


def test_eval_duplicate_task_name_refused():
    t = TASKS["stance"]
    with pytest.raises(ValueError, match="duplicate task"):
        registry([t, Task(t.meta, t.keys, t.score, t.formulas)])
