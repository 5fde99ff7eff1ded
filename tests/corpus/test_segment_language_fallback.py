"""A language spaCy has no blank pipeline for is segmented with the multi-language `xx` pipeline (and
its sentencizer) instead of being refused; `add` records the pipeline in the provenance and the notes."""
import pytest

from samestory.corpus import segment
from samestory.corpus.store import load_documents, load_metadata

from tests.helpers.ingest_helpers import STORY, copy_corpus, run

SWAHILI = ("Mazungumzo ya Istanbul\n\n"
           "Urusi na Ukraine zimekubaliana kubadilishana wafungwa elfu moja kila upande katika mazungumzo ya "
           "kwanza ya moja kwa moja tangu mwaka 2022 mjini Istanbul, lakini hakuna makubaliano ya kusitisha "
           "mapigano yaliyofikiwa. Mazungumzo hayo yalidumu chini ya saa mbili, na pande zote mbili zilisema "
           "ziko tayari kuendelea na mawasiliano.\n\n"
           "Waziri wa mambo ya nje wa Uturuki alisema mkutano ujao utafanyika hivi karibuni. Wajumbe wa Ukraine "
           "walisema masharti ya Urusi hayakubaliki.\n")
WELSH = ("Cytunodd Rwsia a Wcráin i gyfnewid mil o garcharorion yr un. Ni chafwyd cadoediad yn y trafodaethau "
         "yn Istanbul. Dywedodd y ddwy ochr eu bod yn barod i barhau i siarad.")


@pytest.mark.parametrize("code,text,n", [("sw", SWAHILI.split("\n\n", 2)[1], 2), ("cy", WELSH, 3)])
def test_segment_falls_back_to_the_multilanguage_pipeline(code, text, n):
    assert segment.pipeline_name(code) == segment.FALLBACK == "xx"
    sents = segment.sentences(text, language=code)
    assert len(sents) == n
    assert all(text[s["start"]:s["end"]].endswith(".") for s in sents)
    toks = segment.tokenize(text, language=code)
    assert [text[a:b] for a, b in toks][:3] == text.split()[:3] and all(b > a for a, b in toks)
    assert segment.provenance(code)["pipeline"] == "xx"


def test_segment_languages_with_a_pipeline_keep_their_own():
    for code in ("en", "de", "fr"):
        assert segment.pipeline_name(code) == code and segment.provenance(code)["pipeline"] == code


def test_segment_fallback_language_is_added_with_its_pipeline_recorded(tmp_path, capsys):
    corpus = copy_corpus(tmp_path)
    f = tmp_path / "sw.txt"
    f.write_text(SWAHILI, encoding="utf-8")
    code, out, err = run(capsys, "add", "--story", STORY, f, "--notes", "Written for the tests.", "--corpus", corpus)
    assert code == 0, err
    assert "multi-language pipeline (xx)" in out  # told to the user
    doc = next(d for d in load_documents(corpus) if d["doc_id"].startswith("005_"))
    assert doc["language"] == "sw" and len(doc["paragraphs"]) == 3 and len(doc["sentences"]) == 5
    assert doc["notes"].startswith("Written for the tests. ") and "(xx)" in doc["notes"] and "'sw'" in doc["notes"]
    meta = next(m for _, _, m in load_metadata(corpus) if m["doc_id"] == doc["doc_id"])
    assert meta["segmentation"]["pipeline"] == "xx" and meta["segmentation"]["tool"] == "spacy"
    assert meta["language_detection"]["language"] == "sw" and meta["metadata_origin"]["language"].startswith("detected")


def test_segment_english_add_records_its_own_pipeline_and_no_note(tmp_path, capsys):
    from tests.helpers.ingest_helpers import FIX

    corpus = copy_corpus(tmp_path)
    code, out, err = run(capsys, "add", "--story", STORY, FIX / "globalwire.txt", "--corpus", corpus)
    assert code == 0, err
    meta = next(m for _, _, m in load_metadata(corpus) if m["doc_id"].startswith("005_"))
    assert meta["segmentation"]["pipeline"] == "en" and meta["notes"] is None
