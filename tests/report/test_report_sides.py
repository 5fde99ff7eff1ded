"""The report's side section: each actor group's casting per document (head, members, derived side) on an
invented story, escaped in the page and written to report.json; on the real story, 004 casts the Russia side
negatively through the Kremlin and Moscow while Russia's own item stays neutral."""
from __future__ import annotations

import json

from samestory.report import write_report
from samestory.report.data import StoryData, load_story, side_casting, summary
from samestory.report.page import render

HOSTILE = "<script>alert('x')</script>"


def doc(doc_id):
    return {"doc_id": doc_id, "story_id": "atlantis-2031", "title": doc_id, "outlet": None, "byline": None,
            "language": "en", "published": None, "url": None, "translation_of": None, "machine_translated": False,
            "text": "", "sentences": [], "paragraphs": []}


def ent(eid, name, speaks_for=None):
    return {"story_id": "atlantis-2031", "entity_id": eid, "name": name, "type": "GPE", "aliases": [],
            "description": "", "wikidata": None, "speaks_for": speaks_for}


def item(eid, portrayal, main="none", fine=()):
    return {"entity_id": eid, "main_role": main, "fine_roles": list(fine), "portrayal": portrayal, "evidence": []}


def invented() -> StoryData:
    """Atlantis speaks through its palace and capital; Lemuria through a ministry with a hostile name."""
    frames = {
        "000_a": {"doc_id": "000_a", "entities": [
            item("atlantis", "neutral"), item("atlantis-palace", "negative", "antagonist", ["Saboteur"]),
            item("atlantis-capital", "negative", "antagonist", ["Deceiver"]),
            item("lemurian-ministry", "positive", "innocent", ["Victim"])]},
        "001_b": {"doc_id": "001_b", "entities": [
            item("atlantis", "positive", "protagonist", ["Peacemaker"]),
            item("atlantis-palace", "negative", "antagonist", ["Saboteur"])]},
        "002_c": {"doc_id": "002_c", "entities": [item("atlantis", "neutral"), item("envoy", "negative")]},
    }
    entities = [ent("atlantis", "Atlantis"), ent("atlantis-palace", "Atlantis Palace", "atlantis"),
                ent("atlantis-capital", "Poseidonia", "atlantis"), ent("lemuria", "Lemuria"),
                ent("lemurian-ministry", HOSTILE, "lemuria"), ent("envoy", "Envoy")]
    return StoryData({"story_id": "atlantis-2031", "title": "Atlantis talks", "event_date": "2031-01-01"}, "gold",
                     [doc(d) for d in frames], {"entities": entities, "fact_inventory": [], "stance_targets": []},
                     {"entity_frames": frames}, {"entity_frames": "gold"}, {"entities": "gold"})


def test_report_sides_show_head_members_and_the_side_rule(tmp_path):
    data = invented()
    rows = side_casting(data)
    assert [r["entity_id"] for r in rows] == ["atlantis", "lemuria"]
    atl, lem = rows
    assert [m["entity_id"] for m in atl["members"]] == ["atlantis-palace", "atlantis-capital"]
    a = atl["cells"]["000_a"]
    assert [e["entity_id"] for e in a["entities"]] == ["atlantis", "atlantis-palace", "atlantis-capital"]
    assert a["entities"][0]["portrayal"] == "neutral"
    assert (a["side"]["portrayal"], a["side"]["portrayal_by"]) == ("negative", ["atlantis-palace", "atlantis-capital"])
    assert a["side"]["fine_roles"] == ["Saboteur", "Deceiver"]
    b = atl["cells"]["001_b"]["side"]
    assert b["portrayal"] == "mixed" and b["conflicts"][0] == "portrayal: positive (atlantis) vs negative (atlantis-palace)"
    assert atl["cells"]["002_c"]["side"]["portrayal"] == "neutral"
    assert list(lem["cells"]) == ["000_a"] and lem["cells"]["000_a"]["side"]["portrayal_by"] == ["lemurian-ministry"]
    html = render(data, {}, {})
    assert "Atlantis (side)" in html and HOSTILE not in html and "&lt;script&gt;" in html
    assert "positive (atlantis) vs negative (atlantis-palace)" in html
    write_report(data, tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["sides"] == json.loads(json.dumps(rows))


def test_report_sides_empty_without_groups():
    data = invented()
    data.inventories["entities"] = [dict(e, speaks_for=None) for e in data.inventories["entities"]]
    assert side_casting(data) == []
    assert "No actor groups" in render(data, {}, {})


def test_report_sides_real_story_004_casts_russia_through_kremlin_and_moscow():
    data = load_story("istanbul-2025-05-16")
    russia = next(r for r in side_casting(data) if r["entity_id"] == "russia")
    assert {m["entity_id"] for m in russia["members"]} == {"kremlin", "moscow"}
    cell = russia["cells"][next(d for d in data.doc_ids() if d.startswith("004_"))]
    own = {e["entity_id"]: e["portrayal"] for e in cell["entities"]}
    assert own["russia"] == "neutral"
    assert (cell["side"]["portrayal"], cell["side"]["main_role"]) == ("negative", "antagonist")
    assert set(cell["side"]["portrayal_by"]) == {"kremlin", "moscow"} and "Saboteur" in cell["side"]["fine_roles"]
    assert any(line.startswith("Article 004") and "Russia side negative" in line and "its own label for Russia is "
               "neutral" in line for line in summary(data))
