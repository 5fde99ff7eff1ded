"""A sentence boundary never falls inside a closed quotation (curly or straight double quotes): a
quotation of several sentences is one sentence unit; an unclosed mark glues nothing."""
from samestory.corpus import segment


def _texts(text):
    return [text[s["start"]:s["end"]] for s in segment.sentences(text)]


def test_segment_keeps_a_curly_multi_sentence_quote_in_one_sentence():
    text = ("The mayor spoke after the vote. “We lost the bridge. We will build it again,” she said. "
            "Work starts in June.")
    assert _texts(text) == ["The mayor spoke after the vote.",
                            "“We lost the bridge. We will build it again,” she said.",
                            "Work starts in June."]


def test_segment_keeps_a_straight_multi_sentence_quote_in_one_sentence():
    text = ('The coach said: "We trained hard. We lost anyway. Next season is ours." The club declined '
            'to comment.')
    assert _texts(text) == ['The coach said: "We trained hard. We lost anyway. Next season is ours."',
                            "The club declined to comment."]


def test_segment_splits_between_separate_quotes():
    text = "“The dam held,” he said. “The river is falling.” Residents returned on Monday."
    assert _texts(text) == ["“The dam held,” he said.", "“The river is falling.”",
                            "Residents returned on Monday."]


def test_segment_unclosed_quote_mark_does_not_glue_sentences():
    text = "He wrote “maybe. Then nothing happened. The council met again on Tuesday."
    assert len(_texts(text)) == 3


def test_segment_quotation_ranges_pairs_marks():
    text = 'A “b. c” d "e. f" g “h'
    assert segment.quotation_ranges(text) == [(2, 7), (11, 16)]


def test_segment_no_sentence_boundary_inside_a_quotation_in_the_corpus():
    from samestory.corpus.store import load_documents

    for doc in load_documents():
        text = doc["text"]
        for para in doc["paragraphs"]:
            chunk = text[para["start"]:para["end"]]
            inside = [(para["start"] + a, para["start"] + b) for a, b in segment.quotation_ranges(chunk)]
            for s in doc["sentences"]:
                assert not any(a < s["start"] <= b for a, b in inside), (doc["doc_id"], s["id"])
