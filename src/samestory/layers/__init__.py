"""Stage 1, layers: each annotation layer declared in one module, as a `Layer`: its config (fields, item key,
id prefix: `samestory.schema`), the rules its fields cannot express, its agreement units and a synthetic
generator. Validator, prediction checker, agreement and Label Studio read these declarations; `_MODULES` is
the explicit list.

A new layer is a new module here plus one line in `_MODULES` (docs/DEVELOPING.md has the checklist);
`added(layer)` declares one for the time of a `with` block (tests, experiments)."""
from __future__ import annotations

import contextlib
import importlib
import random
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

from samestory import schema
from samestory.schema.check import Context, Issue

Span = tuple[int, int, Any]
"""(start, end, what must also match) of an agreement span unit."""


def _none(rec: dict) -> Iterable:
    return ()


def _no_rules(rec: dict, ctx: Context) -> Iterable[Issue]:
    return ()


@dataclass(frozen=True)
class Layer:
    """One annotation layer, declared once; every stage reads it instead of keeping its own copy."""

    config: schema.Config
    """Fields, key, item list (`config.items`) and id prefix (`config.id_prefix`): the layout of a record."""
    rules: Callable[[dict, Context], Iterable[Issue]] = _no_rules
    """Per-record rules beyond the field types and labels (overlaps, nesting, duplicate spans, consistency
    within a record, or with the record's `Context`: inventories, document, mentions). The one checker
    (`samestory.schema.check`) runs them on gold, passes, Label Studio pulls and predictions alike; a rule the
    codebook asks of annotations only (completeness, evidence) returns early when `ctx.annotation` is False.
    Records may be malformed (the layout is reported apart): a rule skips what it cannot read."""
    label_units: Callable[[dict], Iterable[tuple[str, tuple, Any]]] = _none
    """(measure, unit key within the document, value) of each label judgement, for agreement."""
    label_measures: Mapping[str, str] = field(default_factory=dict)
    """measure -> unit of analysis, in report order."""
    span_units: Callable[[dict], Mapping[str, list[Span]]] = lambda rec: {}
    """measure -> spans of a record, for strict and partial span agreement."""
    span_measures: Mapping[str, str] = field(default_factory=dict)
    """measure -> what its spans are, in report order."""
    synthetic: Callable[[random.Random, dict], dict] | None = None
    """A random valid record for a document (property tests, benchmarks)."""

    @property
    def name(self) -> str:
        return self.config.name


_MODULES = ("mentions", "entity_frames", "stance", "frames", "bias_sentences", "bias_spans", "facts", "quotes")
"""The built-in layers, in the schema's order."""
_ADDED: dict[str, Layer] = {}


def layers() -> tuple[Layer, ...]:
    """Every declared layer: the built-in ones, then any added."""
    return tuple(importlib.import_module(f"samestory.layers.{m}").LAYER for m in _MODULES) + tuple(_ADDED.values())


def get(name: str) -> Layer:
    for layer in layers():
        if layer.name == name:
            return layer
    raise KeyError(f"unknown layer {name!r}")


@contextlib.contextmanager
def added(layer: Layer) -> Iterator[Layer]:
    """Declare `layer` (and its config in `schema.CONFIGS`) for the time of the block."""
    name = layer.name
    if name in schema.CONFIGS or name in _ADDED:
        raise ValueError(f"layer {name!r} is already declared")
    if layer.config.source != "layer":
        raise ValueError(f"{name}: a layer's config has source 'layer', not {layer.config.source!r}")
    schema.CONFIGS[name] = layer.config
    _ADDED[name] = layer
    try:
        yield layer
    finally:
        _ADDED.pop(name, None)
        schema.CONFIGS.pop(name, None)
