"""Synthetic corpus generator: N documents with annotations of every layer, valid under `samestory validate`.

Documents are grouped in stories of up to 1,000 (as a growing real corpus would be). Sentences are simple
templates whose boundaries the sentencizer finds unambiguously, so sentence and paragraph ids are known
without running spaCy here; the build's own validation proves they match.

    python benchmarks/synthetic.py 1000 /tmp/synth   # writes /tmp/synth/{corpus,annotations}
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

from samestory import schema

DOCS_PER_STORY = 1000
PARAGRAPHS = 8
SENTENCES = 3
PEOPLE = ["Alden Vorsk", "Mira Tallow", "Oskar Brenn", "Lena Quist", "Tomas Ferro", "Ilse Drummond",
          "Pavel Orsk", "Greta Holm", "Ivo Marlen", "Sanne Ruyter"]
PLACES = ["Norland", "Estavia", "Kelmar", "Vostria", "Pelagonia"]
ORGS = ["Council of Ministers", "Harbour Authority", "Union Assembly"]
FACTS = [f"f{i}" for i in range(1, 6)]
TARGETS = ["norland", "estavia"]


PREFIX = [""]
"""Entity ids are unique within the release, so each story's ids carry its number."""


def _slug(name: str) -> str:
    return PREFIX[0] + name.lower().replace(" ", "_")


def _sentence(rng: random.Random, k: int):
    """(text, [(offset, surface, type)], quote or None, loaded word offset or None) of one sentence."""
    p, g, o = rng.choice(PEOPLE), rng.choice(PLACES), rng.choice(ORGS)
    kind = k % 3
    if kind == 0:
        text = f"{p} met envoys from {g} in round {k // SENTENCES + 1} of the talks."
        ments = [(0, p, "PER"), (text.index(g, len(p)), g, "GPE")]
        return text, ments, None, None
    if kind == 1:
        text = f"The {o} called the plan a sweeping change for {g}."
        ments = [(4, o, "ORG"), (text.index(g, 4 + len(o)), g, "GPE")]
        return text, ments, None, text.index("sweeping")
    text = f"{p} said that \"progress was slow\" after the meeting."
    q = text.index('"') + 1
    return text, [(0, p, "PER")], (q, q + len("progress was slow"), _slug(p)), None


def make_document(rng: random.Random, doc_id: str):
    """Raw text and the gold records of every layer for one synthetic document."""
    paras, sents, mentions, quotes, spans = [], [], [], [], []
    pos = 0
    lines = []
    for pi in range(PARAGRAPHS):
        parts, start = [], pos
        for si in range(SENTENCES):
            text, ments, quote, loaded = _sentence(rng, pi * SENTENCES + si)
            s0 = pos + sum(len(x) + 1 for x in parts)
            sents.append({"id": f"s{len(sents) + 1}", "start": s0, "end": s0 + len(text), "paragraph_id": f"p{pi + 1}"})
            for off, surface, typ in ments:
                mentions.append({"id": f"m{len(mentions) + 1}", "start": s0 + off, "end": s0 + off + len(surface),
                                 "text": surface, "type": typ, "kind": "NAM", "entity_id": _slug(surface)})
            if quote:
                a, b, speaker = quote
                quotes.append({"id": f"q{len(quotes) + 1}", "start": s0 + a, "end": s0 + b,
                               "text": text[a:b], "speaker_entity_id": speaker})
            if loaded is not None:
                spans.append({"id": f"b{len(spans) + 1}", "start": s0 + loaded, "end": s0 + loaded + 8,
                              "text": "sweeping", "technique": "Loaded_Language", "target_entity_id": None,
                              "polarity": None})
            parts.append(text)
        line = " ".join(parts)
        paras.append({"id": f"p{pi + 1}", "start": start, "end": start + len(line)})
        lines.append(line)
        pos += len(line) + 1
    raw = "\n".join(lines)
    framed = sorted({m["entity_id"] for m in mentions})
    first_s = sents[0]
    layers = {
        "mentions": {"doc_id": doc_id, "mentions": mentions},
        "entity_frames": {"doc_id": doc_id, "entities": [
            {"entity_id": e, "main_role": "none", "fine_roles": [], "portrayal": "neutral",
             "evidence": [m["id"] for m in mentions if m["entity_id"] == e]} for e in framed]},
        "stance": {"doc_id": doc_id, "stances": [{"target": t, "label": rng.choice(schema.STANCE_LABELS),
                                                  "note": None} for t in TARGETS]},
        "frames": {"doc_id": doc_id, "frames": ["Political"], "primary_frame": "Political",
                   "paragraphs": [{"paragraph_id": p["id"], "frame": "Political"} for p in paras]},
        "bias_sentences": {"doc_id": doc_id, "sentences": [
            {"sentence_id": s["id"], "label": rng.choice(schema.BIAS_LABELS),
             "opinion": rng.choice(schema.OPINION_LABELS)} for s in sents]},
        "bias_spans": {"doc_id": doc_id, "spans": spans},
        "facts": {"doc_id": doc_id, "facts": [
            {"fact_id": f, "reported": i == 0,
             "evidence": [{"start": first_s["start"], "end": first_s["end"],
                           "text": raw[first_s["start"]:first_s["end"]]}] if i == 0 else []}
            for i, f in enumerate(PREFIX[0] + f for f in FACTS)]},
        "quotes": {"doc_id": doc_id, "quotes": quotes},
    }
    return raw, layers


def generate(n: int, root: Path, seed: int = 0) -> tuple[Path, Path]:
    """Write root/corpus and root/annotations with n documents; return both paths."""
    rng = random.Random(seed)
    corpus, ann = root / "corpus", root / "annotations"
    for story_no in range((n + DOCS_PER_STORY - 1) // DOCS_PER_STORY):
        story = f"synthetic-{story_no:04d}"
        PREFIX[0] = f"s{story_no}_"
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
            raw, layers = make_document(rng, doc_id)
            data = raw.encode("utf-8")
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
        ents = [(p, "PER") for p in PEOPLE] + [(g, "GPE") for g in PLACES] + [(o, "ORG") for o in ORGS]
        (adir / "entities.jsonl").write_text("".join(json.dumps({
            "story_id": story, "entity_id": f"{_slug(name)}", "name": name, "type": typ, "aliases": [name],
            "description": "Synthetic.", "wikidata": None}) + "\n" for name, typ in ents), encoding="utf-8")
        (adir / "fact_inventory.jsonl").write_text("".join(json.dumps({
            "story_id": story, "fact_id": f, "statement": f"Synthetic fact {f}.", "kind": "event"}) + "\n"
            for f in (PREFIX[0] + f for f in FACTS)), encoding="utf-8")
        (adir / "stance_targets.jsonl").write_text("".join(json.dumps({
            "story_id": story, "target_id": t, "name": t.title(), "definition": "Synthetic target."}) + "\n"
            for t in TARGETS), encoding="utf-8")
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
