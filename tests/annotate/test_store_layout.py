"""The annotations store: a story's inventories and layer folders are found and read in one place; a missing
required file is an error naming it and what to do; an id from data never becomes a path unchecked."""
from __future__ import annotations

import pytest

from samestory.annotate import store
from samestory.core.errors import SameStoryError


def _write(path, *lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_store_reads_inventories_layers_and_passes(tmp_path):
    story = store.story_dir("s1", tmp_path)
    assert story == tmp_path / "s1"
    _write(story / "entities.jsonl", '{"entity_id": "e1"}', "", '{"entity_id": "e2"}')
    _write(story / "stance_targets.jsonl")
    assert store.inventories(story) == {"entities": [{"entity_id": "e1"}, {"entity_id": "e2"}],
                                        "stance_targets": []}
    assert store.inventory_rows(story, "entities") == [(1, {"entity_id": "e1"}), (3, {"entity_id": "e2"})]
    assert store.inventory(story, "fact_inventory") is None

    gold = store.gold_dir(story)
    _write(gold / "stance.jsonl", '{"doc_id": "d1"}')
    _write(gold / "mentions.jsonl", '{"doc_id": "d1"}')
    _write(gold / "notes.txt", "not a layer")
    assert list(store.layer_files(gold)) == ["mentions", "stance"]  # the order of schema.LAYERS
    assert store.read_layers(gold, ["stance"]) == {"stance": [(1, {"doc_id": "d1"})]}
    assert [f.name for f in store.stray_files(gold)] == ["notes.txt"]
    assert store.gold_dirs(tmp_path) == [gold]

    passes = store.passes_dir(story)
    for name in ("bob", "alice", ".scratch-samestory-tmp-x"):
        (passes / name).mkdir(parents=True)
    assert [p.name for p in store.pass_folders(passes)] == ["alice", "bob"]
    assert store.pass_dir(passes, "alice") == passes / "alice"
    assert store.pass_folders(tmp_path / "none") == []


def test_store_missing_required_file_names_it(tmp_path):
    story = store.story_dir("s1", tmp_path)
    with pytest.raises(SameStoryError, match="stance_targets.jsonl: missing inventory") as exc:
        store.inventories(story, ("stance_targets",), required=True)
    problem = exc.value.problems[0]
    assert problem.file == str(story / "stance_targets.jsonl")
    assert "samestory story new" in problem.expected
    with pytest.raises(SameStoryError, match="quotes.jsonl: layer file missing"):
        store.read_layers(story / "gold", ["quotes"], required=True)


@pytest.mark.parametrize("call", [
    lambda root: store.story_dir("../elsewhere", root),
    lambda root: store.story_dir(".hidden", root),
    lambda root: store.pass_dir(root, "a/b"),
    lambda root: store.layer_file(root, "../gold/mentions"),
])
def test_store_refuses_unsafe_ids(tmp_path, call):
    with pytest.raises(SameStoryError, match="unsafe") as exc:
        call(tmp_path)
    assert exc.value.problems[0].expected.startswith("letters, digits")


def test_store_records_by_doc_reports_repeats_unknown_and_missing_documents(tmp_path):
    f = tmp_path / "stance.jsonl"
    _write(f, '{"doc_id": "d1", "n": 1}', '{"doc_id": "d2"}', '{"doc_id": "d1", "n": 2}', '{"doc_id": "x9"}', '{}',
           '{"doc_id": ["d1"]}')
    recs, problems = store.records_by_doc(f, known={"d1", "d2"})
    assert recs == {"d1": {"doc_id": "d1", "n": 1}, "d2": {"doc_id": "d2"}}  # the first record of a document
    assert [(p.line, p.field, p.message) for p in problems] == [
        (3, "doc_id", "duplicate record (first at line 1)"), (4, "doc_id", "unknown document id"),
        (5, "doc_id", "missing field"), (6, "doc_id", "wrong type")]  # a list as doc_id: a problem, no crash
    # a folder that also covers other documents: those are left out, a repeat is still a problem
    recs, problems = store.records_by_doc(f, known={"d1"}, skip_unknown=True)
    assert list(recs) == ["d1"] and [p.line for p in problems] == [3, 5, 6]
