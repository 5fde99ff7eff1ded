"""The lm-evaluation-harness task group `samestory`: the shipped folder is current, lm-eval lists it, and the
real `lm_eval` runs it end to end offline on a tiny randomly initialised GPT-2 built here; its scores equal
`samestory evaluate`'s on the same answers written as prediction files."""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from samestory.eval import lmeval  # noqa: E402
from samestory.eval.registry import TASKS  # noqa: E402
from tests.helpers.build_helpers import run  # noqa: E402
from tests.helpers.lm_eval_helpers import build_tiny_model  # noqa: E402
from tests.helpers.release_helpers import REPO, checkout_release  # noqa: E402

pytestmark = pytest.mark.lm_eval


def test_lmeval_task_folder_is_current():
    shipped = {p.name: p.read_text(encoding="utf-8") for p in lmeval.FOLDER.iterdir() if p.is_file()}
    assert shipped == lmeval.task_files(), "run `samestory lm-eval write-tasks`"


def test_lmeval_tasks_use_the_registry_metrics():
    import yaml

    names = set()
    for name, t in lmeval.LM_TASKS.items():
        meta = TASKS[t.task].meta
        assert meta.config == t.config and t.metric in [m.name for m in meta.metrics], name
        class _Loader(yaml.SafeLoader):
            pass
        _Loader.add_constructor("!function", lambda loader, node: ("function", node.value))
        spec = yaml.load((lmeval.FOLDER / f"{name}.yaml").read_text(encoding="utf-8"), Loader=_Loader)
        assert spec["metadata"]["version"] == int(t.prompt_version)
        assert [m["metric"] for m in spec["metric_list"]] == [t.metric]
        assert spec["metric_list"][0]["higher_is_better"] == meta.metric(t.metric).higher_is_better
        names.add(name)
    assert names == {"samestory_stance", "samestory_sentence_bias", "samestory_entity_portrayal",
                     "samestory_primary_frame", "samestory_fact_reported"}


def test_lmeval_lists_the_samestory_group():
    from lm_eval.tasks import TaskManager

    manager = TaskManager(include_path=str(lmeval.FOLDER), include_defaults=False)
    assert "samestory" in manager.all_groups
    assert set(lmeval.LM_TASKS) <= set(manager.all_subtasks)
    code, out, err = run("lm-eval", "path")
    assert code == 0 and Path(out.strip()) == lmeval.FOLDER


def test_lmeval_end_to_end_scores_equal_samestory_evaluate(tmp_path):
    release = checkout_release(tmp_path)
    texts = [r["query"] + " " + " ".join(r["choices"]) for n in lmeval.LM_TASKS for r in lmeval.items(n, str(release))]
    model = build_tiny_model(tmp_path / "tiny-gpt2", texts)
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
           "TOKENIZERS_PARALLELISM": "false"}
    cmd = [sys.executable, "-m", "lm_eval", "--model", "hf",
           "--model_args", f"pretrained={model},dtype=float32", "--device", "cpu", "--batch_size", "16",
           "--include_path", str(lmeval.FOLDER), "--tasks", "samestory",
           "--metadata", json.dumps({"dataset": str(release)}),
           "--output_path", str(tmp_path / "lm-out"), "--log_samples"]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    results = json.loads(Path(glob.glob(str(tmp_path / "lm-out" / "**" / "results_*.json"), recursive=True)[0])
                         .read_text(encoding="utf-8"))["results"]

    code, out, err = run("lm-eval", "predictions", "--samples", tmp_path / "lm-out", "--out", tmp_path / "preds")
    assert code == 0, err
    tasks = sorted({t.task for t in lmeval.LM_TASKS.values()})
    code, out, err = run("evaluate", "--quiet", "--dataset", release, "--predictions", tmp_path / "preds",
                         "--resamples", "0", "--out", tmp_path / "samestory.json", *[f"--task={t}" for t in tasks])
    assert code == 0, err
    ours = json.loads((tmp_path / "samestory.json").read_text(encoding="utf-8"))["tasks"]
    compared = {}
    for name, t in lmeval.LM_TASKS.items():
        block = results[name]
        n_items = len(lmeval.items(name, str(release)))
        assert block["sample_len"] == n_items, name  # every gold item was asked
        compared[name] = (block[f"{t.metric},none"], ours[t.task]["metrics"][t.metric]["value"])
        assert compared[name][0] == compared[name][1], (name, compared[name])
    # the untrained model is not all right or all wrong: the comparison is not between trivial numbers
    assert any(0.0 < a < 1.0 for a, _ in compared.values()), compared
    (REPO / "tests" / "artifacts").mkdir(exist_ok=True)
    (REPO / "tests" / "artifacts" / "lmeval_vs_samestory.json").write_text(json.dumps(compared, indent=1),
                                                                           encoding="utf-8")
