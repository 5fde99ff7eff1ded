"""Releases are byte-for-byte deterministic, immutable per version, verifiable, written atomically."""
from __future__ import annotations

import json
import subprocess

import pytest

from samestory.core import paths
from samestory.release.rows import data_path
from samestory.core.errors import SameStoryError
from samestory.release.build import build_release, verify
from tests.helpers.release_helpers import sources
from samestory.release.manifest import CHECKSUMS, MANIFEST, STORIES
from samestory.schema import CONFIGS
from tests.helpers.build_helpers import STORY, copy_fixture, run, tree
from samestory.eval.schemas import render as render_schema
from samestory.eval.registry import TASKS
from samestory.version import DATASET_VERSION as V


def _build(tmp_path, corpus, ann, **kw):
    return build_release(src=sources(corpus=corpus, annotations=ann), out=tmp_path / "build",
                         releases=tmp_path / "releases", progress=False, **kw)


def test_release_build_is_byte_for_byte_deterministic(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    a = build_release(src=sources(corpus=corpus, annotations=ann), out=tmp_path / "a", releases=tmp_path / "ra",
                      progress=False)
    b = build_release(src=sources(corpus=corpus, annotations=ann), out=tmp_path / "b", releases=tmp_path / "rb",
                      progress=False)
    assert tree(a.path) == tree(b.path)
    assert (tmp_path / "ra" / f"v{V}.json").read_bytes() == (tmp_path / "rb" / f"v{V}.json").read_bytes()


def test_release_layout_manifest_and_checksums(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    res = _build(tmp_path, corpus, ann)
    assert res.path.name == f"samestory-v{V}" and res.status == "built"
    files = tree(res.path)
    schemas = {f"schemas/{t}.schema.json" for t in TASKS}
    # the fixture has no codebook (annotations/guidelines.md), so the release ships none
    assert set(files) == {"README.md", CHECKSUMS, MANIFEST, STORIES, *(data_path(c) for c in CONFIGS), *schemas}
    for t in TASKS:  # the shipped prediction schemas are the ones `samestory schemas` writes
        assert (res.path / f"schemas/{t}.schema.json").read_text(encoding="utf-8") == render_schema(t)
    manifest = json.loads(res.manifest_path.read_text(encoding="utf-8"))
    assert manifest["dataset_version"] == f"{V}"
    assert manifest["schema_version"]
    assert len(manifest["gold_sha256"]) == 64
    assert f"annotations/{STORY}/gold/mentions.jsonl" in manifest["inputs"]
    assert f"corpus/{STORY}/raw/a_doc.txt" in manifest["inputs"]
    assert set(manifest["files"]) == set(files) - {MANIFEST}  # it cannot list its own hash
    assert json.loads(files[MANIFEST]) == manifest
    check = subprocess.run(["sha256sum", "-c", CHECKSUMS], cwd=res.path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    readme = files["README.md"].decode()
    assert readme.startswith("---\n") and "config_name: documents" in readme and "default: true" in readme
    assert not [p for p in (tmp_path / "build").iterdir() if p.name.startswith(".")]  # no temp dirs left


def test_release_gold_hash_follows_gold_only(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    first = _build(tmp_path, corpus, ann).manifest["gold_sha256"]
    p = ann / STORY / "gold" / "stance.jsonl"
    # a gold edit that passes every check (a bare label flip would leave a stance without a cue)
    p.write_text(p.read_text(encoding="utf-8").replace('"note": null', '"note": "not discussed"', 1),
                 encoding="utf-8")
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(paths.CHANGELOG.read_text(encoding="utf-8") + "\n## 0.1.1\n\nOne stance note fixed.\n",
                         encoding="utf-8")
    second = build_release("0.1.1", sources(corpus=corpus, annotations=ann, changelog=changelog), tmp_path / "build",
                           tmp_path / "releases", progress=False).manifest["gold_sha256"]
    assert first != second


def test_release_new_version_without_changelog_entry_is_refused(tmp_path, capsys):
    from samestory.cli import main

    corpus, ann = copy_fixture(tmp_path)
    code = main(["build", "--version", "9.9.9", "--corpus", str(corpus), "--annotations", str(ann),
                 "--out", str(tmp_path / "build"), "--releases", str(tmp_path / "releases"), "--quiet"])
    err = capsys.readouterr().err
    assert code != 0 and "no CHANGELOG entry for version 9.9.9" in err and "'## 9.9.9'" in err
    assert not (tmp_path / "releases" / "v9.9.9.json").exists() and not (tmp_path / "build").exists()


def test_release_same_content_is_a_no_op(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    _build(tmp_path, corpus, ann)
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "build").rglob("*")}
    manifest_before = (tmp_path / "releases" / f"v{V}.json").read_bytes()
    code, out, err = run("build", "--corpus", corpus, "--annotations", ann, "--out", tmp_path / "build",
                         "--releases", tmp_path / "releases", "--quiet")
    assert code == 0, err
    assert "unchanged" in out
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "build").rglob("*")} == before
    assert (tmp_path / "releases" / f"v{V}.json").read_bytes() == manifest_before


def test_release_same_version_other_content_says_bump_the_version(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    _build(tmp_path, corpus, ann)
    before_build, before_rel = tree(tmp_path / "build"), tree(tmp_path / "releases")
    p = ann / STORY / "gold" / "stance.jsonl"
    favor = '"label": "favor", "note": "\'We are ready\' stands unanswered"'  # a cue, as the checks want
    p.write_text(p.read_text(encoding="utf-8").replace('"label": "neutral", "note": null', favor, 1),
                 encoding="utf-8")
    code, out, err = run("build", "--corpus", corpus, "--annotations", ann, "--out", tmp_path / "build",
                         "--releases", tmp_path / "releases", "--quiet")
    assert code == 1
    assert "bump the version" in err
    assert f"annotations/{STORY}/gold/stance.jsonl" in err and "data/stance/" in err
    assert tree(tmp_path / "build") == before_build
    assert tree(tmp_path / "releases") == before_rel
    # a new version needs its CHANGELOG entry, then builds beside the old one
    code, out, err = run("build", "--corpus", corpus, "--annotations", ann, "--out", tmp_path / "build",
                         "--releases", tmp_path / "releases", "--quiet", "--version", "0.2.0")
    assert code == 1 and "no CHANGELOG entry for version 0.2.0" in err
    assert tree(tmp_path / "releases") == before_rel
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(paths.CHANGELOG.read_text(encoding="utf-8") + "\n## 0.2.0\n\nA stance label changed.\n",
                         encoding="utf-8")
    code, out, err = run("build", "--corpus", corpus, "--annotations", ann, "--out", tmp_path / "build",
                         "--releases", tmp_path / "releases", "--quiet", "--version", "0.2.0",
                         "--changelog", changelog)
    assert code == 0, err
    assert (tmp_path / "build" / "samestory-v0.2.0").is_dir() and (tmp_path / "releases" / "v0.2.0.json").exists()
    assert tree(tmp_path / "build" / f"samestory-v{V}") == {k[len(f"samestory-v{V}/"):]: v
                                                             for k, v in before_build.items()}


def test_release_rebuilds_a_damaged_release_dir_of_the_same_content(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    res = _build(tmp_path, corpus, ann)
    good = tree(res.path)
    (res.path / "README.md").write_text("damaged", encoding="utf-8")
    again = _build(tmp_path, corpus, ann)
    assert again.status == "unchanged" and tree(res.path) == good


def test_release_verify_passes_then_fails_after_an_input_change(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    _build(tmp_path, corpus, ann)
    code, out, err = run("verify", f"{V}", "--corpus", corpus, "--annotations", ann, "--out", tmp_path / "build",
                         "--releases", tmp_path / "releases", "--quiet")
    assert code == 0, err
    assert "rebuilt identically" in out
    p = ann / STORY / "fact_inventory.jsonl"
    p.write_text(p.read_text(encoding="utf-8").replace("was agreed", "was signed"), encoding="utf-8")
    with pytest.raises(SameStoryError) as exc:
        verify(f"{V}", sources(corpus=corpus, annotations=ann), tmp_path / "releases", progress=False)
    text = str(exc.value)
    assert "does not rebuild identically" in text and f"annotations/{STORY}/fact_inventory.jsonl" in text


def test_release_verify_unknown_version(tmp_path):
    code, out, err = run("verify", "9.9.9", "--releases", tmp_path)
    assert code == 1 and "no release v9.9.9" in err


def test_release_current_version_has_a_changelog_entry_and_its_manifest_rebuilds():
    """The version in version.py has a CHANGELOG entry; once released (manifest committed), the
    checkout rebuilds it byte for byte: data changes need a version bump."""
    from samestory.core import paths
    from samestory.version import DATASET_VERSION

    assert f"\n## {DATASET_VERSION}\n" in paths.CHANGELOG.read_text(encoding="utf-8")
    if (paths.RELEASES / f"v{DATASET_VERSION}.json").exists():
        verify(DATASET_VERSION, sources(), progress=False)


def test_release_row_order_does_not_depend_on_input_order(tmp_path):
    """Reversing the lines of annotation files changes the inputs' hashes but not one byte of the data."""
    corpus, ann = copy_fixture(tmp_path)
    a = build_release(src=sources(corpus=corpus, annotations=ann), out=tmp_path / "a", releases=tmp_path / "ra",
                      progress=False)
    for p in [ann / STORY / "entities.jsonl", *sorted((ann / STORY / "gold").glob("*.jsonl"))]:
        lines = p.read_text(encoding="utf-8").splitlines()
        p.write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    b = build_release(src=sources(corpus=corpus, annotations=ann), out=tmp_path / "b", releases=tmp_path / "rb",
                      progress=False)
    assert a.manifest["inputs"] != b.manifest["inputs"]
    # every file but the manifest inside the folder, which records the inputs' hashes
    assert {k: v for k, v in tree(a.path).items() if k != MANIFEST} == \
        {k: v for k, v in tree(b.path).items() if k != MANIFEST}
