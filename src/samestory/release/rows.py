"""Rows of every config and the byte-for-byte deterministic Parquet files of a release.

`validate` hands over one checked story at a time (documents, inventories, gold layers); `Collector`
turns it into the rows of every config (`story_rows`), writes them through a `ParquetSink` in fixed
row groups, and keeps only the counts the card needs. Every config of `schema.CONFIGS` gets a file,
an empty but typed one when a layer has no annotations yet.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from samestory.schema import features

from samestory.corpus import segment
from samestory.schema import CONFIGS, INVENTORIES, LAYERS

SPLIT = "test"
"""The one split: the dataset is an evaluation benchmark."""

PARQUET_OPTIONS = dict(
    compression="zstd", compression_level=9, use_dictionary=True, write_statistics=True,
    version="2.6", data_page_version="1.0", store_schema=True,
)
"""Fixed writer options: the same rows give the same bytes (with the same pyarrow version)."""
ROWS_PER_GROUP = 2000
"""Rows per Parquet row group; fixed so that chunking never changes the bytes."""


def data_path(config: str) -> str:
    """Relative path of a config's Parquet file inside the release."""
    return f"data/{config}/{SPLIT}-00000-of-00001.parquet"


def _natural(s: str):
    head = s.rstrip("0123456789")
    tail = s[len(head):]
    return (head, int(tail) if tail else -1, s)


def sort_key(config: str):
    """Rows are sorted by the config's key (natural order, so s2 < s10)."""
    key = CONFIGS[config].key

    def k(rec):
        return tuple(_natural(str(rec.get(n))) for n in key)
    return k


def ner_rows(documents: list[dict], mention_records: list[dict]) -> Iterator[dict]:
    """`ner_tokens` rows: one per sentence of every document that has gold mentions; IOB2 tags from
    its NAM mentions, with tokens split at mention edges so glued names ("umerovaccording") align."""
    by_doc = {r["doc_id"]: r for r in mention_records}
    for doc in documents:
        rec = by_doc.get(doc["doc_id"])
        if rec is None:
            continue  # no gold mentions: no NER rows (unannotated is not "no entities")
        text = doc["text"]
        nams = sorted((m["start"], m["end"], m["type"]) for m in rec["mentions"] if m["kind"] == "NAM")
        j = 0
        for sent in doc["sentences"]:
            s0, s1 = sent["start"], sent["end"]
            edges = [x - s0 for a, b, _ in nams if a < s1 and b > s0 for x in (a, b) if s0 < x < s1]
            tokens = [(a + s0, b + s0) for a, b in segment.tokenize(text[s0:s1], boundaries=edges,
                                                                    language=doc["language"])]
            tags, prev = [], None
            for start, end in tokens:
                while j < len(nams) and nams[j][1] <= start:
                    j += 1
                if j < len(nams) and nams[j][0] <= start and end <= nams[j][1]:
                    tags.append(("I-" if prev == j else "B-") + nams[j][2])
                    prev = j
                else:
                    tags.append("O")
                    prev = None
            yield {"id": f"{doc['doc_id']}/{sent['id']}", "doc_id": doc["doc_id"], "sentence_id": sent["id"],
                   "tokens": [text[a:b] for a, b in tokens], "token_starts": [a for a, _ in tokens],
                   "ner_tags": tags}


def story_rows(documents: list[dict], inventories: dict[str, list[dict]],
               layers: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Rows of every config for one story, each sorted by the config's key. A release lists the
    stories in story_id order, each story's rows in key order."""
    out: dict[str, list[dict]] = {}
    out["documents"] = sorted(documents, key=sort_key("documents"))
    mentions = sorted(layers.get("mentions", []), key=sort_key("mentions"))
    out["ner_tokens"] = list(ner_rows(out["documents"], mentions))
    for name in INVENTORIES:
        out[name] = sorted(inventories.get(name, []), key=sort_key(name))
    for name in LAYERS:
        out[name] = sorted(layers.get(name, []), key=sort_key(name))
    missing = set(CONFIGS) - set(out)
    if missing:  # a new config source kind in schema.py needs a builder here
        raise NotImplementedError(f"no rows builder for configs {sorted(missing)}")
    return {name: out[name] for name in CONFIGS}


class ParquetSink:
    """One Parquet file per config, written in fixed-size row groups as stories arrive; a config that
    gets no rows is still written (schema, no row group) when the sink closes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.chunks: dict[str, list[dict]] = {name: [] for name in CONFIGS}

    def add(self, config: str, rows: Iterable[dict]) -> None:
        cfg, chunk = CONFIGS[config], self.chunks[config]
        for rec in rows:
            chunk.append(features.encode_row(cfg, rec))
            if len(chunk) == ROWS_PER_GROUP:
                self._flush(config)

    def _writer(self, config: str) -> pq.ParquetWriter:
        if config not in self.writers:
            path = self.folder / data_path(config)
            path.parent.mkdir(parents=True, exist_ok=True)
            self.writers[config] = pq.ParquetWriter(path, features.arrow_schema(config), **PARQUET_OPTIONS)
        return self.writers[config]

    def _flush(self, config: str) -> None:
        chunk = self.chunks[config]
        if chunk:
            table = pa.Table.from_pylist(chunk, schema=features.arrow_schema(config))
            self._writer(config).write_table(table, row_group_size=ROWS_PER_GROUP)
            chunk.clear()

    def close(self) -> None:
        for config in CONFIGS:
            self._flush(config)
            self._writer(config).close()


DOC_TABLE_LIMIT = 100
"""Up to this many documents the card lists each one; beyond it, one line per story."""


class Collector:
    """Consumes validated stories one at a time: writes their rows (when given a sink) and keeps only
    the counts the card needs, so memory does not grow with the corpus."""

    def __init__(self, sink: ParquetSink | None = None):
        self.sink = sink
        self.rows = {name: 0 for name in CONFIGS}
        self.items = {name: 0 for name in LAYERS}
        self.labels: dict[str, Counter] = {}
        self.docs: list[dict] | None = []
        self.stories: list[dict] = []
        self.story_ids: list[str] = []

    def add_story(self, story_id: str, documents: list[dict], inventories: dict, layers: dict) -> None:
        rows = story_rows(documents, inventories, layers)
        self.story_ids.append(story_id)
        for name, recs in rows.items():
            self.rows[name] += len(recs)
            if self.sink is not None:
                self.sink.add(name, recs)
            if name in self.items:
                self.items[name] += sum(len(r.get(CONFIGS[name].items) or []) for r in recs)
            if CONFIGS[name].source in ("layer", "inventory"):
                count_labels(recs, CONFIGS[name].fields, f"{name}.", self.labels)
        docs = rows["documents"]
        self.stories.append({"story_id": story_id, "documents": len(docs),
                             "machine_translated": sum(d["machine_translated"] for d in docs),
                             "outlet_known": sum(d["outlet"] is not None for d in docs),
                             "byline_known": sum(d["byline"] is not None for d in docs),
                             "characters": sum(len(d["text"]) for d in docs),
                             "paragraphs": sum(len(d["paragraphs"]) for d in docs),
                             "sentences": sum(len(d["sentences"]) for d in docs),
                             "languages": dict(sorted(Counter(d["language"] for d in docs).items())),
                             "translations": sum(d.get("translation_of") is not None for d in docs),
                             "machine_translated_ids": [[d["doc_id"], d["language"]] for d in docs
                                                        if d["machine_translated"]]})
        if self.docs is not None and len(self.docs) + len(docs) > DOC_TABLE_LIMIT:
            self.docs = None
        if self.docs is not None:
            for d in docs:
                self.docs.append({"doc_id": d["doc_id"], "outlet": d["outlet"], "title": d["title"],
                                  "machine_translated": d["machine_translated"], "characters": len(d["text"]),
                                  "paragraphs": len(d["paragraphs"]), "sentences": len(d["sentences"]),
                                  "tokens": len(segment.tokenize(d["text"], language=d["language"]))})

    def stats(self) -> dict:
        return {"rows": dict(self.rows), "items": dict(self.items), "labels": self.labels, "docs": self.docs,
                "stories": self.stories, "story_ids": self.story_ids}


def count_labels(rows: list[dict], fields, prefix: str, out: dict[str, Counter]) -> None:
    """Add the label names used in `rows` to out[dotted field path] (null counted as 'null')."""
    for f in fields:
        path = prefix + f.name
        if f.dtype == "label":
            c = out.setdefault(path, Counter())
            for rec in rows:
                value = rec.get(f.name)
                for v in (value if f.many and isinstance(value, list) else [value]):
                    c["null" if v is None else v] += 1
        elif f.dtype == "struct":
            children = [v for rec in rows for v in ((rec.get(f.name) or []) if f.many else [rec.get(f.name)])
                        if isinstance(v, dict)]
            count_labels(children, f.children, path + "[].", out)
