"""The import contract of pyproject.toml (import-linter): stages import only downwards, no cycles. It holds on
the tree, and a backwards import planted in a copy of the tree breaks it (so the check can fail)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT  # noqa: E402
LINT = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")


def _lint(src: Path, cwd: Path) -> subprocess.CompletedProcess:
    assert LINT, "import-linter is in the test extra: pip install -e '.[test]'"
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([LINT, "--no-cache", str(ROOT / "pyproject.toml")], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_architecture_contract_kept():
    out = _lint(ROOT / "src", ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 kept, 0 broken" in out.stdout


def test_architecture_backwards_import_breaks_contract(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "samestory", src / "samestory",
                    ignore=shutil.ignore_patterns("__pycache__", "*.yaml"))
    paths = src / "samestory" / "core" / "paths.py"
    paths.write_text(paths.read_text() + "\nfrom samestory.eval import registry  # noqa: E402,F401\n")
    out = _lint(src, tmp_path)
    assert out.returncode != 0
    assert "samestory.core is not allowed to import samestory.eval" in out.stdout
    assert "samestory.core.paths -> samestory.eval.registry" in out.stdout
