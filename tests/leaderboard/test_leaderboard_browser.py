"""The leaderboard page in headless Debian Chromium (Playwright): every row shows, headers sort, a hostile
system name stays text, test-informed systems sit in their own marked, unranked table, no network request,
and a screenshot lands in tests/artifacts/."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from samestory import leaderboard
from samestory.leaderboard import render
from tests.helpers import FIXTURES, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
from tests.helpers import ARTIFACTS  # noqa: E402
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


def results(tmp_path: Path) -> Path:
    """Five results files: scores are synthetic but internally consistent stamps; one hostile name."""
    src = FIXTURES / "baselines"
    d = tmp_path / "results"
    d.mkdir()
    base = {"format": "samestory-results", "format_version": "1", "dataset_version": "v0.1.0",
            "gold_sha256": "ab" * 32, "schema_version": "1.0.0", "scorer_version": "1.0.0",
            "samestory_version": "0.1.0", "date": "2026-01-01T00:00:00Z",
            "bootstrap": {"unit": "documents", "resamples": 1000, "seed": 0, "confidence": 0.95}, "warnings": [],
            "gold_source": "fixture"}
    systems = [("alpha", {"ner": 0.9, "stance": 0.2}), ("beta", {"ner": 0.5, "stance": 0.7}),
               ("gamma", {"ner": 0.1}), ("delta", {"stance": 0.4}), (HOSTILE, {"ner": 0.3, "stance": 0.3}),
               ("leaky", {"ner": 0.99, "stance": 0.9})]
    for i, (name, scores) in enumerate(systems):
        tasks = {t: {"task_version": "1.0.0", "config": "mentions" if t == "ner" else "stance",
                     "main_score": "f1", "higher_is_better": True, "direction": "higher",
                     "metrics": {"f1": {"value": v, "ci_low": v - 0.05, "ci_high": min(1.0, v + 0.05),
                                        "higher_is_better": True, "description": "F1."}},
                     "n_documents": 5, "n_gold_items": 10, "n_pred_items": 10, "missing_documents": [],
                     "count_keys": [], "per_document": {}}
                 for t, v in scores.items()}
        resources = [{"name": "alias list" if name == "leaky" else "cues", "kind": "alias_list" if name == "leaky"
                      else "rules", "derived_from_test": name == "leaky", "description": "declared"}]
        (d / f"s{i}.json").write_text(json.dumps({**base, "system": {"name": name, "version": "1",
                                                                     "parameters": {}, "description": name,
                                                                     "url": None, "resources": resources},
                                                  "tasks": tasks}))
    assert src.exists()
    return d


def test_leaderboard_page_in_chromium(tmp_path):
    assert shutil.which(CHROMIUM), f"{CHROMIUM} missing: run `make test-deps` (apt-get install -y chromium)"
    from playwright.sync_api import sync_playwright

    board = leaderboard.build(leaderboard.load(results(tmp_path)))
    page_path = render.write_all(board, tmp_path / "site")[1]
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            dialogs, requests = [], []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_path.as_uri())
            names = lambda: page.locator("#board tbody tr td:nth-child(2)").all_inner_texts()
            assert sorted(names()) == sorted(e.name for e in board.clean)  # every row, hostile name as text
            assert names() == [e.name for e in board.clean] and "leaky" not in names()  # ranked order
            # the test-informed system: its own table, marked, unranked, with the resource that leaks
            informed = page.locator("#informed tbody tr")
            assert informed.count() == 1 and informed.locator("td:nth-child(2)").inner_text() == "leaky"
            assert informed.locator("td:nth-child(1)").inner_text() == "test-informed"
            assert informed.locator("td:nth-child(5)").inner_text() == "alias list"
            assert page.locator("#test-informed").is_visible() and "never ranked" in page.inner_text("body")
            assert page.locator("#board tbody tr[data-test-informed=true]").count() == 0
            assert page.locator("#board tbody tr td:nth-child(4)").all_inner_texts()[0].startswith("2/2")
            assert page.evaluate("window.__pwned") is None and dialogs == []
            assert all(u.startswith("file://") for u in requests), requests  # self-contained: no network
            assert page.locator("table.detail").count() == len(board.tasks)
            assert page.locator("#submit").count() == 1

            page.click("#board thead th[data-col=system]")
            asc = names()
            assert asc == sorted(asc, key=str.lower) and page.get_attribute(
                "#board thead th[data-col=system]", "aria-sort") == "ascending"
            page.click("#board thead th[data-col=system]")
            assert names() == asc[::-1]
            page.click("#board thead th[data-col=ner]")
            ner = [float(x) for x in page.locator("#board tbody tr td:nth-child(6)").evaluate_all(
                "cells => cells.map(c => c.getAttribute('data-sort'))")]
            assert ner == sorted(ner) and names()[-1] == "alpha"
            page.click("#board thead th[data-col=rank]")
            ranks = [float(x) for x in page.locator("#board tbody tr td:nth-child(1)").evaluate_all(
                "cells => cells.map(c => c.getAttribute('data-sort'))")]
            assert ranks == sorted(ranks) and len(ranks) == len(board.clean)
            page.click("#informed thead th[data-col=system]")
            assert page.locator("#informed tbody tr td:nth-child(2)").all_inner_texts() == ["leaky"]
            page.screenshot(path=str(ARTIFACTS / "leaderboard.png"), full_page=True)
        finally:
            browser.close()
    assert (ARTIFACTS / "leaderboard.png").stat().st_size > 10_000


def test_leaderboard_committed_page_in_chromium_ranks_no_test_informed_system():
    """The committed board: test-informed systems only in the unranked table, the pretrained NER ranked with
    its interval, a per-document table per task with outlet labels, and no network request."""
    from playwright.sync_api import sync_playwright

    root = ROOT / "leaderboard"
    board = leaderboard.build(leaderboard.load(root / "results"), leaderboard.document_labels())
    informed = {e.name for e in board.informed}
    assert {"rules-aliases", "majority", "stratified"} <= informed
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto((root / "index.html").as_uri())
            ranked = page.locator("#board tbody tr td:nth-child(2)").all_inner_texts()
            unranked = page.locator("#informed tbody tr td:nth-child(2)").all_inner_texts()
            assert set(unranked) == informed and not informed & set(ranked)
            assert "spacy-ner" in ranked
            row = page.locator("#board tbody tr", has=page.locator("td:nth-child(2)", has_text="spacy-ner"))
            ner = row.locator("td:nth-child(6)").inner_text()
            assert "[" in ner and "#" in ner  # score, 95% interval, per-task rank
            assert page.locator("table.per-doc").count() == len(board.tasks)
            assert "machine-translated" in page.locator("table.per-doc[data-task=ner] thead").inner_text()
            assert all(u.startswith("file://") for u in requests), requests
        finally:
            browser.close()
