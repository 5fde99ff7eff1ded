"""The validator: checks the corpus and every annotation file against the declarations in `schema`.

Generic checks come from the `Field`s (types, nullability, label sets, span offsets and surface
strings, references, unique keys); a few layer rules that the schema cannot express (NAM mentions do
not overlap, fine roles sit under their main role, …) are listed in `LAYER_RULES`. Every problem is
collected with its file, line, field, expected and found value; nothing stops at the first one. Checks
that relate layers to each other are declared in `samestory.annotate.consistency` and run on valid gold.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from samestory.annotate import actors, consistency, store

from samestory.corpus import store as corpus

from samestory.core import paths

from samestory import layers as layer_api
from samestory import schema
from samestory.core.errors import Problem, SameStoryError
from samestory.layers.entity_frames import allowed_fine_roles, misplaced_fine_roles
from samestory.layers.mentions import name_clashes
from samestory.schema import CONFIGS, INVENTORIES, LAYERS, Config, Field

INT32 = (-(2**31), 2**31 - 1)

NON_MENTION_FIELDS = (
    schema.DOC_ID, *schema.span_fields(),
    schema.S("reason", "Why this alias occurrence is deliberately not a mention."),
)
"""Layout of annotations/<story>/non_mentions.jsonl (not a released config, so declared here)."""

ENUMERATED_REFS = ("sentence", "paragraph", "fact", "target")
"""A layer whose items are keyed by one of these must have exactly one item per sentence/paragraph/…"""


@dataclass
class Context:
    """What references in one record resolve against: the story's inventories and the document."""

    entities: dict[str, dict] = field(default_factory=dict)
    facts: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    doc_ids: set[str] | frozenset = frozenset()
    """Every doc_id of the corpus (what a `document` reference resolves against)."""
    doc: dict | None = None
    mentions: dict[str, dict] | None = None
    """Mention id → mention of the same document (from the same gold/pass folder), None if none exist."""

    def ids(self, ref: str) -> set[str] | None:
        doc = self.doc or {}
        if ref == "entity":
            return self.entities.keys()
        if ref == "fact":
            return self.facts
        if ref == "target":
            return self.targets
        if ref == "document":
            return self.doc_ids
        if ref == "sentence":
            return {s["id"] for s in doc.get("sentences", [])}
        if ref == "paragraph":
            return {p["id"] for p in doc.get("paragraphs", [])}
        if ref == "mention":
            return None if self.mentions is None else set(self.mentions)
        raise ValueError(f"unknown ref kind {ref!r}")


@dataclass
class Report:
    """Everything validation found, plus the loaded data the build uses (so nothing is read twice)."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stories: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)
    inventories: dict[str, list[dict]] = field(default_factory=lambda: {n: [] for n in INVENTORIES})
    layers: dict[str, list[dict]] = field(default_factory=lambda: {n: [] for n in LAYERS})
    """Gold records per layer, in file order (the build sorts them)."""
    inputs: list[Path] = field(default_factory=list)
    """Every file read, for the release manifest."""
    skip_docs: set = field(default_factory=set)
    """Documents whose corpus files are broken (already reported); their annotations are not checked."""
    records: int = 0
    n_documents: int = 0
    cross_layer: list[Problem] = field(default_factory=list)
    """The problems of the cross-layer checks and of exceptions.jsonl (also in `problems`)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_if_problems(self, what: str = "validation") -> None:
        if self.problems:
            raise SameStoryError(f"{what} failed: {len(self.problems)} problem(s)", self.problems)


# --- generic field checks ----------------------------------------------------------------------------

def _type_ok(f: Field, value: Any) -> tuple[bool, str]:
    if f.dtype == "string":
        return isinstance(value, str), "string"
    if f.dtype == "int32":
        ok = isinstance(value, int) and not isinstance(value, bool) and INT32[0] <= value <= INT32[1]
        return ok, "int32"
    if f.dtype == "bool":
        return isinstance(value, bool), "true/false"
    if f.dtype == "label":
        return isinstance(value, str) and value in f.labels, f"one of {', '.join(f.labels)}"
    if f.dtype == "struct":
        return isinstance(value, dict), "an object"
    raise ValueError(f"unknown dtype {f.dtype}")


def _found(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class Checker:
    """Checks records of one file; appends Problems that name the file, line and dotted field path.

    resolve=False checks the layout alone (types, labels, nullability, unknown and missing fields) for
    records read without their story: no references, span texts or unique ids. partial=True lets a
    record omit fields other than doc_id and span offsets, as a system's prediction file does."""

    def __init__(self, file: Path | str, problems: list[Problem], resolve: bool = True, partial: bool = False):
        self.file = str(file)
        self.problems = problems
        self.resolve = resolve
        self.partial = partial

    def add(self, line, where, message, expected=None, found=None):
        self.problems.append(Problem(self.file, message, line=line, field=where or None,
                                     expected=expected, found=found))

    def record(self, fields: tuple[Field, ...], rec: dict, line: int | None, ctx: Context, prefix: str = ""):
        """Check every declared field of `rec` (and reject undeclared ones)."""
        declared = {f.name for f in fields}
        for key in rec:
            if key not in declared:
                self.add(line, prefix + key, "unknown field", "one of " + ", ".join(sorted(declared)), key)
        for f in fields:
            where = prefix + f.name
            if f.name not in rec:
                if not (self.partial and _may_omit(f)):
                    self.add(line, where, "missing field", f.dtype + (" or null" if f.nullable else ""), "nothing")
                continue
            self.value(f, rec[f.name], line, where, ctx)

    def value(self, f: Field, value: Any, line, where: str, ctx: Context):
        if value is None:
            if not f.nullable:
                self.add(line, where, "null where a value is required", f.dtype, "null")
            return
        if f.many:
            if not isinstance(value, list):
                self.add(line, where, "expected a list", "list", _found(value))
                return
            for i, item in enumerate(value):
                if item is None:
                    self.add(line, f"{where}[{i}]", "null list item", f.dtype, "null")
                else:
                    self.one(f, item, line, f"{where}[{i}]", ctx)
            if f.dtype == "struct" and self.resolve:
                self.unique_items(f, value, line, where)
            return
        self.one(f, value, line, where, ctx)

    def one(self, f: Field, value: Any, line, where: str, ctx: Context):
        ok, expected = _type_ok(f, value)
        if not ok:
            message = "unknown label" if f.dtype == "label" and isinstance(value, str) else "wrong type"
            self.add(line, where, message, expected, _found(value))
            return
        if f.dtype == "struct":
            self.record(f.children, value, line, ctx, where + ".")
            if f.is_span and self.resolve:
                self.span(value, line, where, ctx)
        if f.ref and f.dtype == "string" and self.resolve:
            known = ctx.ids(f.ref)
            if known is None:
                self.add(line, where, f"{f.ref} id cannot be resolved: the document has no {f.ref}s",
                         f"a {f.ref} id of the same document", _found(value))
            elif value not in known:
                scope = {"entity": "the story's entity table", "fact": "the story's fact inventory",
                         "target": "the story's stance targets", "document": "the corpus"}.get(
                             f.ref, f"the {f.ref}s of the same document")
                self.add(line, where, f"dangling reference: no such {f.ref} in {scope}",
                         f"a known {f.ref} id", _found(value))

    def span(self, value: dict, line, where: str, ctx: Context):
        text = (ctx.doc or {}).get("text")
        start, end = value.get("start"), value.get("end")
        if text is None or not isinstance(start, int) or not isinstance(end, int):
            return
        if not 0 <= start < end <= len(text):
            self.add(line, where, "span offsets outside the clean text (or empty)",
                     f"0 <= start < end <= {len(text)}", f"start={start}, end={end}")
            return
        if "text" in value and isinstance(value["text"], str) and text[start:end] != value["text"]:
            self.add(line, where + ".text", "surface string differs from text[start:end]",
                     _found(text[start:end]), _found(value["text"]))

    def unique_items(self, f: Field, items: list, line, where: str):
        """Items of a list of structs are keyed by `id`, else by their first reference field."""
        key = next((c for c in f.children if c.name == "id"), None)
        if key is None and f.children and f.children[0].ref and f.children[0].ref != "mention":
            key = f.children[0]
        if key is None:
            return
        seen: dict[Any, int] = {}
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get(key.name), str):
                continue
            k = item[key.name]
            if k in seen:
                self.add(line, f"{where}[{i}].{key.name}", f"duplicate {key.name} (first at item {seen[k]})",
                         "unique within the document", _found(k))
            else:
                seen[k] = i


def _may_omit(f: Field) -> bool:
    """In a partial record every field may be missing but the ones that place it: doc_id, span offsets."""
    return not (f.name == "doc_id" or (f.dtype == "int32" and f.name in ("start", "end")))


def check_layer_record(layer: str, rec: dict, file: Path | str = "<record>", line: int | None = None,
                       partial: bool = False) -> list[Problem]:
    """Problems of one layer record's layout (no references resolved): annotation passes, candidates,
    a system's pre-annotations (partial)."""
    problems: list[Problem] = []
    Checker(file, problems, resolve=False, partial=partial).record(CONFIGS[layer].fields, rec, line, Context())
    return problems


def check_record(layer: str, rec: dict, ctx: Context, file: Path | str = "<record>",
                 line: int | None = None) -> list[Problem]:
    """Every problem `samestory validate` finds in one layer record of a document (layout, references,
    spans, layer rules, one item per sentence/paragraph/fact/target): the one checker that
    `samestory ls pull` also runs on each annotation before it becomes a pass."""
    problems: list[Problem] = []
    chk = Checker(file, problems)
    cfg = CONFIGS[layer]
    chk.record(cfg.fields, rec, line, ctx)
    _layer_rules(layer)(chk, rec, line, ctx)
    _rule_enumerated(cfg, chk, rec, line, ctx)
    return problems


# --- layer rules the schema cannot express --------------------------------------------------------------

def _rule_mentions(chk: Checker, rec: dict, line, ctx: Context):
    """Named mentions never overlap (the rule: `samestory.layers.mentions.name_clashes`)."""
    items = rec.get("mentions") or []
    for i, j in name_clashes(items if isinstance(items, list) else []):
        chk.add(line, f"mentions[{i}]", f"NAM mention overlaps NAM mention mentions[{j}]",
                f"start >= {items[j]['end']}", f"{items[i]['start']}..{items[i]['end']}")


def _rule_entity_frames(chk: Checker, rec: dict, line, ctx: Context):
    """Fine roles belong to the main role; evidence mentions link to the entity; every PER/ORG/GPE
    entity the document mentions has exactly one item."""
    framed = set()
    for i, item in enumerate(rec.get("entities") or []):
        if not isinstance(item, dict):
            continue
        main = item.get("main_role")
        for j, role in misplaced_fine_roles(item):
            chk.add(line, f"entities[{i}].fine_roles[{j}]", f"fine role not under main role {main!r}",
                    "one of " + (", ".join(allowed_fine_roles(main)) or "nothing (main_role none)"), _found(role))
        eid = item.get("entity_id")
        framed.add(eid)
        if eid in ctx.entities and ctx.entities[eid].get("type") not in schema.FRAMED_TYPES:
            chk.add(line, f"entities[{i}].entity_id", "entity frames are for PER, ORG and GPE entities",
                    "PER, ORG or GPE", ctx.entities[eid].get("type"))
        for j, mid in enumerate(item.get("evidence") or []):
            m = (ctx.mentions or {}).get(mid)
            if m is not None and m.get("entity_id") != eid:
                chk.add(line, f"entities[{i}].evidence[{j}]", "evidence mention links to another entity",
                        _found(eid), _found(m.get("entity_id")))
    if ctx.mentions is not None:
        mentioned = {m.get("entity_id") for m in ctx.mentions.values()
                     if ctx.entities.get(m.get("entity_id"), {}).get("type") in schema.FRAMED_TYPES}
        for eid in sorted(mentioned - framed):
            chk.add(line, "entities", "a PER/ORG/GPE entity mentioned in the document has no frame item",
                    _found(eid), "no item")


def _rule_frames(chk: Checker, rec: dict, line, ctx: Context):
    """The primary frame is one of the document's frames."""
    frames, primary = rec.get("frames"), rec.get("primary_frame")
    if isinstance(frames, list) and primary is not None and primary not in frames:
        chk.add(line, "primary_frame", "primary frame is not among the document's frames",
                "one of " + ", ".join(map(str, frames)), _found(primary))


def _rule_facts(chk: Checker, rec: dict, line, ctx: Context):
    """A reported fact has evidence, never the same span twice; an unreported one has none."""
    for i, item in enumerate(rec.get("facts") or []):
        if not isinstance(item, dict):
            continue
        seen: dict[tuple, int] = {}
        for j, ev in enumerate(item.get("evidence") or []):
            if isinstance(ev, dict):
                k = (ev.get("start"), ev.get("end"))
                if k in seen:
                    chk.add(line, f"facts[{i}].evidence[{j}]", f"duplicate evidence span (first at evidence[{seen[k]}])",
                            "each span once", f"{k[0]}..{k[1]}")
                seen.setdefault(k, j)
        if not isinstance(item.get("reported"), bool):
            continue
        n = len(item.get("evidence") or [])
        if item["reported"] and n == 0:
            chk.add(line, f"facts[{i}].evidence", "reported fact without evidence", "at least one span", "none")
        if not item["reported"] and n:
            chk.add(line, f"facts[{i}].evidence", "unreported fact with evidence", "no spans", f"{n} span(s)")


LAYER_RULES: dict[str, Callable[[Checker, dict, Any, Context], None]] = {
    "mentions": _rule_mentions,
    "entity_frames": _rule_entity_frames,
    "frames": _rule_frames,
    "facts": _rule_facts,
}


def _layer_rules(layer: str) -> Callable[[Checker, dict, Any, Context], None]:
    """The rules of a layer: the validator's own that need the story's context (LAYER_RULES), then the
    record rules its declaration carries (`samestory.layers`)."""
    own, declared = LAYER_RULES.get(layer), layer_api.get(layer).rules

    def run(chk: Checker, rec: dict, line, ctx: Context):
        if own:
            own(chk, rec, line, ctx)
        for where, message, expected, found in declared(rec):
            chk.add(line, where, message, expected, found)
    return run


def _rule_enumerated(cfg: Config, chk: Checker, rec: dict, line, ctx: Context):
    """Items keyed by a sentence/paragraph/fact/target cover every one of them exactly once."""
    items = cfg.field(cfg.items)
    first = items.children[0] if items.children else None
    if not first or first.ref not in ENUMERATED_REFS or not isinstance(rec.get(cfg.items), list):
        return
    got = {it.get(first.name) for it in rec[cfg.items] if isinstance(it, dict)}
    missing = sorted(ctx.ids(first.ref) - got, key=_natural)
    if missing:
        chk.add(line, cfg.items, f"not every {first.ref} has an item",
                f"one item per {first.ref}", "missing " + ", ".join(missing[:10])
                + (" …" if len(missing) > 10 else ""))


def _natural(s: str):
    head = s.rstrip("0123456789")
    tail = s[len(head):]
    return (head, int(tail) if tail else -1, s)


# --- the whole check ---------------------------------------------------------------------------------

def _read(path: Path, problems: list[Problem]) -> store.Rows:
    """The file's rows; its problems (bad JSON, …) are collected, not raised."""
    try:
        return store.read_rows(path)
    except SameStoryError as exc:
        problems.extend(exc.problems or [Problem(str(path), str(exc))])
        return []


def _check_config_file(cfg_fields, rows, path, problems, ctx_for, key=None, rule=None):
    """Check (line, record) rows of one file; `ctx_for(rec)` gives the record's Context (None = skip)."""
    chk = Checker(path, problems)
    seen: dict[tuple, int] = {}
    for line, rec in rows:
        ctx = ctx_for(rec, line, chk)
        if ctx is None:
            continue
        chk.record(cfg_fields, rec, line, ctx)
        if rule:
            rule(chk, rec, line, ctx)
        if key:
            k = tuple(rec.get(n) for n in key)
            if k in seen:
                chk.add(line, ",".join(key), f"duplicate {'/'.join(key)} (first at line {seen[k]})",
                        "unique", _found(k if len(k) > 1 else k[0]))
            else:
                seen[k] = line


StoryCallback = Callable[[str, list, dict, dict], None]
"""on_story(story_id, documents, inventories {name: rows}, gold layers {name: rows}), once per story."""


def validate(corpus_dir: Path = paths.CORPUS, annotations_dir: Path = paths.ANNOTATIONS,
             progress: bool = False, keep: bool = True, on_story: StoryCallback | None = None) -> Report:
    """Check the corpus and whatever annotations exist, story by story; return every problem.

    keep: also return the loaded rows (documents, gold layers); a large build passes keep=False and
    consumes each story in `on_story` instead, so memory does not grow with the corpus."""
    from tqdm import tqdm

    corpus_dir, annotations_dir = Path(corpus_dir), Path(annotations_dir)
    report = Report()
    P = report.problems
    try:
        report.stories = corpus.load_stories(corpus_dir)
    except SameStoryError as exc:
        P.extend(exc.problems or [Problem(str(corpus_dir), str(exc))])
    story_ids = {s["story_id"] for s in report.stories}
    by_story: dict[str, list] = defaultdict(list)
    try:
        for f, line, meta in corpus.load_metadata(corpus_dir):
            by_story[meta.get("story_id")].append((f, line, meta))
    except SameStoryError as exc:
        P.extend(exc.problems or [Problem(str(corpus_dir), str(exc))])
    doc_ids = frozenset(m.get("doc_id") for rows in by_story.values() for _, _, m in rows)
    for sid, rows in sorted(by_story.items(), key=lambda kv: str(kv[0])):
        if sid not in story_ids:
            for f, line, meta in rows:
                P.append(Problem(str(f), "document belongs to no story (no corpus/<story>/story.json)", line=line,
                                 field="story_id", expected="one of " + ", ".join(sorted(story_ids)),
                                 found=_found(sid)))
    report.inputs += _corpus_inputs(corpus_dir)
    if annotations_dir.exists():
        for d in sorted(p for p in annotations_dir.iterdir() if p.is_dir()):
            if d.name not in story_ids and _looks_like_story(d):
                P.append(Problem(str(d), "annotations for an unknown story", expected="one of "
                                 + ", ".join(sorted(story_ids)), found=d.name))
    if not doc_ids:
        report.notes.append(f"no documents found under {corpus_dir}")
    seen: dict[str, str] = {}
    doc_cfg = CONFIGS["documents"]
    for story in tqdm(report.stories, desc="validate", unit="story", disable=not progress):
        sid = story["story_id"]
        metas = by_story.pop(sid, [])
        P.extend(corpus.check_translations(metas))
        docs, broken = corpus.load_rows(corpus_dir, metas, seen, P)
        for doc_id in sorted(b for b in broken if b):
            report.notes.append(f"annotations of {doc_id} not checked: its corpus files have problems")
        chk = Checker(corpus_dir, P)
        for d in docs:
            chk.file = str(corpus_dir / sid / "documents.jsonl") + f" (doc {d['doc_id']})"
            chk.record(doc_cfg.fields, d, None, Context(doc_ids=doc_ids, doc=d))
        n_inv = {name: len(report.inventories[name]) for name in INVENTORIES}
        layers = _validate_story(sid, annotations_dir, {d["doc_id"]: d for d in docs}, doc_ids, report,
                                 broken)
        report.n_documents += len(docs)
        if on_story is not None and not P:  # once anything is wrong the build fails: stop feeding it
            on_story(sid, docs, {name: report.inventories[name][n_inv[name]:] for name in INVENTORIES}, layers)
        if keep:
            report.documents += docs
            for name in LAYERS:
                report.layers[name] += layers[name]
    report.documents.sort(key=lambda r: r["doc_id"])
    _check_release_keys(report, annotations_dir)
    return report


def _looks_like_story(folder: Path) -> bool:
    """A folder holding story annotation files (tool folders such as annotations/labelstudio do not)."""
    names = [store.inventory_file(folder, n) for n in INVENTORIES] + [
        store.gold_dir(folder), store.passes_dir(folder), folder / store.NON_MENTIONS, folder / "agreement.json"]
    return any(n.exists() for n in names)


def _check_release_keys(report: Report, annotations_dir: Path) -> None:
    """Inventory keys are unique across the whole release, not only within one story's file."""
    for name in INVENTORIES:
        key = CONFIGS[name].key
        first: dict[tuple, str] = {}
        for rec in report.inventories[name]:
            k = tuple(rec.get(n) for n in key)
            story = rec.get("story_id")
            if k in first and first[k] != story:
                report.problems.append(Problem(
                    str(store.inventory_file(Path(annotations_dir) / str(story), name)),
                    f"{'/'.join(key)} also used by story {first[k]}; it must be unique in the release",
                    field=",".join(key), expected="unique", found=_found(k if len(k) > 1 else k[0])))
            first.setdefault(k, story)


def _corpus_inputs(corpus_dir: Path) -> list[Path]:
    out = []
    for d in corpus.story_dirs(corpus_dir):
        out += [p for p in sorted(d.rglob("*")) if p.is_file()]
    return out


def _validate_story(story_id: str, annotations_dir: Path, story_docs: dict[str, dict], doc_ids, report: Report,
                    broken: set = frozenset()) -> dict[str, list[dict]]:
    """Check one story's inventories, gold layers, passes and completeness; return its gold layer rows."""
    P = report.problems
    try:
        sdir = store.story_dir(story_id, annotations_dir)
    except SameStoryError as exc:  # the corpus check reports the folder name; its annotations are not read
        P.extend(exc.problems)
        return {name: [] for name in LAYERS}
    ctx0 = Context(doc_ids=doc_ids)
    report.skip_docs = set(broken)
    # inventories
    for name in INVENTORIES:
        path = store.inventory_file(sdir, name)
        if not path.exists():
            report.notes.append(f"{story_id}: no {name} yet ({path})")
            continue
        report.inputs.append(path)
        rows = _read(path, P)

        own = {r["entity_id"]: r for _, r in rows if name == "entities" and isinstance(r, dict)
               and r.get("story_id") == story_id and isinstance(r.get("entity_id"), str)}
        ctx_inv = Context(entities=own, doc_ids=doc_ids) if own else ctx0

        def inv_ctx(rec, line, chk, path=path, ctx_inv=ctx_inv):
            if rec.get("story_id") != story_id:
                chk.add(line, "story_id", "record belongs to another story", story_id, _found(rec.get("story_id")))
            return ctx_inv
        cfg = CONFIGS[name]
        _check_config_file(cfg.fields, rows, path, P, inv_ctx, key=cfg.key)
        if own:
            lines = {r.get("entity_id"): line for line, r in rows if isinstance(r, dict)}
            P.extend(Problem(str(path), msg, line=lines.get(eid), field="speaks_for",
                             expected="a chain that ends at an entity with speaks_for null", found=found)
                     for eid, msg, found in actors.speaks_for_problems(own))
        report.inventories[name] += [r for _, r in rows]
        report.records += len(rows)
    inv = report.inventories
    base = Context(
        entities={e["entity_id"]: e for e in inv["entities"]
                  if e.get("story_id") == story_id and isinstance(e.get("entity_id"), str)},
        facts={f["fact_id"] for f in inv["fact_inventory"] if f.get("story_id") == story_id},
        targets={t["target_id"] for t in inv["stance_targets"] if t.get("story_id") == story_id},
        doc_ids=doc_ids,
    )
    # gold layers and passes
    before = len(P)
    gold_mentions, gold_rows, gold_read = _validate_layers(store.gold_dir(sdir), story_id, story_docs, base, report,
                                                           gold=True)
    if len(P) == before:
        _validate_consistency(sdir, story_id, story_docs, base, gold_read, report)
    elif gold_read:
        report.notes.append(f"{story_id}: cross-layer checks not run (fix the problems of its gold layers first)")
    for adir in store.pass_folders(store.passes_dir(sdir)):
        _validate_layers(adir, story_id, story_docs, base, report, gold=False, gold_mentions=gold_mentions)
    _validate_completeness(sdir, story_id, story_docs, base, gold_mentions, report)
    return gold_rows


def _validate_consistency(sdir: Path, story_id, story_docs, base: Context, gold_read, report: Report):
    """The declared cross-layer checks (`samestory.annotate.consistency`) on the story's valid gold, minus the
    reasoned exceptions of annotations/<story>/exceptions.jsonl."""
    P = report.problems
    if not gold_read:
        return
    exceptions = []
    rounds = []
    for adj_path in store.adjudication_files(sdir):
        report.inputs.append(adj_path)
        rounds.append(_read(adj_path, P))
    adjudication = consistency.merge_rounds(rounds)
    exc_path = sdir / store.EXCEPTIONS
    if exc_path.exists():
        report.inputs.append(exc_path)
        exceptions = _read(exc_path, P)
    gold = {name: consistency.GoldFile(path, rows) for name, (path, rows) in gold_read.items()}
    inventories = {"entity": set(base.entities), "fact": set(base.facts), "target": set(base.targets)}
    found = consistency.check_story(sdir, story_docs, gold, adjudication, exceptions, inventories)
    P += found
    report.cross_layer += found


def _validate_layers(folder: Path, story_id, story_docs, base: Context, report: Report, gold: bool,
                     gold_mentions: dict[str, dict[str, dict]] | None = None):
    """Check every <layer>.jsonl in a gold or pass folder; return (doc_id → mention id → mention,
    layer → records, layer → (path, (line, record) rows)). A pass without its own mentions.jsonl points
    its entity_frames evidence at the gold mentions (`gold_mentions`)."""
    P = report.problems
    out: dict[str, list[dict]] = {name: [] for name in LAYERS}
    if not folder.exists():
        if gold:
            report.notes.append(f"{story_id}: no gold annotations yet ({folder})")
        return {}, out, {}
    for f in store.stray_files(folder, LAYERS):
        P.append(Problem(str(f), "unknown file in a layer folder",
                         expected="<layer>.jsonl with layer one of " + ", ".join(LAYERS), found=f.name))
    read = {}
    for name, path in store.layer_files(folder, LAYERS).items():
        read[name] = (path, _read(path, P))
        if gold:
            report.inputs.append(path)
    mention_maps: dict[str, dict[str, dict]] = {}
    for line, rec in read.get("mentions", (None, []))[1]:
        if isinstance(rec.get("mentions"), list):
            mention_maps[rec.get("doc_id")] = {m["id"]: m for m in rec["mentions"]
                                               if isinstance(m, dict) and isinstance(m.get("id"), str)}
    if "mentions" not in read and gold_mentions:
        mention_maps = gold_mentions
    for name in LAYERS:
        if name not in read:
            if gold:
                report.notes.append(f"{story_id}: gold layer {name} has no annotations yet")
            continue
        path, rows = read[name]
        cfg = CONFIGS[name]
        rule = _layer_rules(name)

        def ctx_for(rec, line, chk):
            doc = story_docs.get(rec.get("doc_id"))
            if doc is None:
                if rec.get("doc_id") not in report.skip_docs:
                    chk.add(line, "doc_id", f"unknown document for story {story_id}",
                            "a doc_id of the story", _found(rec.get("doc_id")))
                return None
            return Context(entities=base.entities, facts=base.facts, targets=base.targets,
                           doc_ids=base.doc_ids, doc=doc, mentions=mention_maps.get(doc["doc_id"]))

        def both(chk, rec, line, ctx, cfg=cfg, rule=rule):
            rule(chk, rec, line, ctx)
            _rule_enumerated(cfg, chk, rec, line, ctx)
        _check_config_file(cfg.fields, rows, path, P, ctx_for, key=cfg.key, rule=both)
        report.records += len(rows)
        have = {r.get("doc_id") for _, r in rows}
        missing = sorted(set(story_docs) - have - report.skip_docs)
        if missing:
            msg = f"{path}: no record for " + ", ".join(missing)
            if gold:
                P.append(Problem(str(path), "layer does not cover every document of the story",
                                 expected="one record per document", found="missing " + ", ".join(missing)))
            else:
                report.notes.append(msg)
        out[name] = [r for _, r in rows]
    return mention_maps, out, read


def _validate_completeness(sdir: Path, story_id, story_docs, base: Context, gold_mentions, report: Report):
    """Every occurrence of an entity-table alias is covered by a mention or is a listed non-mention."""
    P = report.problems
    path = sdir / store.NON_MENTIONS
    excused: dict[str, list[tuple[int, int]]] = defaultdict(list)
    if path.exists():
        report.inputs.append(path)
        rows = _read(path, P)

        def ctx_for(rec, line, chk):
            doc = story_docs.get(rec.get("doc_id"))
            if doc is None:
                if rec.get("doc_id") not in report.skip_docs:
                    chk.add(line, "doc_id", f"unknown document for story {story_id}", "a doc_id of the story",
                            _found(rec.get("doc_id")))
                return None
            return Context(doc_ids=base.doc_ids, doc=doc)
        _check_config_file(NON_MENTION_FIELDS, rows, path, P, ctx_for)
        chk = Checker(path, P)
        for line, rec in rows:
            if isinstance(rec.get("reason"), str) and not rec["reason"].strip():
                chk.add(line, "reason", "a non-mention needs a reason", "a non-empty reason", "''")
            if isinstance(rec.get("start"), int) and isinstance(rec.get("end"), int):
                excused[rec.get("doc_id")].append((rec["start"], rec["end"]))
    aliases = sorted({a for e in base.entities.values() for a in (e.get("aliases") or [])
                      if isinstance(a, str) and a})
    if not aliases:
        report.notes.append(f"{story_id}: completeness not checked (no entity table with aliases yet)")
        return
    for doc_id, doc in sorted(story_docs.items()):
        if doc_id not in gold_mentions:
            report.notes.append(f"{story_id}: completeness not checked for {doc_id} (no gold mentions yet)")
            continue
        mentions = [m for m in gold_mentions[doc_id].values()
                    if isinstance(m.get("start"), int) and isinstance(m.get("end"), int)]
        for start, end, alias in alias_occurrences(doc["text"], aliases):
            if covered(start, end, mentions, excused.get(doc_id, [])):
                continue
            P.append(Problem(str(store.layer_file(store.gold_dir(sdir), "mentions")),
                             f"alias occurrence in {doc_id} is neither a mention nor a listed non-mention",
                             field="mentions", expected=f"a mention covering {start}..{end} or a row in "
                             f"{path.name}", found=f"{alias!r} at {start}..{end}"))


def alias_occurrences(text: str, aliases: list[str]) -> list[tuple[int, int, str]]:
    """Every (start, end, alias) where an alias occurs, case-sensitive, glued forms included."""
    out = []
    for alias in aliases:
        i = text.find(alias)
        while i != -1:
            out.append((i, i + len(alias), alias))
            i = text.find(alias, i + 1)
    return sorted(out)


def covered(start: int, end: int, mentions: list[dict], excused: list[tuple[int, int]]) -> bool:
    """A NAM mention contains the occurrence, a NOM mention has exactly its span, or a non-mention
    contains it."""
    for m in mentions:
        if m.get("kind") == "NAM" and m["start"] <= start and end <= m["end"]:
            return True
        if m["start"] == start and m["end"] == end:
            return True
    return any(a <= start and end <= b for a, b in excused)
