"""Labeling configs are derived from the schema and inventories, deterministic, and checked in current."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from labelstudio_helpers import inventory

from samestory import paths, schema
from samestory.cli import main
from samestory.errors import SameStoryError
from samestory.labelstudio import config as C


def _values(xml: str, tag: str, name: str) -> list[str]:
    node = next(e for e in ET.fromstring(xml).iter(tag) if e.get("name") == name)
    return [c.get("value") for c in node]


def test_labelstudio_config_labels_come_from_schema():
    configs = C.project_configs(inventory())
    assert configs == C.project_configs(inventory())  # deterministic
    ent, doc, sen = configs["entities"], configs["document"], configs["sentences"]
    assert _values(ent, "Labels", C.MENTION) == list(schema.ENTITY_TYPES)
    assert _values(ent, "Choices", C.KIND) == list(schema.MENTION_KINDS)
    assert _values(ent, "Choices", C.MAIN_ROLE) == list(schema.MAIN_ROLES)
    assert _values(ent, "Choices", C.FINE_ROLES) == list(schema.ALL_FINE_ROLES)
    assert _values(ent, "Choices", C.PORTRAYAL) == list(schema.PORTRAYALS)
    assert _values(ent, "Choices", C.ENTITY) == [e["entity_id"] for e in inventory().entities] + [C.NIL]
    assert _values(doc, "Choices", C.FRAMES) == list(schema.FRAMES)
    assert _values(doc, "Labels", C.PARAGRAPH_FRAME) == list(schema.FRAMES)
    assert _values(doc, "Choices", C.STANCE_PREFIX + "russia") == list(schema.STANCE_LABELS)
    assert _values(doc, "Labels", C.FACT_EVIDENCE) == ["f1", "f2"]
    assert _values(sen, "Labels", C.SENTENCE) == list(schema.BIAS_LABELS)
    assert _values(sen, "Labels", C.TECHNIQUE) == list(schema.TECHNIQUES)
    assert _values(sen, "Choices", C.OPINION) == list(schema.OPINION_LABELS)


def test_labelstudio_config_rejects_unusable_ids():
    inv = inventory()
    bad = C.Inventory(inv.story_id, inv.entities + ({"entity_id": "a b", "name": "x", "type": "PER"},),
                      inv.targets, inv.facts)
    with pytest.raises(SameStoryError) as exc:
        C.project_configs(bad)
    assert "entities.jsonl:7 [entity_id]" in str(exc.value)


def test_labelstudio_config_checked_in_copies_are_current(capsys):
    """annotations/labelstudio/configs/ equals what `samestory ls config` generates now."""
    stories = [d.name for d in paths.ANNOTATIONS.iterdir() if (d / "entities.jsonl").exists()]
    assert stories
    for story in stories:
        assert main(["ls", "config", "--story", story, "--check"]) == 0, capsys.readouterr().err
