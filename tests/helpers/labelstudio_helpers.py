"""Fixture story for the Label Studio tests: documents, inventories and gold under tests/fixtures/labelstudio."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from samestory.core.jsonl import read_jsonl
from samestory.annotate.labelstudio import config as C
from tests import helpers as _paths

FIXTURES = _paths.FIXTURES / "labelstudio"
STORY = "fixture-story"
GOLD = FIXTURES / STORY / "gold"
ARTIFACTS = _paths.ARTIFACTS / "labelstudio"
"""Server data, screenshots: under tests/artifacts/ (gitignored)."""


def documents(story: str = STORY) -> list[dict]:
    return [{**r, "story_id": story} for _, r in read_jsonl(FIXTURES / "documents.jsonl")]


def inventory(story: str = STORY) -> C.Inventory:
    rows = lambda name: tuple(r for _, r in read_jsonl(FIXTURES / STORY / f"{name}.jsonl"))  # noqa: E731
    return C.Inventory(story, rows("entities"), rows("stance_targets"), rows("fact_inventory"))


def gold() -> dict[str, dict[str, dict]]:
    return {f.stem: {r["doc_id"]: r for _, r in read_jsonl(f)} for f in sorted(GOLD.glob("*.jsonl"))}


def make_story(root: Path, story: str) -> tuple[Path, Path]:
    """A copy of the fixture story named `story`: (annotations dir, documents.jsonl)."""
    ann = root / "annotations"
    shutil.copytree(FIXTURES / STORY, ann / story)
    docs = root / "documents.jsonl"
    docs.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents(story)), encoding="utf-8")
    return ann, docs


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes (to show that nothing changed)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(Path(root).rglob("*")) if p.is_file()}
