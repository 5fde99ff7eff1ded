"""Proposal helpers: alias and quotation candidates, hand-listed surfaces to offsets, span checks."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samestory.annotate import validate
from samestory.core.errors import SameStoryError
from samestory.annotate.propose import (alias_candidates, check_spans, locate, main, overlapping_names,
                               quote_candidates, uncovered_aliases)

ENTS = [
    {"entity_id": "rustem-umerov", "aliases": ["Rustem Umerov", "Umerov", "umerov", "Umarov"]},
    {"entity_id": "russia", "aliases": ["Russia", "Russian Federation"]},
    {"entity_id": "russians", "aliases": ["Russian", "Russians"]},
]


def test_propose_aliases_finds_glued_and_misspelled_names():
    text = "the Minister of Defense Rustem umerovaccording to AFP. Umarov said"
    found = {(c.text, c.entity_ids) for c in alias_candidates(text, ENTS)}
    assert ("umerov", ("rustem-umerov",)) in found
    assert ("Umarov", ("rustem-umerov",)) in found
    assert not any(c.text == "Umerov" for c in alias_candidates(text, ENTS))  # case-sensitive


def test_propose_aliases_marks_occurrences_inside_longer_names():
    text = "war with the Russian Federation."
    by_text = {c.text: c for c in alias_candidates(text, ENTS)}
    assert by_text["Russian Federation"].inside is None
    assert by_text["Russian"].inside == "Russian Federation"
    assert by_text["Russia"].entity_ids == ("russia",)


def test_propose_quotes_pairs_marks_and_trims_whitespace():
    text = ('He said \u201c Ukrainian part requested talks \u201dfrom both, and "it was Kyiv." '
            '\u201cWe haven\u2019t received a Russian \u2018yes\u2019 on this,\u201d she said.')
    got = [c.text for c in quote_candidates(text)]
    assert got == ["Ukrainian part requested talks", "it was Kyiv.",
                   "We haven\u2019t received a Russian \u2018yes\u2019 on this,"]
    for c in quote_candidates(text):
        assert text[c.start:c.end] == c.text


def test_propose_quotes_ignores_an_unclosed_mark():
    assert quote_candidates("an opening \u201c with no end") == []


def test_propose_locate_reading_order_nesting_and_anchors():
    text = "Russia\u2019s chief negotiator Vladimir Medinsky met Putin. Later Putin left."
    offs = locate(text, ["Russia\u2019s chief negotiator", ">Russia", "Vladimir Medinsky", "Later|Putin"])
    assert [text[s:e] for s, e in offs] == ["Russia\u2019s chief negotiator", "Russia", "Vladimir Medinsky", "Putin"]
    assert offs[0][0] == offs[1][0]
    assert offs[3][0] == text.rindex("Putin")


def test_propose_locate_names_the_missing_surface():
    with pytest.raises(SameStoryError) as err:
        locate("Putin met Trump.", ["Trump", "Putin"], "doc-x")
    assert "doc-x" in str(err.value) and "'Putin'" in str(err.value)


def test_propose_check_spans_reports_mismatch_and_whitespace():
    text = "Kremlin spokesman Dmitry Peskov said"
    good = [{"start": 0, "end": 7, "text": "Kremlin"}]
    assert check_spans(good, text) == []
    bad = [{"start": 0, "end": 8, "text": "Kremlin"}, {"start": 7, "end": 17, "text": " spokesman"},
           {"start": 30, "end": 99, "text": "x"}]
    problems = check_spans(bad, text)
    assert len(problems) == 3


def test_propose_overlapping_names_only_between_nams():
    ms = [{"id": "m1", "start": 0, "end": 25, "kind": "NOM"}, {"id": "m2", "start": 0, "end": 6, "kind": "NAM"},
          {"id": "m3", "start": 3, "end": 9, "kind": "NAM"}]
    assert overlapping_names(ms) == [("m2", "m3")]


NAMES = ["Putin", "putin", "Russia", "Russian", "Kiev"]


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.sampled_from(NAMES + ["and", "the", "x"]), min_size=1, max_size=12),
       picks=st.lists(st.tuples(st.integers(0, 80), st.integers(1, 10), st.booleans()), max_size=6),
       excused=st.lists(st.tuples(st.integers(0, 80), st.integers(1, 10)), max_size=3))
def test_propose_uncovered_aliases_agrees_with_the_validator(words, picks, excused):
    """The helper flags exactly what `samestory validate`'s completeness check would flag."""
    text = " ".join(words)
    ents = [{"entity_id": "e", "aliases": NAMES}]
    mentions = [{"start": s, "end": s + n, "kind": "NAM" if nam else "NOM"} for s, n, nam in picks]
    non = [{"start": s, "end": s + n} for s, n in excused]
    mine = {(c.start, c.end) for c in uncovered_aliases(text, ents, mentions, non)}
    theirs = {(s, e) for s, e, _ in validate.alias_occurrences(text, NAMES)
              if not validate.covered(s, e, mentions, [(n["start"], n["end"]) for n in non])}
    assert mine == theirs


def test_propose_cli_help_and_missing_corpus(tmp_path, capsys):
    with pytest.raises(SystemExit) as ex:
        main(["--help"])
    assert ex.value.code == 0
    assert main(["quotes", "--corpus", str(tmp_path), "--story", "nope"]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_propose_cli_prints_quote_candidates(tmp_path, capsys):
    clean = tmp_path / "s1" / "clean"
    clean.mkdir(parents=True)
    (clean / "d1.txt").write_text("He said \u201chello,\u201d twice.", encoding="utf-8")
    assert main(["quotes", "--corpus", str(tmp_path), "--story", "s1"]) == 0
    out = capsys.readouterr().out.strip().split("\t")
    assert out[:3] == ["d1", "9", "15"] and "[hello,]" in out[3]
