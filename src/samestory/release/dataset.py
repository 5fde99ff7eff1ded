"""A released dataset as a source: a local release folder or a Hugging Face Hub dataset id (+ revision).

Either way the rows come from `datasets.load_dataset` (labels turned back into names) and the
release's own manifest vouches for them: a local folder is checked file by file against the manifest
inside it; a Hub copy is checked against its manifest's version and row counts. Nothing here needs
a checkout. The network part is `HubClient`, a thin layer that tests replace with a recording stand-in.
"""
from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from samestory.core import paths

from samestory import schema
from samestory.core.errors import Problem, SameStoryError

HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
"""ORG/NAME of a Hub dataset repository."""


class HubClient:
    """The only code that reaches the Hub: `datasets.load_dataset` for rows, `hf_hub_download` for files."""

    def load_dataset(self, path: str, name: str, *, split: str, revision: str | None, cache_dir: str):
        import datasets

        return datasets.load_dataset(path, name, split=split, revision=revision, cache_dir=cache_dir)

    def hf_hub_download(self, repo_id: str, filename: str, *, repo_type: str, revision: str | None) -> str:
        from huggingface_hub import hf_hub_download

        return hf_hub_download(repo_id=repo_id, filename=filename, repo_type=repo_type, revision=revision)


class _LocalLoader:
    def load_dataset(self, path: str, name: str, *, split: str, revision: str | None, cache_dir: str):
        import datasets

        return datasets.load_dataset(path, name, split=split, cache_dir=cache_dir, keep_in_memory=True)


@dataclass
class Release:
    """One release, opened and checked: rows of any config, the codebook, the stories, the manifest."""

    source: str
    """What the user named: a folder path, or ORG/NAME@revision."""
    manifest: dict
    folder: Path | None = None
    """The local folder (None for a Hub release)."""
    repo_id: str | None = None
    revision: str | None = None
    hub: object | None = None
    _rows: dict[str, list[dict]] = field(default_factory=dict, repr=False)

    @property
    def dataset_version(self) -> str:
        return self.manifest["dataset_version"]

    def rows(self, config: str) -> list[dict]:
        """Rows of one config, labels as names, every declared field present (read once; each call returns
        a fresh copy, so a caller editing rows never changes the gold)."""
        import copy

        if config not in schema.CONFIGS:
            raise SameStoryError(f"unknown config {config!r}", [Problem(self.source, "unknown config", field=config)])
        if config not in self._rows:
            self._rows[config] = self._read(config)
        return copy.deepcopy(self._rows[config])

    def _read(self, config: str) -> list[dict]:
        import datasets

        from samestory.schema.records import normalize

        loader = self.hub if self.folder is None else _LocalLoader()
        path = self.repo_id if self.folder is None else str(self.folder)
        shown = datasets.is_progress_bar_enabled()
        datasets.disable_progress_bars()  # one bar per config of a small release is noise
        try:
            # a private cache: the shared one can hand back another build of a folder with the same name
            with tempfile.TemporaryDirectory(prefix="samestory-data-") as cache:
                try:
                    ds = loader.load_dataset(path, config, split="test", revision=self.revision, cache_dir=cache)
                except SameStoryError:
                    raise
                except Exception as exc:  # network, missing config, offline mode: say what and where
                    raise SameStoryError(f"cannot read config {config} of {self.source}",
                                         [Problem(self.source, f"{type(exc).__name__}: {exc}", field=config)]) from exc
                rows = [normalize(config, row, ids=True) for row in ds]
        finally:
            if shown:
                datasets.enable_progress_bars()
        want = self.manifest.get("rows", {}).get(config)
        if want is not None and want != len(rows):
            raise SameStoryError(f"{self.source}: config {config} does not match the release manifest",
                                 [Problem(self.source, "row count differs from the manifest", field=config,
                                          expected=str(want), found=str(len(rows)))])
        return rows

    def documents(self) -> list[dict]:
        return self.rows("documents")

    def inventories(self, story_id: str | None = None) -> dict[str, list[dict]]:
        """inventory config → rows (of one story when given): the shape `annotate.store.inventories` gives
        for a story folder."""
        return {name: [r for r in self.rows(name) if story_id is None or r.get("story_id") == story_id]
                for name in schema.INVENTORIES}

    def _file(self, name: str) -> Path | None:
        """A non-data file of the release (codebook, stories), or None when this release has none."""
        if name not in self.manifest.get("files", {}):
            return None
        if self.folder is not None:
            return self.folder / name
        try:
            return Path(self.hub.hf_hub_download(self.repo_id, name, repo_type="dataset", revision=self.revision))
        except Exception as exc:  # noqa: BLE001 - network code: report, never a traceback
            raise SameStoryError(f"cannot download {name} of {self.source}",
                                 [Problem(self.source, f"{type(exc).__name__}: {exc}", field=name)]) from exc

    def codebook(self) -> Path | None:
        """The annotation guidelines shipped with the release (layout 2 on), for prompts."""
        return self._file(paths.CODEBOOK_NAME)

    def stories(self) -> dict[str, dict]:
        """story_id → story metadata; a release without stories.jsonl (layout 1) gives the ids, details
        marked as not in the release."""
        from samestory.release.manifest import STORIES

        f = self._file(STORIES)
        if f is not None:
            out = {}
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    s = json.loads(line)
                    out[s["story_id"]] = s
            return out
        na = "not in this release"
        return {d["story_id"]: {"story_id": d["story_id"], "title": d["story_id"], "event_date": na,
                                "place": na, "description": na} for d in self.documents()}


def is_hub_id(spec: str) -> bool:
    return bool(HUB_ID.match(spec))


def open_release(spec: str | Path, revision: str | None = None, hub=None) -> Release:
    """A release folder (checked against the manifest inside it) or a Hub dataset id at `revision`.

    >>> open_release("no/such/folder/here")
    Traceback (most recent call last):
    ...
    samestory.core.errors.SameStoryError: no/such/folder/here: no release folder or Hub dataset id of that name
      no/such/folder/here: not found (expected a release folder (with manifest.json) or ORG/NAME of a Hub dataset, found neither)
    """
    from samestory.release.manifest import MANIFEST, check_folder, read_folder_manifest

    text = str(spec)
    folder = Path(text).expanduser()
    if folder.is_dir():
        if revision:
            raise SameStoryError("--revision applies to a Hub dataset id, not to a local folder",
                                 [Problem("--revision", "not allowed with a folder", found=revision)])
        check_folder(folder)
        return Release(str(folder), read_folder_manifest(folder), folder=folder.resolve())
    if not is_hub_id(text) or folder.exists():
        raise SameStoryError(f"{text}: no release folder or Hub dataset id of that name",
                             [Problem(text, "not found", expected="a release folder (with manifest.json) or "
                                      "ORG/NAME of a Hub dataset", found="neither")])
    hub = hub or HubClient()
    source = f"{text}@{revision or 'main'}"
    try:
        path = hub.hf_hub_download(text, MANIFEST, repo_type="dataset", revision=revision)
    except Exception as exc:  # noqa: BLE001 - network code: report, never a traceback
        raise SameStoryError(f"cannot read the release manifest of {source}",
                             [Problem(f"https://huggingface.co/datasets/{text}", f"{type(exc).__name__}: {exc}",
                                      field=MANIFEST)]) from exc
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SameStoryError(f"{source}: {MANIFEST} is not a release manifest", [Problem(str(path), str(exc))]) from None
    if revision and revision.startswith("v") and manifest.get("dataset_version") != revision[1:]:
        raise SameStoryError(f"{source}: the tag and the release manifest disagree",
                             [Problem(MANIFEST, "dataset_version differs from the tag", field="dataset_version",
                                      expected=revision[1:], found=str(manifest.get("dataset_version")))])
    return Release(source, manifest, repo_id=text, revision=revision, hub=hub)
