"""Labeling configs are derived from the schema and inventories, deterministic, and checked in current."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from tests.helpers.labelstudio_helpers import inventory

from samestory.core import paths

from samestory import schema
from samestory.cli import main
from samestory.core.errors import SameStoryError
from samestory.annotate.labelstudio import config as C


def _node(xml: str, tag: str, name: str):
    return next(e for e in ET.fromstring(xml).iter(tag) if e.get("name") == name)


def _values(xml: str, tag: str, name: str, attr: str = "value") -> list[str]:
    """What results carry: the alias when there is one, else the value."""
    return [c.get("alias") or c.get(attr) for c in _node(xml, tag, name)]


def test_labelstudio_config_labels_come_from_schema():
    inv = inventory()
    configs = C.project_configs(inv)
    assert configs == C.project_configs(inventory())  # deterministic
    ent, doc, sen, spa = configs["entities"], configs["document"], configs["sentences"], configs["spans"]
    assert _values(ent, "Labels", C.MENTION) == list(schema.ENTITY_TYPES)
    assert _values(ent, "Choices", C.KIND) == list(schema.MENTION_KINDS)
    assert _values(ent, "Choices", C.MAIN_ROLE) == list(schema.MAIN_ROLES)
    for main, roles in schema.FINE_ROLES.items():  # fine roles only under their main role
        node = _node(ent, "Choices", C.fine_tag(main))
        assert [c.get("value") for c in node] == list(roles)
        assert (node.get("visibleWhen"), node.get("whenTagName"), node.get("whenChoiceValue")) == (
            "choice-selected", C.MAIN_ROLE, main)
        assert [c.get("hint") for c in node] == [schema.DEFINITIONS[r] for r in roles]
    assert _values(ent, "Choices", C.PORTRAYAL) == list(schema.PORTRAYALS)
    tax = _node(ent, "Taxonomy", C.ENTITY)  # entities by name, grouped by type, searchable, no hotkeys
    groups = {g.get("value"): [(c.get("value"), c.get("alias")) for c in g] for g in tax if len(g)}
    for t in ("PER", "GPE"):
        assert groups[t] == [(f"{e['name']} \u2014 {e['entity_id']}", e["entity_id"])
                             for e in inv.entities if e["type"] == t]
    assert [c.get("alias") for c in tax if not len(c)] == [C.NIL]
    assert not any(c.get("hotkey") for c in tax.iter("Choice"))
    assert _values(doc, "Choices", C.FRAMES) == list(schema.FRAMES)
    assert not list(ET.fromstring(doc).iter("Labels"))  # no hand-dragged paragraph regions any more
    par = configs["paragraphs"]  # ready-made paragraph units: one choice group per slot, one key each
    keys = []
    for i in range(1, C.PARA_SLOTS + 1):
        node = _node(par, "Choices", f"{C.PARAGRAPH_FRAME}__{C.para_slot(i)}")
        assert node.get("toName") == C.para_slot(i) and node.get("choice") == "single"
        assert [c.get("value") for c in node] == [*schema.FRAMES, C.NO_FRAME]
        assert [c.get("hint") for c in node][:-1] == [schema.DEFINITIONS[f] for f in schema.FRAMES]
        assert all(c.get("hint") for c in node)
        keys += [c.get("hotkey") for c in node]
    assert len(keys) == len(set(keys)) == C.PARA_SLOTS * len(C.PARAGRAPH_VALUES) and all(
        len(k) == 1 for k in keys)  # every choice has its own key, no two collide
    assert [h.get("value") for h in ET.fromstring(par).iter("Header")][2:] == [
        f"${C.para_slot(i)}_id" for i in range(1, C.PARA_SLOTS + 1)]
    assert _values(doc, "Choices", C.STANCE_PREFIX + "russia") == list(schema.STANCE_LABELS)
    facts = configs["facts"]  # a page of FACT_SLOTS facts; evidence labels F1.. name the fact's place
    assert _values(facts, "Labels", C.FACT_EVIDENCE) == [f"F{i}" for i in range(1, C.FACT_SLOTS + 1)]
    assert [h.get("value") for h in ET.fromstring(facts).iter("Header")][2:] == [
        f"$f{i}_statement" for i in range(1, C.FACT_SLOTS + 1)]
    assert len(list(ET.fromstring(doc).iter("Choices"))) == 2 + len(inv.targets)  # no fact questions here
    for i in range(1, C.SLOTS + 1):  # one key per sentence: slot i uses keyboard row i
        node = _node(sen, "Choices", f"{C.SENTENCE}__{C.slot(i)}")
        assert [c.get("value") for c in node] == [f"{b} \u00b7 {o}" for b in schema.BIAS_LABELS
                                                  for o in schema.OPINION_LABELS]
        assert [c.get("hotkey") for c in node] == list(C.HOTKEY_ROWS[i - 1])
    assert _values(spa, "Labels", C.TECHNIQUE) == list(schema.TECHNIQUES)
    assert [c.get("hint") for c in _node(spa, "Labels", C.TECHNIQUE)] == [schema.DEFINITIONS[t]
                                                                          for t in schema.TECHNIQUES]


def test_labelstudio_config_instructions_quote_the_codebook():
    guidelines = (paths.ROOT / C.CODEBOOK).read_text(encoding="utf-8")
    for project in C.PROJECTS:
        html = C.instructions(project, guidelines)
        for anchor in C.SECTIONS[project]:
            assert f"{C.CODEBOOK}#{anchor}" in html
    assert "Layer `bias_sentences`" in C.instructions("sentences", guidelines)
    with pytest.raises(SameStoryError, match="no section #9-layer-nothing"):
        C.codebook_section(guidelines, "9-layer-nothing")


def test_labelstudio_config_cli_projects_match():
    from samestory.cli import ls as ls_cmd
    assert ls_cmd.PROJECTS == C.PROJECTS


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
