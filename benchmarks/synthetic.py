"""Synthetic corpus generator: N documents with annotations of every layer, for the build benchmark.

Documents are grouped in stories of up to 1,000 (as a growing real corpus would be). Texts are
`samestory.eval.synthetic.document`'s sentences of words; each layer's record is its layer's own generator
(`Layer.synthetic`, valid under the layer rules), and the inventories hold the ids those generators point at
(`samestory.layers.synthetic`). The layer generators draw each record alone; `relate` and `close_facts` then
adjust them so they agree across layers and documents as every cross-layer check of the codebook asks
(`samestory.annotate.consistency.CHECKS`), so `samestory validate` and `samestory build` pass on the corpus.

    python benchmarks/synthetic.py 1000 /tmp/synth   # writes /tmp/synth/{corpus,annotations}
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from pathlib import Path

from samestory import schema
from samestory.annotate.consistency import LOADED_WORD_TECHNIQUES, DocView
from samestory.eval.synthetic import document, gold
from samestory.layers import synthetic

DOCS_PER_STORY = 1000
PARAGRAPHS = 8
SENTENCES = 3


def relate(rng: random.Random, doc: dict, layers: dict[str, dict]) -> None:
    """Make one document's records agree across layers (in place), as the consistency checks ask."""
    _bias(rng, doc, layers)
    view = DocView(doc, layers)
    _stance_cues(rng, view, layers["stance"])
    _role_evidence(view, layers)
    _fact_evidence(rng, doc, layers["facts"])


def _bias(rng: random.Random, doc: dict, layers: dict[str, dict]) -> None:
    """A technique span lies in a biased sentence (the first it touches turns biased unless one already is);
    a biased sentence without a span gets one inside it; a biased sentence holding a loaded-word
    technique is not factual. Spans are renumbered in text order."""
    text, sentences = doc["text"], doc["sentences"]
    labels = {it["sentence_id"]: it for it in layers["bias_sentences"]["sentences"]}
    spans = layers["bias_spans"]["spans"]
    touched = lambda sp: [s for s in sentences if s["start"] < sp["end"] and sp["start"] < s["end"]]  # noqa: E731
    for sp in spans:
        sents = touched(sp)
        if sents and not any(labels[s["id"]]["label"] == "biased" for s in sents):
            labels[sents[0]["id"]]["label"] = "biased"
    for s in sentences:
        if labels[s["id"]]["label"] == "biased" and not any(sp["start"] < s["end"] and s["start"] < sp["end"]
                                                             for sp in spans):
            a = rng.randrange(s["start"], s["end"] - 1)
            spans.append({"start": a, "end": min(s["end"], a + rng.randint(1, 60)),
                          "technique": rng.choice(schema.TECHNIQUES[:5]), "target_entity_id": None, "polarity": None})
    for sp in spans:
        if sp["technique"] in LOADED_WORD_TECHNIQUES:
            for s in touched(sp):
                if labels[s["id"]]["label"] == "biased" and labels[s["id"]]["opinion"] == "factual":
                    labels[s["id"]]["opinion"] = rng.choice(("opinion", "mixed"))
    cfg, seen, out = schema.CONFIGS["bias_spans"], set(), []
    for sp in sorted(spans, key=lambda sp: (sp["start"], -sp["end"])):
        key = (sp["start"], sp["end"], sp["technique"])
        if key not in seen:
            seen.add(key)
            out.append({"id": cfg.item_id(len(out) + 1), "start": sp["start"], "end": sp["end"],
                        "text": text[sp["start"]:sp["end"]], "technique": sp["technique"],
                        "target_entity_id": sp["target_entity_id"], "polarity": sp["polarity"]})
    layers["bias_spans"]["spans"] = out


def _voiced(view: DocView) -> list[dict]:
    """Sentences a stance or role may rest on: not judged non-biased and factual."""
    return [s for s in view.sentences if not view.neutral_factual(s["id"])]


def _stance_cues(rng: random.Random, view: DocView, rec: dict) -> None:
    """A favor/against stance's note quotes one to three words of a biased or opinion sentence, at a place
    outside every quote (codebook 4); with no such place the stance is neutral."""
    text, voiced = view.doc["text"], _voiced(view)
    for it in rec["stances"]:
        if it["label"] == "neutral":
            continue
        it["label"], it["note"] = "neutral", None
        for _ in range(10 if voiced else 0):
            s = rng.choice(voiced)
            words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text[s["start"]:s["end"]])]
            i = rng.randrange(len(words))
            j = min(len(words), i + rng.randint(1, 3)) - 1
            a, b = s["start"] + words[i][0], s["start"] + words[j][1]
            if not view.in_quote(a, b):
                it["label"], it["note"] = rng.choice(("favor", "against")), f"cue '{text[a:b]}'"
                break


def _role_evidence(view: DocView, layers: dict[str, dict]) -> None:
    """A cast entity's evidence: its mentions inside a quote or touching a biased or opinion sentence."""
    voiced = {s["id"] for s in _voiced(view)}
    for it in layers["entity_frames"]["entities"]:
        it["evidence"] = [] if it["main_role"] == "none" else [
            m["id"] for m in layers["mentions"]["mentions"] if m["entity_id"] == it["entity_id"]
            and (view.in_quote(m["start"], m["end"])
                 or any(s["id"] in voiced for s in view.sentences_of(m["start"], m["end"])))]


def _fact_evidence(rng: random.Random, doc: dict, rec: dict) -> None:
    """A reported fact's evidence is one whole sentence (a clause inside one sentence, codebook 8)."""
    text = doc["text"]
    for it in rec["facts"]:
        it["evidence"] = []
        if it["reported"]:
            s = rng.choice(doc["sentences"])
            it["evidence"] = [{"start": s["start"], "end": s["end"], "text": text[s["start"]:s["end"]]}]


def close_facts(docs: list[dict], facts: list[dict]) -> None:
    """Every place of a story that holds a fact's evidence text is evidence of that fact (reported true):
    codebook 8, every place that states it. Evidence texts are whole sentences, and a generated sentence
    occurs only as a whole sentence (only its first letter is a capital, only its end a full stop), so the
    places are the sentences of the same text."""
    places: dict[str, list[tuple[int, int, int]]] = {}
    for n, doc in enumerate(docs):
        for s in doc["sentences"]:
            places.setdefault(doc["text"][s["start"]:s["end"]], []).append((n, s["start"], s["end"]))
    texts: dict[str, set[str]] = {}
    for rec in facts:
        for it in rec["facts"]:
            texts.setdefault(it["fact_id"], set()).update(e["text"] for e in it["evidence"])
    for fid, ts in texts.items():
        for t in ts:
            if len(places[t]) == 1:
                continue
            for n, a, b in places[t]:
                it = next(it for it in facts[n]["facts"] if it["fact_id"] == fid)
                if not any((e["start"], e["end"]) == (a, b) for e in it["evidence"]):
                    it["reported"] = True
                    it["evidence"] = sorted(it["evidence"] + [{"start": a, "end": b, "text": t}],
                                            key=lambda e: e["start"])


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
        metas, docs, records = [], [], {name: [] for name in schema.LAYERS}
        for i in range(story_no * DOCS_PER_STORY, min(n, (story_no + 1) * DOCS_PER_STORY)):
            doc_id = f"doc{i:06d}"
            doc = document(rng, doc_id, PARAGRAPHS, SENTENCES, story_id=story)
            layers = gold(rng, doc)
            relate(rng, doc, layers)
            docs.append(doc)
            data = doc["text"].encode("utf-8")
            (sdir / "raw" / f"{doc_id}.txt").write_bytes(data)
            (sdir / "clean" / f"{doc_id}.txt").write_bytes(data)  # nothing to clean in generated text
            metas.append(json.dumps({
                "doc_id": doc_id, "story_id": story, "raw_path": f"{story}/raw/{doc_id}.txt",
                "raw_sha256": hashlib.sha256(data).hexdigest(), "title": None, "outlet": None, "byline": None,
                "url": None, "published": None, "language": "en", "machine_translated": False, "notes": None,
                "profile": "default"}))
            for name, rec in layers.items():
                records[name].append(rec)
        close_facts(docs, records["facts"])
        (sdir / "documents.jsonl").write_text("\n".join(metas) + "\n", encoding="utf-8")
        for name, recs in records.items():
            (adir / "gold" / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
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
