"""Where things live in a checkout; every command takes overrides so tests can point at fixtures."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("SAMESTORY_ROOT", Path(__file__).resolve().parents[2]))
CORPUS = ROOT / "corpus"
ANNOTATIONS = ROOT / "annotations"
BUILD = ROOT / "build"
RELEASES = ROOT / "releases"
CARD = ROOT / "dataset_card.md"
CHANGELOG = ROOT / "CHANGELOG.md"
LEADERBOARD = ROOT / "leaderboard"


def story_annotations(story_id: str, annotations: Path = ANNOTATIONS) -> Path:
    """annotations/<story_id>/: the story's inventories and its gold/ and passes/ folders."""
    return annotations / story_id
