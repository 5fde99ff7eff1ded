"""Each bad input of issue 2 gives a clear message (file, line, field, expected vs found) and the build
writes nothing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.build_helpers import STORY, copy_fixture, run


def edit_jsonl(path: Path, line: int, change) -> None:
    """Apply `change(record)` to the record on 1-based `line` of a JSONL file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[line - 1])
    change(rec)
    lines[line - 1] = json.dumps(rec, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def gold(ann: Path, layer: str) -> Path:
    return ann / STORY / "gold" / f"{layer}.jsonl"


def m(i):
    return lambda rec: rec["mentions"][i]


def _missing_raw(corpus, ann):
    (corpus / STORY / "raw" / "a_doc.txt").unlink()
    return ["documents.jsonl:1", "raw_path", "missing"]


def _edited_raw(corpus, ann):
    p = corpus / STORY / "raw" / "b_doc.txt"
    p.write_bytes(p.read_bytes().replace(b"Turkey", b"Turkiye"))
    return ["raw/b_doc.txt", "sha256 mismatch", "raw_sha256"]


def _non_utf8_raw(corpus, ann):
    p = corpus / STORY / "raw" / "b_doc.txt"
    p.write_bytes(p.read_bytes().replace("Turkey".encode(), "T\xfcrkey".encode("latin-1")))
    return ["raw/b_doc.txt", "not UTF-8"]


def _non_utf8_annotation(corpus, ann):
    p = ann / STORY / "stance_targets.jsonl"
    p.write_bytes(p.read_bytes().replace("Russia".encode(), "R\xfcssia".encode("latin-1"), 1))
    return ["stance_targets.jsonl", "not UTF-8"]


def _stale_clean(corpus, ann):
    p = corpus / STORY / "clean" / "a_doc.txt"
    p.write_text(p.read_text(encoding="utf-8") + "\nextra", encoding="utf-8")
    return ["clean/a_doc.txt", "differs from the cleaner"]


def _offsets_outside(corpus, ann):
    edit_jsonl(gold(ann, "mentions"), 1, lambda r: r["mentions"][0].update(start=5000, end=5005))
    return ["mentions.jsonl:1", "[mentions[0].start]", "start outside the clean text", "start=5000, end=5005"]


def _surface_mismatch(corpus, ann):
    edit_jsonl(gold(ann, "quotes"), 1, lambda r: r["quotes"][0].update(text="We are ready!"))
    return ["quotes.jsonl:1", "[quotes[0].text]", "surface string differs",
            "expected 'We are ready,'", "found 'We are ready!'"]


def _unknown_label(corpus, ann):
    edit_jsonl(gold(ann, "mentions"), 2, lambda r: r["mentions"][0].update(type="COUNTRY"))
    return ["mentions.jsonl:2", "[mentions[0].type]", "unknown label", "found 'COUNTRY'"]


def _unknown_frame(corpus, ann):
    edit_jsonl(gold(ann, "frames"), 1, lambda r: r.update(frames=["Political", "Sports"]))
    return ["frames.jsonl:1", "[frames[1]]", "unknown label", "'Sports'"]


def _duplicate_mention_id(corpus, ann):
    edit_jsonl(gold(ann, "mentions"), 1, lambda r: r["mentions"][1].update(id="m1"))
    return ["mentions.jsonl:1", "[mentions[1]]", "duplicate item (same id as mentions[0])"]


def _duplicate_evidence_span(corpus, ann):
    edit_jsonl(gold(ann, "facts"), 1, lambda r: r["facts"][0]["evidence"].append(dict(r["facts"][0]["evidence"][0])))
    return ["facts.jsonl:1", "[facts[0].evidence[1]]", "duplicate evidence span", "173..190"]


def _duplicate_entity_id(corpus, ann):
    edit_jsonl(ann / STORY / "entities.jsonl", 2, lambda r: r.update(entity_id="putin"))
    return ["entities.jsonl:2", "[entity_id]", "duplicate entity_id (first at line 1)"]


def _duplicate_doc_record(corpus, ann):
    p = gold(ann, "stance")
    first = p.read_text(encoding="utf-8").splitlines()[0]
    p.write_text(p.read_text(encoding="utf-8") + first + "\n", encoding="utf-8")
    return ["stance.jsonl:3", "[doc_id]", "duplicate doc_id"]


def _dangling_entity(corpus, ann):
    edit_jsonl(gold(ann, "mentions"), 1, lambda r: r["mentions"][0].update(entity_id="vladimir"))
    return ["mentions.jsonl:1", "[mentions[0].entity_id]", "unknown entity id", "entity table", "'vladimir'"]


def _dangling_mention(corpus, ann):
    edit_jsonl(gold(ann, "entity_frames"), 1, lambda r: r["entities"][0]["evidence"].append("m99"))
    return ["entity_frames.jsonl:1", "evidence[", "unknown mention id: no such mention", "'m99'"]


def _dangling_fact(corpus, ann):
    edit_jsonl(gold(ann, "facts"), 2, lambda r: r["facts"][0].update(fact_id="f9"))
    return ["facts.jsonl:2", "[facts[0].fact_id]", "fact inventory", "'f9'"]


def _dangling_sentence(corpus, ann):
    edit_jsonl(gold(ann, "bias_sentences"), 1, lambda r: r["sentences"][0].update(sentence_id="s77"))
    return ["bias_sentences.jsonl:1", "[sentences[0].sentence_id]", "no such sentence", "'s77'"]


def _unknown_document(corpus, ann):
    edit_jsonl(gold(ann, "quotes"), 2, lambda r: r.update(doc_id="c_doc"))
    return ["quotes.jsonl:2", "[doc_id]", "unknown document", "'c_doc'"]


def _nam_overlap(corpus, ann):
    def change(r):
        vp = next(x for x in r["mentions"] if x["text"] == "Vladimir Putin")
        r["mentions"].append({"id": "m9", "start": vp["start"], "end": vp["start"] + 8, "text": "Vladimir",
                              "type": "PER", "kind": "NAM", "entity_id": "putin"})
    edit_jsonl(gold(ann, "mentions"), 1, change)
    return ["mentions.jsonl:1", "NAM mention overlaps"]


def _uncovered_alias(corpus, ann):
    edit_jsonl(gold(ann, "mentions"), 2, lambda r: r["mentions"].pop(3))  # "Turkey"
    return ["mentions.jsonl", "b_doc", "neither a mention nor a listed non-mention", "'Turkey'"]


def _wrong_type(corpus, ann):
    edit_jsonl(gold(ann, "facts"), 1, lambda r: r["facts"][0].update(reported="yes"))
    return ["facts.jsonl:1", "[facts[0].reported]", "wrong type", "expected true/false"]


def _null_not_allowed(corpus, ann):
    edit_jsonl(gold(ann, "stance"), 1, lambda r: r["stances"][0].update(label=None))
    return ["stance.jsonl:1", "[stances[0].label]", "null where a value is required"]


def _unknown_field(corpus, ann):
    edit_jsonl(gold(ann, "quotes"), 1, lambda r: r["quotes"][0].update(speaker="peskov"))
    return ["quotes.jsonl:1", "[quotes[0].speaker]", "unknown field"]


def _missing_target(corpus, ann):
    edit_jsonl(gold(ann, "stance"), 2, lambda r: r["stances"].pop())
    return ["stance.jsonl:2", "[stances]", "not every target has an item", "missing ukraine"]


def _fine_role_under_wrong_main(corpus, ann):
    edit_jsonl(gold(ann, "entity_frames"), 1, lambda r: r["entities"][0].update(fine_roles=["Victim"]))
    return ["entity_frames.jsonl:1", "fine_roles[0]", "not under main role 'antagonist'"]


def _missing_layer_record(corpus, ann):
    p = gold(ann, "frames")
    p.write_text(p.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    return ["frames.jsonl", "does not cover every document", "missing b_doc"]


def _dangling_speaks_for(corpus, ann):
    edit_jsonl(ann / STORY / "entities.jsonl", 1, lambda r: r.update(speaks_for="no-such-state"))
    return ["entities.jsonl:1", "speaks_for", "unknown entity id", "no-such-state"]


def _speaks_for_cycle(corpus, ann):
    edit_jsonl(ann / STORY / "entities.jsonl", 1, lambda r: r.update(speaks_for="zelensky"))
    edit_jsonl(ann / STORY / "entities.jsonl", 2, lambda r: r.update(speaks_for="putin"))
    return ["entities.jsonl:1", "speaks_for", "cycle", "putin → zelensky → putin"]


def _speaks_for_self(corpus, ann):
    edit_jsonl(ann / STORY / "entities.jsonl", 3, lambda r: r.update(speaks_for="peskov"))
    return ["entities.jsonl:3", "speaks_for", "cycle", "peskov → peskov"]


CASES = {f.__name__.lstrip("_"): f for f in [
    _dangling_speaks_for, _speaks_for_cycle, _speaks_for_self,
    _missing_raw, _edited_raw, _non_utf8_raw, _non_utf8_annotation, _stale_clean, _offsets_outside,
    _surface_mismatch, _unknown_label, _unknown_frame, _duplicate_mention_id, _duplicate_evidence_span, _duplicate_entity_id,
    _duplicate_doc_record, _dangling_entity, _dangling_mention, _dangling_fact, _dangling_sentence,
    _unknown_document, _nam_overlap, _uncovered_alias, _wrong_type, _null_not_allowed, _unknown_field,
    _missing_target, _fine_role_under_wrong_main, _missing_layer_record,
]}


def test_validate_fixture_is_valid(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    code, out, err = run("validate", "--corpus", corpus, "--annotations", ann)
    assert code == 0, err
    assert "ok: 2 document(s)" in out


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_bad_input_reports_and_build_writes_nothing(tmp_path, case):
    corpus, ann = copy_fixture(tmp_path)
    expected = CASES[case](corpus, ann)
    code, out, err = run("validate", "--corpus", corpus, "--annotations", ann)
    assert code == 1
    problem_lines = [line for line in err.splitlines() if line.startswith("  ")]
    assert any(all(frag in line for frag in expected) for line in problem_lines), err
    build, releases = tmp_path / "build", tmp_path / "releases"
    code, out, err = run("build", "--corpus", corpus, "--annotations", ann, "--out", build,
                         "--releases", releases, "--quiet")
    assert code == 1
    assert "build refused: input is invalid" in err
    assert not build.exists() and not releases.exists()


def test_validate_reports_every_problem_not_just_the_first(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    _unknown_label(corpus, ann)
    _dangling_fact(corpus, ann)
    _edited_raw(corpus, ann)
    code, out, err = run("validate", "--corpus", corpus, "--annotations", ann)
    assert code == 1
    for frag in ("unknown label", "fact inventory", "sha256 mismatch"):
        assert frag in err


def test_validate_without_annotations_notes_missing_layers(tmp_path):
    corpus, ann = copy_fixture(tmp_path)
    code, out, err = run("validate", "--corpus", corpus, "--annotations", tmp_path / "none")
    assert code == 0, err
    assert "no gold annotations yet" in out
    assert "completeness not checked" in out
