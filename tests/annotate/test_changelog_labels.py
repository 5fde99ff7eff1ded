"""CHANGELOG.md's list of changed gold labels is generated from annotations/<story>/changes/ and current."""
from __future__ import annotations

import json
import random

import pytest

from samestory.annotate import changelog

from samestory.core import paths
from samestory.core.errors import SameStoryError
from tests.helpers.build_helpers import run


def test_changelog_labels_are_current():
    """Fails when CHANGELOG.md is stale: run `samestory changelog`."""
    text = paths.CHANGELOG.read_text(encoding="utf-8")
    assert changelog.render(text, paths.ANNOTATIONS) == text, "CHANGELOG.md is stale: run `samestory changelog`"
    code, out, err = run("changelog", "--check")
    assert code == 0 and "up to date" in out, err


def test_changelog_lists_every_recorded_change():
    text = paths.CHANGELOG.read_text(encoding="utf-8")
    story = paths.ANNOTATIONS / "istanbul-2025-05-16" / "changes"
    for line in (story / changelog.LABELS).read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        assert f"`{r['doc_id']}` {r['layer']} {changelog._item(r)} {r['field']}: " \
               f"{changelog.show(r['old'])} → {changelog.show(r['new'])}" in text, r
    for line in (story / changelog.SPLITS).read_text(encoding="utf-8").splitlines():
        assert f"- {changelog._short(json.loads(line)['old_fact_id'])} → " in text


def test_changelog_order_of_records_does_not_matter(tmp_path):
    src = paths.ANNOTATIONS / "istanbul-2025-05-16" / "changes" / changelog.LABELS
    story = tmp_path / "ann" / "s"
    (story / "changes").mkdir(parents=True)
    lines = src.read_text(encoding="utf-8").splitlines()
    (story / "changes" / changelog.LABELS).write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = changelog.render_block(tmp_path / "ann")
    # rows about the same field stay in file order (successive changes); everything else may move
    groups: dict = {}
    for line in lines:
        r = json.loads(line)
        groups.setdefault((r["doc_id"], r["layer"], r["item"], r["field"]), []).append(line)
    order = list(groups.values())
    random.Random(7).shuffle(order)
    lines = [line for g in order for line in g]
    (story / "changes" / changelog.LABELS).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert changelog.render_block(tmp_path / "ann") == before
    extra = {"doc_id": "x", "layer": "stance", "item": "t", "field": "label", "old": "favor", "new": "neutral",
             "reason": "a new reason"}
    with (story / "changes" / changelog.LABELS).open("a", encoding="utf-8") as f:
        f.write(json.dumps(extra) + "\n")
    assert "- `x` stance t label: favor → neutral — a new reason" in changelog.render_block(tmp_path / "ann")


def test_changelog_missing_markers_is_an_error(tmp_path):
    with pytest.raises(SameStoryError, match="label-changes block not found"):
        changelog.render("# Changelog\n", paths.ANNOTATIONS)
    path = tmp_path / "CHANGELOG.md"
    path.write_text("# Changelog\n", encoding="utf-8")
    code, out, err = run("changelog", "--changelog", path, "--check")
    assert code == 1 and "markers" in err and "Traceback" not in err
