"""The annotations folder: where a story's inventories, gold and pass layer files, non-mentions, exceptions
and adjudication rounds live, and how their rows are read. The one place that knows this layout; validate,
agreement, Label Studio, the baselines' resources, the report and the harness build their paths here.

    annotations/<story>/{entities,fact_inventory,stance_targets}.jsonl   inventories
    annotations/<story>/gold/<layer>.jsonl                               adjudicated gold
    annotations/<story>/passes/<annotator>/<layer>.jsonl                 independent passes
    annotations/<story>/non_mentions.jsonl, exceptions.jsonl             listed exceptions
    annotations/<story>/adjudication/disagreements[_<round>].jsonl       adjudication decisions

An id read from data (story, annotator, layer) is checked (`core.guard`) before it becomes a path.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Collection, Iterable

from samestory import layers as layer_api
from samestory import schema
from samestory.core import guard, paths
from samestory.core.errors import Problem, SameStoryError
from samestory.core.jsonl import read_jsonl
from samestory.schema.check import found

GOLD = "gold"
PASSES = "passes"
NON_MENTIONS = "non_mentions.jsonl"
EXCEPTIONS = "exceptions.jsonl"
ADJUDICATION = Path("adjudication") / "disagreements.jsonl"
"""Machine-readable adjudication decisions (written by `samestory adjudicate`), relative to the story."""
LATER_ADJUDICATION_GLOB = "disagreements_*.jsonl"
"""Later rounds of adjudication (e.g. `disagreements_v1.1.jsonl`) next to ADJUDICATION; in name order
after it, a later round's decision supersedes an earlier one about the same item."""

Rows = list[tuple[int, dict]]
"""(line number, record) of one JSONL file, in file order."""
Inventories = dict[str, list[dict]]
"""inventory config (`schema.INVENTORIES`) → rows: what a story folder (`inventories`) and a release
(`samestory.release.dataset.Release.inventories`) both give. A missing inventory has no key."""


# --- paths --------------------------------------------------------------------------------------------

def story_dir(story_id: str, annotations_dir: Path = paths.ANNOTATIONS) -> Path:
    """annotations/<story_id>/, the id checked first (it becomes a folder name)."""
    return guard.safe_join(Path(annotations_dir), story_id, field="story_id", file=str(annotations_dir))


def inventory_file(story: Path, name: str) -> Path:
    """<story>/<name>.jsonl of an inventory config."""
    if name not in schema.INVENTORIES:
        raise SameStoryError(f"unknown inventory {name!r}", [Problem(str(story), "unknown inventory", field=name,
                                                                     expected=", ".join(schema.INVENTORIES),
                                                                     found=repr(name))])
    return Path(story) / f"{name}.jsonl"


def gold_dir(story: Path) -> Path:
    return Path(story) / GOLD


def passes_dir(story: Path) -> Path:
    return Path(story) / PASSES


def gold_dirs(annotations_dir: Path = paths.ANNOTATIONS) -> list[Path]:
    """Every story's gold folder (annotations/*/gold/), in story order."""
    return sorted(p for p in Path(annotations_dir).glob(f"*/{GOLD}") if p.is_dir())


def pass_dir(passes: Path, annotator: str) -> Path:
    """<passes>/<annotator>/, the annotator name checked first (it comes from an account or a flag)."""
    return guard.safe_join(Path(passes), annotator, field="annotator", file=str(passes))


def layer_file(folder: Path, layer: str) -> Path:
    """<folder>/<layer>.jsonl of a gold, pass or predictions folder."""
    return Path(folder) / f"{guard.check_id(layer, 'layer', str(folder))}.jsonl"


def pass_folders(passes: Path) -> list[Path]:
    """The annotator folders of a passes folder, in name order (hidden ones, e.g. scratch folders, are not
    passes)."""
    passes = Path(passes)
    if not passes.is_dir():
        return []
    return sorted(p for p in passes.iterdir() if p.is_dir() and not p.name.startswith("."))


def declared() -> tuple[str, ...]:
    """Every declared layer's name (built-in and added: `samestory.layers`), in declaration order."""
    return tuple(d.name for d in layer_api.layers())


def layer_files(folder: Path, layers: Iterable[str] | None = None) -> dict[str, Path]:
    """layer → <folder>/<layer>.jsonl for each of `layers` (default: every declared layer) whose file exists,
    in the order given."""
    out = {}
    for layer in layers or declared():
        f = layer_file(folder, layer)
        if f.exists():
            out[layer] = f
    return out


def stray_files(folder: Path, layers: Iterable[str] | None = None) -> list[Path]:
    """Files of a layer folder that are not a `<layer>.jsonl` of `layers`."""
    known = set(layers or declared())
    return [f for f in sorted(Path(folder).iterdir()) if f.is_file() and not (f.suffix == ".jsonl"
                                                                               and f.stem in known)]


def adjudication_files(story: Path) -> list[Path]:
    """Every adjudication file of a story that exists, earliest round first."""
    first = Path(story) / ADJUDICATION
    later = sorted(first.parent.glob(LATER_ADJUDICATION_GLOB)) if first.parent.is_dir() else []
    return [p for p in [first, *later] if p.exists()]


# --- reading ------------------------------------------------------------------------------------------

def missing_file(path: Path, what: str, todo: str) -> SameStoryError:
    """The error for a required file that is not there: names the file, what it is and what to do."""
    return SameStoryError(f"{path}: {what}", [Problem(str(path), "file not found", expected=todo)])


def read_rows(path: Path, what: str | None = None, todo: str = "") -> Rows:
    """(line, record) rows of a JSONL file (`core.jsonl.read_jsonl`: errors name file and line). With
    `what`, the file is required: a missing one is an error saying what it is and `todo`."""
    path = Path(path)
    if what is not None and not path.exists():
        raise missing_file(path, what, todo)
    return list(read_jsonl(path))


def doc_issue(doc_id, seen: dict[str, int], known: Collection[str] | None = None) -> tuple[str, str, str] | None:
    """(message, expected, found) when a record of `doc_id` cannot be taken from a layer file (no doc_id, not a
    string, not one of `known`, or a document `seen` before at the line it maps to), else None. One rule for
    every reader of layer files: gold, passes, pre-annotations, the report's and the harness's predictions."""
    if doc_id is None:
        return "missing field", "a document id", "nothing"
    if not isinstance(doc_id, str) or (known is not None and doc_id not in known):
        some = sorted(k for k in known or () if isinstance(k, str))
        expected = "a document id" if known is None else \
            f"a known document ({', '.join(some[:5])}{' …' if len(some) > 5 else ''})"
        return ("unknown document id" if isinstance(doc_id, str) else "wrong type"), expected, found(doc_id)
    if doc_id in seen:
        return f"duplicate record (first at line {seen[doc_id]})", "one record per document", doc_id
    return None


def records_by_doc(path: Path, known: Collection[str] | None = None, skip_unknown: bool = False,
                   check: Callable[[dict, int], list[Problem]] | None = None) -> tuple[dict[str, dict], list[Problem]]:
    """doc_id → record of a layer file and its problems (`doc_issue`). `check` runs on every record (when it
    reports a record's layout, a missing or mistyped doc_id is left to it). With `skip_unknown`, a record of
    a document outside `known` is left out, not a problem (a folder that also covers other documents)."""
    out: dict[str, dict] = {}
    first: dict[str, int] = {}
    problems: list[Problem] = []
    for line, rec in read_rows(path):
        if check is not None:
            problems += check(rec, line)
        doc_id = rec.get("doc_id")
        issue = doc_issue(doc_id, first, known)
        if issue is None:
            first[doc_id] = line
            out[doc_id] = rec
        elif check is not None and not isinstance(doc_id, str):
            continue
        elif skip_unknown and issue[0] == "unknown document id":
            continue
        else:
            problems.append(Problem(str(path), issue[0], line, "doc_id", issue[1], issue[2]))
    return out, problems


def records(path: Path) -> list[dict]:
    """The records of a JSONL file, without line numbers."""
    return [r for _, r in read_jsonl(Path(path))]


INVENTORY_TODO = "the story's inventory (`samestory story new` creates empty ones; annotators add the rows)"


def inventory_rows(story: Path, name: str, required: bool = False) -> Rows | None:
    """(line, record) rows of one inventory of a story folder; None when the file is missing, unless
    `required` (then an error naming the file)."""
    f = inventory_file(story, name)
    if not f.exists():
        if required:
            raise missing_file(f, "missing inventory", INVENTORY_TODO)
        return None
    return read_rows(f)


def inventory(story: Path, name: str, required: bool = False) -> list[dict] | None:
    """The records of one inventory of a story folder; None when missing (an error when `required`)."""
    rows = inventory_rows(story, name, required)
    return None if rows is None else [r for _, r in rows]


def inventories(story: Path, names: Iterable[str] = schema.INVENTORIES, required: bool = False) -> Inventories:
    """The inventories of a story folder that exist (every one of `names` when `required`)."""
    out: Inventories = {}
    for name in names:
        rows = inventory(story, name, required)
        if rows is not None:
            out[name] = rows
    return out


def read_layers(folder: Path, layers: Iterable[str] | None = None, required: bool = False) -> dict[str, Rows]:
    """layer → (line, record) rows of the layer files of a gold, pass or predictions folder that exist
    (every one of `layers`, default every declared layer, when `required`), in the order of `layers`."""
    out = {}
    for layer in layers or declared():
        f = layer_file(folder, layer)
        if f.exists() or required:
            out[layer] = read_rows(f, "layer file missing" if required else None,
                                   f"{layer}.jsonl in {folder}")
    return out
