"""`samestory ls convert` on a stored full JSON export (made by Label Studio 1.23.2 from the fixture gold, current configs)."""
from __future__ import annotations

import json

from tests.helpers.labelstudio_helpers import FIXTURES, GOLD, STORY, tree

from samestory.cli import main

EXPORT = FIXTURES / "export-entities.json"


def _args(export, out):
    return ["ls", "convert", str(export), "--project", "entities", "--story", STORY, "--annotations", str(FIXTURES),
            "--documents", str(FIXTURES / "documents.jsonl"), "--out", str(out)]


def test_labelstudio_convert_export_stored_export_gives_gold(tmp_path, capsys):
    out = tmp_path / "passes"
    assert main(_args(EXPORT, out)) == 0
    for layer in ("mentions", "entity_frames"):
        assert (out / "alice" / f"{layer}.jsonl").read_bytes() == (GOLD / f"{layer}.jsonl").read_bytes()
    assert main(_args(EXPORT, out)) == 0  # the same again: nothing differs, nothing refused


def test_labelstudio_convert_export_unknown_label_rejected(tmp_path, capsys):
    export = json.loads(EXPORT.read_bytes())
    task = export[1]
    region = next(r for r in task["annotations"][0]["result"] if r["from_name"] == "mention")
    region["value"]["labels"] = ["WEAPON"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(export))
    out = tmp_path / "passes"
    out.mkdir()
    before = tree(out)
    assert main(_args(bad, out)) != 0
    err = capsys.readouterr().err
    assert (f"task {task['id']} (doc {task['data']['doc_id']}), annotator alice@example.org, annotation "
            f"{task['annotations'][0]['id']}, region {region['id']} [mention]: unknown label 'WEAPON'") in err
    assert tree(out) == before


def test_labelstudio_convert_export_not_an_export(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"tasks": []}')
    assert main(_args(bad, tmp_path / "out")) != 0
    assert "not a Label Studio JSON export" in capsys.readouterr().err
    bad.write_text("[{")
    assert main(_args(bad, tmp_path / "out")) != 0
    assert "cannot read the export" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
