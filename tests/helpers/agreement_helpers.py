"""Shared helpers for the agreement tests: build annotator passes from the fixture gold."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from tests.helpers import FIXTURES

FIXTURE_GOLD = FIXTURES / "labelstudio" / "fixture-story" / "gold"


def make_passes(root: Path, annotators=("alice", "bob")) -> Path:
    """passes/<annotator>/<layer>.jsonl, each a copy of the fixture gold."""
    passes = root / "passes"
    for a in annotators:
        shutil.copytree(FIXTURE_GOLD, passes / a)
    return passes


def edit(path: Path, doc_id: str, change) -> None:
    """Apply change(record) to the record of doc_id in a layer file, in place."""
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    for r in rows:
        if r["doc_id"] == doc_id:
            change(r)
    path.write_text("".join(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n" for r in rows),
                    encoding="utf-8")
