"""`--release` and `--gold DIR` give the same gold records and the same scores: a release built from the
build fixture is read with `datasets` (ClassLabel ids back to names), and its manifest's gold_sha256
equals the hash computed from the gold folder."""
from __future__ import annotations

import json
import os

import pytest

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from samestory import schema  # noqa: E402
from samestory.cli import main  # noqa: E402
from samestory.eval.data import load_gold_dir, load_release  # noqa: E402
from samestory.release.build import build_release  # noqa: E402
from tests.helpers.release_helpers import sources  # noqa: E402
from tests.helpers.build_helpers import FIXTURE, STORY  # noqa: E402

GOLD_DIR = FIXTURE / "annotations" / STORY / "gold"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("evalrel")
    res = build_release(src=sources(corpus=FIXTURE / "corpus", annotations=FIXTURE / "annotations"),
                        out=tmp / "build", releases=tmp / "releases", progress=False)
    return tmp, res


def test_eval_release_and_gold_dir_give_same_records(release):
    tmp, res = release
    version = "v" + res.manifest["dataset_version"]
    rel = load_release(version, tmp / "build", tmp / "releases")
    gd = load_gold_dir(GOLD_DIR, FIXTURE / "corpus")
    assert rel.gold_sha256 == gd.gold_sha256 == res.manifest["gold_sha256"]
    assert rel.dataset_version == res.manifest["dataset_version"]
    for config in schema.LAYERS:
        assert rel.layers[config] == gd.layers[config], config
    for doc_id, d in gd.documents.items():
        r = rel.documents[doc_id]
        assert r["text"] == d["text"] and r["sentences"] == d["sentences"] and r["paragraphs"] == d["paragraphs"]


def test_eval_cli_release_scores_equal_gold_dir_scores(release, tmp_path):
    tmp, res = release
    version = "v" + res.manifest["dataset_version"]
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    common = ["--predictions", str(GOLD_DIR), "--resamples", "100", "--quiet", "--system", "gold"]
    assert main(["evaluate", *common, "--release", version, "--build-dir", str(tmp / "build"),
                 "--releases-dir", str(tmp / "releases"), "--out", str(a)]) == 0
    assert main(["evaluate", *common, "--gold", str(GOLD_DIR), "--corpus", str(FIXTURE / "corpus"),
                 "--out", str(b)]) == 0
    ra, rb = json.loads(a.read_text()), json.loads(b.read_text())
    assert ra["gold_sha256"] == rb["gold_sha256"]
    assert ra["dataset_version"] == res.manifest["dataset_version"] and rb["dataset_version"] == "unreleased"
    assert ra["tasks"].keys() == rb["tasks"].keys() and ra["tasks"]
    for t in ra["tasks"]:
        assert ra["tasks"][t]["per_document"] == rb["tasks"][t]["per_document"]
        main_score = ra["tasks"][t]["main_score"]
        assert ra["tasks"][t]["metrics"][main_score]["value"] in (1.0, None)
