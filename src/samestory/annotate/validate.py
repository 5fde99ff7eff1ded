"""The validator: checks the corpus and every annotation file against the declarations in `schema`.

Each record goes through the one record checker (`samestory.schema.check`: types, nullability, label sets,
span offsets and surface strings, references, unique keys) and the rules of its layer's declaration
(`samestory.layers`: NAM mentions do not overlap, fine roles sit under their main role, …), the same code a
system's predictions go through. Every problem is collected with its file, line, field, expected and found
value; nothing stops at the first one. Checks that relate layers to each other are declared in
`samestory.annotate.consistency` and run on valid gold.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from samestory.annotate import actors, consistency, store

from samestory.corpus import store as corpus

from samestory.core import paths

from samestory import layers as layer_api
from samestory import schema
from samestory.core.errors import Problem, SameStoryError
from samestory.schema import CONFIGS, INVENTORIES, LAYERS
from samestory.schema.check import Checker, Context, found as _found, placing_fields

__all__ = ["Checker", "Context", "Report", "check_layer_record", "check_record", "validate"]

NON_MENTION_FIELDS = (
    schema.DOC_ID, *schema.span_fields(),
    schema.S("reason", "Why this alias occurrence is deliberately not a mention."),
)
"""Layout of annotations/<story>/non_mentions.jsonl (not a released config, so declared here)."""


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


def check_layer_record(layer: str, rec: dict, file: Path | str = "<record>", line: int | None = None,
                       partial: bool = False) -> list[Problem]:
    """Problems of one layer record's layout (no references resolved): annotation passes, candidates,
    a system's pre-annotations (partial: only doc_id and span offsets are required)."""
    problems: list[Problem] = []
    fields = CONFIGS[layer].fields
    Checker(file, problems, required=placing_fields(fields) if partial else None).record(fields, rec, line)
    return problems


def check_record(layer: str, rec: dict, ctx: Context, file: Path | str = "<record>",
                 line: int | None = None) -> list[Problem]:
    """Every problem `samestory validate` finds in one layer record of a document (layout, references,
    spans, layer rules, one item per sentence/paragraph/fact/target): the one checker that
    `samestory ls pull` also runs on each annotation before it becomes a pass."""
    problems: list[Problem] = []
    decl = layer_api.get(layer)
    Checker(file, problems).layer(decl.config, rec, line, ctx, decl.rules)
    return problems


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
        rules = layer_api.get(name).rules

        def ctx_for(rec, line, chk):
            doc = story_docs.get(rec.get("doc_id"))
            if doc is None:
                if rec.get("doc_id") not in report.skip_docs:
                    chk.add(line, "doc_id", f"unknown document for story {story_id}",
                            "a doc_id of the story", _found(rec.get("doc_id")))
                return None
            return Context(entities=base.entities, facts=base.facts, targets=base.targets,
                           doc_ids=base.doc_ids, doc=doc, mentions=mention_maps.get(doc["doc_id"]))

        def both(chk, rec, line, ctx, cfg=cfg, rules=rules):
            chk.rules(cfg, rec, line, ctx, rules)
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
