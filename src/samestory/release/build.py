"""Versioned releases: build into a temporary folder renamed into place, a committed manifest per
version (`releases/v<version>.json`), `verify` (rebuild and compare; an older version from the commit
that recorded it) and `publish` to the Hub.

A released version is immutable: rebuilding it with other content fails with "bump the version";
rebuilding it with the same content changes nothing.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow

from samestory.release import card

from samestory.core import guard, paths

from samestory import schema
from samestory.release.rows import Collector, ParquetSink
from samestory.core.errors import Problem, SameStoryError
from samestory.core.jsonl import atomic_write_text
from samestory.schema import CONFIGS
from samestory.annotate.validate import validate
from samestory.version import DATASET_VERSION

CHECKSUMS = "SHA256SUMS"
"""Checksum manifest inside the release, in `sha256sum -c` format."""
MANIFEST = "manifest.json"
"""The release manifest, inside the release folder too, so the folder (or its Hub copy) checks itself.
It cannot list its own hash: `files` names every other file."""
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


def _hash_listing(listing: dict[str, str]) -> str:
    return hashlib.sha256("".join(f"{k}\t{v}\n" for k, v in sorted(listing.items())).encode()).hexdigest()


@dataclass
class Sources:
    """Where a build reads from; every command takes overrides so tests can point at fixtures."""

    corpus: Path = paths.CORPUS
    annotations: Path = paths.ANNOTATIONS
    card: Path = paths.CARD
    changelog: Path = paths.CHANGELOG

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


def _checksums(folder: Path) -> dict[str, str]:
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
        "gold_sha256": _hash_listing(gold) if gold else None,
        "rows": {name: counts[name] for name in CONFIGS},
        "inputs": dict(sorted(inputs.items())),
        "files": files,
        "build_env": {"pyarrow": pyarrow.__version__},
    }


def _comparable(manifest: dict) -> dict:
    return {k: v for k, v in manifest.items() if k != "build_env"}


def _diff(old: dict, new: dict) -> list[Problem]:
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
    out, releases = Path(out), Path(releases)
    target = out / release_name(version)
    manifest_path = releases / f"v{version}.json"
    if record and not manifest_path.exists():
        check_changelog(version, Path(src.changelog))
    for folder, option in ((out, "--out"), (releases, "--releases")):
        bad = next((q for q in (folder, *folder.parents) if q.exists() and not q.is_dir()), None)
        if bad is not None:
            raise SameStoryError(f"{option} {folder}: {bad} is a file, not a folder",
                                 [Problem(str(bad), "expected a folder", field=option, found="a file")])
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
            from samestory.eval.schemas import write_all

            write_all(tmp / "schemas")  # JSON Schema of each task's prediction file, shipped with the data
            inputs = {_input_name(p, src): sha256_file(p) for p in report.inputs}
            if layout >= 2:
                _write_self_contained(tmp, src, inputs)
            files = _checksums(tmp)
            manifest = make_manifest(version, files, inputs, stats["rows"], layout)
            if old is not None and _comparable(old) != _comparable(manifest):
                raise SameStoryError(
                    f"release v{version} already exists ({manifest_path}) with different content: "
                    f"bump the version in src/samestory/version.py and add a CHANGELOG entry", _diff(old, manifest))
            status = "unchanged" if old is not None else "built"
            recorded = old if old is not None else manifest
            manifest_text = json.dumps(recorded, indent=2, ensure_ascii=False) + "\n"
            (tmp / MANIFEST).write_text(manifest_text, encoding="utf-8")
            if not (target.exists() and status == "unchanged" and _files_match(target, files)
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


def _files_match(folder: Path, files: dict[str, str]) -> bool:
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
    problems = _diff(old, new)
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
    if _comparable(inner) != _comparable(committed):
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


def publish_plan(version: str, repo_id: str, folder: Path) -> list[dict]:
    """The Hub calls `publish` makes, in order (printed by --dry-run)."""
    return [
        {"call": "create_repo", "repo_id": repo_id, "repo_type": "dataset", "exist_ok": True},
        {"call": "upload_folder", "repo_id": repo_id, "repo_type": "dataset", "folder_path": str(folder),
         "commit_message": f"SameStory v{version}",
         "files": sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())},
        {"call": "create_tag", "repo_id": repo_id, "repo_type": "dataset", "tag": f"v{version}",
         "revision": "<commit of upload_folder>"},
    ]


def publish(version: str, repo_id: str, out: Path = paths.BUILD, releases: Path = paths.RELEASES,
            dry_run: bool = False, api=None) -> list[dict]:
    """Push a verified release folder to the Hub and tag it `v<version>`; dry_run returns the plan only."""
    if "/" not in repo_id or repo_id.count("/") != 1:
        raise SameStoryError("bad --repo-id", [Problem("--repo-id", "expected ORG/NAME", expected="ORG/NAME",
                                                       found=repo_id)])
    folder = check_release_dir(version, out, releases)
    plan = publish_plan(version, repo_id, folder)
    if dry_run:
        return plan
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi()
    step = "create_repo"
    try:
        api.create_repo(repo_id=repo_id, repo_type="dataset", exist_ok=True)
        step = "upload_folder"
        commit = api.upload_folder(repo_id=repo_id, repo_type="dataset", folder_path=str(folder),
                                   commit_message=f"SameStory v{version}")
        revision = getattr(commit, "oid", None)
        step = "create_tag"
        api.create_tag(repo_id=repo_id, repo_type="dataset", tag=f"v{version}", revision=revision)
    except Exception as exc:  # network, auth, offline mode: say which step failed and why
        raise SameStoryError(f"publishing v{version} to {repo_id} failed at {step}",
                             [Problem("https://huggingface.co", f"{type(exc).__name__}: {exc}", field=step)]) from exc
    plan[-1]["revision"] = revision
    return plan
