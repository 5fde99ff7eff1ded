"""Seeded synthetic documents, gold and noisy predictions for every layer (tests and benchmarks).

The gold of each layer is its layer's own generator (`Layer.synthetic`, valid under the layer rules);
predictions are the gold with dropped, shifted, relabelled and spurious items, and still pass the
harness's checks.
"""
from __future__ import annotations

import random

from samestory import layers, schema
from samestory.layers import synthetic

WORDS = ("talks", "delegation", "Istanbul", "ceasefire", "prisoner", "exchange", "minister", "said", "the",
         "Kremlin", "Kyiv", "meeting", "hours", "demands", "peace", "war", "officials", "reported", "and", "on")


def document(rng: random.Random, doc_id: str, n_par: int = 4, sent_per_par: int = 3,
             story_id: str = "synthetic") -> dict:
    """A documents-config row: words in sentences in paragraphs, with offsets."""
    text, paragraphs, sentences = "", [], []
    for p in range(n_par):
        pstart = len(text)
        for _ in range(sent_per_par):
            sstart = len(text)
            words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
            text += " ".join(words).capitalize() + "."
            sentences.append({"id": f"s{len(sentences) + 1}", "start": sstart, "end": len(text),
                              "paragraph_id": f"p{p + 1}"})
            text += " "
        text = text[:-1]
        paragraphs.append({"id": f"p{p + 1}", "start": pstart, "end": len(text)})
        text += "\n\n"
    text = text[:-2]
    return {"doc_id": doc_id, "story_id": story_id, "text": text, "paragraphs": paragraphs,
            "sentences": sentences, "language": "en"}


def gold(rng: random.Random, doc: dict) -> dict[str, dict]:
    """Gold records of every built-in layer for one document, each from its layer's generator."""
    return {c: layers.get(c).synthetic(rng, doc) for c in schema.LAYERS}


def _noisy_span(rng, s, e, n, noise):
    if rng.random() < noise:
        s = max(0, min(e - 1, s + rng.randint(-3, 3)))
        e = min(n, max(s + 1, e + rng.randint(-3, 3)))
    return s, e


def predict(rng: random.Random, doc: dict, g: dict[str, dict], noise: float = 0.3) -> dict[str, dict]:
    """A noisy system's predictions for one document (valid under the harness's checks)."""
    text, n, did = doc["text"], len(doc["text"]), doc["doc_id"]
    entities = synthetic.entity_ids(doc)
    keep = lambda: rng.random() >= noise / 2  # noqa: E731
    out = {}
    ms, taken = [], []
    for m in g["mentions"]["mentions"]:
        if not keep():
            continue
        s, e = _noisy_span(rng, m["start"], m["end"], n, noise)
        kind = m["kind"]
        if kind == "NAM" and any(s < b and a < e for a, b in taken):
            continue
        if kind == "NAM":
            taken.append((s, e))
        if any((x["start"], x["end"]) == (s, e) for x in ms):
            continue
        ms.append({"start": s, "end": e, "type": rng.choice(schema.ENTITY_TYPES) if rng.random() < noise / 2 else m["type"],
                   "kind": kind, "entity_id": rng.choice(entities) if rng.random() < noise / 2 else m["entity_id"]})
    for s, e in synthetic.spans(rng, text, 2):
        if rng.random() < noise and not any(s < b and a < e for a, b in taken) and \
                not any((x["start"], x["end"]) == (s, e) for x in ms):
            taken.append((s, e))
            ms.append({"start": s, "end": e, "type": rng.choice(schema.ENTITY_TYPES), "kind": "NAM", "entity_id": None})
    out["mentions"] = {"doc_id": did, "mentions": ms}
    ents = []
    for it in g["entity_frames"]["entities"]:
        if not keep():
            continue
        it = dict(it)
        if rng.random() < noise:
            main = rng.choice(schema.MAIN_ROLES)
            it["main_role"] = main
            it["fine_roles"] = rng.sample(schema.FINE_ROLES[main], 1) if main != "none" else []
        if rng.random() < noise:
            it["portrayal"] = rng.choice(schema.PORTRAYALS)
        ents.append(it)
    out["entity_frames"] = {"doc_id": did, "entities": ents}
    flip = lambda v, labels: rng.choice(labels) if rng.random() < noise else v  # noqa: E731
    out["stance"] = {"doc_id": did, "stances": [{"target": x["target"], "label": flip(x["label"], schema.STANCE_LABELS)}
                                               for x in g["stance"]["stances"] if keep()]}
    fr = sorted(set(g["frames"]["frames"]) | ({rng.choice(schema.FRAMES)} if rng.random() < noise else set()))
    out["frames"] = {"doc_id": did, "frames": fr, "primary_frame": flip(g["frames"]["primary_frame"], fr),
                     "paragraphs": [{"paragraph_id": p["paragraph_id"], "frame": flip(p["frame"], schema.FRAMES)}
                                    for p in g["frames"]["paragraphs"] if keep()]}
    out["bias_sentences"] = {"doc_id": did, "sentences": [
        {"sentence_id": x["sentence_id"], "label": flip(x["label"], schema.BIAS_LABELS)}
        for x in g["bias_sentences"]["sentences"] if keep()]}
    sp, seen = [], set()
    for x in g["bias_spans"]["spans"]:
        if keep():
            s, e = _noisy_span(rng, x["start"], x["end"], n, noise)
            t = flip(x["technique"], schema.TECHNIQUES[:5])
            if (s, e, t) not in seen:
                seen.add((s, e, t))
                sp.append({"start": s, "end": e, "technique": t})
    out["bias_spans"] = {"doc_id": did, "spans": sp}
    out["facts"] = {"doc_id": did, "facts": [{"fact_id": x["fact_id"], "reported": (not x["reported"]) if rng.random() < noise else x["reported"]}
                                            for x in g["facts"]["facts"] if keep()]}
    qs, seenq = [], set()
    for x in g["quotes"]["quotes"]:
        if keep():
            s, e = _noisy_span(rng, x["start"], x["end"], n, noise)
            if (s, e) not in seenq:
                seenq.add((s, e))
                qs.append({"start": s, "end": e, "speaker_entity_id": flip(x["speaker_entity_id"], entities[:5])})
    out["quotes"] = {"doc_id": did, "quotes": qs}
    return out


def corpus(n_docs: int, seed: int = 0, noise: float = 0.3, **doc_kw):
    """(documents, gold {config: [records]}, predictions {config: [records]}) for n_docs documents."""
    rng = random.Random(seed)
    docs, gl, pr = [], {c: [] for c in schema.LAYERS}, {c: [] for c in schema.LAYERS}
    for i in range(n_docs):
        d = document(rng, f"doc{i:06d}", **doc_kw)
        g = gold(rng, d)
        p = predict(rng, d, g, noise)
        docs.append(d)
        for c in schema.LAYERS:
            gl[c].append(g[c])
            pr[c].append(p[c])
    return docs, gl, pr
