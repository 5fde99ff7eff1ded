"""A release folder is enough to score against: it carries its manifest (checked file by file), the
codebook and the stories (layout 2); a released version (v1.0.0, layout 1) still rebuilds byte for byte."""
from __future__ import annotations

import json
import os
import shutil

import pytest

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from samestory import schema  # noqa: E402
from samestory.release.dataset import open_release  # noqa: E402
from samestory.core.errors import SameStoryError  # noqa: E402
from samestory.eval.registry import TASKS  # noqa: E402
from samestory.release.build import build_release  # noqa: E402
from tests.helpers.release_helpers import sources  # noqa: E402
from samestory.release.manifest import MANIFEST, STORIES  # noqa: E402
from tests.helpers.build_helpers import FIXTURE, STORY, copy_fixture, run  # noqa: E402
from tests.helpers.release_helpers import REPO, checkout_release  # noqa: E402


@pytest.fixture(scope="module")
def fixture_release(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("selfcontained")
    corpus, ann = copy_fixture(tmp)
    (ann / "guidelines.md").write_text("# Codebook\n\n## 1. Layer `stance`\nfavor, against, neutral.\n",
                                       encoding="utf-8")
    res = build_release(src=sources(corpus=corpus, annotations=ann), out=tmp / "build",
                        releases=tmp / "releases", progress=False)
    return res


def test_dataset_release_folder_carries_manifest_codebook_and_stories(fixture_release):
    folder = fixture_release.path
    inner = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert inner == json.loads(fixture_release.manifest_path.read_text(encoding="utf-8"))
    assert inner["layout"] == 2 and MANIFEST not in inner["files"]
    assert {"guidelines.md", STORIES, "README.md", "SHA256SUMS"} <= set(inner["files"])
    assert all(f"data/{c}/test-00000-of-00001.parquet" in inner["files"] for c in schema.CONFIGS)
    assert all(f"schemas/{t}.schema.json" in inner["files"] for t in TASKS)
    assert "annotations/guidelines.md" in inner["inputs"]  # a changed codebook is a changed release
    rel = open_release(folder)
    assert rel.codebook().read_text(encoding="utf-8").startswith("# Codebook")
    assert rel.stories()[STORY]["title"]
    assert {d["doc_id"] for d in rel.documents()} == {json.loads(x)["doc_id"] for x in (
        FIXTURE / "corpus" / STORY / "documents.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()}


def test_dataset_release_folder_scores_its_gold_as_1_with_no_checkout(fixture_release, tmp_path, monkeypatch):
    folder = shutil.copytree(fixture_release.path, tmp_path / "downloaded")
    monkeypatch.chdir(tmp_path)  # nothing of a checkout here
    code, out, err = run("evaluate", "--quiet", "--dataset", "downloaded", "--resamples", "20",
                         "--predictions", FIXTURE / "annotations" / STORY / "gold", "--out", "r.json")
    assert code == 0, err
    results = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert results["gold_source"] == str(folder.resolve())
    assert results["dataset_version"] == fixture_release.manifest["dataset_version"]
    mains = {t: b["metrics"][b["main_score"]]["value"] for t, b in results["tasks"].items()}
    assert set(mains) == set(TASKS)
    # the fixture's stances are all neutral, so f_avg (mean F1 of favor and against) is undefined (None)
    assert all(v == 1.0 for t, v in mains.items() if t != "stance") and mains["stance"] is None


@pytest.mark.parametrize("damage", ["edit", "extra", "remove", "no-manifest"])
def test_dataset_release_folder_refuses_a_folder_that_differs_from_its_manifest(fixture_release, tmp_path, damage):
    folder = shutil.copytree(fixture_release.path, tmp_path / "rel")
    parquet = folder / "data" / "stance" / "test-00000-of-00001.parquet"
    if damage == "edit":
        parquet.write_bytes(parquet.read_bytes()[:-1] + b"\0")
    elif damage == "extra":
        (folder / "notes.txt").write_text("x", encoding="utf-8")
    elif damage == "remove":
        parquet.unlink()
    else:
        (folder / MANIFEST).unlink()
    code, out, err = run("evaluate", "--dataset", folder, "--predictions", FIXTURE / "annotations" / STORY / "gold")
    assert code == 1 and "Traceback" not in err
    expected = {"edit": "differs from the manifest (sha256)", "extra": "not in the manifest", "remove": "missing",
                "no-manifest": "not a SameStory release folder"}[damage]
    assert expected in err, err


def test_dataset_released_version_rebuilds_identically_with_its_manifest_inside(tmp_path):
    folder = checkout_release(tmp_path)
    committed = (REPO / "releases" / f"{folder.name.removeprefix('samestory-')}.json").read_text(encoding="utf-8")
    assert (folder / MANIFEST).read_text(encoding="utf-8") == committed
    manifest = json.loads(committed)
    rel = open_release(folder)
    assert rel.manifest == manifest and rel.dataset_version == manifest["dataset_version"]
    if "layout" not in manifest:  # v1.0.0: released without codebook and stories; the report still works
        assert rel.codebook() is None
        assert set(rel.stories()) == {d["story_id"] for d in rel.documents()}


def test_dataset_unknown_source_is_a_clear_error(tmp_path):
    code, out, err = run("evaluate", "--dataset", tmp_path / "nowhere", "--predictions", tmp_path)
    assert code == 1 and "no release folder or Hub dataset id" in err and "Traceback" not in err
    code, out, err = run("evaluate", "--dataset", tmp_path, "--revision", "v1.0.0", "--predictions", tmp_path)
    assert code == 1 and "--revision applies to a Hub dataset id" in err


def test_dataset_report_and_predict_read_a_release_folder(fixture_release, tmp_path, monkeypatch):
    folder = shutil.copytree(fixture_release.path, tmp_path / "downloaded")
    monkeypatch.chdir(tmp_path)
    code, out, err = run("report", "--story", STORY, "--dataset", folder, "--out", tmp_path / "report")
    assert code == 0, err
    story = json.loads((FIXTURE / "corpus" / STORY / "story.json").read_text(encoding="utf-8"))
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert story["title"] in page and story["place"] in page  # from the release's stories.jsonl
    code, out, err = run("predict", "--system", "majority", "--dataset", folder, "--out", tmp_path / "majority")
    assert code == 0, err
    code, out, err = run("evaluate", "--quiet", "--dataset", folder, "--predictions", tmp_path / "majority",
                         "--resamples", "0")
    assert code == 0, err
