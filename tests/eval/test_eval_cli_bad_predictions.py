"""Bad predictions stop `samestory evaluate` with exit code 2, a message naming file, line and field,
and no results file."""
from __future__ import annotations

import json
import shutil

import pytest

from samestory.cli import main
from tests.helpers.eval_helpers import DOCUMENTS, GOLD, NOISY


def run(pred, tmp_path, *extra):
    out = tmp_path / "results.json"
    code = main(["evaluate", "--predictions", str(pred), "--gold", str(GOLD), "--corpus", str(DOCUMENTS),
                 "--out", str(out), "--resamples", "50", "--quiet", *extra])
    return code, out


def edit(tmp_path, config, fn):
    """Copy the noisy predictions and rewrite the lines of one file with fn(list of records) -> list of lines."""
    d = tmp_path / "pred"
    shutil.copytree(NOISY, d)
    path = d / f"{config}.jsonl"
    recs = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("".join(line + "\n" for line in fn(recs)), encoding="utf-8")
    return d, path


def dumps(recs):
    return [json.dumps(r) for r in recs]


def first_item(field, **changes):
    def fn(recs):
        recs[1][field][0].update(changes)
        return dumps(recs)
    return fn


CASES = {
    "invalid_json": ("stance", lambda r: dumps(r)[:1] + ['{"doc_id": "doc000001", "stances": [}'] + dumps(r)[2:],
                     "stance.jsonl:2", "invalid JSON"),
    "missing_field": ("stance", lambda r: dumps([r[0]] + [{**r[1], "stances": [{"target": "t1"}]}] + r[2:]),
                      "[stances[0].label]", "missing field"),
    "missing_items": ("stance", lambda r: dumps([r[0], {"doc_id": r[1]["doc_id"]}, *r[2:]]),
                      "[stances]", "missing field"),
    "unknown_doc": ("stance", lambda r: dumps(r + [{**r[0], "doc_id": "nope"}]), "[doc_id]", "unknown document id"),
    "duplicate_record": ("stance", lambda r: dumps(r + [r[0]]), "[doc_id]", "duplicate record"),
    "duplicate_item": ("stance", lambda r: dumps([r[0], {**r[1], "stances": r[1]["stances"][:1] * 2}, *r[2:]]),
                       "[stances[1]]", "duplicate item"),
    "offset_range": ("quotes", None, "[quotes[0].end]", "offsets out of range"),  # issue 15: under .end
    "start_ge_end": ("bias_spans", None, "[spans[0].start]", "start >= end"),
    "bad_label": ("stance", first_item("stances", label="pro"), "[stances[0].label]", "unknown label"),
    "bad_type": ("mentions", first_item("mentions", type="PERSON"), "[mentions[0].type]", "unknown label"),
    "overlap": ("mentions", None, "[mentions[", "NAM mention overlaps"),
    "unknown_sentence": ("bias_sentences", first_item("sentences", sentence_id="s999"),
                         "[sentences[0].sentence_id]", "unknown sentence id"),
    "unknown_field": ("stance", first_item("stances", confidence=0.9), "[stances[0].confidence]", "unknown field"),
    "wrong_text": ("mentions", first_item("mentions", text="zzz"), "[mentions[0].text]", "surface string differs"),
    "not_int": ("quotes", None, "[quotes[0].start]", "expected an integer"),
    "fine_role": ("entity_frames", None, "fine_roles[0]", "fine role not under main role"),
}


def _special(name, recs):
    r = recs[1]
    if name == "offset_range":
        r["quotes"] = [{"start": 5, "end": 10 ** 6, "speaker_entity_id": None}]
    elif name == "start_ge_end":
        r["spans"] = [{"start": 20, "end": 20, "technique": "Doubt"}]
    elif name == "overlap":
        r["mentions"] = [{"start": 0, "end": 8, "type": "PER", "entity_id": None},
                         {"start": 4, "end": 12, "type": "ORG", "entity_id": None}]
    elif name == "not_int":
        r["quotes"] = [{"start": "5", "end": 9, "speaker_entity_id": None}]
    elif name == "fine_role":
        r["entities"] = [{"entity_id": "e1", "main_role": "antagonist", "fine_roles": ["Martyr"],
                          "portrayal": "negative"}]
    return dumps(recs)


@pytest.mark.parametrize("name", list(CASES))
def test_eval_cli_bad_predictions_exit_2(name, tmp_path, capsys):
    config, fn, where, message = CASES[name]
    d, path = edit(tmp_path, config, fn or (lambda recs: _special(name, recs)))
    code, out = run(d, tmp_path)
    err = capsys.readouterr().err
    assert code == 2, err
    assert not out.exists()
    assert f"{path}:" in err and message in err and where in err
    line = 6 if name in ("unknown_doc", "duplicate_record") else 2  # the appended or the edited line
    assert f"{path}:{line}" in err


def test_eval_cli_missing_document_warns_then_strict_fails(tmp_path, capsys):
    d, path = edit(tmp_path, "stance", lambda r: dumps(r[1:]))
    code, out = run(d, tmp_path, "--task", "stance")
    err = capsys.readouterr().err
    assert code == 0 and out.exists()
    assert "doc000000" in err and "scored as empty" in err
    res = json.loads(out.read_text())
    assert res["tasks"]["stance"]["missing_documents"] == ["doc000000"]
    out.unlink()
    code, out = run(d, tmp_path, "--task", "stance", "--strict")
    assert code == 2 and not out.exists()
    assert "doc000000" in capsys.readouterr().err


def test_eval_cli_compare_refuses_other_dataset_version(tmp_path, capsys):
    code, out = run(NOISY, tmp_path)
    assert code == 0
    other = json.loads(out.read_text())
    other["dataset_version"] = "9.9.9"
    b = tmp_path / "other.json"
    b.write_text(json.dumps(other))
    code = main(["compare", str(out), str(b), "--resamples", "100", "--out", str(tmp_path / "cmp.json")])
    err = capsys.readouterr().err
    assert code == 2 and "dataset_version" in err and str(b) in err
    assert not (tmp_path / "cmp.json").exists()


def test_eval_cli_unnamed_file_needs_task(tmp_path, capsys):
    f = tmp_path / "preds.jsonl"
    shutil.copy(NOISY / "stance.jsonl", f)
    code, out = run(f, tmp_path)
    assert code == 2 and "--task" in capsys.readouterr().err and not out.exists()
    code, out = run(f, tmp_path, "--task", "stance")
    assert code == 0 and out.exists()


def test_eval_cli_one_file_for_tasks_of_two_configs_refused(tmp_path, capsys):
    code, out = run(NOISY / "stance.jsonl", tmp_path, "--task", "stance", "--task", "ner")
    assert code == 2 and not out.exists()
    assert "several configs" in capsys.readouterr().err
