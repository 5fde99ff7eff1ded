"""The independent agreement (blind pass D against frozen gold snapshots) is reproduced by the code, its
v1.0.0 snapshot is the released gold, and it stays apart from the consistency figures of passes A-C."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from samestory.annotate import agreement, independent

from samestory.core import paths
from samestory.core.errors import SameStoryError
from tests.helpers.build_helpers import STORY, copy_fixture, run

ISTANBUL = paths.ANNOTATIONS / "istanbul-2025-05-16"


def test_independent_report_is_reproduced_by_the_code():
    """Fails when agreement_independent.json/.md are stale: run `samestory independent-agreement`."""
    report = independent.independent_report(ISTANBUL)
    assert independent.render_json(report) == (ISTANBUL / independent.REPORT_FILE).read_text(encoding="utf-8")
    md = (ISTANBUL / independent.REPORT_FILE).with_suffix(".md").read_text(encoding="utf-8")
    assert independent.report_markdown(report) == md
    assert independent.report_markdown(report).strip() in paths.CARD.read_text(encoding="utf-8")
    code, out, err = run("independent-agreement", "--story", ISTANBUL, "--check")
    assert code == 0 and "up to date" in out, err


def test_independent_v1_0_0_snapshot_is_the_released_gold():
    manifest = json.loads((paths.RELEASES / "v1.0.0.json").read_text(encoding="utf-8"))
    report = json.loads((ISTANBUL / independent.REPORT_FILE).read_text(encoding="utf-8"))
    v100 = next(c for c in report["comparisons"] if c["name"] == "v1.0.0")
    for layer, sha in v100["reference_sha256"].items():
        assert manifest["inputs"][f"annotations/istanbul-2025-05-16/gold/{layer}.jsonl"] == sha, layer
        assert independent._sha(ISTANBUL / v100["folder"] / f"{layer}.jsonl") == sha, layer


def test_independent_blind_pass_is_not_in_the_consistency_figures():
    report = json.loads((ISTANBUL / "agreement.json").read_text(encoding="utf-8"))
    assert report["annotators"] == ["annotator_a", "annotator_b", "annotator_c"]
    passes = agreement.load_passes(ISTANBUL / "passes", ["stance"], ["annotator_a", "annotator_b"])
    assert sorted(passes) == ["annotator_a", "annotator_b"]
    with pytest.raises(SameStoryError, match="no pass folder for nobody"):
        agreement.load_passes(ISTANBUL / "passes", ["stance"], ["nobody"])


def test_independent_remap_sentences_merges_old_sentences():
    rec = {"doc_id": "d", "sentences": [
        {"sentence_id": "s1", "label": "non-biased", "opinion": "factual"},
        {"sentence_id": "s2", "label": "biased", "opinion": "opinion"},
        {"sentence_id": "s3", "label": "non-biased", "opinion": "factual"},
        {"sentence_id": "s4", "label": "non-biased", "opinion": "factual"}]}
    out = independent.remap_sentences(rec, {"s1": "s1", "s2": "s1", "s3": "s2", "s4": "s2"})
    assert out["sentences"] == [{"sentence_id": "s1", "label": "biased", "opinion": "mixed"},
                                {"sentence_id": "s2", "label": "non-biased", "opinion": "factual"}]
    with pytest.raises(SameStoryError, match="has no mapping"):
        independent.remap_sentences(rec, {"s1": "s1"})


def _story_with_blind_pass(tmp_path: Path) -> Path:
    corpus, ann = copy_fixture(tmp_path)
    story = ann / STORY
    blind = story / "passes" / "blind"
    blind.mkdir(parents=True)
    shutil.copy(story / "gold" / "stance.jsonl", blind / "stance.jsonl")
    shutil.copytree(story / "gold", story / "independent" / "snap")
    return story


def test_independent_report_counts_a_changed_label(tmp_path):
    story = _story_with_blind_pass(tmp_path)
    spec = {"annotator": "blind", "references": [{"name": "snap", "folder": "independent/snap"}]}
    (story / "independent" / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    same = independent.independent_report(story)["comparisons"][0]["labels"]["stance.label"]
    assert same["observed"] == 1.0
    path = story / "passes" / "blind" / "stance.jsonl"
    recs = [json.loads(x) for x in path.read_text().splitlines()]
    recs[0]["stances"][0]["label"] = "against" if recs[0]["stances"][0]["label"] != "against" else "favor"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    changed = independent.independent_report(story)["comparisons"][0]["labels"]["stance.label"]
    assert changed["observed"] < 1.0 and changed["units"] == same["units"]


@pytest.mark.parametrize("folder", ["../../elsewhere", "/tmp", "independent/missing"])
def test_independent_spec_paths_stay_inside_the_story(tmp_path, folder):
    story = _story_with_blind_pass(tmp_path)
    spec = {"annotator": "blind", "references": [{"name": "x", "folder": folder}]}
    (story / "independent" / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(SameStoryError, match="references\\[0\\].folder"):
        independent.independent_report(story)
    code, out, err = run("independent-agreement", "--story", story)
    assert code != 0 and "Traceback" not in err and not (story / independent.REPORT_FILE).exists()


def test_validate_pass_without_mentions_resolves_evidence_against_gold(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    story = ann / STORY
    blind = story / "passes" / "blind"
    blind.mkdir(parents=True)
    shutil.copy(story / "gold" / "entity_frames.jsonl", blind / "entity_frames.jsonl")
    code, out, err = run("validate", "--corpus", corpus, "--annotations", ann)
    assert code == 0, err
    path = blind / "entity_frames.jsonl"
    recs = [json.loads(x) for x in path.read_text().splitlines()]
    recs[0]["entities"][0]["evidence"] = ["m999"]
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    code, out, err = run("validate", "--corpus", corpus, "--annotations", ann)
    assert code == 1 and "passes/blind/entity_frames.jsonl:1" in err and "m999" in err
