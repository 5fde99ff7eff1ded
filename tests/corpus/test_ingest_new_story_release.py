"""A new, unannotated story: `story new` lays out corpus/ and annotations/, then add → validate → build
works, and the released `documents` config carries the extraction provenance (null for text files)."""
import json

import pyarrow.parquet as pq
import pytest

from samestory.release.rows import data_path
from samestory.corpus.store import load_metadata
from samestory.schema import CONFIGS, INVENTORIES

from tests.helpers.build_helpers import copy_fixture, run, tree
from tests.helpers.ingest_helpers import FIX

NEW = "kyiv-2025-06-02"


def _new(corpus, ann, story=NEW):
    return run("story", "new", story, "--title", "Second round of talks", "--date", "2025-06-02",
               "--corpus", corpus, "--annotations", ann)


def test_ingest_story_new_creates_empty_annotation_inventories_and_gold(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    code, out, err = _new(corpus, ann)
    assert code == 0, err
    sdir = ann / NEW
    assert sorted(p.name for p in sdir.iterdir()) == sorted([f"{n}.jsonl" for n in INVENTORIES] + ["gold"])
    assert all((sdir / f"{n}.jsonl").read_bytes() == b"" for n in INVENTORIES)
    assert (sdir / "gold").is_dir() and not any((sdir / "gold").iterdir())
    assert not [p for p in (*corpus.iterdir(), *ann.iterdir()) if p.name.startswith(".staging-")]


def test_ingest_story_new_annotations_default_beside_the_corpus(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    code, out, err = run("story", "new", NEW, "--title", "T", "--date", "2025-06-02", "--corpus", corpus)
    assert code == 0, err
    assert (tmp_path / "annotations" / NEW / "gold").is_dir()


@pytest.mark.parametrize("where", ["corpus", "annotations"])
def test_ingest_story_new_refuses_an_existing_folder_and_writes_nothing(tmp_path, where):
    corpus, ann = copy_fixture(tmp_path)
    ((corpus if where == "corpus" else ann) / NEW).mkdir()
    before = tree(tmp_path), sorted(str(p) for p in tmp_path.rglob("*"))
    code, out, err = _new(corpus, ann)
    assert code == 1 and "already exists" in err and f"{where}/{NEW}" in err
    assert (tree(tmp_path), sorted(str(p) for p in tmp_path.rglob("*"))) == before


def test_ingest_new_story_add_validate_build(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    assert _new(corpus, ann)[0] == 0
    code, out, err = run("add", "--story", NEW, FIX / "capitaltimes.txt", FIX / "rundschau.html", "--corpus", corpus)
    assert code == 0, err
    code, out, err = run("validate", "--corpus", corpus, "--annotations", ann)
    assert code == 0, err + out
    assert f"{NEW}: gold layer mentions has no annotations yet" in out
    out_dir, rel = tmp_path / "build", tmp_path / "releases"
    code, out, err = run("build", "--corpus", corpus, "--annotations", ann, "--out", out_dir, "--releases", rel,
                         "--quiet")
    assert code == 0, err + out
    release = next(out_dir.iterdir())
    rows = {r["doc_id"]: r for r in pq.read_table(release / data_path("documents")).to_pylist()}
    metas = {m["doc_id"]: m for _, _, m in load_metadata(corpus) if m["story_id"] == NEW}
    assert len(metas) == 2
    for doc_id, meta in metas.items():
        row = rows[doc_id]
        assert row["story_id"] == NEW and [f.name for f in CONFIGS["documents"].fields] == list(row)
        if meta["source"]["format"] == "text":
            assert (row["extracted_path"], row["extracted_sha256"], row["extraction"]) == (None, None, None)
        else:
            assert row["extracted_path"] == meta["extracted_path"] == f"{NEW}/extracted/{doc_id}.txt"
            assert row["extracted_sha256"] == meta["extracted_sha256"]
            assert json.loads(row["extraction"]) == meta["extraction"]
            assert "\n" not in row["extraction"] and ", " not in row["extraction"][:40]  # compact JSON
    # the fixture story's text documents carry nulls too; the new story's layers are empty, not invented
    assert all(r["extraction"] is None for d, r in rows.items() if d not in metas)
    assert not set(metas) & set(pq.read_table(release / data_path("mentions")).column("doc_id").to_pylist())
