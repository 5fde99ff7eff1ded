"""What a release folder holds and the record of it: the file names of the layout, sha256 of files and
listings, SHA256SUMS, the manifest (`releases/v<version>.json`, and `manifest.json` inside the folder), how
two manifests differ, and the check of a folder against its manifest."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow

from samestory import schema
from samestory.core import guard, paths
from samestory.core.errors import Problem, SameStoryError
from samestory.schema import CONFIGS

CHECKSUMS = "SHA256SUMS"
"""Checksum manifest inside the release, in `sha256sum -c` format."""
MANIFEST = "manifest.json"
"""The release manifest, inside the release folder too, so the folder (or its Hub copy) checks itself.
It cannot list its own hash: `files` names every other file."""
SCHEMAS = "schemas"
"""The folder of the prediction files' JSON Schemas, one `<task>.schema.json` per task."""
STORIES = "stories.jsonl"
"""Story metadata (title, date, place, description), one story per line: what the report shows."""
LAYOUT = 2
"""What a release folder holds. 1: Parquet configs, card, schemas. 2: also the codebook and the stories,
so a folder is enough to predict, score and report. A released version is rebuilt in the layout its
committed manifest records (no `layout` key: 1), so it stays byte-identical."""


def release_name(version: str) -> str:
    return f"samestory-v{version}"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def hash_listing(listing: dict[str, str]) -> str:
    return hashlib.sha256("".join(f"{k}\t{v}\n" for k, v in sorted(listing.items())).encode()).hexdigest()


def write_checksums(folder: Path) -> dict[str, str]:
    """Write SHA256SUMS for every file of the folder; return every file's sha256 (SHA256SUMS included)."""
    files = {p.relative_to(folder).as_posix(): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}
    (folder / CHECKSUMS).write_text("".join(f"{h}  {n}\n" for n, h in sorted(files.items())), encoding="utf-8")
    files[CHECKSUMS] = sha256_file(folder / CHECKSUMS)
    return dict(sorted(files.items()))


def make_manifest(version: str, files: dict[str, str], inputs: dict[str, str], counts: dict[str, int],
                  layout: int = LAYOUT) -> dict:
    """The committed record of a release: what went in, what came out, with which versions."""
    gold = {k: v for k, v in inputs.items()
            if k.startswith("annotations/") and ("/gold/" in k or any(k.endswith(f"/{n}.jsonl")
                                                                      for n in schema.INVENTORIES))}
    return {
        "dataset_version": version,
        **({"layout": layout} if layout > 1 else {}),
        "schema_version": schema.SCHEMA_VERSION,
        "gold_sha256": hash_listing(gold) if gold else None,
        "rows": {name: counts[name] for name in CONFIGS},
        "inputs": dict(sorted(inputs.items())),
        "files": files,
        "build_env": {"pyarrow": pyarrow.__version__},
    }


def comparable(manifest: dict) -> dict:
    return {k: v for k, v in manifest.items() if k != "build_env"}


def diff(old: dict, new: dict) -> list[Problem]:
    out = []
    for section in ("inputs", "files"):
        a, b = old.get(section, {}), new.get(section, {})
        for name in sorted(set(a) | set(b)):
            if a.get(name) != b.get(name):
                out.append(Problem(section, "differs from the released version", field=name,
                                   expected=a.get(name, "absent"), found=b.get(name, "absent")))
    for key in ("layout", "schema_version", "gold_sha256", "rows"):
        if old.get(key) != new.get(key):
            out.append(Problem("manifest", "differs from the released version", field=key,
                               expected=json.dumps(old.get(key)), found=json.dumps(new.get(key))))
    return out


def files_match(folder: Path, files: dict[str, str]) -> bool:
    return not folder_problems(folder, files)


def folder_problems(folder: Path, files: dict[str, str]) -> list[Problem]:
    """Each file of a release folder that is missing, extra or differs from the manifest's hash (the
    folder's own manifest.json, which cannot list itself, is not counted as extra)."""
    have = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    have.pop(MANIFEST, None)
    out = [Problem(str(folder / n), "listed in the manifest but missing", field=n, expected=h, found="absent")
           for n, h in sorted(files.items()) if n not in have]
    out += [Problem(str(have[n]), "not in the manifest", field=n, expected="absent", found="a file")
            for n in sorted(have) if n not in files]
    for n, h in sorted(files.items()):
        if n in have:
            got = sha256_file(have[n])
            if got != h:
                out.append(Problem(str(have[n]), "differs from the manifest (sha256)", field=n, expected=h, found=got))
    return out


def check_release_dir(version: str, out: Path = paths.BUILD, releases: Path = paths.RELEASES) -> Path:
    """The built release folder, after checking every file against the committed manifest."""
    version = guard.parse_version(version)
    manifest_path = Path(releases) / f"v{version}.json"
    folder = Path(out) / release_name(version)
    if not manifest_path.exists():
        raise SameStoryError(f"no release v{version}", [Problem(str(manifest_path), "release manifest missing; "
                                                                "in a checkout run `samestory build`; elsewhere "
                                                                "pass --dataset RELEASE_FOLDER_OR_HUB_ID")])
    if not folder.exists():
        raise SameStoryError(f"release v{version} is not built", [Problem(str(folder), "missing; run `samestory build`")])
    committed = guard.read_json(manifest_path, "release manifest")
    inner = read_folder_manifest(folder)
    if comparable(inner) != comparable(committed):
        raise SameStoryError(f"{folder} does not match {manifest_path}",
                             [Problem(str(folder / MANIFEST), "differs from the committed release manifest; "
                                      "rebuild it with `samestory build`")])
    return check_folder(folder)


def read_folder_manifest(folder: Path) -> dict:
    """The manifest inside a release folder (an error naming the folder when it is not a release)."""
    folder = Path(folder)
    f = folder / MANIFEST
    if not f.is_file():
        raise SameStoryError(f"{folder} is not a SameStory release folder",
                             [Problem(str(f), "release manifest missing", expected=f"{MANIFEST} written by "
                                      "`samestory build` (or downloaded from the Hub with the release)")])
    manifest = guard.read_json(f, "release manifest")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict) \
            or "dataset_version" not in manifest:
        raise SameStoryError(f"{f}: not a release manifest",
                             [Problem(str(f), "missing field", field="files/dataset_version")])
    return manifest


def check_folder(folder: Path) -> Path:
    """A release folder checked against the manifest inside it: every listed file present with its
    sha256, nothing else. No checkout needed."""
    folder = Path(folder)
    bad = folder_problems(folder, read_folder_manifest(folder)["files"])
    if bad:
        raise SameStoryError(f"{folder} does not match {folder / MANIFEST}: re-download or rebuild it", bad)
    return folder
