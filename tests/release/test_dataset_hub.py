"""`--dataset ORG/NAME --revision TAG`: the exact Hub calls (manifest first, then one `datasets.load_dataset`
per config at the pinned revision) against a recording stand-in, since the Hub is unreachable here; and the
real client in offline mode fails with a clear error, not a traceback."""
from __future__ import annotations

import json
import os
import shutil

import pytest

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import samestory  # noqa: E402
from samestory import schema  # noqa: E402
from samestory.release.dataset import open_release  # noqa: E402
from samestory.core.errors import SameStoryError  # noqa: E402
from samestory.eval.data import load_dataset_gold  # noqa: E402
from samestory.release.build import build_release  # noqa: E402
from tests.helpers.release_helpers import sources  # noqa: E402
from samestory.release.manifest import MANIFEST  # noqa: E402
from tests.helpers.build_helpers import FIXTURE, STORY, copy_fixture, run  # noqa: E402
from tests.helpers.release_helpers import RecordingHub  # noqa: E402

GOLD = FIXTURE / "annotations" / STORY / "gold"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hub")
    corpus, ann = copy_fixture(tmp)
    (ann / "guidelines.md").write_text("# Codebook\n", encoding="utf-8")
    return build_release(src=sources(corpus=corpus, annotations=ann), out=tmp / "build",
                         releases=tmp / "releases", progress=False).path


def test_dataset_hub_reads_the_manifest_then_each_config_at_the_revision(folder):
    hub = RecordingHub(folder)
    version = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["dataset_version"]
    gold = load_dataset_gold("org/samestory", f"v{version}", hub=hub)
    assert hub.calls[0] == ("hf_hub_download", {"repo_id": "org/samestory", "filename": MANIFEST,
                                                "repo_type": "dataset", "revision": f"v{version}"})
    loads = [c[1] for c in hub.calls[1:]]
    assert loads == [{"path": "org/samestory", "name": n, "split": "test", "revision": f"v{version}"}
                     for n in ("documents", *schema.LAYERS, *schema.INVENTORIES)]  # inventories: known ids
    local = load_dataset_gold(folder)
    assert gold.layers == local.layers and gold.documents == local.documents
    assert gold.gold_sha256 == local.gold_sha256 and gold.dataset_version == version
    assert gold.source == f"org/samestory@v{version}"


def test_dataset_hub_scores_like_the_local_folder_and_fetches_the_codebook(folder):
    hub = RecordingHub(folder)
    version = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["dataset_version"]
    remote = samestory.evaluate(GOLD, dataset="org/samestory", revision=f"v{version}", hub=hub, resamples=50)
    local = samestory.evaluate(GOLD, dataset=folder, resamples=50)
    assert remote.tasks == local.tasks and remote.gold_source == f"org/samestory@v{version}"
    rel = open_release("org/samestory", f"v{version}", hub=hub)
    assert rel.codebook().read_text(encoding="utf-8") == "# Codebook\n"
    assert ("hf_hub_download", {"repo_id": "org/samestory", "filename": "guidelines.md", "repo_type": "dataset",
                                "revision": f"v{version}"}) in hub.calls


def test_dataset_hub_refuses_a_tag_that_disagrees_with_the_manifest(folder):
    with pytest.raises(SameStoryError, match="the tag and the release manifest disagree"):
        open_release("org/samestory", "v9.9.9", hub=RecordingHub(folder))


def test_dataset_hub_refuses_rows_that_disagree_with_the_manifest(folder, tmp_path):
    copy = shutil.copytree(folder, tmp_path / "served")
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    manifest["rows"]["stance"] += 1
    (copy / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(SameStoryError) as err:
        load_dataset_gold("org/samestory", None, hub=RecordingHub(copy))
    assert "row count differs from the manifest" in str(err.value) and "stance" in str(err.value)


def test_dataset_hub_offline_real_client_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    code, out, err = run("evaluate", "--dataset", "org/samestory", "--revision", "v1.0.0",
                         "--predictions", GOLD)
    assert code == 1 and "Traceback" not in err
    assert "cannot read the release manifest of org/samestory@v1.0.0" in err
