"""`samestory story propose`: name clustering, machine-proposed output never mistaken for gold, the Label
Studio hook, and how much of the hidden Istanbul inventories it recovers (real spaCy NER and MiniLM)."""
import json
from argparse import Namespace

import pytest

from samestory.core import paths
from samestory.eval.registry import task_files

from samestory.systems import proposals
from samestory.corpus.store import load_documents
from samestory.core.errors import SameStoryError
from samestory.core.jsonl import read_jsonl
from samestory.systems.proposals import Mention, cluster_entities, name_key

from tests.helpers.ingest_helpers import copy_corpus, run

STORY = "istanbul-2025-05-16"


def _m(text, t="PER", doc="d1"):
    return Mention(doc, 0, len(text), text, t)


def test_proposals_name_clustering_variants_and_surnames():
    ms = [_m("Rustem Umerov"), _m("Umerov", "ORG"), _m("Kyiv", "GPE"), _m("Kiev", "GPE", "d2"),
          _m("Volodymyr Zelenskyy"), _m("Vladimir Zelensky", doc="d2"), _m("Zelensky", doc="d3"),
          _m("Vladimir Putin"), _m("Vladimir Medinsky"), _m("Putin", doc="d2"), _m("Russia's", "GPE")]
    clusters = {c.name(): sorted(m.text for m in c.mentions) for c in cluster_entities(ms)}
    assert clusters["Rustem Umerov"] == ["Rustem Umerov", "Umerov"]
    assert sorted(clusters[next(k for k in clusters if k in ("Kyiv", "Kiev"))]) == ["Kiev", "Kyiv"]
    zel = next(v for k, v in clusters.items() if "Zelensk" in k)
    assert zel == ["Vladimir Zelensky", "Volodymyr Zelenskyy", "Zelensky"]
    assert clusters["Vladimir Putin"] == ["Putin", "Vladimir Putin"]
    assert clusters["Vladimir Medinsky"] == ["Vladimir Medinsky"]  # same first name is not the same person
    assert name_key("Russia's") == name_key("Russia") == "russia"


def test_proposals_write_never_replaces_a_foreign_folder(tmp_path):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    with pytest.raises(SameStoryError, match="not a proposals folder"):
        proposals.write(mine, {"entities": [], "fact_inventory": [], "stance_targets": [], "mentions": [],
                               "facts": [], "manifest": {"status": proposals.STATUS}})
    assert (mine / "keep.txt").read_text() == "mine"


@pytest.fixture(scope="module")
def istanbul():
    docs = [d for d in load_documents() if d["story_id"] == STORY]
    return docs, proposals.propose(STORY, docs)


def test_proposals_recover_most_hidden_istanbul_entities(istanbul):
    """The proposer reads only the documents; compared afterwards with the gold entity table."""
    _, result = istanbul
    assert result["manifest"]["ner"]["tool"] == "spacy"  # the pretrained model is installed here
    gold = [r for _, r in read_jsonl(paths.ANNOTATIONS / STORY / "entities.jsonl")]
    keys = [{name_key(a) for a in [p["name"], *p["aliases"]]} for p in result["entities"]]
    found = [g for g in gold if any({name_key(a) for a in [g["name"], *g["aliases"]]} & k for k in keys)]
    assert len(found) / len(gold) >= 0.8
    assert all(e["status"] == "machine-proposed" for e in result["entities"])


def test_proposals_facts_match_gold_evidence_of_shared_facts(istanbul):
    docs, result = istanbul
    gold_layer = [r for _, r in read_jsonl(paths.ANNOTATIONS / STORY / "gold" / "facts.jsonl")]
    ev = {}
    for rec in gold_layer:
        for it in rec["facts"]:
            if it["reported"]:
                ev.setdefault(it["fact_id"], set()).update((rec["doc_id"], e["start"]) for e in it["evidence"])
    shared = {f for f, spans in ev.items() if len({d for d, _ in spans}) >= 2}
    facts = result["fact_inventory"]
    assert facts and all(len(f["documents"]) >= 2 and f["status"] == "machine-proposed" for f in facts)
    texts = {d["doc_id"]: d["text"] for d in docs}
    for f in facts:  # evidence candidates are real sentences of the documents
        assert all(texts[s["doc_id"]][s["start"]:s["end"]].strip() == s["text"] for s in f["support"])

    def hits(f, fid):
        gold_spans = [(d, s) for d, s in ev[fid]]
        return any(any(d == s["doc_id"] and s["start"] <= st < s["end"] + 1 for d, st in gold_spans)
                   for s in f["support"])

    recovered = {fid for fid in shared for f in facts if hits(f, fid)}
    assert len(recovered) / len(shared) >= 0.5


def test_proposals_cli_on_a_new_story_and_label_studio_hook(tmp_path, capsys):
    from samestory.corpus.cleaning_fixtures import export
    from samestory.cli.ls import _push_inventory
    from samestory.annotate.labelstudio import sync

    corpus = copy_corpus(tmp_path)
    ann = tmp_path / "annotations"
    caps = {f.stem: f for f in export(tmp_path / "caps")}
    assert run(capsys, "story", "new", "t", "--title", "T", "--date", "2025-05-16", "--corpus", corpus)[0] == 0
    code, _, err = run(capsys, "add", "--story", "t", caps["01_en_wire_menu"], caps["09_ng_wordpress"],
                       caps["11_en_infobox"], caps["07_id_translation"], "--corpus", corpus)
    assert code == 0, err
    code, out, err = run(capsys, "story", "propose", "t", "--corpus", corpus)
    assert code == 0, err
    out_dir = ann / "t" / "proposals"
    assert "machine-proposed, not gold" in out and out_dir.is_dir()
    assert [r for _, r in read_jsonl(ann / "t" / "entities.jsonl")] == []  # the inventories stay untouched
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["status"] == "machine-proposed" and manifest["languages"] == ["en", "id"]
    ents = {e["name"]: e for _, e in read_jsonl(out_dir / "entities.jsonl")}
    assert "Rustem Umerov" in ents and "Umerov" in ents["Rustem Umerov"]["aliases"]
    mentions = {r["doc_id"]: r["mentions"] for _, r in read_jsonl(out_dir / "mentions.jsonl")}
    docs = {d["doc_id"]: d for d in load_documents(corpus) if d["story_id"] == "t"}
    indonesian = next(d for d in docs.values() if d["language"] == "id")
    assert any(m["entity_id"] == ents["Rustem Umerov"]["entity_id"] for m in mentions[indonesian["doc_id"]])
    targets = [r for _, r in read_jsonl(out_dir / "stance_targets.jsonl")]
    assert targets and all(t["definition"].startswith("STUB") for t in targets)
    # Label Studio: the proposals load as pre-annotations and their inventories stand in for the empty ones
    pre = sync.load_layer_dir(out_dir, list(docs), partial=True, task_files=task_files())
    assert set(pre) == {"mentions", "facts"}
    args = Namespace(preannotate=str(out_dir), annotations=ann, model_version=None)
    inv = _push_inventory("t", args)
    assert len(inv.entities) == len(ents) and args.preannotate == "proposals"  # proposals mode, annotators see it
    args = Namespace(preannotate="proposals", annotations=ann, model_version=None)  # the story's own folder
    assert len(_push_inventory("t", args).entities) == len(ents)
    # a second run replaces its own folder
    assert run(capsys, "story", "propose", "t", "--corpus", corpus)[0] == 0
