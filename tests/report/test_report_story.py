"""The story report: tables from layer records, escaped HTML, offline page in a real browser."""
from __future__ import annotations

from pathlib import Path

import pytest

from samestory.core import paths
from samestory.corpus.store import load_documents
from samestory.core.jsonl import write_jsonl
from samestory.report import load_story, write_report
from samestory.report.data import fact_coverage, naming_choices, summary

STORY = "istanbul-2025-05-16"
HOSTILE = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def fixture_annotations(tmp_path_factory) -> Path:
    """Small synthetic labels over the real clean texts (fixture data, not gold)."""
    root = tmp_path_factory.mktemp("ann")
    story = root / STORY
    docs = [d for d in load_documents() if d["story_id"] == STORY]
    write_jsonl(story / "entities.jsonl", [
        {"story_id": STORY, "entity_id": "kyiv", "name": "Kyiv", "type": "GPE", "aliases": ["Kyiv", "Kiev"],
         "description": "Capital of Ukraine.", "wikidata": None, "speaks_for": None},
        {"story_id": STORY, "entity_id": "evil", "name": HOSTILE, "type": "PER", "aliases": [],
         "description": "hostile name", "wikidata": None, "speaks_for": None}])
    write_jsonl(story / "fact_inventory.jsonl", [
        {"story_id": STORY, "fact_id": f"f{i}", "statement": s, "kind": "event"}
        for i, s in enumerate(["The talks took place in Istanbul.", "A prisoner exchange was agreed.",
                               f"Only one says {HOSTILE}."], 1)])
    write_jsonl(story / "stance_targets.jsonl", [
        {"story_id": STORY, "target_id": "russia", "name": "Russia", "definition": "The Russian government."}])
    gold = story / "gold"
    facts, mentions, frames, stance, spans, frames_ = [], [], [], [], [], []
    for n, d in enumerate(docs):
        s1 = d["sentences"][0]
        ev = {"start": s1["start"], "end": s1["end"], "text": d["text"][s1["start"]:s1["end"]]}
        facts.append({"doc_id": d["doc_id"], "facts": [
            {"fact_id": "f1", "reported": True, "evidence": [ev]},
            {"fact_id": "f2", "reported": n < 3, "evidence": [ev] if n < 3 else []},
            {"fact_id": "f3", "reported": n == 0, "evidence": [ev] if n == 0 else []}]})
        ms = []
        for form in ("Kiev", "Kyiv"):
            i = d["text"].find(form)
            if i >= 0:
                ms.append({"id": f"m{len(ms) + 1}", "start": i, "end": i + 4, "text": form, "type": "GPE",
                           "kind": "NAM", "entity_id": "kyiv"})
        mentions.append({"doc_id": d["doc_id"], "mentions": ms})
        frames.append({"doc_id": d["doc_id"], "frames": ["Political", "Security and defense"],
                       "primary_frame": "Political",
                       "paragraphs": [{"paragraph_id": p["id"], "frame": "Political" if k % 2 else None}
                                      for k, p in enumerate(d["paragraphs"])]})
        stance.append({"doc_id": d["doc_id"], "stances": [
            {"target": "russia", "label": ["favor", "against", "neutral"][n % 3], "note": None}]})
        w = d["text"].split()[0]
        spans.append({"doc_id": d["doc_id"], "spans": [
            {"id": "b1", "start": 0, "end": len(w), "text": w, "technique": "Loaded_Language",
             "target_entity_id": "evil" if n == 0 else None, "polarity": "negative" if n == 0 else None}]})
        frames_.append({"doc_id": d["doc_id"], "entities": [
            {"entity_id": "evil", "main_role": "antagonist", "fine_roles": ["Tyrant"],
             "portrayal": "negative" if n else "positive", "evidence": []}]})
    for name, recs in (("facts", facts), ("mentions", mentions), ("frames", frames), ("stance", stance),
                       ("bias_spans", spans), ("entity_frames", frames_)):
        write_jsonl(gold / f"{name}.jsonl", recs)
    return root


def test_report_tables_follow_the_labels(fixture_annotations):
    data = load_story(STORY, annotations_dir=fixture_annotations)
    rows = fact_coverage(data)
    assert [r["fact_id"] for r in rows] == ["f1", "f2", "f3"]
    assert [r["count"] for r in rows] == [5, 3, 1]
    lines = summary(data)
    assert "2 of 5 articles omit that a prisoner exchange was agreed." in lines
    assert any(line.startswith("Only article 000 reports that") for line in lines)
    kyiv = next(r for r in naming_choices(data) if r["entity_id"] == "kyiv")
    assert {f for forms in kyiv["forms"].values() for f in forms} == {"Kiev", "Kyiv"}


def test_report_escapes_strings_and_is_deterministic(fixture_annotations, tmp_path):
    data = load_story(STORY, annotations_dir=fixture_annotations)
    a = write_report(data, tmp_path / "a")
    write_report(data, tmp_path / "b")
    html = a.read_text(encoding="utf-8")
    assert HOSTILE not in html and "&lt;script&gt;" in html
    for f in ("index.html", "fact_coverage.png", "portrayal.png", "stance.png", "frames.png", "report.json"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    assert "http://" not in html and "https://" not in html


def test_report_missing_layers_give_empty_sections(tmp_path):
    story = tmp_path / STORY / "gold"
    story.mkdir(parents=True)
    data = load_story(STORY, annotations_dir=tmp_path)
    html = write_report(data, tmp_path / "out").read_text(encoding="utf-8")
    assert "No fact inventory for this story" in html and "No stance targets in this story" in html


@pytest.mark.browser
def test_report_page_in_headless_chromium(fixture_annotations, tmp_path):
    from tests.helpers.browser import launch

    data = load_story(STORY, annotations_dir=fixture_annotations)
    index = write_report(data, tmp_path / "report")
    requests = []
    with launch() as browser:
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(index.as_uri())
        for section in ("summary", "facts", "portrayal", "stance", "frames", "words"):
            assert page.locator(f"#{section}").is_visible()
        assert page.locator("td.rep").count() == 5 + 3 + 1
        assert page.locator("mark").count() == 5
        assert page.locator("mark").first.get_attribute("title") == "Loaded_Language"
        assert page.evaluate("document.scripts.length") == 0  # the hostile name stayed text
        artifacts = paths.ROOT / "tests" / "artifacts"
        artifacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / "report.png"), full_page=True)
    external = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert external == []
