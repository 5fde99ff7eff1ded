"""Rows of every config and the byte-for-byte deterministic Parquet files of a release.

The rows come from a passing `validate` report (the build never reads unvalidated input); every
config of `schema.CONFIGS` gets a file, an empty but typed one when a layer has no annotations yet.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from samestory import features, segment
from samestory.schema import CONFIGS, INVENTORIES, LAYERS
from samestory.validate import Report

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
        edges = [x for s, e, _ in nams for x in (s, e)]
        tokens = segment.tokenize(text, boundaries=edges, language=doc["language"])
        tags, j = [], 0
        prev = None
        for start, end in tokens:
            while j < len(nams) and nams[j][1] <= start:
                j += 1
            if j < len(nams) and nams[j][0] <= start and end <= nams[j][1]:
                tags.append(("I-" if prev == j else "B-") + nams[j][2])
                prev = j
            else:
                tags.append("O")
                prev = None
        sentences = doc["sentences"]
        k = 0
        rows = {s["id"]: {"id": f"{doc['doc_id']}/{s['id']}", "doc_id": doc["doc_id"], "sentence_id": s["id"],
                          "tokens": [], "token_starts": [], "ner_tags": []} for s in sentences}
        for (start, end), tag in zip(tokens, tags):
            while k < len(sentences) and sentences[k]["end"] <= start:
                k += 1
            if k == len(sentences) or start < sentences[k]["start"]:
                continue  # between sentences (cannot happen for non-space tokens of segmented text)
            row = rows[sentences[k]["id"]]
            row["tokens"].append(text[start:end])
            row["token_starts"].append(start)
            row["ner_tags"].append(tag)
        yield from (rows[s["id"]] for s in sentences)


def config_rows(report: Report) -> dict[str, list[dict]]:
    """Sorted rows of every config from a validated report."""
    out: dict[str, list[dict]] = {}
    out["documents"] = sorted(report.documents, key=sort_key("documents"))
    mentions = sorted(report.layers["mentions"], key=sort_key("mentions"))
    out["ner_tokens"] = list(ner_rows(out["documents"], mentions))
    for name in INVENTORIES:
        out[name] = sorted(report.inventories[name], key=sort_key(name))
    for name in LAYERS:
        out[name] = sorted(report.layers[name], key=sort_key(name))
    missing = set(CONFIGS) - set(out)
    if missing:  # a new config source kind in schema.py needs a builder here
        raise NotImplementedError(f"no rows builder for configs {sorted(missing)}")
    return {name: out[name] for name in CONFIGS}


def write_parquet(path: Path, config: str, rows: Iterable[dict]) -> int:
    """Write rows in fixed-size row groups; zero rows give a file with the schema and no row group."""
    schema = features.arrow_schema(config)
    cfg = CONFIGS[config]
    path.parent.mkdir(parents=True, exist_ok=True)
    n, chunk = 0, []
    with pq.ParquetWriter(path, schema, **PARQUET_OPTIONS) as writer:
        for rec in rows:
            chunk.append(features.encode_row(cfg, rec))
            if len(chunk) == ROWS_PER_GROUP:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema), row_group_size=ROWS_PER_GROUP)
                n, chunk = n + len(chunk), []
        if chunk:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema), row_group_size=ROWS_PER_GROUP)
            n += len(chunk)
    return n
