"""Rebuild an older release from its own sources: the git commit that recorded `releases/v<version>.json`.

Code and annotations move on after a release; `verify <old version>` must still pass. The commit's
tree is exported with `git archive` into a scratch folder (the user's checkout is never touched) and
that commit's own `samestory build` runs on its own corpus and annotations, in a subprocess with the
current interpreter.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from samestory.core.errors import Problem, SameStoryError

_FETCH_HINT = ("verify of an older release rebuilds it from the git commit that recorded its manifest: run it "
               "in a git clone with full history (after a shallow clone: `git fetch --unshallow`)")


@dataclass(frozen=True)
class ReleaseSource:
    """Where a release's sources are: the repository and the commit that last wrote its manifest."""

    repo: Path
    commit: str
    manifest: str
    """The manifest's path inside the repository."""


def _git(repo: Path, *args: str, binary: bool = False):
    try:
        out = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True)
    except FileNotFoundError:
        raise SameStoryError("git is not installed", [Problem("git", "command not found", expected="git on PATH",
                                                              found="nothing")]) from None
    except subprocess.CalledProcessError as exc:
        raise SameStoryError(f"git {args[0]} failed", [Problem(str(repo), exc.stderr.decode(errors="replace").strip(),
                                                               field=" ".join(args[:2]))]) from None
    return out.stdout if binary else out.stdout.decode().strip()


def release_source(manifest_path: Path) -> ReleaseSource:
    """The commit that recorded `manifest_path`; a clear error when git or its history is unavailable."""
    manifest_path = Path(manifest_path).resolve()
    try:
        top = Path(_git(manifest_path.parent, "rev-parse", "--show-toplevel"))
    except SameStoryError as exc:
        raise SameStoryError(f"cannot rebuild from history: {manifest_path.parent} is not in a git repository",
                             [*exc.problems, Problem(str(manifest_path), _FETCH_HINT)]) from None
    rel = manifest_path.relative_to(top.resolve()).as_posix()
    commit = _git(top, "log", "-n", "1", "--format=%H", "--", rel)
    if not commit:
        shallow = _git(top, "rev-parse", "--is-shallow-repository") == "true"
        why = ("the clone is shallow, so the commit that recorded it is missing" if shallow
               else "it was never committed")
        raise SameStoryError(f"cannot rebuild {rel} from history: {why}", [Problem(str(manifest_path), _FETCH_HINT,
                             expected="a commit that added the manifest", found="none")])
    if _git(top, "rev-parse", "--is-shallow-repository") == "true":
        shallow = Path(_git(top, "rev-parse", "--git-path", "shallow"))
        shallow = shallow if shallow.is_absolute() else top / shallow
        if shallow.exists() and commit in shallow.read_text().split():
            raise SameStoryError(f"cannot rebuild {rel} from history: the clone is shallow and its history stops "
                                 f"at {commit[:12]}, which may not be the commit that recorded the manifest",
                                 [Problem(str(manifest_path), _FETCH_HINT, expected="full history",
                                          found="a shallow clone")])
    return ReleaseSource(top, commit, rel)


def export_tree(source: ReleaseSource, dest: Path) -> Path:
    """Extract the commit's tree into `dest` (git archive: no checkout, no change to the repository)."""
    data = _git(source.repo, "archive", "--format=tar", source.commit, binary=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.10.12 / 3.11.4
            tar.extractall(dest, filter="data")
        else:
            tar.extractall(dest)  # our own repository's archive
    return dest


def _inside(path: Path, top: Path, what: str) -> str:
    try:
        return Path(path).resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        raise SameStoryError(f"cannot rebuild from history: the {what} is outside the repository",
                             [Problem(str(path), f"an older release is rebuilt from the {what} of its own commit",
                                      expected=f"a path inside {top}", found=str(path))]) from None


def rebuild_manifest(version: str, manifest_path: Path, corpus: Path, annotations: Path, card: Path,
                     changelog: Path, progress: bool = False) -> tuple[dict, ReleaseSource]:
    """Build `version` with the code and data of the commit that recorded its manifest; return the
    manifest that build writes, and the source it came from."""
    source = release_source(manifest_path)
    rel = {name: _inside(p, source.repo, name) for name, p in
           (("corpus", corpus), ("annotations", annotations), ("card", card), ("changelog", changelog))}
    with tempfile.TemporaryDirectory(prefix=f"samestory-v{version}-{source.commit[:12]}-") as scratch:
        tree = export_tree(source, Path(scratch) / "tree")
        if not (tree / "src" / "samestory").is_dir():
            raise SameStoryError(f"commit {source.commit[:12]} has no src/samestory",
                                 [Problem(source.manifest, "cannot rebuild: the commit holds no build code",
                                          expected="src/samestory/", found="nothing")])
        out, releases = Path(scratch) / "build", Path(scratch) / "releases"
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SAMESTORY_ROOT")}
        env.update(PYTHONPATH=str(tree / "src"), SAMESTORY_ROOT=str(tree), PYTHONDONTWRITEBYTECODE="1")
        argv = ["build", "--version", version, "--corpus", str(tree / rel["corpus"]),
                "--annotations", str(tree / rel["annotations"]), "--card", str(tree / rel["card"]),
                "--changelog", str(tree / rel["changelog"]), "--out", str(out), "--releases", str(releases)]
        if not progress:
            argv.append("--quiet")
        code = ("import sys, samestory, samestory.cli as c; "
                f"assert samestory.__file__.startswith({str(tree)!r}), samestory.__file__; "
                "sys.exit(c.main(sys.argv[1:]))")
        proc = subprocess.run([sys.executable, "-c", code, *argv], cwd=tree, env=env, capture_output=True,
                              text=True)
        if proc.returncode != 0:
            tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-15:]
            raise SameStoryError(f"the build code of commit {source.commit[:12]} could not rebuild v{version}",
                                 [Problem(source.manifest, line, field=f"commit {source.commit[:12]}")
                                  for line in tail] or [Problem(source.manifest, f"exit code {proc.returncode}")])
        built = releases / f"v{version}.json"
        return json.loads(built.read_text(encoding="utf-8")), source
