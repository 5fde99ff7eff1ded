"""Publishing a built release to the Hugging Face Hub, tagged `v<version>`, after checking the folder
against its committed manifest (a released version never changes: see `samestory.release.build`)."""
from __future__ import annotations

from pathlib import Path

from samestory.core import paths
from samestory.core.errors import Problem, SameStoryError
from samestory.release.manifest import check_release_dir


def publish_plan(version: str, repo_id: str, folder: Path) -> list[dict]:
    """The Hub calls `publish` makes, in order (printed by --dry-run)."""
    return [
        {"call": "create_repo", "repo_id": repo_id, "repo_type": "dataset", "exist_ok": True},
        {"call": "upload_folder", "repo_id": repo_id, "repo_type": "dataset", "folder_path": str(folder),
         "commit_message": f"SameStory v{version}",
         "files": sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())},
        {"call": "create_tag", "repo_id": repo_id, "repo_type": "dataset", "tag": f"v{version}",
         "revision": "<commit of upload_folder>"},
    ]


def publish(version: str, repo_id: str, out: Path = paths.BUILD, releases: Path = paths.RELEASES,
            dry_run: bool = False, api=None) -> list[dict]:
    """Push a verified release folder to the Hub and tag it `v<version>`; dry_run returns the plan only."""
    if "/" not in repo_id or repo_id.count("/") != 1:
        raise SameStoryError("bad --repo-id", [Problem("--repo-id", "expected ORG/NAME", expected="ORG/NAME",
                                                       found=repo_id)])
    folder = check_release_dir(version, out, releases)
    plan = publish_plan(version, repo_id, folder)
    if dry_run:
        return plan
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi()
    step = "create_repo"
    try:
        api.create_repo(repo_id=repo_id, repo_type="dataset", exist_ok=True)
        step = "upload_folder"
        commit = api.upload_folder(repo_id=repo_id, repo_type="dataset", folder_path=str(folder),
                                   commit_message=f"SameStory v{version}")
        revision = getattr(commit, "oid", None)
        step = "create_tag"
        api.create_tag(repo_id=repo_id, repo_type="dataset", tag=f"v{version}", revision=revision)
    except Exception as exc:  # network, auth, offline mode: say which step failed and why
        raise SameStoryError(f"publishing v{version} to {repo_id} failed at {step}",
                             [Problem("https://huggingface.co", f"{type(exc).__name__}: {exc}", field=step)]) from exc
    plan[-1]["revision"] = revision
    return plan
