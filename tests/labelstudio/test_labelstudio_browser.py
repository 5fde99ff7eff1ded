"""A real browser (Debian chromium via Playwright) logs in and opens a task of each project.

The pre-annotations must show as highlights over exactly the gold spans: this checks that Label Studio's
offsets and ours agree in the real UI. Screenshots go to tests/artifacts/labelstudio/ (not in git).
"""
from __future__ import annotations

import pytest
from browser import launch
from labelstudio_helpers import ARTIFACTS, documents, gold, inventory

from samestory.labelstudio import client, sync
from samestory.labelstudio import config as C

pytestmark = [pytest.mark.server, pytest.mark.browser]


def _expected(project: str, doc: dict) -> list[str]:
    g = gold()
    d = doc["doc_id"]
    if project == "entities":
        return [m["text"] for m in g["mentions"][d]["mentions"]]
    if project == "document":
        paras = {p["id"]: doc["text"][p["start"]:p["end"]] for p in doc["paragraphs"]}
        return sorted([paras[p["paragraph_id"]] for p in g["frames"][d]["paragraphs"] if p["frame"]]
                      + [e["text"] for f in g["facts"][d]["facts"] for e in f["evidence"]])
    sents = {s["id"]: doc["text"][s["start"]:s["end"]] for s in doc["sentences"]}
    return sorted([sents[s["sentence_id"]] for s in g["bias_sentences"][d]["sentences"]]
                  + [b["text"] for b in g["bias_spans"][d]["spans"]] + [q["text"] for q in g["quotes"][d]["quotes"]])


def test_labelstudio_browser_shows_tasks_with_labels(ls_server):
    cred, conn = ls_server
    docs, inv = documents("browser"), inventory("browser")
    sync.push(conn, docs, inv, {layer: recs for layer, recs in gold().items()}, "gold")
    admin = client.connect(conn)
    projects = {p.title: p.id for p in admin.projects.list()}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with launch() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{cred.url}/user/login/")
        page.fill("input[name=email]", cred.username)
        page.fill("input[name=password]", cred.password)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/user/login" not in page.url, "login failed"
        for project in C.PROJECTS:
            pid = projects[C.project_title("browser", project)]
            task = next(t for t in admin.tasks.list(project=pid) if t.data["doc_id"] == "fx_001")
            page.goto(f"{cred.url}/projects/{pid}/data?task={task.id}")
            page.wait_for_selector(".htx-highlight", timeout=120_000)
            page.wait_for_timeout(500)
            shot = ARTIFACTS / f"browser-{project}.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 10_000
            doc = next(d for d in docs if d["doc_id"] == "fx_001")
            shown = page.eval_on_selector_all(".htx-highlight", "els => els.map(e => e.textContent)")
            # nested highlights split text into pieces; every region's full text is one of them
            for text in _expected(project, doc):
                assert text in shown, (project, text, shown)
            body = page.inner_text("body")
            assert doc["text"].split("\n")[0] in body
            labels = {"entities": ["PER", "GPE", "NORP"], "document": ["Political", "Security and defense"],
                      "sentences": ["biased", "non-biased", "Name_Calling-Labeling", "Quote"]}[project]
            for label in labels:
                assert label in body, (project, label)
        # a region's per-region choices show when it is selected (entities: kind and entity)
        pid = projects[C.project_title("browser", "entities")]
        task = next(t for t in admin.tasks.list(project=pid) if t.data["doc_id"] == "fx_001")
        page.goto(f"{cred.url}/projects/{pid}/data?task={task.id}")
        page.wait_for_selector(".htx-highlight", timeout=120_000)
        page.locator(".htx-highlight", has_text="Zelensky").first.click()
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "browser-entities-region.png"))
        body = page.inner_text("body")
        assert "NAM" in body and "NOM" in body and "protagonist" in body
