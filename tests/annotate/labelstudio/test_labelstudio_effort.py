"""Measured effort: a whole document's sentence layer (and its paragraph frames) labelled in a real browser
with the keyboard alone.

The annotator (alice) opens the labelling stream of the blind `sentences` project and types the gold
decisions of a real article of the story: one key per sentence (the sentence's keyboard row, the choice's
position), Ctrl+Enter per unit of four sentences. Every key press is counted as one action; the
numbers go to tests/artifacts/labelstudio/effort.json and annotations/README.md reports them. Pull then
has to give back exactly the decisions typed, so the count is of work that really lands.
"""
from __future__ import annotations

import json

import pytest
from tests.helpers.browser import launch
from tests.helpers.labelstudio_helpers import ARTIFACTS

from samestory.core import paths

from samestory import schema
from samestory.corpus.store import load_documents
from samestory.core.jsonl import read_jsonl
from samestory.annotate.labelstudio import config as C
from samestory.annotate.labelstudio import sync

pytestmark = [pytest.mark.server, pytest.mark.browser]

STORY = "istanbul-2025-05-16"


def _key(slot: int, label: str, opinion: str) -> str:
    value = f"{label}{C.UNIT_SEP}{opinion}"
    return C.HOTKEY_ROWS[slot - 1][C.BIAS_UNIT_VALUES.index(value)]


def test_labelstudio_effort_sentence_layer_keyboard_only(ls_server, annotators, tmp_path):
    cred, conn = ls_server
    doc = max((d for d in load_documents() if d["story_id"] == STORY), key=lambda d: len(d["sentences"]))
    DOC = doc["doc_id"]  # the article with the most sentences
    inv = sync.load_inventory(STORY)
    decisions = {s["sentence_id"]: (s["label"], s["opinion"]) for _, r in
                 read_jsonl(paths.ANNOTATIONS / STORY / "gold" / "bias_sentences.jsonl") if r["doc_id"] == DOC
                 for s in r["sentences"]}
    assert len(decisions) == len(doc["sentences"]) >= 20
    pid = sync.push(conn, [doc], inv, projects=["sentences"]).projects["sentences"]
    units = sync.sentence_units(doc)
    actions: list[str] = []

    def press(key: str) -> None:
        actions.append(key)
        page.keyboard.press(key)

    with launch() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{cred.url}/user/login/")
        page.fill("input[name=email]", "alice@example.org")
        page.fill("input[name=password]", "alice-pass-2025")
        page.keyboard.press("Enter")  # logging in is not part of a document's work
        page.wait_for_load_state("networkidle")
        actions.append("open the labelling stream")  # one address typed (or one click on Label All Tasks)
        page.goto(f"{cred.url}/projects/{pid}/data?labeling=1")
        page.wait_for_timeout(1500)
        if page.locator(".ant-modal, [role=dialog]").count():  # the instructions come first
            press("Escape")
            page.wait_for_timeout(500)
        for n, unit in enumerate(units, 1):
            page.wait_for_selector(f"text={unit['u1_id']}", timeout=120_000)
            page.wait_for_timeout(600)
            for i, sid in enumerate(unit["sentence_ids"], 1):
                press(_key(i, *decisions[sid]))
                page.wait_for_timeout(150)
            checked = page.eval_on_selector_all("input:checked", "els => els.length")
            page.screenshot(path=str(ARTIFACTS / f"effort-unit{n}.png"))
            assert checked == len(unit["sentence_ids"]), (unit["unit_id"], checked)
            press("Control+Enter")
            page.wait_for_timeout(1500)
    r = sync.pull(conn, [doc], inv, tmp_path / "passes", tmp_path / "exports", projects=["sentences"],
                  rejected_dir=tmp_path / "rej")
    assert not r["problems"], r["problems"]
    got = [json.loads(x) for x in (tmp_path / "passes" / "alice" / "bias_sentences.jsonl").read_text().splitlines()]
    assert {s["sentence_id"]: (s["label"], s["opinion"]) for s in got[0]["sentences"]} == decisions
    n = len(doc["sentences"])
    report = {"doc_id": DOC, "sentences": n, "units": len(units), "actions": len(actions),
              "actions_per_sentence": round(len(actions) / n, 2), "keys": actions,
              "labels": sorted({f"{a}/{b}" for a, b in decisions.values()}),
              "choices_per_sentence": len(schema.BIAS_LABELS) * len(schema.OPINION_LABELS)}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "effort.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nsentence layer of {DOC}: {len(actions)} actions for {n} sentences "
          f"({len(actions) / n:.2f} per sentence)")
    assert len(actions) / n < 2


def test_labelstudio_effort_paragraph_frames_keyboard_only(ls_server, annotators, tmp_path):
    """Paragraph frames as ready-made units: alice types the gold frame of every paragraph of a real
    article, one key each (no collisions: each key lands on its own paragraph's choice), Ctrl+Enter per
    unit; her document-level frames go in through the API; pull joins both into exactly the gold record."""
    from label_studio_sdk import LabelStudio

    from samestory.annotate.labelstudio.convert import to_results

    cred, conn = ls_server
    doc = max((d for d in load_documents() if d["story_id"] == STORY), key=lambda d: len(d["paragraphs"]))
    DOC = doc["doc_id"]
    inv = sync.load_inventory(STORY)
    gold_of = {layer: next(r for _, r in read_jsonl(paths.ANNOTATIONS / STORY / "gold" / f"{layer}.jsonl")
                           if r["doc_id"] == DOC) for layer in ("frames", "stance")}
    frames = {p["paragraph_id"]: p["frame"] for p in gold_of["frames"]["paragraphs"]}
    ids = sync.push(conn, [doc], inv, projects=["document", "paragraphs"]).projects
    me = LabelStudio(base_url=conn.url, api_key=annotators["alice@example.org"])
    task = next(iter(me.tasks.list(project=ids["document"], fields="all")))
    me.annotations.create(id=task.id, result=to_results("document", doc, gold_of, inv=inv))
    units = sync.paragraph_units(doc)
    actions: list[str] = []

    def press(key: str) -> None:
        actions.append(key)
        page.keyboard.press(key)

    with launch() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{cred.url}/user/login/")
        page.fill("input[name=email]", "alice@example.org")
        page.fill("input[name=password]", "alice-pass-2025")
        page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")
        page.goto(f"{cred.url}/projects/{ids['paragraphs']}/data?labeling=1")
        page.wait_for_timeout(1500)
        if page.locator(".ant-modal, [role=dialog]").count():
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
        for n, unit in enumerate(units, 1):
            page.wait_for_selector(f"text={unit['title']}", timeout=120_000)
            page.wait_for_timeout(600)
            for i, pid in enumerate(unit["paragraph_ids"], 1):
                value = C.NO_FRAME if frames[pid] is None else frames[pid]
                press(C.PARA_HOTKEY_ROWS[i - 1][C.PARAGRAPH_VALUES.index(value)])
                page.wait_for_timeout(150)
            checked = page.eval_on_selector_all("input:checked", "els => els.length")
            page.screenshot(path=str(ARTIFACTS / f"effort-paragraphs-unit{n}.png"))
            assert checked == len(unit["paragraph_ids"]), (unit["unit_id"], checked)
            press("Control+Enter")
            page.wait_for_timeout(1500)
    r = sync.pull(conn, [doc], inv, tmp_path / "passes", tmp_path / "exports", projects=["document", "paragraphs"],
                  rejected_dir=tmp_path / "rej")
    assert not r["problems"], r["problems"]
    got = [json.loads(x) for x in (tmp_path / "passes" / "alice" / "frames.jsonl").read_text().splitlines()]
    assert got == [gold_of["frames"]]
    print(f"\nparagraph frames of {DOC}: {len(actions)} key presses for {len(frames)} paragraphs")
    assert len(actions) == len(frames) + len(units)  # one key per paragraph, one submit per unit
