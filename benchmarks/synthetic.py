"""Synthetic corpus generator: N documents with annotations of every layer, for the build benchmark.

Documents are grouped in stories of up to 1,000 (as a growing real corpus would be). Texts are
`samestory.eval.synthetic.document`'s sentences of words; each layer's record is its layer's own generator
(`Layer.synthetic`, valid under the layer rules), and the inventories hold the ids those generators point at
(`samestory.layers.synthetic`). The records are random, so the cross-layer consistency checks of `validate`
report findings; the build's cost does not depend on them.

    python benchmarks/synthetic.py 1000 /tmp/synth   # writes /tmp/synth/{corpus,annotations}
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

from samestory import schema
from samestory.eval.synthetic import document, gold
from samestory.layers import synthetic

DOCS_PER_STORY = 1000
PARAGRAPHS = 8
SENTENCES = 3


def generate(n: int, root: Path, seed: int = 0) -> tuple[Path, Path]:
    """Write root/corpus and root/annotations with n documents; return both paths."""
    rng = random.Random(seed)
    corpus, ann = root / "corpus", root / "annotations"
    for story_no in range((n + DOCS_PER_STORY - 1) // DOCS_PER_STORY):
        story = f"synthetic-{story_no:04d}"
        sdir, adir = corpus / story, ann / story
        (sdir / "raw").mkdir(parents=True)
        (sdir / "clean").mkdir()
        (adir / "gold").mkdir(parents=True)
        (sdir / "story.json").write_text(json.dumps({
            "story_id": story, "title": f"Synthetic story {story_no}", "event_date": "2025-05-16",
            "place": "Nowhere", "description": "Generated for benchmarks."}) + "\n", encoding="utf-8")
        metas, layer_lines = [], {name: [] for name in schema.LAYERS}
        for i in range(story_no * DOCS_PER_STORY, min(n, (story_no + 1) * DOCS_PER_STORY)):
            doc_id = f"doc{i:06d}"
            doc = document(rng, doc_id, PARAGRAPHS, SENTENCES, story_id=story)
            layers = gold(rng, doc)
            data = doc["text"].encode("utf-8")
            (sdir / "raw" / f"{doc_id}.txt").write_bytes(data)
            (sdir / "clean" / f"{doc_id}.txt").write_bytes(data)  # nothing to clean in generated text
            metas.append(json.dumps({
                "doc_id": doc_id, "story_id": story, "raw_path": f"{story}/raw/{doc_id}.txt",
                "raw_sha256": hashlib.sha256(data).hexdigest(), "title": None, "outlet": None, "byline": None,
                "url": None, "published": None, "language": "en", "machine_translated": False, "notes": None,
                "profile": "default"}))
            for name, rec in layers.items():
                layer_lines[name].append(json.dumps(rec))
        (sdir / "documents.jsonl").write_text("\n".join(metas) + "\n", encoding="utf-8")
        for name, lines in layer_lines.items():
            (adir / "gold" / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        inv = {"story_id": story}
        (adir / "entities.jsonl").write_text("".join(json.dumps({
            "story_id": story, "entity_id": e, "name": f"Entity {e}", "type": "PER", "aliases": [f"Entity {e}"],
            "description": "Synthetic.", "wikidata": None, "speaks_for": None}) + "\n"
            for e in synthetic.entity_ids(inv)), encoding="utf-8")
        (adir / "fact_inventory.jsonl").write_text("".join(json.dumps({
            "story_id": story, "fact_id": f, "statement": f"Synthetic fact {f}.", "kind": "event"}) + "\n"
            for f in synthetic.fact_ids(inv)), encoding="utf-8")
        (adir / "stance_targets.jsonl").write_text("".join(json.dumps({
            "story_id": story, "target_id": t, "name": t.title(), "definition": "Synthetic target."}) + "\n"
            for t in synthetic.TARGETS), encoding="utf-8")
    return corpus, ann


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of documents")
    ap.add_argument("root", type=Path, help="output folder (must not exist)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    corpus, ann = generate(args.n, args.root, args.seed)
    print(f"{args.n} documents: {corpus} {ann}")


if __name__ == "__main__":
    main()
