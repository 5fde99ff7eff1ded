"""Stage 1, layers: each annotation layer declared in one module, as a `Layer`: its config (fields, item key,
id prefix: `samestory.schema`), the rules its fields cannot express, its agreement units, its merge rule and a
synthetic generator. Validator, prediction checker, agreement, adjudication and Label Studio read these
declarations; `_MODULES` is the explicit list.

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
class Merge:
    """How adjudication (`samestory.annotate.agreement.adjudicate`) merges the annotators' records of a layer
    into one candidate: the items of `config.items` are matched across annotators by `key` and each is kept by
    majority; every other field is named once below, so a field the rule forgets is an error, never a silent
    copy. Votes run in the order given (record fields in the config's order), which orders the disagreements."""

    key: tuple[str, ...]
    """Item fields that identify an item across annotators (a span layer's offsets, plus what must match)."""
    voted: tuple[str, ...] = ()
    """Item fields decided by majority."""
    sets: tuple[str, ...] = ()
    """Item list fields decided element by element (after `voted`); a list of spans is compared by offsets."""
    refs: Mapping[str, str] = field(default_factory=dict)
    """set field -> layer whose item ids it lists: compared by those items' keys (a mention's offsets) and
    re-pointed to the candidate's ids; that layer is merged first."""
    carried: Mapping[str, str] = field(default_factory=dict)
    """item field -> voted field: taken from the first annotator whose value of that field is the candidate's."""
    copied: tuple[str, ...] = ()
    """Item fields taken from the first annotator that has the item (a span's text)."""
    ids: bool = False
    """Items carry an `id`: the annotators' ids are kept when unique among the kept items, else renumbered in
    order with the config's `id_prefix` (or the one prefix the annotators used)."""
    record_voted: tuple[str, ...] = ()
    """Record fields (beside the key and the item list) decided by majority."""
    record_sets: tuple[str, ...] = ()
    """Record list fields decided element by element."""

    @property
    def key_name(self) -> str:
        """What an item's key is called in disagreements: `span` for offsets, else the key field."""
        return "span" if self.key[:2] == ("start", "end") else "+".join(self.key)

    def item_key(self, item: dict) -> Any:
        """The item's key: the one field's value, or a tuple of the fields' values."""
        return item[self.key[0]] if len(self.key) == 1 else tuple(item[f] for f in self.key)

    def undeclared(self, config: schema.Config) -> list[str]:
        """Fields of `config` this rule does not say how to merge, and names it gives that are not fields."""
        items = config.field(config.items).children if config.items else ()
        item_names = [f.name for f in items]
        said = [*self.key, *self.voted, *self.sets, *self.carried, *self.copied, *(("id",) if self.ids else ())]
        record_said = [*config.key, *((config.items,) if config.items else ()), *self.record_voted,
                       *self.record_sets]
        out = [f"{config.items}[].{n}" for n in item_names if n not in said]
        out += [n for n in (f.name for f in config.fields) if n not in record_said]
        out += [f"{config.items}[].{n} (not a field)" for n in said if n not in item_names]
        out += [f"{n} (not a field)" for n in record_said if n not in {f.name for f in config.fields}]
        out += [f"{config.items}[].{n} (refs: not in sets)" for n in self.refs if n not in self.sets]
        return out


@dataclass(frozen=True)
class Layer:
    """One annotation layer, declared once; every stage reads it instead of keeping its own copy. A hook a stage
    needs and the layer does not declare (a merge rule, a measure) is an error naming the layer, never a skip."""

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
    """A random record for a documents row (doc_id, story_id, text, paragraphs, sentences), valid under the
    layer's rules; ids it points at come from `samestory.layers.synthetic` (property tests, benchmarks)."""
    merge: Merge | None = None
    """How adjudication merges annotators' records into a candidate; without it, adjudicating the layer is an
    error that says to declare it."""

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
