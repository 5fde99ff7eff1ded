"""`publish` up to the upload: the dry-run plan, the exact Hub calls, refusal of an unverified folder, and a
clear error when the Hub cannot be reached (the Hub is unreachable from the test machine)."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from samestory.core.errors import SameStoryError
from samestory.release.build import build_release
from tests.helpers.release_helpers import sources
from samestory.release.manifest import CHECKSUMS
from samestory.release.publish import publish
from tests.helpers.build_helpers import FIXTURE, run
from samestory.version import DATASET_VERSION as V


@pytest.fixture()
def built(tmp_path):
    build_release(src=sources(corpus=FIXTURE / "corpus", annotations=FIXTURE / "annotations"),
                  out=tmp_path / "build", releases=tmp_path / "releases", progress=False)
    return tmp_path


def test_release_publish_dry_run_prints_the_plan(built):
    code, out, err = run("publish", "--repo-id", "org/samestory", "--out", built / "build",
                         "--releases", built / "releases", "--dry-run")
    assert code == 0, err
    plan = json.loads(out.split("\n", 1)[1])
    assert [step["call"] for step in plan] == ["create_repo", "upload_folder", "create_tag"]
    assert plan[1]["folder_path"].endswith(f"samestory-v{V}")
    assert "README.md" in plan[1]["files"] and CHECKSUMS in plan[1]["files"]
    assert plan[2]["tag"] == f"v{V}" and plan[2]["repo_type"] == "dataset"


@dataclass
class Commit:
    oid: str


class RecordingHub:
    """Stands in for huggingface_hub.HfApi (the Hub is unreachable here) and records the calls made."""

    def __init__(self):
        self.calls = []

    def create_repo(self, **kw):
        self.calls.append(("create_repo", kw))

    def upload_folder(self, **kw):
        self.calls.append(("upload_folder", kw))
        return Commit(oid="abc123")

    def create_tag(self, **kw):
        self.calls.append(("create_tag", kw))


def test_release_publish_calls_the_hub_in_order_and_tags_the_upload(built):
    hub = RecordingHub()
    plan = publish(f"{V}", "org/samestory", built / "build", built / "releases", api=hub)
    names = [c[0] for c in hub.calls]
    assert names == ["create_repo", "upload_folder", "create_tag"]
    assert hub.calls[0][1] == {"repo_id": "org/samestory", "repo_type": "dataset", "exist_ok": True}
    assert hub.calls[1][1]["folder_path"] == str(built / "build" / f"samestory-v{V}")
    assert hub.calls[2][1] == {"repo_id": "org/samestory", "repo_type": "dataset", "tag": f"v{V}",
                               "revision": "abc123"}
    assert plan[2]["revision"] == "abc123"


def test_release_publish_refuses_a_modified_release_folder(built):
    (built / "build" / f"samestory-v{V}" / "README.md").write_text("edited", encoding="utf-8")
    hub = RecordingHub()
    with pytest.raises(SameStoryError, match="does not match"):
        publish(f"{V}", "org/samestory", built / "build", built / "releases", api=hub)
    assert hub.calls == []


def test_release_publish_refuses_bad_repo_id_and_unbuilt_version(built):
    code, out, err = run("publish", "--repo-id", "samestory", "--out", built / "build",
                         "--releases", built / "releases", "--dry-run")
    assert code == 1 and "ORG/NAME" in err
    code, out, err = run("publish", "--repo-id", "org/x", "--version", "3.0.0", "--out", built / "build",
                         "--releases", built / "releases", "--dry-run")
    assert code == 1 and "no release v3.0.0" in err


def test_release_publish_with_the_real_client_offline_fails_clearly(built, monkeypatch):
    """The real HfApi in offline mode: the error names the step that failed; nothing is half-claimed."""
    import huggingface_hub
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_TOKEN", "hf_fake_token_for_offline_test")
    with pytest.raises(SameStoryError) as exc:
        publish(f"{V}", "org/samestory", built / "build", built / "releases", api=huggingface_hub.HfApi())
    assert "failed at create_repo" in str(exc.value) and "OfflineModeIsEnabled" in str(exc.value)
