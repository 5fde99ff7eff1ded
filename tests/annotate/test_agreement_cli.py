"""`samestory agreement` writes JSON and Markdown; bad input fails naming file, line and field."""
from __future__ import annotations

import json

from tests.helpers.agreement_helpers import edit, make_passes

from samestory.cli import main


def test_agreement_cli_writes_report(tmp_path, capsys):
    passes = make_passes(tmp_path)
    out = tmp_path / "agreement.json"
    assert main(["agreement", "--annotations", str(passes), "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["labels"]["stance.label"]["alpha"] == 1.0
    md = out.with_suffix(".md").read_text()
    assert "| stance.label |" in md and "| mentions | alice vs bob |" in md


def test_agreement_cli_rejects_unknown_label(tmp_path, capsys):
    passes = make_passes(tmp_path)
    edit(passes / "bob" / "stance.jsonl", "fx_002", lambda r: r["stances"][1].update(label="pro"))
    out = tmp_path / "agreement.json"
    assert main(["agreement", "--annotations", str(passes), "--out", str(out)]) != 0
    err = capsys.readouterr().err
    assert "bob/stance.jsonl:2 [stances[1].label]: unknown label" in err and "'pro'" in err
    assert not out.exists()


def test_agreement_cli_needs_two_annotators(tmp_path, capsys):
    passes = make_passes(tmp_path, ("alice",))
    assert main(["agreement", "--annotations", str(passes), "--out", str(tmp_path / "a.json")]) != 0
    assert "at least two annotators" in capsys.readouterr().err


def test_agreement_cli_rejects_duplicate_units(tmp_path, capsys):
    passes = make_passes(tmp_path)
    edit(passes / "alice" / "bias_sentences.jsonl", "fx_002",
         lambda r: r["sentences"].append(dict(r["sentences"][0])))
    assert main(["agreement", "--annotations", str(passes), "--out", str(tmp_path / "a.json")]) != 0
    assert "alice/bias_sentences.jsonl: fx_002 judges one unit twice" in capsys.readouterr().err
    assert not (tmp_path / "a.json").exists()
