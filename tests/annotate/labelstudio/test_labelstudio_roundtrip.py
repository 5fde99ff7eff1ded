"""Gold -> predictions -> accepted by two annotators through the API -> pull -> the same gold, byte for byte."""
from __future__ import annotations

import json

import pytest
from label_studio_sdk import LabelStudio
from tests.helpers.labelstudio_helpers import GOLD, documents, gold, inventory, make_story

from samestory.cli import main
from samestory.annotate.labelstudio import client, sync
from samestory.annotate.labelstudio import config as C
from samestory.annotate.labelstudio.convert import to_results

pytestmark = pytest.mark.server


def _g(obj, key):
    """Field of an SDK item (a model or a plain dict, depending on the endpoint)."""
    return obj[key] if isinstance(obj, dict) else getattr(obj, key)


def _cli(conn, *args):
    return main(["ls", *args, "--url", conn.url, "--token", conn.token])


def test_labelstudio_roundtrip_gold_byte_for_byte(ls_server, annotators, tmp_path, capsys):
    """A plain push makes blind annotation projects; a gold push fills only the review projects. Two
    annotators submit the gold through the API, one task (sentence or paragraph unit) at a time; pull
    joins the paragraph units with the document project's frames and gives the gold back."""
    cred, conn = ls_server
    ann, docs = make_story(tmp_path, "roundtrip")
    common = ["--story", "roundtrip", "--annotations", str(ann), "--documents", str(docs)]
    assert _cli(conn, "push", *common) == 0
    assert _cli(conn, "push", *common, "--preannotate", "gold") == 0
    assert _cli(conn, "push", *common, "--preannotate", "gold") == 0  # idempotent
    # fixture: 2 documents; paragraph units of 2 paragraphs: 3 paragraphs give 2 tasks, 2 give 1
    assert "tasks: 0 created, 13 kept; predictions: 0 created, 0 replaced, 13 kept" in capsys.readouterr().out

    admin = client.connect(conn)
    projects = {p.title: p for p in admin.projects.list()}
    g = gold()
    by_id = {d["doc_id"]: d for d in documents("roundtrip")}
    for project in C.PROJECTS:
        proj = admin.projects.get(id=projects[C.project_title("roundtrip", project)].id)
        review = admin.projects.get(id=projects[C.project_title("roundtrip", project, review=True)].id)
        # blind: two annotators per task, no predictions (gold lives in the review project only)
        assert proj.maximum_annotations == 2 and proj.show_collab_predictions is False
        assert proj.show_annotation_history is False and proj.enable_empty_annotation is False
        assert "guidelines.md#" in proj.expert_instruction
        assert review.maximum_annotations == 1 and review.show_collab_predictions is True
        # the server itself validates the generated config
        admin.projects.validate_label_config(id=proj.id,
                                             label_config=C.project_configs(inventory("roundtrip"))[project])
        tasks = list(admin.tasks.list(project=proj.id, fields="all"))
        assert len(tasks) == sum(len(sync.project_tasks(project, d, inventory("roundtrip"))) for d in by_id.values())
        assert not any(t.predictions for t in tasks)
        assert all(len(t.predictions) == 1 for t in admin.tasks.list(project=review.id, fields="all"))
        for email, token in annotators.items():
            me = LabelStudio(base_url=conn.url, api_key=token)
            for t in tasks:
                doc = by_id[t.data["doc_id"]]
                recs = {layer: g[layer][doc["doc_id"]] for layer in C.LAYERS_OF[project]}
                result = to_results(project, doc, recs, unit=t.data if "unit_id" in t.data else None,
                                    inv=inventory("roundtrip"))
                me.annotations.create(id=t.id, result=result)

    out, exports = tmp_path / "passes", tmp_path / "exports"
    assert _cli(conn, "pull", *common, "--out", str(out), "--exports", str(exports)) == 0
    for name in ("alice", "bob"):
        for layer_file in sorted(GOLD.glob("*.jsonl")):
            assert (out / name / layer_file.name).read_bytes() == layer_file.read_bytes(), (name, layer_file.name)
    raw = sorted((exports / "roundtrip").glob("*.json"))
    assert [p.name.split("-")[0] for p in raw] == ["document", "entities", "facts", "paragraphs", "sentences",
                                                   "spans"]
    export = json.loads(raw[1].read_bytes())
    assert {a["completed_by"]["email"] for t in export for a in t["annotations"]} == set(annotators)

    # identical annotators agree perfectly
    assert main(["agreement", "--annotations", str(out), "--out", str(tmp_path / "agreement.json")]) == 0
    report = json.loads((tmp_path / "agreement.json").read_text())
    assert report["labels"]["stance.label"]["alpha"] == 1.0
    assert report["spans"]["mentions"]["pairs"]["alice|bob"]["strict"]["f1"] == 1.0

    # bob changes his mind on one stance; pull refuses to overwrite silently, then adjudicate finds it
    bob = LabelStudio(base_url=conn.url, api_key=annotators["bob@example.org"])
    doc_proj = projects[C.project_title("roundtrip", "document")]
    task = next(t for t in admin.tasks.list(project=doc_proj.id, fields="all") if t.data["doc_id"] == "fx_001")
    mine = next(a for a in task.annotations if _g(a, "completed_by") == bob.users.whoami().id)
    result = [dict(r, value={"choices": ["favor"]}) if r["from_name"] == "stance__russia" else r
              for r in _g(mine, "result")]
    bob.annotations.update(id=_g(mine, "id"), result=result)
    before = (out / "bob" / "stance.jsonl").read_bytes()
    capsys.readouterr()
    assert _cli(conn, "pull", *common, "--out", str(out), "--exports", str(exports)) != 0
    assert "not overwriting" in capsys.readouterr().err
    assert (out / "bob" / "stance.jsonl").read_bytes() == before
    assert _cli(conn, "pull", *common, "--out", str(out), "--exports", str(exports), "--overwrite") == 0
    adj = tmp_path / "adjudication"
    assert main(["adjudicate", "--annotations", str(out), "--out", str(adj), "--gold", str(tmp_path / "gold")]) == 0
    dis = [json.loads(x) for x in (adj / "disagreements.jsonl").read_text().splitlines()]
    assert [(d["id"], d["values"]) for d in dis] == [
        ("stance/fx_001/stances[target=russia].label", {"alice": "against", "bob": "favor"})]
    assert not (tmp_path / "gold").exists()
