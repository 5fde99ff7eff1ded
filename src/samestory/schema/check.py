"""The one record checker: a record against the `Field`s of its config (types, int32, labels, nullability,
unknown and missing fields, list items), then, given a `Context`, against what it points into (span offsets
and surface strings, references, unique item keys), then the rules of its layer. Gold, passes, Label Studio
pulls and a system's prediction files all go through it; a compiled yes/no fast path runs first, so the
slow walk that explains a problem only runs on a record that has one.

Gold and predictions differ in one place each: `required` (which fields a record may omit: none for an
annotation) and `Context.annotation` (an annotation is held to the codebook's completeness rules, a
prediction only to what scoring reads).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Iterable, Mapping

from samestory.core.errors import Problem
from samestory.schema import Config, Field

INT32 = (-(2 ** 31), 2 ** 31 - 1)

Issue = tuple[str, str, str, str]
"""A rule's finding in a record: (where, e.g. `items[2].label`; message; expected; found)."""

KEY_REFS = ("entity", "target", "sentence", "paragraph", "fact")
"""A list item whose first field refers to one of these is keyed by it (one item per entity, sentence, …)."""

ENUMERATED_REFS = ("sentence", "paragraph", "fact", "target")
"""An annotation whose items are keyed by one of these has exactly one item per sentence/paragraph/…"""


def found(value: Any) -> str:
    """A value as a Problem's `found`, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def natural(s: str):
    """Sort key: s2 before s10."""
    head = s.rstrip("0123456789")
    tail = s[len(head):]
    return (head, int(tail) if tail else -1, s)


# --- what references resolve against ---------------------------------------------------------------

@dataclass
class Context:
    """What the references of one record resolve against (inventories, corpus, the record's document) and
    which rules hold. A collection of ids checks references of that kind; None leaves them unchecked."""

    entities: Mapping[str, dict] | Collection[str] | None = field(default_factory=dict)
    """Entity id → entity-table row (or just the ids)."""
    facts: Collection[str] | None = field(default_factory=set)
    targets: Collection[str] | None = field(default_factory=set)
    doc_ids: Collection[str] | None = frozenset()
    """Every doc_id of the corpus (what a `document` reference resolves against)."""
    doc: dict | None = None
    """The record's document: its text (spans), sentences and paragraphs (references)."""
    mentions: Mapping[str, dict] | None = None
    """Mention id → mention of the same document (same gold/pass folder); None when there are none."""
    annotation: bool = True
    """An annotation (gold, a pass, a Label Studio pull) is held to the codebook's completeness rules: one item
    per sentence/paragraph/fact/target, mention references that resolve, unique item ids, the layers' own
    (e.g. evidence for a reported fact). A system's predictions (False) are held to what scoring reads."""
    scope: str = "the story's"
    """Whose inventories these are, for messages."""
    _units: dict = field(default_factory=dict, repr=False, compare=False)

    def at(self, doc: dict | None, mentions: Mapping[str, dict] | None = None) -> "Context":
        """This context moved to another document (one context serves a whole file)."""
        self.doc, self.mentions = doc, mentions
        self._units.clear()
        return self

    def ids(self, ref: str) -> Collection[str] | None:
        """The known ids of a reference kind; None when references of that kind are not checked."""
        if ref == "entity":
            return self.entities
        if ref == "fact":
            return self.facts
        if ref == "target":
            return self.targets
        if ref == "document":
            return self.doc_ids
        if ref == "mention":
            return self.mentions if self.mentions is not None or not self.annotation else ()
        if ref in ("sentence", "paragraph"):
            ids = self._units.get(ref)
            if ids is None:
                units = (self.doc or {}).get(ref + "s")
                ids = self._units[ref] = {u.get("id") for u in units if isinstance(u, dict)} \
                    if isinstance(units, list) else set()
            return ids
        raise ValueError(f"unknown ref kind {ref!r}")

    def scope_of(self, ref: str) -> str:
        """Where ids of a reference kind come from, for messages."""
        return {"entity": f"{self.scope} entity table", "fact": f"{self.scope} fact inventory",
                "target": f"{self.scope} stance targets", "document": "the corpus"}.get(
                    ref, f"the {ref}s of the same document")

    def unresolved(self, ref: str, value: str) -> tuple[str, str] | None:
        """(message, expected) when `value` does not resolve, else None."""
        known = self.ids(ref)
        if known is None or value in known:
            return None
        if ref == "mention" and self.mentions is None:
            return (f"{ref} id cannot be resolved: the document has no {ref}s", f"a {ref} id of the same document")
        some = sorted((k for k in known if isinstance(k, str)), key=natural)
        expected = ("one of " + ", ".join(some)) if 0 < len(some) <= 8 else \
            f"a {ref} id of {self.scope_of(ref)}" + (f" (e.g. {', '.join(some[:5])} …)" if some else "")
        return f"unknown {ref} id: no such {ref} in {self.scope_of(ref)}", expected


# --- the fast path: compiled yes/no --------------------------------------------------------------------

def _fast(f: Field, dotted: str, required: frozenset[str] | None):
    """A quick yes/no check of one field value (None included); the slow walk explains a no."""
    t = f.dtype
    if t == "label":
        labels = frozenset(f.labels)
        one = lambda v: type(v) is str and v in labels  # noqa: E731
    elif t == "string":
        one = lambda v: type(v) is str  # noqa: E731
    elif t == "int32":
        one = lambda v: type(v) is int and INT32[0] <= v <= INT32[1]  # noqa: E731
    elif t == "bool":
        one = lambda v: type(v) is bool  # noqa: E731
    else:
        one = _fast_struct(f.children, dotted + ("[]" if f.many else "") + ".", required)
    nullable = f.nullable
    if f.many:
        unique = t == "label"

        def check(v):
            if v is None:
                return nullable
            if type(v) is not list:
                return False
            for x in v:
                if x is None or not one(x):
                    return False
            return not unique or len(set(v)) == len(v)
        return check
    return lambda v: (nullable if v is None else one(v))  # noqa: E731


def _fast_struct(children, prefix: str, required: frozenset[str] | None):
    names = frozenset(c.name for c in children)
    kids = [(c.name, _fast(c, prefix + c.name, required), required is None or prefix + c.name in required)
            for c in children]

    def check(v):
        if type(v) is not dict or not v.keys() <= names:
            return False
        for name, fn, req in kids:
            if name in v:
                if not fn(v[name]):
                    return False
            elif req:
                return False
        return True
    return check


def placing_fields(fields: tuple[Field, ...], prefix: str = "") -> set[str]:
    """Dotted names of the fields that place a record: doc_id and every span's offsets (what a partial
    record, e.g. a system's pre-annotation, must still have)."""
    out = set()
    for f in fields:
        if f.name == "doc_id" or (f.dtype == "int32" and f.name in ("start", "end")):
            out.add(prefix + f.name)
        if f.dtype == "struct":
            out |= placing_fields(f.children, prefix + f.name + ("[]" if f.many else "") + ".")
    return out


# --- what the fields point into: compiled per struct ----------------------------------------------------

class _Plan:
    """The reference, span and key checks of one struct's fields, compiled once (most fields need none)."""

    def __init__(self, fields: tuple[Field, ...]):
        self.refs = [(f.name, f.ref, f.many) for f in fields if f.ref and f.dtype == "string"]
        self.structs = []
        for f in fields:
            if f.dtype == "struct":
                first = f.children[0] if f.children else None
                keys = (("id",) if any(c.name == "id" for c in f.children) else (),
                        (first.name,) if first is not None and first.ref in KEY_REFS else ())
                self.structs.append((f.name, f.many, f.is_span, plan(f.children), keys))
        self.empty = not self.refs and not self.structs

    def run(self, chk: "Checker", value: dict, line, ctx: Context):
        """Check a whole record (a dict) against what it points into."""
        self.items(chk, [value], line, "", ctx, is_span=False, single=True)

    def run_structs(self, chk: "Checker", value: dict, line, where: str, ctx: Context):
        for name, many, is_span, sub, (id_key, ref_key) in self.structs:
            v = value.get(name)
            if not many:
                if type(v) is dict:
                    sub.items(chk, [v], line, where + name, ctx, is_span, single=True)
                continue
            if type(v) is not list:
                continue
            if is_span or not sub.empty:
                sub.items(chk, v, line, where + name, ctx, is_span)
            for key in (id_key if ctx.annotation else ()) + ref_key:
                seen: dict[str, int] = {}
                for i, it in enumerate(v):
                    k = it.get(key) if type(it) is dict else None
                    if type(k) is str:
                        j = seen.setdefault(k, i)
                        if j != i:
                            chk.add(line, f"{where}{name}[{i}]", f"duplicate item (same {key} as {where}{name}[{j}])",
                                    f"unique {key} within the document", found(k))

    def items(self, chk: "Checker", items: list, line, where: str, ctx: Context, is_span: bool, single=False):
        """Check the items of a list of structs with these fields (the hot loop of a prediction file); `single`:
        `items` is the one value of `where` (a record: where "", or a struct field)."""
        refs = [(n, r, m, known) for n, r, m in self.refs if (known := ctx.ids(r)) is not None]
        text = (ctx.doc or {}).get("text") if is_span else None
        n_text = len(text) if type(text) is str else -1
        structs = self.structs
        for i, item in enumerate(items):
            if type(item) is not dict:
                continue
            at = where if single else None  # the item's path, made only when a problem is reported
            if n_text >= 0:
                s, e = item.get("start"), item.get("end")
                if type(s) is int and type(e) is int:
                    t = item.get("text")
                    if not (0 <= s < e <= n_text) or (type(t) is str and text[s:e] != t):
                        at = f"{where}[{i}]" if at is None else at
                        chk.span(item, line, at, ctx)
            for name, ref, many, known in refs:
                v = item.get(name)
                if v is None:
                    continue
                if not many:
                    if type(v) is str and v not in known:
                        at = f"{where}[{i}]" if at is None else at
                        chk.ref(ref, v, line, _dot(at, name), ctx)
                elif type(v) is list:
                    for j, x in enumerate(v):
                        if type(x) is str and x not in known:
                            at = f"{where}[{i}]" if at is None else at
                            chk.ref(ref, x, line, f"{_dot(at, name)}[{j}]", ctx)
            if structs:
                at = f"{where}[{i}]" if at is None else at
                self.run_structs(chk, item, line, _dot(at, ""), ctx)


def _dot(at: str, name: str) -> str:
    """A field's dotted path below `at` (the record itself when `at` is "")."""
    return f"{at}.{name}" if at else name


_PLANS: dict[int, tuple[tuple, _Plan]] = {}


def plan(fields: tuple[Field, ...]) -> _Plan:
    hit = _PLANS.get(id(fields))
    if hit is None or hit[0] is not fields:
        hit = _PLANS[id(fields)] = (fields, _Plan(fields))
    return hit[1]


def duplicates(items: list, key: Callable[[dict], Any], where: str, what: str = "") -> Iterable[Issue]:
    """An Issue for each item of `items` (at `where`) whose key (None: not keyed) an earlier item has."""
    if not isinstance(items, list):
        return
    seen: dict[Any, int] = {}
    for i, it in enumerate(items):
        k = key(it) if type(it) is dict else None
        if k is None:
            continue
        j = seen.setdefault(k, i)
        if j != i:
            yield (f"{where}[{i}]", f"duplicate item (same {what + ' ' if what else ''}as {where}[{j}])",
                   f"unique {what or 'items'} within the document", found(k))


def span_key(item: dict):
    """(start, end) of a span item with int offsets, else None: a span is marked once."""
    s, e = item.get("start"), item.get("end")
    return (s, e) if type(s) is int and type(e) is int else None


def enumerated(config: Config, rec: dict, ctx: Context) -> Iterable[Issue]:
    """An annotation whose items are keyed by a sentence/paragraph/fact/target (the config's first item
    field says which) has an item for each of them. Predictions may leave units out."""
    if not ctx.annotation or not config.items:
        return
    first = next(iter(config.field(config.items).children), None)
    items = rec.get(config.items)
    if first is None or first.ref not in ENUMERATED_REFS or not isinstance(items, list):
        return
    known = ctx.ids(first.ref)
    if known is None:
        return
    got = {it.get(first.name) for it in items if isinstance(it, dict)}
    missing = sorted((k for k in known if isinstance(k, str) and k not in got), key=natural)
    if missing:
        yield (config.items, f"not every {first.ref} has an item", f"one item per {first.ref}",
               "missing " + ", ".join(missing[:10]) + (" …" if len(missing) > 10 else ""))


# --- the checker -----------------------------------------------------------------------------------------

Rules = Callable[[dict, Context], Iterable[Issue]]


def _kind(f: Field) -> str:
    return {"string": "a string", "int32": "an integer (int32)", "bool": "true/false", "struct": "an object",
            "label": "a label"}[f.dtype]


class Checker:
    """Checks the records of one file and collects Problems naming the file, line and dotted field.

    required: dotted fields (`doc_id`, `items[].label`) a record must have; None (an annotation): all of
    them. limit: stop collecting after this many problems (the first ones are what a user fixes first)."""

    def __init__(self, file, problems: list[Problem] | None = None, required: Iterable[str] | None = None,
                 limit: int | None = None):
        self.file = str(file)
        self.problems = [] if problems is None else problems
        self.required = None if required is None else frozenset(required)
        self.limit = limit
        self._fast: dict[int, tuple[tuple, Callable]] = {}

    @property
    def full(self) -> bool:
        return self.limit is not None and len(self.problems) >= self.limit

    def add(self, line, where, message, expected=None, found=None):
        if self.limit is None or len(self.problems) < self.limit:
            self.problems.append(Problem(self.file, message, line=line, field=where or None,
                                         expected=expected, found=found))

    # --- entry points

    def record(self, fields: tuple[Field, ...], rec: dict, line, ctx: Context | None = None,
               rules: Rules | None = None):
        """Check `rec` against `fields`; given a context, also its references, spans and item keys, and `rules`.
        Without one only the layout is checked (records read without their story)."""
        hit = self._fast.get(id(fields))
        if hit is None or hit[0] is not fields:
            hit = self._fast[id(fields)] = (fields, _fast_struct(fields, "", self.required))
        if not hit[1](rec):
            self.struct(fields, rec, line, "", "")
        if ctx is not None:
            p = plan(fields)
            if not p.empty and type(rec) is dict:
                p.run(self, rec, line, ctx)
            if rules is not None:
                for issue in rules(rec, ctx):
                    self.add(line, *issue)

    def layer(self, config: Config, rec: dict, line, ctx: Context | None = None, rules: Rules | None = None):
        """A layer record: its fields, then (given a context) its layer's rules and one item per enumerated unit."""
        self.record(config.fields, rec, line, ctx)
        if ctx is not None:
            self.rules(config, rec, line, ctx, rules)

    def rules(self, config: Config, rec: dict, line, ctx: Context, rules: Rules | None = None):
        """The layer's rules and the config-driven one item per sentence/paragraph/fact/target."""
        if type(rec) is not dict:
            return
        for issue in (rules(rec, ctx) if rules is not None else ()):
            self.add(line, *issue)
        for issue in enumerated(config, rec, ctx):
            self.add(line, *issue)

    # --- the slow walk that explains a failed fast check

    def struct(self, fields, rec, line, where: str, dotted: str):
        if not isinstance(rec, dict):
            self.add(line, where.rstrip(".") or None, "wrong type", "an object", found(rec))
            return
        declared = {f.name for f in fields}
        for key in rec:
            if key not in declared:
                self.add(line, where + key, "unknown field", "one of " + ", ".join(sorted(declared)), key)
        for f in fields:
            if f.name not in rec:
                if self.required is None or dotted + f.name in self.required:
                    self.add(line, where + f.name, "missing field",
                             _kind(f) + (" list" if f.many else "") + (" or null" if f.nullable else ""), "nothing")
                continue
            self.value(f, rec[f.name], line, where + f.name, dotted + f.name)

    def value(self, f: Field, value: Any, line, where: str, dotted: str):
        if value is None:
            if not f.nullable:
                self.add(line, where, "null where a value is required", _kind(f) + (" list" if f.many else ""), "null")
            return
        if not f.many:
            self.one(f, value, line, where, dotted)
            return
        if not isinstance(value, list):
            self.add(line, where, "expected a list", "a list", found(value))
            return
        for i, item in enumerate(value):
            if item is None:
                self.add(line, f"{where}[{i}]", "null list item", _kind(f), "null")
            else:
                self.one(f, item, line, f"{where}[{i}]", dotted + "[]")
        if f.dtype == "label":
            seen = [v for v in value if isinstance(v, str)]
            if len(set(seen)) != len(seen):
                self.add(line, where, "duplicate label in the list", "each label once", found(value))

    def one(self, f: Field, value: Any, line, where: str, dotted: str):
        t = f.dtype
        if t == "label":
            if not (isinstance(value, str) and value in f.labels):
                self.add(line, where, "unknown label" if isinstance(value, str) else "wrong type",
                         "one of " + ", ".join(f.labels), found(value))
        elif t == "string":
            if not isinstance(value, str):
                self.add(line, where, "wrong type", _kind(f), found(value))
        elif t == "int32":
            if not (isinstance(value, int) and not isinstance(value, bool) and INT32[0] <= value <= INT32[1]):
                self.add(line, where, "wrong type", _kind(f), found(value))
        elif t == "bool":
            if not isinstance(value, bool):
                self.add(line, where, "wrong type", _kind(f), found(value))
        elif t == "struct":
            self.struct(f.children, value, line, where + ".", dotted + ".")
        else:
            raise ValueError(f"unknown dtype {t}")

    # --- against the context

    def ref(self, ref: str, value: str, line, where: str, ctx: Context):
        bad = ctx.unresolved(ref, value)
        if bad is not None:
            self.add(line, where, bad[0], bad[1], found(value))

    def span(self, item: dict, line, where: str, ctx: Context):
        """Offsets inside the document's clean text, start before end, the surface string equal to text[start:end]."""
        text = (ctx.doc or {}).get("text")
        s, e = item.get("start"), item.get("end")
        if type(text) is not str or type(s) is not int or type(e) is not int:
            return
        n = len(text)
        if not 0 <= s < n:
            self.add(line, f"{where}.start", "offsets out of range: start outside the clean text",
                     f"0 <= start < {n} (text length)", f"start={s}, end={e}")
        elif e > n:
            self.add(line, f"{where}.end", "offsets out of range: end beyond the clean text",
                     f"end <= {n} (text length)", f"start={s}, end={e}")
        elif s >= e:
            self.add(line, f"{where}.start", "start >= end", "start < end", f"start={s}, end={e}")
        else:
            t = item.get("text")
            if type(t) is str and text[s:e] != t:
                self.add(line, f"{where}.text", "surface string differs from text[start:end]", found(text[s:e]),
                         found(t))
