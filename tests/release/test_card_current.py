"""The card's generated sections (stats, fields, labels, agreement, history) are current, and are
derived from schema.py and the data (a change in either shows up in the card)."""
from __future__ import annotations

import json

import pytest

from samestory.annotate import agreement

from samestory.core import paths

from samestory import schema
from samestory.release.card import SECTIONS, render
from samestory.core.errors import SameStoryError
from samestory.release.build import Sources, render_card
from tests.helpers.build_helpers import STORY, copy_fixture, run


def test_card_is_current():
    """Fails when dataset_card.md is stale: run `samestory card` and commit the result."""
    assert render_card() == paths.CARD.read_text(encoding="utf-8"), "dataset_card.md is stale: run `samestory card`"


def test_card_check_command_detects_a_stale_card(tmp_path):
    card = tmp_path / "card.md"
    text = paths.CARD.read_text(encoding="utf-8")
    card.write_text(text.replace("<!-- /generated:stats -->", "stale line\n<!-- /generated:stats -->"),
                    encoding="utf-8")
    corpus, ann = copy_fixture(tmp_path)
    args = ["--corpus", corpus, "--annotations", ann, "--card", card]
    code, out, err = run("card", "--check", *args)
    assert code == 1 and "stale" in err
    code, out, err = run("card", *args)
    assert code == 0 and "refreshed" in out
    code, out, err = run("card", "--check", *args)
    assert code == 0 and "up to date" in out


def test_card_fields_and_labels_come_from_the_schema():
    text = paths.CARD.read_text(encoding="utf-8")
    for name, cfg in schema.CONFIGS.items():
        assert f"#### `{name}`" in text
        for path, _ in schema.walk(cfg.fields):
            assert f"| `{path}` |" in text
    assert ", ".join(schema.TECHNIQUES) in text
    assert ", ".join(schema.FRAMES) in text


def test_card_stats_follow_the_data(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    text = render_card(Sources(corpus=corpus, annotations=ann))
    assert "| `mentions` | 2 of 2 | 13 |" in text
    assert "| `mentions.mentions[].type` | PER | 6 |" in text
    assert "| `a_doc` |" in text and "| `b_doc` |" in text


def test_card_agreement_section_reads_agreement_json(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    src = Sources(corpus=corpus, annotations=ann)
    assert "not yet measured" in render_card(src)
    passes = {"a1": {"stance": {}}, "a2": {"stance": {}}}
    for who in passes:
        recs = [json.loads(x) for x in (ann / STORY / "gold" / "stance.jsonl").read_text().splitlines()]
        passes[who]["stance"] = {r["doc_id"]: r for r in recs}
    passes["a2"]["stance"]["a_doc"] = json.loads(json.dumps(passes["a2"]["stance"]["a_doc"]))
    passes["a2"]["stance"]["a_doc"]["stances"][0]["label"] = "against"
    report = agreement.agreement_report(passes)
    (ann / STORY / "agreement.json").write_text(json.dumps(report), encoding="utf-8")
    text = render_card(src)
    assert "not yet measured" not in text
    assert agreement.report_markdown(report).strip() in text


def test_card_unknown_or_missing_marker_is_an_error():
    with pytest.raises(SameStoryError, match="generated sections do not match"):
        render("<!-- generated:nonsense -->\n<!-- /generated:nonsense -->\n", {})
    assert set(SECTIONS) >= {"stats", "fields", "agreement", "history"}
