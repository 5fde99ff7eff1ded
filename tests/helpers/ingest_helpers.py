"""Shared helpers of the ingest tests: a temporary corpus copy and a snapshot of its files."""
import hashlib
import shutil
from pathlib import Path

from samestory.core import paths
from samestory.cli import main
from tests.helpers import FIXTURES

FIX = FIXTURES / "ingest"
STORY = "istanbul-2025-05-16"


def copy_corpus(tmp_path: Path) -> Path:
    """A private copy of the real corpus; tests never write to corpus/."""
    dst = tmp_path / "corpus"
    shutil.copytree(paths.CORPUS, dst)
    return dst


def snapshot(root: Path) -> dict[str, str]:
    """relative path → sha256 of every file (hidden staging folders included)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err
