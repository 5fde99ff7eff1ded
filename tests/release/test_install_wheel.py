"""Installed, not checked out: build the wheel, install it (not editable) into a fresh virtualenv that reuses
this environment's dependencies, and from a temporary folder with no checkout in sight score the gold of a
release folder (every main score 1.0), then a real baseline, then records through the Python API."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from samestory import schema
from samestory.eval.registry import TASKS
from tests.helpers.release_helpers import REPO, checkout_release


def _sh(cmd, cwd, env, ok=True):
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if ok:
        assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv bin folder, env without the checkout) with the wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src-copy"  # build from a copy: building in the checkout would write into its build/ folder
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, src / name if src.exists() else (src.mkdir() or src / name))
    shutil.copytree(REPO / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SAMESTORY_ROOT", "VIRTUAL_ENV")}
    env.update(HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    _sh([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp / "dist", src],
        tmp, env)
    wheel = next((tmp / "dist").glob("samestory-*.whl"))
    venv = tmp / "venv"
    _sh([sys.executable, "-m", "venv", "--without-pip", venv], tmp, env)
    py = venv / "bin" / "python"
    purelib = Path(_sh([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, env)
                   .stdout.strip())
    # reuse this environment's dependencies (offline, no second torch); a plain path line processes none of
    # its .pth files, so an editable samestory there stays invisible
    (purelib / "_samestory_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _sh([sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "-q", wheel], tmp, env)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return venv / "bin", env, purelib


@pytest.fixture(scope="module")
def workdir(installed, tmp_path_factory):
    """An empty folder outside the checkout holding only a copy of the release folder."""
    folder = checkout_release(tmp_path_factory.mktemp("release"))
    work = tmp_path_factory.mktemp("elsewhere")
    shutil.copytree(folder, work / folder.name)
    assert not (work / "corpus").exists() and REPO not in work.parents
    return work, folder.name


def test_install_wheel_is_not_the_checkout(installed, workdir):
    bin_, env, purelib = installed
    work, _ = workdir
    out = _sh([bin_ / "python", "-c", "import samestory, samestory.core.paths as p; print(samestory.__file__); "
               "print(p.ROOT)"], work, env).stdout.split()
    assert Path(out[0]).is_relative_to(purelib) and Path(out[1]) == work  # data paths: the current folder
    tasks_dir = Path(_sh([bin_ / "samestory", "lm-eval", "path"], work, env).stdout.strip())
    assert tasks_dir.is_relative_to(purelib) and (tasks_dir / "samestory.yaml").is_file() \
        and (tasks_dir / "utils.py").is_file()


def test_install_wheel_scores_the_gold_as_1_on_every_task(installed, workdir):
    bin_, env, _ = installed
    work, release = workdir
    _sh([bin_ / "samestory", "export", "--dataset", release, "--out", "gold-as-predictions"], work, env)
    assert sorted(p.name for p in (work / "gold-as-predictions").iterdir()) == sorted(f"{c}.jsonl" for c in schema.LAYERS)
    _sh([bin_ / "samestory", "evaluate", "--quiet", "--dataset", release, "--predictions", "gold-as-predictions",
         "--resamples", "100", "--out", "gold.json"], work, env)
    results = json.loads((work / "gold.json").read_text(encoding="utf-8"))
    assert {t: b["metrics"][b["main_score"]]["value"] for t, b in results["tasks"].items()} == {t: 1.0 for t in TASKS}
    api = ("import samestory, sys; rel = samestory.open_release(sys.argv[1]); "
           "r = samestory.evaluate({'stance': rel.rows('stance'), 'facts': rel.rows('facts')}, dataset=rel, "
           "resamples=0); print(type(r).__name__, r.main_scores()['stance'], r.main_scores()['facts'])")
    assert _sh([bin_ / "python", "-c", api, release], work, env).stdout.split() == ["Results", "1.0", "1.0"]


def test_install_wheel_scores_a_real_baseline_like_the_checkout(installed, workdir, tmp_path):
    from samestory import systems as baselines
    from samestory.systems.run import predict_to_dir
    from tests.helpers.build_helpers import run

    bin_, env, _ = installed
    work, release = workdir
    _sh([bin_ / "samestory", "predict", "--system", "rules-clean", "--dataset", release, "--out", "rules"], work, env)
    _sh([bin_ / "samestory", "evaluate", "--quiet", "--dataset", release, "--predictions", "rules",
         "--resamples", "0", "--out", "rules.json"], work, env)
    installed_scores = json.loads((work / "rules.json").read_text(encoding="utf-8"))["tasks"]
    # the same system run in the checkout, from corpus/ and annotations/
    predict_to_dir(baselines.get("rules-clean"), tmp_path / "rules", corpus_dir=REPO / "corpus",
                   annotations_dir=REPO / "annotations")
    code, out, err = run("evaluate", "--quiet", "--dataset", work / release, "--predictions", tmp_path / "rules",
                         "--resamples", "0", "--out", tmp_path / "rules.json")
    assert code == 0, err
    checkout_scores = json.loads((tmp_path / "rules.json").read_text(encoding="utf-8"))["tasks"]
    values = {t: {m: v["value"] for m, v in b["metrics"].items()} for t, b in installed_scores.items()}
    assert values == {t: {m: v["value"] for m, v in b["metrics"].items()} for t, b in checkout_scores.items()}
    assert 0.0 < values["ner"]["strict_f1"] < 1.0


def test_install_wheel_checkout_commands_say_they_need_a_checkout(installed, workdir):
    bin_, env, _ = installed
    work, _ = workdir
    for cmd in (["build"], ["validate"], ["add", "--story", "s", "x.txt"], ["predict", "--system", "rules-clean",
                                                                              "--out", "p"]):
        proc = _sh([bin_ / "samestory", *cmd], work, env, ok=False)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, (cmd, proc.stderr)
        assert "works on a SameStory checkout" in proc.stderr and "--dataset" in proc.stderr, (cmd, proc.stderr)
    proc = _sh([bin_ / "samestory", "evaluate", "--predictions", "p"], work, env, ok=False)
    assert proc.returncode == 1 and "--dataset" in proc.stderr and "Traceback" not in proc.stderr
