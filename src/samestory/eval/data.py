"""Gold for the harness, from a gold directory or a built release, as the same normalised records.

Both sources give, per layer config, {doc_id: record} with every declared field present (absent
optional fields become null) and labels as names, plus the `documents` rows the spans point into.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from samestory.core import paths

from samestory import schema
from samestory.core.errors import Problem, SameStoryError
from samestory.annotate import store
from samestory.core.jsonl import read_jsonl
from samestory.schema.records import normalize

UNRELEASED = "unreleased"
"""dataset_version stamped on results scored against a gold directory rather than a release."""


@dataclass
class Gold:
    """Gold layers and the documents they annotate, stamped with where they came from."""

    documents: dict[str, dict]
    layers: dict[str, dict[str, dict]]
    """config → doc_id → normalised record."""
    dataset_version: str
    gold_sha256: str | None
    source: str
    files: dict[str, str] = field(default_factory=dict)
    """config → file the layer was read from (for messages)."""
    refs: dict[str, set[str]] = field(default_factory=dict)
    """ref kind (entity, fact, target) → every id of the inventories; a prediction naming another is an error."""
    entities: dict[str, dict] = field(default_factory=dict)
    """entity_id → entity-table row (its `speaks_for` gives the actor groups of the side metrics)."""


INVENTORY_REFS = {"entity": ("entities", "entity_id"), "fact": ("fact_inventory", "fact_id"),
                  "target": ("stance_targets", "target_id")}
"""Which inventory config and id field a `ref` of schema.py resolves against."""


def inventory_refs(rows_of) -> dict[str, set[str]]:
    """ref kind → ids, from `rows_of(inventory config)` (None when that inventory is not available)."""
    out = {}
    for kind, (config, key) in INVENTORY_REFS.items():
        rows = rows_of(config)
        if rows is not None:
            out[kind] = {r.get(key) for r in rows if isinstance(r.get(key), str)}
    return out


def load_documents_file(path: Path) -> dict[str, dict]:
    """Rows of the `documents` config from a JSONL file (fixtures, or an export of the corpus)."""
    out: dict[str, dict] = {}
    for line, rec in read_jsonl(path):
        if "doc_id" not in rec or "text" not in rec:
            raise SameStoryError(f"{path}:{line}: not a documents row",
                                 [Problem(str(path), "missing field", line=line, field="doc_id/text")])
        out[rec["doc_id"]] = rec
    return out


def load_corpus(corpus: Path | None) -> dict[str, dict]:
    """Documents by doc_id: from a documents JSONL file, a corpus folder, or the checkout's corpus."""
    if corpus is not None and Path(corpus).is_file():
        return load_documents_file(Path(corpus))
    from samestory.corpus.store import load_documents

    return {d["doc_id"]: d for d in load_documents(Path(corpus) if corpus else paths.CORPUS)}


def gold_dir_sha256(gold_dir: Path) -> str:
    """The release manifest's gold_sha256 computed from a gold folder: its layer files and the story's
    inventories, listed as `annotations/<story>/...` exactly as `samestory.release.manifest` lists them."""
    from samestory.release.manifest import hash_listing, sha256_file

    gold_dir = Path(gold_dir)
    story = gold_dir.parent
    listing = {}
    for p in sorted(gold_dir.glob("*.jsonl")):
        listing[f"annotations/{story.name}/{gold_dir.name}/{p.name}"] = sha256_file(p)
    for name in schema.INVENTORIES:
        p = store.inventory_file(story, name)
        if p.exists():
            listing[f"annotations/{story.name}/{p.name}"] = sha256_file(p)
    return hash_listing(listing)


def load_gold_dir(gold_dir: Path, corpus: Path | None = None, configs=schema.LAYERS) -> Gold:
    """Gold layer files `<config>.jsonl` of a folder; a duplicate doc_id or an unknown document is an error."""
    from samestory.core.gc_pause import no_gc

    with no_gc():
        return _load_gold_dir(gold_dir, corpus, configs)


def _load_gold_dir(gold_dir: Path, corpus: Path | None, configs) -> Gold:
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise SameStoryError(f"gold folder {gold_dir} does not exist", [Problem(str(gold_dir), "not a folder")])
    documents = load_corpus(corpus)
    layers, files, problems = {}, {}, []
    for config, path in store.layer_files(gold_dir, configs).items():
        recs, found = store.records_by_doc(path, documents)
        problems += found
        layers[config] = {doc_id: normalize(config, rec) for doc_id, rec in recs.items()}
        files[config] = str(path)
    if problems:
        raise SameStoryError(f"gold in {gold_dir} is not valid", problems)
    inventories = store.inventories(gold_dir.parent)  # the story folder holding this gold folder
    return Gold(documents, layers, UNRELEASED, gold_dir_sha256(gold_dir), str(gold_dir), files,
                inventory_refs(inventories.get), {r["entity_id"]: r for r in inventories.get("entities") or []
                                                  if isinstance(r.get("entity_id"), str)})


def release_dir(release: str, build: Path = paths.BUILD, releases: Path = paths.RELEASES) -> tuple[Path, dict]:
    """The built folder of `release` (e.g. v1.0.0) after checking it against its manifest, and the manifest."""
    from samestory.release.manifest import check_release_dir

    from samestory.core.guard import parse_version, read_json

    version = parse_version(release, "--release")
    folder = check_release_dir(version, build, releases)
    manifest = read_json(Path(releases) / f"v{version}.json", "release manifest")
    return folder, manifest


def load_release(release: str, build: Path = paths.BUILD, releases: Path = paths.RELEASES,
                 configs=schema.LAYERS) -> Gold:
    """Gold of a built release of a checkout (`build/samestory-v<version>`), checked against the
    committed manifest `releases/v<version>.json` and the manifest inside the folder."""
    from samestory.release.dataset import Release

    folder, manifest = release_dir(release, build, releases)
    return gold_of(Release(str(folder), manifest, folder=folder), configs)


def load_dataset_gold(dataset: str | Path, revision: str | None = None, configs=schema.LAYERS, hub=None) -> Gold:
    """Gold of a release folder or Hub dataset id (`--dataset`), checked against its own manifest."""
    from samestory.release.dataset import open_release

    return gold_of(open_release(dataset, revision, hub), configs)


def gold_of(release, configs=schema.LAYERS) -> Gold:
    """The Gold of an opened `samestory.release.dataset.Release`."""
    docs = {d["doc_id"]: d for d in release.documents()}
    layers = {config: {r["doc_id"]: r for r in release.rows(config)} for config in configs}
    where = release.folder if release.folder is not None else release.source
    return Gold(docs, layers, release.dataset_version, release.manifest.get("gold_sha256"), str(where),
                {c: f"{where}/data/{c}" for c in configs}, inventory_refs(release.rows),
                {r["entity_id"]: r for r in release.rows("entities") or [] if isinstance(r.get("entity_id"), str)})
