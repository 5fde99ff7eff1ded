"""`verify` of an older version rebuilds it from the git commit that recorded its manifest: the annotations
change after the release and it still verifies; a tampered manifest, a shallow clone or no git fail clearly."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import samestory
from samestory.core import paths
from samestory.core.errors import SameStoryError
from samestory.release.build import Sources, build_release, verify
from tests.helpers.release_helpers import sources
from tests.helpers.build_helpers import FIXTURE, STORY, run

OLD = "0.9.0"
"""A version other than the current DATASET_VERSION, so verify takes the history path."""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          check=True, capture_output=True, text=True).stdout.strip()


def _sources(repo: Path) -> Sources:
    return sources(corpus=repo / "corpus", annotations=repo / "annotations", card=repo / "dataset_card.md",
                   changelog=repo / "CHANGELOG.md")


@pytest.fixture
def repo(tmp_path):
    """A tiny project in git: code, fixture story, release v0.9.0 committed, then the annotations changed."""
    repo = tmp_path / "repo"
    shutil.copytree(Path(samestory.__file__).parent, repo / "src" / "samestory",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FIXTURE / "corpus", repo / "corpus")
    shutil.copytree(FIXTURE / "annotations", repo / "annotations")
    shutil.copy(paths.CARD, repo / "dataset_card.md")
    (repo / "CHANGELOG.md").write_text(f"# Changelog\n\n## {OLD}\n\nThe tiny release of the history tests.\n",
                                       encoding="utf-8")
    git(tmp_path, "init", "-q", str(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "sources")
    build_release(OLD, _sources(repo), tmp_path / "build", repo / "releases", progress=False)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", f"release v{OLD}")
    p = repo / "annotations" / STORY / "fact_inventory.jsonl"
    p.write_text(p.read_text(encoding="utf-8").replace("was agreed", "was signed"), encoding="utf-8")
    git(repo, "commit", "-qam", "annotations changed after the release")
    return repo


def test_release_history_old_version_verifies_after_the_annotations_change(repo):
    released = git(repo, "log", "-n1", "--format=%H", "--", f"releases/v{OLD}.json")
    before = git(repo, "status", "--porcelain")
    # the checkout's own sources no longer rebuild it ...
    with pytest.raises(SameStoryError, match="does not rebuild identically"):
        verify(OLD, _sources(repo), repo / "releases", progress=False, from_history=False)
    # ... the commit that recorded the manifest does, and the user's tree is untouched
    manifest = verify(OLD, _sources(repo), repo / "releases", progress=False)
    assert manifest == json.loads((repo / "releases" / f"v{OLD}.json").read_text(encoding="utf-8"))
    assert git(repo, "status", "--porcelain") == before
    s = _sources(repo)
    code, out, err = run("verify", OLD, "--corpus", s.corpus, "--annotations", s.annotations, "--card", s.card,
                         "--changelog", s.changelog, "--releases", repo / "releases", "--quiet")
    assert code == 0, err
    assert f"rebuilt identically from the sources of commit {released[:12]}" in out


def test_release_history_runs_the_commits_own_code(repo):
    """Code changed after the release (here: it would refuse every build) does not affect the old version."""
    build_py = repo / "src" / "samestory" / "release" / "rows.py"
    build_py.write_text(build_py.read_text(encoding="utf-8") + "\nraise RuntimeError('new code')\n", encoding="utf-8")
    git(repo, "commit", "-qam", "code changed after the release")
    verify(OLD, _sources(repo), repo / "releases", progress=False)


def test_release_history_tampered_manifest_fails(repo):
    p = repo / "releases" / f"v{OLD}.json"
    m = json.loads(p.read_text(encoding="utf-8"))
    name = sorted(m["files"])[0]
    m["files"][name] = "0" * 64
    p.write_text(json.dumps(m, indent=2) + "\n", encoding="utf-8")
    with pytest.raises(SameStoryError) as exc:
        verify(OLD, _sources(repo), repo / "releases", progress=False)
    text = str(exc.value)
    assert "does not rebuild identically from commit" in text and name in text and "0" * 64 in text


def test_release_history_shallow_clone_says_what_to_do(repo, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    code, out, err = run("verify", OLD, "--corpus", clone / "corpus", "--annotations", clone / "annotations",
                         "--card", clone / "dataset_card.md", "--changelog", clone / "CHANGELOG.md",
                         "--releases", clone / "releases", "--quiet")
    assert code == 1 and "shallow" in err and "git fetch --unshallow" in err and "Traceback" not in err


def test_release_history_without_git_says_what_to_do(repo, tmp_path):
    plain = tmp_path / "plain"
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    with pytest.raises(SameStoryError) as exc:
        verify(OLD, _sources(plain), plain / "releases", progress=False)
    assert "not in a git repository" in str(exc.value) and "full history" in str(exc.value)
