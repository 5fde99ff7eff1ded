"""Data paths come from the working directory (or $SAMESTORY_ROOT), never from where the package lives;
commands that need a checkout say so when run elsewhere."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers.release_helpers import REPO


def _py(code: str, cwd, **env):
    full = {**os.environ, "PYTHONPATH": str(REPO / "src"), **env}
    full.pop("SAMESTORY_ROOT", None) if "SAMESTORY_ROOT" not in env else None
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=full, capture_output=True, text=True)


def test_paths_root_is_the_working_directory_not_the_package(tmp_path):
    out = _py("import samestory.core.paths as p; print(p.ROOT); print(p.CORPUS)", tmp_path).stdout.split()
    assert out == [str(tmp_path), str(tmp_path / "corpus")]
    out = _py("import samestory.core.paths as p; print(p.ROOT)", tmp_path, SAMESTORY_ROOT=str(REPO)).stdout.split()
    assert out == [str(REPO)]


def test_paths_checkout_commands_say_they_need_a_checkout(tmp_path):
    for argv in (["build"], ["validate"], ["verify", "1.0.0"], ["card"], ["corpus", "show", "x"]):
        proc = _py(f"import sys; from samestory.cli import main; sys.exit(main({argv!r}))", tmp_path)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, (argv, proc.stderr)
        assert "works on a SameStory checkout" in proc.stderr and str(tmp_path / "corpus") in proc.stderr, argv
    # pointing at a checkout explicitly works from anywhere
    proc = _py("import sys; from samestory.cli import main; sys.exit(main(['validate', '--quiet', '--corpus', "
               f"{str(REPO / 'corpus')!r}, '--annotations', {str(REPO / 'annotations')!r}]))", tmp_path)
    assert proc.returncode == 0, proc.stderr
