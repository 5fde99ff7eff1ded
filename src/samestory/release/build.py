"""Versioned releases: build into a temporary folder renamed into place, record the manifest
(`releases/v<version>.json`, see `samestory.release.manifest`), and `verify` (rebuild and compare; an older
version from the commit that recorded it). Publishing is `samestory.release.publish`.

A released version is immutable: rebuilding it with other content fails with "bump the version";
rebuilding it with the same content changes nothing.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow

from samestory.core import guard, paths
from samestory.release import card
from samestory.release.manifest import (LAYOUT, MANIFEST, SCHEMAS, STORIES, comparable, diff, files_match,
                                        folder_problems, make_manifest, release_name, sha256_file, write_checksums)
from samestory.release.rows import Collector, ParquetSink
from samestory.core.errors import Problem, SameStoryError
from samestory.core.jsonl import atomic_write_text
from samestory.annotate.validate import validate
from samestory.version import DATASET_VERSION


@dataclass
class Sources:
    """Where a build reads from; every command takes overrides so tests can point at fixtures."""

    corpus: Path = paths.CORPUS
    annotations: Path = paths.ANNOTATIONS
    card: Path = paths.CARD
    changelog: Path = paths.CHANGELOG
    schemas: Mapping[str, str] | None = None
    """The JSON Schema of each task's prediction file (file name -> text), shipped under schemas/. They are
    derived from the task declarations in eval, above this stage, so the caller passes them in
    (`samestory.eval.schemas.rendered()`); a build without them is refused, never shipped short."""

    @property
    def codebook(self) -> Path:
        return Path(self.annotations) / paths.CODEBOOK_NAME


def _input_name(path: Path, src: Sources) -> str:
    for prefix, base in (("corpus", src.corpus), ("annotations", src.annotations)):
        try:
            return f"{prefix}/{Path(path).relative_to(base).as_posix()}"
        except ValueError:
            pass
    return Path(path).name


def card_context(stats: dict, src: Sources, version: str) -> dict:
    changelog = Path(src.changelog).read_text(encoding="utf-8") if Path(src.changelog).exists() else ""
    return {"stats": stats, "version": version, "annotations_dir": src.annotations, "changelog": changelog}


def collect(src: Sources, sink: ParquetSink | None = None, progress: bool = False):
    """Validate story by story, feeding each to a Collector (and the sink); refuse invalid input."""
    collector = Collector(sink)
    report = validate(src.corpus, src.annotations, progress=progress, keep=False, on_story=collector.add_story)
    report.raise_if_problems("build refused: input is invalid")
    return report, collector.stats()


def render_card(src: Sources = Sources(), version: str = DATASET_VERSION, stats: dict | None = None) -> str:
    """The card with its generated sections computed from the (validated) data."""
    if stats is None:
        stats = collect(src)[1]
    template = Path(src.card).read_text(encoding="utf-8")
    return card.render(template, card_context(stats, src, version), str(src.card))


def check_changelog(version: str, changelog: Path) -> None:
    """A new version needs its own CHANGELOG heading ('## 1.1.0', '## [1.1.0]' or '## v1.1.0', optionally
    followed by a date or a note); `build --version X` refuses to record X without one."""
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else ""
    if re.search(rf"^##\s+\[?v?{re.escape(version)}\]?(?:\s|$)", text, flags=re.M):
        return
    raise SameStoryError(f"no CHANGELOG entry for version {version}", [Problem(
        str(changelog), "a new release needs a CHANGELOG section saying what changed", field="heading",
        expected=f"a line '## {version}' followed by the changes", found="no such heading")])


@dataclass
class BuildResult:
    path: Path
    manifest_path: Path
    manifest: dict
    status: str
    """built | unchanged (same content as the released version)."""


def build_release(version: str = DATASET_VERSION, src: Sources = Sources(), out: Path = paths.BUILD,
                  releases: Path = paths.RELEASES, progress: bool = True, record: bool = True,
                  layout: int | None = None) -> BuildResult:
    """Validate, build into a temporary folder, compare with `releases/v<version>.json`, rename into place.

    Invalid input or a released version with other content raises, and nothing is written."""
    version = guard.parse_version(version)
    if src.schemas is None:
        raise ValueError("build_release needs Sources(schemas=...): the prediction JSON Schemas it ships "
                         "(samestory.eval.schemas.rendered())")
    out, releases = Path(out), Path(releases)
    target = out / release_name(version)
    manifest_path = releases / f"v{version}.json"
    if record and not manifest_path.exists():
        check_changelog(version, Path(src.changelog))
    guard.check_folder_path(out, "--out")
    guard.check_folder_path(releases, "--releases")
    made_out = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        # one build of a build folder at a time: the release comparison and the swap happen under the lock,
        # so two concurrent builds of one version cannot both say "built"
        with guard.locked(out, f"building into {out}"), \
                guard.scratch_dir(out, release_name(version), mode=0o755) as tmp:
            old = guard.read_json(manifest_path, "release manifest") if manifest_path.exists() else None
            if layout is None:  # a released version keeps the layout it was released with
                layout = old.get("layout", 1) if old is not None else LAYOUT
            sink = ParquetSink(tmp)
            try:
                report, stats = collect(src, sink, progress)
            finally:
                sink.close()
            card_text = render_card(src, version, stats)
            (tmp / "README.md").write_text(card.front_matter(stats) + "\n" + card_text, encoding="utf-8")
            for name, text in sorted(src.schemas.items()):  # each task's prediction schema, shipped with the data
                atomic_write_text(tmp / SCHEMAS / name, text)
            inputs = {_input_name(p, src): sha256_file(p) for p in report.inputs}
            if layout >= 2:
                _write_self_contained(tmp, src, inputs)
            files = write_checksums(tmp)
            manifest = make_manifest(version, files, inputs, stats["rows"], layout)
            if old is not None and comparable(old) != comparable(manifest):
                raise SameStoryError(
                    f"release v{version} already exists ({manifest_path}) with different content: "
                    f"bump the version in src/samestory/version.py and add a CHANGELOG entry", diff(old, manifest))
            status = "unchanged" if old is not None else "built"
            recorded = old if old is not None else manifest
            manifest_text = json.dumps(recorded, indent=2, ensure_ascii=False) + "\n"
            (tmp / MANIFEST).write_text(manifest_text, encoding="utf-8")
            if not (target.exists() and status == "unchanged" and files_match(target, files)
                    and (target / MANIFEST).exists()
                    and (target / MANIFEST).read_text(encoding="utf-8") == manifest_text):
                # a release folder holds only the files its manifest lists (old or new) and the manifest;
                # anything else is the user's and is never deleted
                known = set(files) | set((old or {}).get("files", {})) | {MANIFEST}
                guard.replace_dir(tmp, target, known, "build")
            if record and old is None:
                atomic_write_text(manifest_path, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
            return BuildResult(target, manifest_path, recorded, status)
    finally:
        if made_out and out.exists() and not any(out.iterdir()):
            out.rmdir()  # a refused build leaves no trace


def _write_self_contained(tmp: Path, src: Sources, inputs: dict[str, str]) -> None:
    """Layout 2: the codebook and the stories' metadata, so scoring, prediction and the report need no
    checkout. The codebook is an input too (a changed codebook is a changed release)."""
    from samestory.corpus.store import load_stories
    from samestory.core.jsonl import dumps

    if Path(src.codebook).exists():
        shutil.copyfile(src.codebook, tmp / paths.CODEBOOK_NAME)
        inputs[f"annotations/{paths.CODEBOOK_NAME}"] = sha256_file(src.codebook)
    (tmp / STORIES).write_text("".join(dumps(s) + "\n" for s in load_stories(Path(src.corpus))), encoding="utf-8")


def verify(version: str, src: Sources = Sources(), releases: Path = paths.RELEASES,
           progress: bool = True, from_history: bool | None = None, out: Path | None = None) -> dict:
    """Rebuild `version` in a scratch folder and compare every hash with its committed manifest; with `out`,
    also compare the existing built folder `out/samestory-v<version>/` (if any) with the manifest.

    The current version is rebuilt from the checkout; an older one (or from_history=True) from the git
    commit that recorded its manifest, with that commit's own code and data (`samestory.release.history`)."""
    version = guard.parse_version(version, "version")
    manifest_path = Path(releases) / f"v{version}.json"
    if not manifest_path.exists():
        raise SameStoryError(f"no release v{version}", [Problem(str(manifest_path), "release manifest missing")])
    old = guard.read_json(manifest_path, "release manifest")
    source = ""
    if from_history is None:
        from_history = version != DATASET_VERSION
    if from_history:
        from samestory.release.history import rebuild_manifest

        new, rs = rebuild_manifest(version, manifest_path, src.corpus, src.annotations, src.card, src.changelog,
                                   progress=progress)
        source = f" from commit {rs.commit[:12]}"
    else:
        with tempfile.TemporaryDirectory(prefix="samestory-verify-") as scratch:
            result = build_release(version, src, Path(scratch) / "build", Path(scratch) / "releases",
                                   progress=progress, layout=old.get("layout", 1))
            new = result.manifest
    problems = diff(old, new)
    if problems:
        env = old.get("build_env", {}).get("pyarrow")
        hint = (f" (built with pyarrow {env}, this machine has {pyarrow.__version__})"
                if env and env != pyarrow.__version__ else "")
        raise SameStoryError(f"release v{version} does not rebuild identically{source}{hint}", problems)
    folder = Path(out) / release_name(version) if out is not None else None
    if folder is not None and folder.exists():
        bad = folder_problems(folder, old.get("files", {}))
        if bad:
            raise SameStoryError(f"v{version} rebuilds identically, but the built folder {folder} does not match "
                                 f"{manifest_path}: run `samestory build --version {version}` to restore it", bad)
    return old
