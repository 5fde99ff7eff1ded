"""The report says where every section's labels come from: gold, several systems' predictions
(`--predictions` repeatable) or machine proposals, and why an empty section is empty."""
import json

from samestory.systems import proposals
from samestory.corpus.store import load_documents
from samestory.core.jsonl import write_jsonl
from samestory.report import load_story, write_report
from samestory.report.data import loaded_words

from tests.helpers.ingest_helpers import run

STORY = "istanbul-2025-05-16"


def _setup(tmp_path):
    docs = [d for d in load_documents() if d["story_id"] == STORY]
    ann = tmp_path / "ann"
    (ann / STORY / "gold").mkdir(parents=True)
    for name in ("entities", "fact_inventory", "stance_targets"):
        (ann / STORY / f"{name}.jsonl").write_text("")
    a, b = tmp_path / "lexicon", tmp_path / "emb"
    spans = []
    for d in docs:
        i = d["text"].find("Putin")
        spans.append({"doc_id": d["doc_id"], "spans": [{"id": "b1", "start": i, "end": i + 5, "text": "Putin",
                                                        "technique": "Loaded_Language", "target_entity_id": None,
                                                        "polarity": None}] if i >= 0 else []})
    write_jsonl(a / "bias_spans.jsonl", spans)
    (a / "system.json").write_text(json.dumps({"name": "lexicon", "version": "1.0.0"}))
    write_jsonl(b / "bias_spans.jsonl", spans)
    write_jsonl(b / "frames.jsonl", [{"doc_id": d["doc_id"], "frames": ["Political"], "primary_frame": "Political",
                                      "paragraphs": [{"paragraph_id": p["id"], "frame": "Political"}
                                                     for p in d["paragraphs"]]} for d in docs])
    fact = {"story_id": STORY, "fact_id": "p01", "statement": "Talks were held.", "kind": "event",
            "status": "machine-proposed", "support": [], "documents": []}
    ent = {"story_id": STORY, "entity_id": "kyiv", "name": "Kyiv", "type": "GPE", "aliases": ["Kyiv", "Kiev"],
           "description": "", "wikidata": None, "status": "machine-proposed"}
    layer_m, layer_f = [], []
    for d in docs:
        ms = [{"id": f"m{k}", "start": d["text"].find(f), "end": d["text"].find(f) + 4, "text": f, "type": "GPE",
               "kind": "NAM", "entity_id": "kyiv"} for k, f in enumerate(("Kiev", "Kyiv"), 1) if f in d["text"]]
        layer_m.append({"doc_id": d["doc_id"], "mentions": ms})
        s = d["sentences"][0]
        layer_f.append({"doc_id": d["doc_id"], "facts": [{"fact_id": "p01", "reported": True, "evidence": [
            {"start": s["start"], "end": s["end"], "text": d["text"][s["start"]:s["end"]]}]}]})
    prop = ann / STORY / "proposals"
    proposals.write(prop, {"entities": [ent], "fact_inventory": [fact], "stance_targets": [], "mentions": layer_m,
                           "facts": layer_f, "manifest": {"status": proposals.STATUS}})
    return ann, a, b


def test_report_sources_are_named_per_section(tmp_path):
    ann, a, b = _setup(tmp_path)
    data = load_story(STORY, annotations_dir=ann, predictions=[a, b])
    assert data.layer_sources["bias_spans"].startswith(f"predictions: {a} (lexicon 1.0.0)")
    assert data.layer_sources["frames"] == f"predictions: {b}"
    assert data.layer_sources["facts"] == data.layer_sources["mentions"] == proposals_label()
    assert data.inventory_sources == {"entities": proposals_label(), "fact_inventory": proposals_label()}
    assert "gold" not in data.source.split("; ")
    assert any("bias_spans: also in" in n for n in data.notes)
    assert sum(r["total"] for r in loaded_words(data)) >= 3
    html = write_report(data, tmp_path / "out").read_text(encoding="utf-8")
    assert "machine-proposed, not gold" in html and "Source of labels: <b>" in html
    assert "No stance targets in this story" in html and "No stance layer." not in html
    assert "<th>language</th><th>published</th><th>URL</th>" in html
    assert "Loaded words" in html and "putin ×" in html.lower()
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["fact_coverage"][0]["fact_id"] == "p01" and report["naming_choices"]
    kyiv = report["entities"][0]
    assert kyiv["entity_id"] == "kyiv" and kyiv["documents"] >= 2 and "<h2 id='entities'>Entities</h2>" in html


def proposals_label():
    from samestory.report.data import PROPOSALS

    return PROPOSALS


def test_report_without_any_labels_does_not_claim_gold(tmp_path):
    ann = tmp_path / "ann"
    (ann / STORY / "gold").mkdir(parents=True)
    data = load_story(STORY, annotations_dir=ann)
    assert data.source.startswith("none") and data.layer_sources == {}
    html = write_report(data, tmp_path / "out").read_text(encoding="utf-8")
    assert "Source of labels: <b>gold" not in html
    assert "No fact inventory for this story" in html and "samestory story propose" in html
    assert "No entity table for this story" in html


def test_report_cli_takes_several_predictions_folders(tmp_path, capsys):
    ann, a, b = _setup(tmp_path)
    code, out, err = run(capsys, "report", "--story", STORY, "--predictions", a, "--predictions", b,
                         "--annotations", ann, "--out", tmp_path / "rep")
    assert code == 0, err
    assert "frames" in out and str(b) in out and "machine proposals" in out
    code, out, err = run(capsys, "report", "--story", STORY, "--predictions", tmp_path / "nope",
                         "--annotations", ann, "--out", tmp_path / "rep2")
    assert code != 0 and "no such predictions folder" in err
