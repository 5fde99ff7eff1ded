"""Failures say what happened and leave annotations/ untouched: no server, wrong token, timeout, bad export."""
from __future__ import annotations

import socket
import threading

import pytest
from label_studio_sdk import LabelStudio
from labelstudio_helpers import documents, inventory, make_story, tree

from samestory.cli import main
from samestory.errors import SameStoryError
from samestory.labelstudio import client, server, sync

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
    """The server accepts an unknown label, two single choices and offsets past the text; pull does not."""
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
        region("r2", "entity_id", "choices", 0, 7, "Russian", ["NIL"])])
    alice.annotations.create(id=tasks["fx_002"].id, result=[
        region("r3", "mention", "labels", 140, 9999, "Istanbul", ["GPE"])])

    out, exports, rejected = tmp_path / "passes", tmp_path / "exports", tmp_path / "rejected"
    before = tree(tmp_path / "annotations")
    with pytest.raises(SameStoryError) as exc:
        sync.pull(conn, docs, inv, out, exports, projects=["entities"], rejected_dir=rejected)
    msg = str(exc.value)
    t1, t2 = tasks["fx_001"].id, tasks["fx_002"].id
    assert f"task {t1} (doc fx_001), annotator alice@example.org, annotation" in msg
    assert "region r1 [mention]: unknown label 'WEAPON'" in msg
    assert f"task {t1} (doc fx_001), annotator bob@example.org" in msg
    assert "region r2 [kind]: 2 values on a single-choice field: ['NAM', 'NOM']" in msg
    assert f"task {t2} (doc fx_002), annotator alice@example.org" in msg
    assert "region r3 [mention]: offset 9999 is outside the text" in msg
    assert "annotations/ unchanged" in msg
    assert not out.exists() and not exports.exists()
    assert tree(tmp_path / "annotations") == before
    kept = list(rejected.rglob("*.json"))
    assert len(kept) == 1 and b"WEAPON" in kept[0].read_bytes()
