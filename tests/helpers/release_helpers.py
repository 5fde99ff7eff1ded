"""Helpers of the release-as-a-source tests: the checkout's release built into a scratch folder, and a
recording stand-in for the Hub (unreachable here) that serves a local release folder."""
from __future__ import annotations

import shutil
from pathlib import Path
from tests.helpers import ROOT

REPO = ROOT
_BUILT: dict[str, Path] = {}


def sources(**folders):
    """The build's inputs as `samestory build` gives them: the folders, plus the prediction schemas derived from
    eval's tasks (the release stage cannot import them itself)."""
    from samestory.eval.schemas import rendered
    from samestory.release.build import Sources

    return Sources(schemas=rendered(), **folders)


def checkout_release(tmp_root: Path) -> Path:
    """The checkout's current release (corpus/ + annotations/), built into tmp_root against a copy of the
    committed manifests, so the result is the released version (status unchanged). Built once per process."""
    from samestory.release.build import build_release
    from samestory.version import DATASET_VERSION

    if DATASET_VERSION not in _BUILT or not _BUILT[DATASET_VERSION].exists():
        releases = tmp_root / "releases"
        shutil.copytree(REPO / "releases", releases)
        src = sources(corpus=REPO / "corpus", annotations=REPO / "annotations", card=REPO / "dataset_card.md",
                      changelog=REPO / "CHANGELOG.md")
        result = build_release(DATASET_VERSION, src, tmp_root / "build", releases, progress=False)
        _BUILT[DATASET_VERSION] = result.path
    return _BUILT[DATASET_VERSION]


class RecordingHub:
    """Stands in for the Hub behind `samestory.release.dataset.HubClient`: records every call with its arguments and
    answers from a local release folder, reading rows with the real `datasets.load_dataset`."""

    def __init__(self, folder: Path, repo_id: str = "org/samestory"):
        self.folder, self.repo_id, self.calls = Path(folder), repo_id, []

    def hf_hub_download(self, repo_id, filename, *, repo_type, revision):
        self.calls.append(("hf_hub_download", {"repo_id": repo_id, "filename": filename, "repo_type": repo_type,
                                               "revision": revision}))
        if repo_id != self.repo_id or not (self.folder / filename).is_file():
            raise FileNotFoundError(f"404: {repo_id}/{filename}")
        return str(self.folder / filename)

    def load_dataset(self, path, name, *, split, revision, cache_dir):
        import datasets

        self.calls.append(("load_dataset", {"path": path, "name": name, "split": split, "revision": revision}))
        if path != self.repo_id:
            raise FileNotFoundError(f"404: {path}")
        return datasets.load_dataset(str(self.folder), name, split=split, cache_dir=cache_dir)
