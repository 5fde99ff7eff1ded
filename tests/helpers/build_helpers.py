"""Helpers of the build/validate/release tests: the fixture story, a copy to mutate, the CLI in-process."""
from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

from samestory.cli import main
from tests.helpers import FIXTURES

FIXTURE = FIXTURES / "build"
STORY = "fixture-story"


def copy_fixture(tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the fixture corpus and annotations: (corpus, annotations)."""
    corpus, ann = tmp_path / "corpus", tmp_path / "annotations"
    shutil.copytree(FIXTURE / "corpus", corpus)
    shutil.copytree(FIXTURE / "annotations", ann)
    return corpus, ann


def run(*argv: str) -> tuple[int, str, str]:
    """Run `samestory ARGV` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder with its bytes (to prove nothing was written or changed)."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
