"""Where a checkout's folders are: under the current directory (or $SAMESTORY_ROOT), never under the
installed package. Every command also takes explicit flags, so an installed `samestory` works anywhere."""
from __future__ import annotations

import os
from pathlib import Path

from samestory.core.errors import Problem, SameStoryError

ROOT = Path(os.environ.get("SAMESTORY_ROOT") or Path.cwd())
"""The working root: $SAMESTORY_ROOT, else the directory the command runs in."""
CORPUS = ROOT / "corpus"
ANNOTATIONS = ROOT / "annotations"
BUILD = ROOT / "build"
RELEASES = ROOT / "releases"
CARD = ROOT / "dataset_card.md"
CHANGELOG = ROOT / "CHANGELOG.md"
LEADERBOARD = ROOT / "leaderboard"
CODEBOOK_NAME = "guidelines.md"
"""The codebook: annotations/guidelines.md in a checkout, guidelines.md at the top of a release folder."""




def require_checkout(command: str, *folders: Path) -> None:
    """Commands that build or edit the data (build, add, validate, ...) need a SameStory checkout's folders;
    run elsewhere, say so instead of failing deep inside with a missing file."""
    missing = [Path(f) for f in folders if not Path(f).is_dir()]
    if missing:
        raise SameStoryError(
            f"`samestory {command}` works on a SameStory checkout (its corpus/ and annotations/ folders), "
            f"and {', '.join(str(m) for m in missing)} is not there: run it from the repository root, "
            f"set SAMESTORY_ROOT, or pass the folders explicitly (--corpus/--annotations). To score a model "
            f"you need no checkout: `samestory evaluate --dataset RELEASE_FOLDER_OR_HUB_ID --predictions DIR`",
            [Problem(str(m), "folder not found", expected="a SameStory checkout folder") for m in missing])
