"""Records -> Label Studio results -> records is the identity; bad results are rejected by name."""
from __future__ import annotations

import copy

import pytest
from tests.helpers.labelstudio_helpers import documents, gold, inventory

from samestory.annotate.labelstudio import config as C
from samestory.eval.registry import task_files
from samestory.annotate.labelstudio.convert import (ConvertError, Offsets, bias_sentences_record, fact_page, facts_record,
                                           frames_record, from_results, paragraph_labels, to_results, unit_labels)


def _results(project, doc_id="fx_001"):
    doc = next(d for d in documents() if d["doc_id"] == doc_id)
    g = gold()
    return doc, {layer: g[layer][doc_id] for layer in C.LAYERS_OF[project]}


@pytest.mark.parametrize("project", [p for p in C.PROJECTS if p not in ("sentences", "facts", "paragraphs",
                                                                         "document")])
@pytest.mark.parametrize("doc_id", ["fx_001", "fx_002"])
def test_labelstudio_convert_round_trip_is_identity(project, doc_id):
    doc, records = _results(project, doc_id)
    res = to_results(project, doc, records, inv=inventory())
    assert from_results(project, doc, inventory(), res, "t") == records


@pytest.mark.parametrize("doc_id", ["fx_001", "fx_002"])
def test_labelstudio_convert_sentence_units_round_trip(doc_id):
    """Sentences come as ready-made units of SLOTS sentences; every unit's choices give back the record."""
    from samestory.annotate.labelstudio import sync
    from samestory.annotate.labelstudio.convert import bias_sentences_record, unit_labels

    doc, records = _results("sentences", doc_id)
    units = sync.sentence_units(doc)
    assert [sid for u in units for sid in u["sentence_ids"]] == [s["id"] for s in doc["sentences"]]
    labels = {}
    for u in units:
        assert all(u[f"u{i}_id"].startswith(sid) for i, sid in enumerate(u["sentence_ids"], 1))
        labels.update(unit_labels(doc, u, to_results("sentences", doc, records, unit=u), "t"))
    assert {"bias_sentences": bias_sentences_record(doc, labels)} == records
    res = to_results("sentences", doc, records, unit=units[0])
    with pytest.raises(ConvertError, match=f"sentences without a label: {units[0]['sentence_ids'][-1]}"):
        unit_labels(doc, units[0], res[:-1], "task 3")


def _frames_via_units(doc, records, inv):
    """The frames record rebuilt the way pull does: document-level half + paragraph units, joined."""
    from samestory.annotate.labelstudio import sync

    top = from_results("document", doc, inv, to_results("document", doc, records, inv=inv), "t")["frames"]
    labels = {}
    for u in sync.paragraph_units(doc):
        labels.update(paragraph_labels(doc, u, to_results("paragraphs", doc, records, unit=u), "t"))
    return frames_record(doc, top, labels)


@pytest.mark.parametrize("doc_id", ["fx_001", "fx_002"])
def test_labelstudio_convert_paragraph_units_round_trip(doc_id):
    """Paragraph frames come as ready-made units of PARA_SLOTS paragraphs (ids and text shown); joined
    with the document project's frames and primary frame they give back the frames record."""
    from samestory.annotate.labelstudio import sync

    doc, records = _results("document", doc_id)
    units = sync.paragraph_units(doc)
    assert [pid for u in units for pid in u["paragraph_ids"]] == [p["id"] for p in doc["paragraphs"]]
    for u in units:
        for i, pid in enumerate(u["paragraph_ids"], 1):
            p = next(x for x in doc["paragraphs"] if x["id"] == pid)
            assert u[f"par{i}_id"] == pid and u[f"par{i}_text"] == doc["text"][p["start"]:p["end"]]
    assert units[0]["before"] == "(start of the article)" and units[-1]["after"] == "(end of the article)"
    back = from_results("document", doc, inventory(), to_results("document", doc, records, inv=inventory()), "t")
    assert back["stance"] == records["stance"]
    assert "paragraphs" not in back["frames"]  # the document project no longer holds paragraph regions
    assert _frames_via_units(doc, records, inventory()) == records["frames"]


def test_labelstudio_convert_paragraph_units_refuse_bad_choices():
    """Every paragraph of a unit needs one frame (or 'no frame'); errors name the paragraph id shown."""
    from samestory.annotate.labelstudio import sync

    doc, records = _results("document", "fx_002")  # p2 has no frame: shown as the 'no frame' choice
    unit = sync.paragraph_units(doc)[0]
    res = to_results("paragraphs", doc, records, unit=unit)
    assert [r["value"]["choices"] for r in res] == [["Political"], [C.NO_FRAME]]
    assert paragraph_labels(doc, unit, res, "t") == {"p1": "Political", "p2": None}
    with pytest.raises(ConvertError, match="task 7 \\[paragraph_frame\\]: paragraphs without a frame: p2"):
        paragraph_labels(doc, unit, res[:1], "task 7")
    bad = copy.deepcopy(res)
    bad[0]["value"]["choices"] = ["Sports"]
    with pytest.raises(ConvertError, match="paragraph p1: expected one of"):
        paragraph_labels(doc, unit, bad, "t")
    bad = copy.deepcopy(res)
    bad[1]["from_name"] = "paragraph_frame__par1"
    with pytest.raises(ConvertError, match="expected type 'choices' on 'par1'"):
        paragraph_labels(doc, unit, bad, "t")
    bad[1]["to_name"] = "par1"
    with pytest.raises(ConvertError, match="paragraph p1 labelled twice"):
        paragraph_labels(doc, unit, bad, "t")
    one = sync.paragraph_units(_results("document", "fx_001")[0])[-1]  # fx_001: 3 paragraphs, the last unit has one
    assert one["paragraph_ids"] == ["p3"] and one["par2_text"] == sync.EMPTY_PARAGRAPH
    with pytest.raises(ConvertError, match="choice on an empty slot"):
        paragraph_labels(doc, one, [dict(res[0], from_name="paragraph_frame__par2", to_name="par2")], "t")


def test_labelstudio_convert_new_regions_get_fresh_ids():
    doc, records = _results("entities")
    res = to_results("entities", doc, records)
    for r in res:  # ids the UI makes up are replaced; evidence follows
        if r["id"] == "m3":
            r["id"] = "Xk3_pQ9a"
    back = from_results("entities", doc, inventory(), res, "t")
    assert [m["id"] for m in back["mentions"]["mentions"]] == ["m1", "m2", "m5", "m4"]
    assert back["entity_frames"]["entities"][0]["evidence"] == ["m5"]


def _bad(project, mutate, doc_id="fx_001"):
    doc, records = _results(project, doc_id)
    res = copy.deepcopy(to_results(project, doc, records, inv=inventory()))
    mutate(res)
    with pytest.raises(ConvertError) as exc:
        from_results(project, doc, inventory(), res, "task 7 (doc fx_001), annotator bob@example.org")
    return str(exc.value)


def test_labelstudio_convert_rejects_unknown_label():
    msg = _bad("entities", lambda res: res[0]["value"].update(labels=["WEAPON"]))
    assert msg.startswith("task 7 (doc fx_001), annotator bob@example.org, region m1 [mention]: unknown label 'WEAPON'")


def test_labelstudio_convert_rejects_two_choices_on_single_choice():
    msg = _bad("entities", lambda res: res[1]["value"].update(choices=["NAM", "NOM"]))
    assert "region m1 [kind]: 2 values on a single-choice field" in msg
    msg = _bad("document", lambda res: res[1]["value"].update(choices=["Political", "Economic"]))
    assert "[primary_frame]: 2 values on a single-choice field" in msg


def test_labelstudio_convert_rejects_offsets_past_text():
    def past(res):
        res[0]["value"].update(end=10_000)
    assert "region m1 [mention]: offset 10000 is outside the text" in _bad("entities", past)
    assert "differs from the document text" in _bad("entities", lambda res: res[0]["value"].update(text="Rusian"))


def test_labelstudio_convert_rejects_missing_and_conflicting_judgements():
    assert "missing kind" in _bad("entities", lambda res: res.pop(1))

    def conflict(res):  # russia's second evidence mention gets another portrayal
        roles = [r for r in res if r["from_name"] == C.PORTRAYAL and r["id"] == "m4"]
        extra = copy.deepcopy(roles[0])
        for r in res:
            if r["id"] == "m1" and r["from_name"] == C.MENTION:
                r["value"]["labels"] = ["GPE"]
            if r["id"] == "m1" and r["from_name"] == C.ENTITY:
                r["value"]["taxonomy"] = [["GPE", "russia"]]
        extra.update(id="m1")
        extra["value"].update(start=0, end=7, text="Russian", choices=["positive"])
        res.append(extra)
        for tag in (C.MAIN_ROLE,):
            src = next(r for r in res if r["from_name"] == tag and r["id"] == "m4")
            dup = copy.deepcopy(src)
            dup.update(id="m1")
            dup["value"].update(start=0, end=7, text="Russian")
            res.append(dup)
    assert "differs from another of its mentions" in _bad("entities", conflict)


def test_labelstudio_convert_offsets_are_code_points():
    """A flag emoji is two code points (four UTF-16 units); Label Studio and Python both count two."""
    text = "Kyiv \U0001F1FA\U0001F1E6 said Zelensky."
    doc = {"doc_id": "x", "text": text, "paragraphs": [], "sentences": []}
    start = text.index("Zelensky")
    rec = {"doc_id": "x", "mentions": [{"id": "m1", "start": start, "end": start + 8, "text": "Zelensky",
                                        "type": "PER", "kind": "NAM", "entity_id": None}]}
    res = to_results("entities", doc, {"mentions": rec, "entity_frames": {"doc_id": "x", "entities": []}})
    assert res[0]["value"]["start"] == 13 == start
    assert from_results("entities", doc, inventory(), res, "t")["mentions"] == rec
    with pytest.raises(ConvertError, match="outside the text"):
        Offsets(text).py(len(text) + 1, "w")


def test_labelstudio_convert_real_gold_round_trips():
    """Every story's gold survives records -> Label Studio results -> records unchanged."""
    from samestory.core import paths
    from samestory.corpus.store import load_documents
    from samestory.annotate.labelstudio import sync

    stories = [d.name for d in paths.ANNOTATIONS.iterdir() if (d / "gold").is_dir()]
    assert stories, "no story has gold"
    docs = load_documents()
    checked = 0
    for story in stories:
        inv = sync.load_inventory(story)
        story_docs = [d for d in docs if d["story_id"] == story]
        gold_recs = sync.load_layer_dir(paths.ANNOTATIONS / story / "gold", [d["doc_id"] for d in story_docs])
        for project, layers in C.LAYERS_OF.items():
            for doc in story_docs:
                recs = {layer: gold_recs[layer][doc["doc_id"]] for layer in layers
                        if doc["doc_id"] in gold_recs.get(layer, {})}
                if recs and project == "facts":
                    items = {}
                    for page in sync.fact_pages(doc, inv):
                        items.update(fact_page(doc, inv, page, to_results(project, doc, recs, unit=page), "t"))
                    assert {"facts": facts_record(doc, inv, items)} == recs
                    checked += 1
                elif recs and project == "sentences":
                    labels = {}
                    for u in sync.sentence_units(doc):
                        labels.update(unit_labels(doc, u, to_results(project, doc, recs, unit=u), doc["doc_id"]))
                    assert {"bias_sentences": bias_sentences_record(doc, labels)} == recs
                    checked += 1
                elif recs and project == "paragraphs":
                    both = {**recs, "stance": gold_recs["stance"][doc["doc_id"]]}  # the document project's half
                    assert _frames_via_units(doc, both, inv) == recs["frames"], (story, doc["doc_id"])
                    checked += 1
                elif recs:
                    back = from_results(project, doc, inv, to_results(project, doc, recs, inv=inv),
                                        f"{story}/{doc['doc_id']}")
                    if project == "document" and "frames" in recs:  # its half of frames; paragraphs above
                        back["frames"] = frames_record(doc, back["frames"], {
                            p["paragraph_id"]: p["frame"] for p in recs["frames"]["paragraphs"]})
                    assert {layer: back[layer] for layer in recs} == recs, (story, project, doc["doc_id"])
                    checked += 1
    assert checked


def test_labelstudio_convert_partial_predictions_prefill_what_they_have(tmp_path):
    """A system's NER file (named after the task, no ids, kinds or links) pre-fills types only."""
    import re

    from samestory.core.errors import SameStoryError
    from samestory.core.jsonl import write_jsonl
    from samestory.annotate.labelstudio import sync

    system, as_gold, bad = tmp_path / "system", tmp_path / "gold", tmp_path / "bad"
    rows = [{"doc_id": "fx_001", "mentions": [{"start": 0, "end": 7, "type": "NORP"},
                                              {"start": 67, "end": 75, "type": "PER"}]}]
    write_jsonl(system / "ner.jsonl", rows)
    pre = sync.load_layer_dir(system, ["fx_001", "fx_002"], partial=True, task_files=task_files())
    res = to_results("entities", documents()[0], {"mentions": pre["mentions"]["fx_001"]})
    assert [(r["id"], r["from_name"], r["value"]["text"]) for r in res] == [
        ("m1", "mention", "Russian"), ("m2", "mention", "Zelensky")]
    # read as gold, the same records miss fields; a bad label is refused either way
    write_jsonl(as_gold / "mentions.jsonl", rows)
    with pytest.raises(SameStoryError, match=re.escape("mentions.jsonl:1 [mentions[0].id]: missing field")):
        sync.load_layer_dir(as_gold, ["fx_001"])
    write_jsonl(bad / "ner.jsonl", [{"doc_id": "fx_001", "mentions": [{"start": 0, "end": 7, "type": "X"}]}])
    with pytest.raises(SameStoryError, match=re.escape("ner.jsonl:1 [mentions[0].type]: unknown label")):
        sync.load_layer_dir(bad, ["fx_001"], partial=True, task_files=task_files())
    with pytest.raises(ConvertError, match="outside the text"):
        to_results("entities", documents()[0], {"mentions": {"doc_id": "fx_001", "mentions": [
            {"start": 5, "end": 9999, "type": "PER"}]}})


@pytest.mark.parametrize("doc_id", ["fx_001", "fx_002"])
def test_labelstudio_convert_fact_pages_round_trip(doc_id):
    """Facts come in pages of FACT_SLOTS; every page's choices and F<i> evidence give back the record."""
    from samestory.annotate.labelstudio import sync
    from samestory.annotate.labelstudio.convert import fact_page, facts_record

    doc, records = _results("facts", doc_id)
    inv = inventory()
    items = {}
    for page in sync.fact_pages(doc, inv):
        items.update(fact_page(doc, inv, page, to_results("facts", doc, records, unit=page), "t"))
    assert {"facts": facts_record(doc, inv, items)} == records
    page = sync.fact_pages(doc, inv)[0]
    res = [r for r in to_results("facts", doc, records, unit=page) if r["from_name"] != "fact__f2"]
    with pytest.raises(ConvertError, match="facts without reported/not reported: F2 f2"):
        fact_page(doc, inv, page, res, "t")


def test_labelstudio_convert_refuses_fine_role_under_another_main_role():
    """protagonist + Tyrant cannot come back from the UI (Tyrant sits under antagonist only)."""
    def swap(res):
        fine = next(r for r in res if r["from_name"] == C.fine_tag("protagonist"))
        fine["from_name"] = C.fine_tag("antagonist")
        fine["value"]["choices"] = ["Tyrant"]
    assert "belong under main role 'antagonist', but the main role is 'protagonist'" in _bad("entities", swap)


def test_labelstudio_convert_refuses_entity_from_another_type_group():
    def other(res):
        ent = next(r for r in res if r["from_name"] == C.ENTITY and r["value"]["taxonomy"] == [["PER", "zelensky"]])
        ent["value"]["taxonomy"] = [["GPE", "russia"]]
    assert "entity chosen from the GPE group on a PER mention" in _bad("entities", other)

    def wrong_group(res):
        ent = next(r for r in res if r["from_name"] == C.ENTITY and r["value"]["taxonomy"] == [["PER", "zelensky"]])
        ent["value"]["taxonomy"] = [["GPE", "zelensky"]]
    assert "entity 'zelensky' given under group 'GPE'" in _bad("entities", wrong_group)


def test_labelstudio_convert_frames_join_document_and_paragraph_units():
    """Pull's join of the two projects that make a frames record, per annotator and document: a complete
    pair converts, a missing half or unsubmitted paragraph unit is listed, and the joined record is
    checked like validate (a primary frame outside the document's frames is refused)."""
    from samestory.annotate.labelstudio import sync

    docs = {d["doc_id"]: d for d in documents()}
    inv, g = inventory(), gold()

    def export(project, who):
        """project's tasks with the gold annotated by `who` (email -> doc_ids, optional mutation)."""
        tasks = []
        for n, doc in enumerate(docs.values()):
            recs = {layer: g[layer][doc["doc_id"]] for layer in C.LAYERS_OF[project]}
            for k, data in enumerate(sync.project_tasks(project, doc, inv)):
                anns = []
                for email, (doc_ids, mutate) in who.items():
                    if doc["doc_id"] not in doc_ids or (project == "paragraphs" and k and email == "carol@x.org"):
                        continue  # carol never submits the second paragraph unit of a document
                    res = to_results(project, doc, recs, unit=data if "unit_id" in data else None, inv=inv)
                    anns.append({"id": len(anns) + 1, "completed_by": {"email": email}, "result": mutate(res)})
                tasks.append({"id": 100 * n + k, "data": data, "annotations": anns})
        return tasks

    same = lambda res: res  # noqa: E731
    odd = lambda res: [dict(r, value={"choices": ["Economic"]})  # noqa: E731
                       if r["from_name"] == C.PRIMARY_FRAME else r for r in res]
    who_doc = {"alice@x.org": (["fx_001", "fx_002"], same), "bob@x.org": (["fx_001"], odd),
               "carol@x.org": (["fx_001"], same)}
    who_par = {"alice@x.org": (["fx_001", "fx_002"], same), "bob@x.org": (["fx_001"], same),
               "carol@x.org": (["fx_001"], same), "dan@x.org": (["fx_002"], same)}
    d = sync.convert_export("document", export("document", who_doc), docs, inv, "document.json")
    p = sync.convert_export("paragraphs", export("paragraphs", who_par), docs, inv, "paragraphs.json")
    assert not d.problems and "frames" not in d.records["alice@x.org"]  # stance only; frames is half a record
    assert d.records["alice@x.org"]["stance"] == g["stance"]
    assert [str(x) for x in p.problems] == [
        "paragraphs.json: document fx_001, annotator carol@x.org: paragraphs not labelled yet (their tasks are "
        "not submitted): p3; the document is left out"]
    j = sync.join_frames(d, p, docs, inv, "document+paragraphs")
    assert j.records == {"alice@x.org": {"frames": g["frames"]}}
    msgs = [str(x) for x in j.problems]
    assert any("document fx_001, annotator bob@x.org" in m and "primary frame is not among the document's frames"
               in m for m in msgs), msgs
    assert any("document fx_001, annotator carol@x.org: frames not complete: the paragraph frames (project "
               "paragraphs) not submitted" in m for m in msgs), msgs
    assert any("document fx_002, annotator dan@x.org: frames not complete: the document's frames and primary "
               "frame (project document) not submitted" in m for m in msgs), msgs
    assert len(msgs) == 3
