"""Hugging Face `Features` of every config, derived from `samestory.schema` (never typed by hand).

Labels become `ClassLabel`s, lists become `datasets.List` (of span structs, strings, labels), so
`load_dataset` returns typed columns. `encode_row` turns a JSON record into the Arrow-ready row.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import pyarrow as pa
from datasets import ClassLabel, Features, List, Value

from samestory.schema import CONFIGS, Config, Field

_VALUES = {"string": "string", "int32": "int32", "bool": "bool"}


def field_feature(f: Field):
    """The datasets feature of one schema field (a List of it when the field is `many`)."""
    if f.dtype == "label":
        inner = ClassLabel(names=list(f.labels))
    elif f.dtype == "struct":
        inner = {c.name: field_feature(c) for c in f.children}
    elif f.dtype in _VALUES:
        inner = Value(_VALUES[f.dtype])
    else:
        raise ValueError(f"field {f.name}: unknown dtype {f.dtype!r}")
    return List(inner) if f.many else inner


@lru_cache(maxsize=None)
def features(config: str) -> Features:
    """Features of the named config, in the schema's field order."""
    cfg = CONFIGS[config]
    return Features({f.name: field_feature(f) for f in cfg.fields})


@lru_cache(maxsize=None)
def arrow_schema(config: str) -> pa.Schema:
    """Arrow schema of the config, carrying the HF features in its metadata (as `datasets` writes it)."""
    return features(config).arrow_schema


def _encode(f: Field, value: Any) -> Any:
    if value is None:
        return None
    if f.many:
        return [_encode_one(f, v) for v in value]
    return _encode_one(f, value)


def _encode_one(f: Field, value: Any) -> Any:
    if value is None:
        return None
    if f.dtype == "label":
        return f.labels.index(value)
    if f.dtype == "struct":
        return {c.name: _encode(c, value.get(c.name)) for c in f.children}
    return value


def encode_row(cfg: Config, record: dict) -> dict:
    """A validated JSON record as an Arrow row: label names become ClassLabel ids, fields in schema order."""
    return {f.name: _encode(f, record.get(f.name)) for f in cfg.fields}


def table(config: str, records: list[dict]) -> pa.Table:
    """An Arrow table of the config from validated records (empty records give an empty, typed table)."""
    cfg = CONFIGS[config]
    schema = arrow_schema(config)
    return pa.Table.from_pylist([encode_row(cfg, r) for r in records], schema=schema)


def yaml_features(config: str) -> list:
    """The `dataset_info.features` list of the README front matter, as `datasets` writes it."""
    from datasets.info import DatasetInfo

    return DatasetInfo(features=features(config))._to_yaml_dict()["features"]
