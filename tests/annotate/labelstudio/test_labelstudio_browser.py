"""A real browser (Debian chromium via Playwright) logs in and opens a task of each project.

The pre-annotations must show as highlights over exactly the gold spans: this checks that Label Studio's
offsets and ours agree in the real UI. Screenshots go to tests/artifacts/labelstudio/ (not in git).
"""
from __future__ import annotations

import json

import pytest
from tests.helpers.browser import launch
from tests.helpers.labelstudio_helpers import ARTIFACTS, documents, gold, inventory

from samestory.annotate.labelstudio import client, sync
from samestory.annotate.labelstudio import config as C

pytestmark = [pytest.mark.server, pytest.mark.browser]


def _expected(project: str, doc: dict) -> list[str]:
    g = gold()
    d = doc["doc_id"]
    if project == "entities":
        return [m["text"] for m in g["mentions"][d]["mentions"]]
    if project == "facts":
        return sorted([e["text"] for f in g["facts"][d]["facts"] for e in f["evidence"]])
    if project == "spans":
        return sorted([b["text"] for b in g["bias_spans"][d]["spans"]] + [q["text"] for q in g["quotes"][d]["quotes"]])
    return []


def test_labelstudio_browser_review_shows_gold_annotation_projects_do_not(ls_server, annotators):
    """Gold pushed for review shows, over exactly the gold spans, in the review projects only; an
    annotator opening an annotation project starts blank and finds the codebook under Instructions."""
    cred, conn = ls_server
    docs, inv = documents("browser"), inventory("browser")
    sync.push(conn, docs, inv)
    sync.push(conn, docs, inv, {layer: recs for layer, recs in gold().items()}, "gold")
    admin = client.connect(conn)
    projects = {p.title: p.id for p in admin.projects.list()}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    doc = next(d for d in docs if d["doc_id"] == "fx_001")
    with launch() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _login(page, cred.url, cred.username, cred.password)
        for project in C.PROJECTS:
            pid = projects[C.project_title("browser", project, review=True)]
            task = next(t for t in admin.tasks.list(project=pid) if t.data["doc_id"] == "fx_001")
            page.goto(f"{cred.url}/projects/{pid}/data?task={task.id}")
            if project in ("sentences", "paragraphs", "document"):  # choices only, no highlighted regions
                page.wait_for_selector({"sentences": "text=s1 (p1)", "paragraphs": "text=no frame",
                                        "document": "text=Primary frame"}[project], timeout=120_000)
            else:
                page.wait_for_selector(".htx-highlight", timeout=120_000)
            page.wait_for_timeout(500)
            shot = ARTIFACTS / f"browser-review-{project}.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 10_000
            shown = page.eval_on_selector_all(".htx-highlight", "els => els.map(e => e.textContent)")
            # nested highlights split text into pieces; every region's full text is one of them
            for text in _expected(project, doc):
                assert text in shown, (project, text, shown)
            body = page.inner_text("body")
            labels = {"entities": ["PER", "GPE", "NORP"], "document": ["Political", "Security and defense"],
                      "sentences": ["biased \u00b7 opinion", "non-biased \u00b7 factual", task.data.get("u1_id", ""),
                                    task.data.get("u2_id", "")],
                      "paragraphs": ["Political", "no frame", *(task.data.get(f"par{i}_text", "")[:40]
                                                                 for i in (1, 2))],
                      "spans": ["Name_Calling-Labeling", "Quote"],
                      "facts": ["F1", "F2", task.data.get("f1_statement", ""), "not reported"]}[project]
            for label in labels:
                assert label in body, (project, label)
            if project in ("sentences", "paragraphs"):
                checked = _checked_choices(page)  # the gold choice of every sentence / paragraph
                assert checked == len(task.data.get("sentence_ids") or task.data["paragraph_ids"])
        # a region's per-region choices show when it is selected: entity names, fine roles under the role
        pid = projects[C.project_title("browser", "entities", review=True)]
        task = next(t for t in admin.tasks.list(project=pid) if t.data["doc_id"] == "fx_001")
        page.goto(f"{cred.url}/projects/{pid}/data?task={task.id}")
        page.wait_for_selector(".htx-highlight", timeout=120_000)
        page.locator(".htx-highlight", has_text="Zelensky").first.click()
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "browser-entities-region.png"))
        body = page.inner_text("body")
        assert "NAM" in body and "NOM" in body and "protagonist" in body and "Peacemaker" in body
        assert "Tyrant" not in body  # antagonist roles stay hidden under protagonist

        # an annotator in the annotation projects: no gold anywhere, the codebook behind "Instructions"
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _login(page, cred.url, "bob@example.org", "bob-pass-2025")
        for project in C.PROJECTS:
            pid = projects[C.project_title("browser", project)]
            page.goto(f"{cred.url}/projects/{pid}/data?labeling=1")
            page.wait_for_selector(".lsf-richtext__line, .lsf-richtext", timeout=120_000)
            page.wait_for_timeout(800)
            page.screenshot(path=str(ARTIFACTS / f"browser-annotator-{project}.png"))
            assert page.locator(".htx-highlight").count() == 0, project
            assert _checked_choices(page) == 0, project
            page.get_by_role("button", name="Instructions").first.click()
            page.wait_for_timeout(500)
            body = page.inner_text("body")
            assert "guidelines.md#" in body and "Work alone" in body, project
            page.keyboard.press("Escape")


def _checked_choices(page) -> int:
    """Checked choices of the labelling interface (not the data manager's row checkboxes)."""
    return page.eval_on_selector_all(
        "input:checked", "els => els.filter(e => !e.closest('.dm-table, [class*=dm-], [class*=table]')).length")


def _login(page, url: str, email: str, password: str) -> None:
    page.goto(f"{url}/user/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/user/login" not in page.url, f"login of {email} failed"


def test_labelstudio_browser_annotator_labels_in_the_ui(ls_server, annotators, tmp_path):
    """An annotator labels a mention by hand after a flag emoji (2 code points, 4 UTF-16 units) and
    submits; pull turns it into exactly the expected records."""
    cred, conn = ls_server
    text = "Kyiv \U0001F1FA\U0001F1E6 said Zelensky would go.\n\nNo talks yet."
    first = text.index("\n\n")
    doc = {"doc_id": "fx_flag", "story_id": "uiflow", "title": "Flag", "text": text,
           "paragraphs": [{"id": "p1", "start": 0, "end": first},
                          {"id": "p2", "start": first + 2, "end": len(text)}],
           "sentences": [{"id": "s1", "start": 0, "end": first, "paragraph_id": "p1"},
                         {"id": "s2", "start": first + 2, "end": len(text), "paragraph_id": "p2"}]}
    inv = inventory("uiflow")
    pid = sync.push(conn, [doc], inv, projects=["entities"]).projects["entities"]
    with launch() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _login(page, cred.url, "alice@example.org", "alice-pass-2025")
        page.goto(f"{cred.url}/projects/{pid}/data")
        page.get_by_text("Label All Tasks").first.click()
        page.wait_for_selector(".lsf-richtext__line", timeout=120_000)
        page.wait_for_timeout(1000)
        page.keyboard.press("1")  # the PER label's hotkey
        box = page.locator(".lsf-richtext__line", has_text="Zelensky").first.bounding_box()
        word = page.locator(".lsf-richtext__line", has_text="Zelensky").first.evaluate(
            """(el) => { const r = document.createRange(); const t = el.firstChild;
                         const i = t.textContent.indexOf('Zelensky'); r.setStart(t, i + 2); r.setEnd(t, i + 3);
                         const b = r.getBoundingClientRect(); return {x: b.x, y: b.y + b.height / 2}; }""")
        assert box is not None
        page.mouse.dblclick(word["x"], word["y"])  # a double-click selects the word
        page.locator(".htx-highlight", has_text="Zelensky").first.click()  # select the region
        for name in ("NAM", "protagonist", "Peacemaker", "positive"):
            page.locator(f'label:has(input[name="{name}"])').first.click()
        page.locator(".htx-taxonomy, .ant-select-selector").first.click()  # the entity dropdown
        page.wait_for_timeout(300)
        page.keyboard.type("zel")  # searches by name; typing never picks an entity by itself
        page.wait_for_timeout(500)
        items = page.locator(".ant-select-tree-node-content-wrapper")
        leaves = [t for t in items.all_inner_texts() if "\u2014" in t]
        assert leaves and all("Zelensky" in t for t in leaves), items.all_inner_texts()
        items.filter(has_text="Zelensky").first.click()
        page.wait_for_timeout(300)
        page.keyboard.press("Escape")
        page.screenshot(path=str(ARTIFACTS / "browser-annotator-region.png"))
        page.get_by_role("button", name="Submit").first.click()
        page.wait_for_timeout(1500)
    out = tmp_path / "passes"
    sync.pull(conn, [doc], inv, out, tmp_path / "exports", projects=["entities"], rejected_dir=tmp_path / "rej")
    start = text.index("Zelensky")
    assert (out / "alice" / "mentions.jsonl").read_text(encoding="utf-8") == (
        '{"doc_id": "fx_flag", "mentions": [{"id": "m1", "start": %d, "end": %d, "text": "Zelensky", '
        '"type": "PER", "kind": "NAM", "entity_id": "zelensky"}]}\n' % (start, start + 8))
    assert (out / "alice" / "entity_frames.jsonl").read_text(encoding="utf-8") == (
        '{"doc_id": "fx_flag", "entities": [{"entity_id": "zelensky", "main_role": "protagonist", '
        '"fine_roles": ["Peacemaker"], "portrayal": "positive", "evidence": ["m1"]}]}\n')
    raw = json.loads(next((tmp_path / "exports" / "uiflow").glob("entities-*.json")).read_bytes())
    region = raw[0]["annotations"][0]["result"][0]["value"]
    assert (region["start"], region["end"]) == (start, start + 8)  # code points on the wire, not UTF-16 units
