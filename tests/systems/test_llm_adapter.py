"""The llm adapter against a fake OpenAI-compatible server on 127.0.0.1 (real HTTP, real httpx client).

The fake model answers from the mini fixture's gold, so a correct adapter scores 1.0; scripted faults
(slow answers, 5xx, malformed bodies, non-JSON or off-schema content) must be retried or logged, never crash.
"""
from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from samestory import systems as baselines
from samestory.systems.llm import codebook_section, messages_for
from samestory.systems.resources import load_resources
from samestory.systems.run import predict_to_dir
from samestory.corpus.store import load_documents
from samestory.core.errors import SameStoryError
from samestory.eval import data
from samestory.eval.evaluate import Options, evaluate
from tests.helpers import FIXTURES

FIX = FIXTURES / "baselines"
CORPUS, ANN = FIX / "corpus", FIX / "annotations"
GOLD = ANN / "mini-story" / "gold"
GUIDE = FIX / "guidelines.md"


def gold_answer(config: str, rec: dict) -> dict:
    """What a perfect model would answer for one document (the adapter's answer shapes)."""
    if config == "mentions":
        return {"mentions": [{k: m[k] for k in ("text", "type", "kind", "entity_id")} for m in rec["mentions"]]}
    if config == "entity_frames":
        return {"entities": [{k: e[k] for k in ("entity_id", "main_role", "fine_roles", "portrayal")}
                             for e in rec["entities"]]}
    if config == "stance":
        return {"stances": rec["stances"]}
    if config == "frames":
        return {"frames": rec["frames"], "primary_frame": rec["primary_frame"],
                "paragraphs": {p["paragraph_id"]: p["frame"] for p in rec["paragraphs"]}}
    if config == "bias_sentences":
        return {"sentences": {s["sentence_id"]: {"label": s["label"], "opinion": s["opinion"]} for s in rec["sentences"]}}
    if config == "bias_spans":
        return {"spans": [{k: s[k] for k in ("text", "technique", "target_entity_id", "polarity")} for s in rec["spans"]]}
    if config == "facts":
        return {"facts": {f["fact_id"]: {"reported": f["reported"], "evidence": [e["text"] for e in f["evidence"]]}
                          for f in rec["facts"]}}
    if config == "quotes":
        return {"quotes": [{"text": q["text"], "speaker_entity_id": q["speaker_entity_id"]} for q in rec["quotes"]]}
    raise ValueError(config)


class FakeModel:
    """A scripted OpenAI-compatible chat-completions server."""

    def __init__(self):
        self.gold = {}
        for f in GOLD.glob("*.jsonl"):
            for line in f.read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                self.gold[(f.stem, rec["doc_id"])] = rec
        self.openings = {d["doc_id"]: d["text"][:25] for d in load_documents(CORPUS)}
        self.script: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.requests = 0
        self.inflight = self.max_inflight = 0
        self.delay = 0.0
        self.auth = set()
        self.lock = threading.Lock()

    def answer(self, body: dict) -> tuple[int, bytes]:
        user = body["messages"][-1]["content"]
        config = user.split("\n", 1)[0].removeprefix("TASK: ").strip()
        body_part = user.rsplit("Answer shape:", 1)[1]  # the document comes after the instructions
        doc_id = next(d for d, o in self.openings.items() if o in body_part)
        with self.lock:
            step = self.script[(config, doc_id)].pop(0) if self.script[(config, doc_id)] else "ok"
        if step == "slow":
            time.sleep(1.5)
        if step == "500":
            return 500, b'{"error": "overloaded"}'
        if step == "429":
            return 429, b'{"error": "rate limited"}'
        if step == "401":
            return 401, b'{"error": "bad key"}'
        if step == "badbody":
            return 200, b"<html>proxy error</html>"
        content = json.dumps(gold_answer(config, self.gold[(config, doc_id)]))
        if step == "garbage":
            content = "Sure! Here are the quotes: " + content[:20]
        if step == "wrong_label":
            content = content.replace("true", '"yes"').replace("false", '"no"')
        if step == "odd_shape":
            content = json.dumps({"entities": [{"entity_id": "putin", "main_role": "antagonist",
                                                "fine_roles": [{"x": 1}], "portrayal": "negative"}]})
        if step == "fenced":
            content = "```json\n" + content + "\n```"
        reply = {"id": "x", "object": "chat.completion", "model": body["model"],
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                              "finish_reason": "stop"}]}
        return 200, json.dumps(reply).encode()


@pytest.fixture
def server():
    model = FakeModel()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            with model.lock:
                model.requests += 1
                model.inflight += 1
                model.max_inflight = max(model.max_inflight, model.inflight)
                model.auth.add(self.headers.get("Authorization"))
            try:
                time.sleep(model.delay)
                assert self.path == "/v1/chat/completions", self.path
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, payload = model.answer(body)
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with model.lock:
                    model.inflight -= 1

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    model.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    yield model
    httpd.shutdown()
    httpd.server_close()


def run(model, out, cache, tasks=(), **params):
    params = {"base_url": model.url, "model": "fake-1", "cache": str(cache), "guidelines": str(GUIDE),
              "backoff": 0.01, "timeout": 5.0, **params}
    return predict_to_dir(baselines.get("llm"), out, params=[f"{k}={json.dumps(v)}" for k, v in params.items()],
                          corpus_dir=CORPUS, annotations_dir=ANN, tasks=tasks)


def score(pred_dir):
    return evaluate(pred_dir, data.load_gold_dir(GOLD, CORPUS), Options(resamples=20))


def test_llm_adapter_perfect_answers_score_one_on_every_task(server, tmp_path, monkeypatch):
    monkeypatch.setenv("SAMESTORY_LLM_API_KEY", "sk-test")
    written, tasks, errors = run(server, tmp_path / "out", tmp_path / "cache", concurrency=3)
    assert errors == [] and server.requests == 16  # 8 layers × 2 documents
    assert server.auth == {"Bearer sk-test"}
    results = score(tmp_path / "out")
    assert set(results["tasks"]) == set(tasks) == set(baselines.get("llm").tasks)
    for t, block in results["tasks"].items():
        assert block["metrics"][block["main_score"]]["value"] == 1.0, t
    meta = json.loads((tmp_path / "out" / "system.json").read_text())
    assert meta["parameters"]["model"] == "fake-1" and "sk-test" not in json.dumps(meta)


def test_llm_adapter_cache_makes_a_rerun_free(server, tmp_path):
    run(server, tmp_path / "a", tmp_path / "cache")
    first = server.requests
    run(server, tmp_path / "b", tmp_path / "cache")
    assert server.requests == first
    for f in (tmp_path / "a").glob("*.jsonl"):
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes()


def test_llm_adapter_retries_slow_and_failing_requests_and_logs_bad_output(server, tmp_path):
    server.script[("stance", "d1")] = ["slow"]  # times out once, then answers
    server.script[("frames", "d1")] = ["500", "500"]  # retried
    server.script[("mentions", "d2")] = ["fenced"]  # a ```json fence is tolerated
    server.script[("quotes", "d2")] = ["garbage"]  # not JSON: logged, scored empty
    server.script[("facts", "d1")] = ["wrong_label"]  # off-schema: logged
    server.script[("bias_sentences", "d2")] = ["badbody"] * 10  # never a usable body: gives up
    server.script[("bias_spans", "d1")] = ["401"]  # not retried
    server.script[("entity_frames", "d2")] = ["odd_shape"]  # unhashable where a label belongs: invalid, no crash
    t0 = time.monotonic()
    written, tasks, errors = run(server, tmp_path / "out", tmp_path / "cache", timeout=0.5, max_retries=3,
                                 concurrency=2)
    assert time.monotonic() - t0 < 30
    got = {(e["config"], e["doc_id"], e["kind"]) for e in errors}
    assert got == {("quotes", "d2", "invalid_output"), ("facts", "d1", "invalid_output"),
                   ("entity_frames", "d2", "invalid_output"),
                   ("bias_sentences", "d2", "request"), ("bias_spans", "d1", "request")}
    by = {(e["config"], e["doc_id"]): e for e in errors}
    assert "gave up after 4 attempt(s)" in by[("bias_sentences", "d2")]["error"]
    assert "HTTP 401" in by[("bias_spans", "d1")]["error"]
    assert "not JSON" in by[("quotes", "d2")]["error"] and "Sure!" in by[("quotes", "d2")]["content"]
    logged = [json.loads(x) for x in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert {(e["config"], e["doc_id"]) for e in logged} == set(by)
    docs = lambda f: [json.loads(x)["doc_id"] for x in (tmp_path / "out" / f).read_text().splitlines()]
    assert docs("quotes.jsonl") == ["d1"] and docs("stance.jsonl") == ["d1", "d2"] and docs("frames.jsonl") == ["d1", "d2"]
    results = score(tmp_path / "out")  # missing documents are scored as empty, with a warning
    assert results["tasks"]["quotes"]["missing_documents"] == ["d2"]
    assert results["tasks"]["stance"]["metrics"]["f_avg"]["value"] == 1.0
    # failed requests were not cached: a rerun with a healthy server fills exactly the gaps
    server.script.clear()
    before = server.requests
    _, _, errors2 = run(server, tmp_path / "out2", tmp_path / "cache")
    assert server.requests - before == 2 and {(e["config"], e["doc_id"]) for e in errors2} == {
        ("quotes", "d2"), ("facts", "d1"), ("entity_frames", "d2")}  # invalid answers are cached like any answer


def test_llm_adapter_respects_the_concurrency_limit(server, tmp_path):
    server.delay = 0.15
    run(server, tmp_path / "out", tmp_path / "cache", concurrency=2)
    assert server.max_inflight == 2


def test_llm_prompt_quotes_the_codebook_and_schema_labels():
    from samestory import schema

    docs = load_documents(CORPUS)
    res = load_resources({"mini-story"}, ANN)
    msgs = messages_for("stance", docs[0], res, GUIDE)
    user = msgs[-1]["content"]
    assert codebook_section("stance", GUIDE) in user and "fixture rule 3" in user
    assert all(json.dumps(label) in user for label in schema.STANCE_LABELS)
    assert "russia (Russia): The Russian government." in user and docs[0]["text"] in user
    frames = messages_for("frames", docs[0], res, GUIDE)[-1]["content"]
    assert "p1: Putin and Zelensky did not meet in Istanbul." in frames
    with pytest.raises(SameStoryError, match="no section for layer"):
        codebook_section("nope", GUIDE)


def test_llm_adapter_needs_an_endpoint(tmp_path, monkeypatch):
    for var in ("SAMESTORY_LLM_BASE_URL", "OPENAI_BASE_URL", "SAMESTORY_LLM_MODEL"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(SameStoryError, match="needs an endpoint") as err:
        predict_to_dir(baselines.get("llm"), tmp_path / "out", corpus_dir=CORPUS, annotations_dir=ANN)
    assert "base_url" in str(err.value) and not (tmp_path / "out").exists()


def test_llm_cli_flags_and_single_task(server, tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "MY_KEY": "sk-cli"}
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "samestory.cli", "predict", "--system", "llm", "--out", str(out),
                        "--corpus", str(CORPUS), "--annotations", str(ANN), "--base-url", server.url,
                        "--model", "fake-2", "--api-key-env", "MY_KEY", "--concurrency", "1", "--task", "stance",
                        "--cache", str(tmp_path / "cache"), "--param", f"guidelines={json.dumps(str(GUIDE))}"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert server.requests == 2 and server.auth == {"Bearer sk-cli"}  # one layer × two documents
    assert sorted(p.name for p in out.iterdir()) == ["stance.jsonl", "system.json"]
    meta = json.loads((out / "system.json").read_text())
    assert meta["tasks"] == ["stance"] and meta["parameters"]["model"] == "fake-2"
    assert meta["parameters"]["api_key_env"] == "MY_KEY" and "sk-cli" not in json.dumps(meta)


def test_llm_answers_in_list_form_and_null_spellings_are_understood():
    from samestory.systems.llm import InvalidOutput, parse_json, to_record

    docs = {d["doc_id"]: d for d in load_documents(CORPUS)}
    res = load_resources({"mini-story"}, ANN)
    rec = to_record("bias_sentences", parse_json(json.dumps({"sentences": [
        {"sentence_id": "s1", "label": "biased", "opinion": "opinion"},
        {"sentence_id": "s2", "label": "non-biased", "opinion": "factual"}]})), docs["d2"], res)
    assert [s["label"] for s in rec["sentences"]] == ["biased", "non-biased"]
    rec = to_record("quotes", {"quotes": [{"text": "a first step", "speaker_entity_id": "NIL"}]}, docs["d2"], res)
    assert rec["quotes"][0]["speaker_entity_id"] is None and rec["quotes"][0]["start"] == docs["d2"]["text"].index("a first")
    with pytest.raises(InvalidOutput, match="does not occur"):
        to_record("quotes", {"quotes": [{"text": "never said", "speaker_entity_id": None}]}, docs["d2"], res)
    with pytest.raises(InvalidOutput, match="unknown entity"):
        to_record("quotes", {"quotes": [{"text": "a first step", "speaker_entity_id": "zelenskyy"}]}, docs["d2"], res)
    with pytest.raises(InvalidOutput, match="no answer for s2"):
        to_record("bias_sentences", {"sentences": {"s1": {"label": "biased", "opinion": "opinion"}}}, docs["d2"], res)


def test_llm_adapter_honours_retry_after_on_429(server, tmp_path):
    def timed(step, name):
        server.script[("stance", "d1")] = [step]
        t0 = time.monotonic()
        _, _, errors = run(server, tmp_path / name, tmp_path / f"cache-{name}", tasks=("stance",), concurrency=1)
        assert errors == []
        return time.monotonic() - t0

    plain = timed("500", "a")  # retried after the 0.01 s backoff
    polite = timed("429", "b")  # retried after the server's Retry-After: 1
    assert polite >= 1.0 and polite - plain >= 0.8
