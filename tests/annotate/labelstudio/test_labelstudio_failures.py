"""Failures say what happened and leave annotations/ untouched: no server, wrong token, timeout, bad export."""
from __future__ import annotations

import json
import socket
import threading

import pytest
from label_studio_sdk import LabelStudio
from tests.helpers.labelstudio_helpers import documents, gold, inventory, make_story, tree

from samestory.cli import main
from samestory.core.errors import SameStoryError
from samestory.annotate.labelstudio import client, server, sync
from samestory.annotate.labelstudio import config as C
from samestory.annotate.labelstudio.convert import to_results

pytestmark = pytest.mark.server


def _push_args(tmp_path, story, url, token, *extra):
    ann, docs = make_story(tmp_path, story)
    return ann, ["ls", "push", "--story", story, "--annotations", str(ann), "--documents", str(docs),
                 "--url", url, "--token", token, *extra]


def test_labelstudio_failures_server_not_running(tmp_path, capsys):
    url = f"http://127.0.0.1:{server.free_port()}"
    ann, args = _push_args(tmp_path, "down", url, "x" * 40, "--preannotate", "gold")
    before = tree(ann)
    assert main(args) != 0
    err = capsys.readouterr().err
    assert f"Label Studio is not running at {url}" in err and "make labelstudio" in err
    assert tree(ann) == before


def test_labelstudio_failures_wrong_token(ls_server, tmp_path, capsys):
    _, conn = ls_server
    ann, args = _push_args(tmp_path, "badtoken", conn.url, "0" * 40)
    before = tree(ann)
    assert main(args) != 0
    err = capsys.readouterr().err
    assert "refused the API token (401)" in err and "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN" in err
    assert tree(ann) == before


def test_labelstudio_failures_timeout(tmp_path, capsys):
    """A server that accepts connections but never answers (a stuck process) times out with a clear message."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                pass
    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        ann, args = _push_args(tmp_path, "stuck", url, "x" * 40, "--timeout", "1")
        before = tree(ann)
        assert main(args) != 0
        err = capsys.readouterr().err
        assert f"Label Studio at {url} did not answer within 1 s" in err and "--timeout" in err
        assert tree(ann) == before
    finally:
        stop.set()
        t.join()
        for c in held:
            c.close()
        sock.close()


def test_labelstudio_failures_bad_export_rejected(ls_server, annotators, tmp_path):
    """The server accepts an unknown label, two single choices and offsets past the text; pull lists each
    such annotation by task, annotator and region, and still converts the valid ones."""
    _, conn = ls_server
    ann, docs_file = make_story(tmp_path, "badexport")
    docs, inv = documents("badexport"), inventory("badexport")
    sync.push(conn, docs, inv, projects=["entities"])
    admin = client.connect(conn)
    proj = next(p for p in admin.projects.list() if p.title == "SameStory badexport entities")
    tasks = {t.data["doc_id"]: t for t in admin.tasks.list(project=proj.id)}
    alice = LabelStudio(base_url=conn.url, api_key=annotators["alice@example.org"])
    bob = LabelStudio(base_url=conn.url, api_key=annotators["bob@example.org"])

    def region(rid, tag, kind, start, end, text, values):
        key = "labels" if kind == "labels" else "choices"
        return {"id": rid, "from_name": tag, "to_name": "text", "type": kind,
                "value": {"start": start, "end": end, "text": text, key: values}}
    alice.annotations.create(id=tasks["fx_001"].id, result=[
        region("r1", "mention", "labels", 0, 7, "Russian", ["WEAPON"])])
    bob.annotations.create(id=tasks["fx_001"].id, result=[
        region("r2", "mention", "labels", 0, 7, "Russian", ["NORP"]),
        region("r2", "kind", "choices", 0, 7, "Russian", ["NAM", "NOM"]),
        {"id": "r2", "from_name": "entity_id", "to_name": "text", "type": "taxonomy",
         "value": {"start": 0, "end": 7, "text": "Russian", "taxonomy": [["NIL"]]}}])
    alice.annotations.create(id=tasks["fx_002"].id, result=[
        region("r3", "mention", "labels", 140, 9999, "Istanbul", ["GPE"])])
    doc2 = next(d for d in docs if d["doc_id"] == "fx_002")
    g = gold()
    bob.annotations.create(id=tasks["fx_002"].id, result=to_results(
        "entities", doc2, {layer: g[layer]["fx_002"] for layer in C.LAYERS_OF["entities"]}))

    out, exports, rejected = tmp_path / "passes", tmp_path / "exports", tmp_path / "rejected"
    r = sync.pull(conn, docs, inv, out, exports, projects=["entities"], rejected_dir=rejected)
    msg = "\n".join(map(str, r["problems"]))
    t1, t2 = tasks["fx_001"].id, tasks["fx_002"].id
    assert f"task {t1} (doc fx_001), annotator alice@example.org, annotation" in msg
    assert "region r1 [mention]: unknown label 'WEAPON'" in msg
    assert f"task {t1} (doc fx_001), annotator bob@example.org" in msg
    assert "region r2 [kind]: 2 values on a single-choice field: ['NAM', 'NOM']" in msg
    assert f"task {t2} (doc fx_002), annotator alice@example.org" in msg
    assert "region r3 [mention]: offset 9999 is outside the text" in msg
    assert len(r["problems"]) == 3
    # bob's valid fx_002 converted; nothing of the invalid ones was written
    assert r["annotators"] == ["bob"]
    assert (out / "bob" / "mentions.jsonl").read_text(encoding="utf-8").count("\n") == 1
    assert not (out / "alice").exists()
    assert len(list(exports.rglob("*.json"))) == 1


def test_labelstudio_failures_pull_runs_the_validator(ls_server, annotators, tmp_path):
    """What `samestory validate` rejects, pull rejects too: a reported fact without evidence, the same
    evidence span twice. The other annotator's valid work converts."""
    _, conn = ls_server
    docs, inv = documents("strict"), inventory("strict")
    sync.push(conn, docs, inv, projects=["facts"])
    admin = client.connect(conn)
    proj = next(p for p in admin.projects.list() if p.title == "SameStory strict facts")
    tasks = {t.data["doc_id"]: t for t in admin.tasks.list(project=proj.id)}
    assert len(tasks) == 2  # two documents, one page of facts each
    alice = LabelStudio(base_url=conn.url, api_key=annotators["alice@example.org"])
    bob = LabelStudio(base_url=conn.url, api_key=annotators["bob@example.org"])
    g = gold()
    by_id = {d["doc_id"]: d for d in docs}

    def results(doc_id):
        return to_results("facts", by_id[doc_id], {"facts": g["facts"][doc_id]}, unit=tasks[doc_id].data)
    res1 = results("fx_001")
    evidence = [x for x in res1 if x["from_name"] == C.FACT_EVIDENCE]
    assert evidence, "the fixture reports a fact with evidence"
    alice.annotations.create(id=tasks["fx_001"].id, result=[x for x in res1 if x["from_name"] != C.FACT_EVIDENCE])
    alice.annotations.create(id=tasks["fx_002"].id, result=results("fx_002"))
    bob.annotations.create(id=tasks["fx_001"].id, result=res1 + [dict(evidence[0], id=evidence[0]["id"] + "dup")])
    bob.annotations.create(id=tasks["fx_002"].id, result=results("fx_002"))
    out = tmp_path / "passes"
    r = sync.pull(conn, docs, inv, out, tmp_path / "exports", projects=["facts"], rejected_dir=tmp_path / "rej")
    msg = "\n".join(map(str, r["problems"]))
    assert "document fx_001, annotator alice@example.org" in msg and "reported fact without evidence" in msg
    assert "document fx_001, annotator bob@example.org" in msg and "duplicate evidence span" in msg
    assert len(r["problems"]) == 3  # alice: f1 and f2 reported without evidence; bob: one span twice
    for name in ("alice", "bob"):  # fx_002 of both converted, fx_001 of neither
        assert [json.loads(x)["doc_id"] for x in (out / name / "facts.jsonl").read_text().splitlines()] == ["fx_002"]


def test_labelstudio_failures_annotator_email_never_takes_an_existing_pass(ls_server, annotators, tmp_path):
    """alice@... would write into passes/alice made by someone else: refused until chosen and recorded."""
    _, conn = ls_server
    docs, inv = documents("emails"), inventory("emails")
    sync.push(conn, docs, inv, projects=["entities"])
    admin = client.connect(conn)
    proj = next(p for p in admin.projects.list() if p.title == "SameStory emails entities")
    alice = LabelStudio(base_url=conn.url, api_key=annotators["alice@example.org"])
    g = gold()
    for t in admin.tasks.list(project=proj.id):
        doc = next(d for d in docs if d["doc_id"] == t.data["doc_id"])
        alice.annotations.create(id=t.id, result=to_results(
            "entities", doc, {layer: g[layer][doc["doc_id"]] for layer in C.LAYERS_OF["entities"]}))
    out = tmp_path / "passes"
    (out / "alice").mkdir(parents=True)
    (out / "alice" / "mentions.jsonl").write_text("{}\n")  # an older pass by another "alice"
    before = tree(out)
    with pytest.raises(SameStoryError) as exc:
        sync.pull(conn, docs, inv, out, tmp_path / "exports", projects=["entities"], rejected_dir=tmp_path / "r")
    assert "annotator alice@example.org would write into an existing pass folder" in str(exc.value)
    assert "--annotator alice@example.org=<new folder>" in str(exc.value)
    assert tree(out) == before
    r = sync.pull(conn, docs, inv, out, tmp_path / "exports", projects=["entities"], rejected_dir=tmp_path / "r",
                  annotator_folders={"alice@example.org": "alice-ls"})
    assert r["annotators"] == ["alice-ls"] and (out / "alice" / "mentions.jsonl").read_text() == "{}\n"
    assert json.loads((out / "annotators.json").read_text()) == {"alice@example.org": "alice-ls"}
    r = sync.pull(conn, docs, inv, out, tmp_path / "exports", projects=["entities"], rejected_dir=tmp_path / "r")
    assert r["annotators"] == ["alice-ls"]  # the recorded choice is kept
