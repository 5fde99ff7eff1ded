"""Write a small corpus story (story.json, raw/, documents.jsonl, clean/) from texts, for fixture generators."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from samestory.corpus.store import build_document
from samestory.core.jsonl import write_jsonl


def write_story(corpus: Path, story: dict, raws: dict[str, str]) -> dict[str, dict]:
    """Lay out corpus/<story_id>/ for `raws` (doc_id → raw text); returns doc_id → `documents` row."""
    sdir = Path(corpus) / story["story_id"]
    (sdir / "raw").mkdir(parents=True)
    (sdir / "story.json").write_text(json.dumps(story, indent=2) + "\n", encoding="utf-8")
    metas = []
    for doc_id, raw in raws.items():
        (sdir / "raw" / f"{doc_id}.txt").write_bytes(raw.encode("utf-8"))
        metas.append({"doc_id": doc_id, "story_id": story["story_id"],
                      "raw_path": f"{story['story_id']}/raw/{doc_id}.txt",
                      "raw_sha256": hashlib.sha256(raw.encode("utf-8")).hexdigest(), "title": None,
                      "outlet": None, "byline": None, "url": None, "published": None, "language": "en",
                      "machine_translated": False, "notes": None, "profile": "default"})
    write_jsonl(sdir / "documents.jsonl", metas)
    docs = {m["doc_id"]: build_document(m, raws[m["doc_id"]]) for m in metas}
    (sdir / "clean").mkdir()
    for doc_id, d in docs.items():
        (sdir / "clean" / f"{doc_id}.txt").write_bytes(d["text"].encode("utf-8"))
    return docs


def find(text: str, surface: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the nth occurrence of `surface` in `text`."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(surface, i + 1)
    return i, i + len(surface)
