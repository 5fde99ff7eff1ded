"""The one one-to-one span matcher (quote scorer and agreement): most pairs first, input order irrelevant."""
import random

from samestory.schema.spans import match_one_to_one, overlap


def _pairs(gold, pred, **kw):
    return {(gold[i], pred[j]) for i, j in match_one_to_one(gold, pred, **kw)}


def test_spans_match_one_to_one_finds_most_pairs():
    gold = [(0, 10, "x"), (8, 20, "x")]
    pred = [(2, 12, "x"), (0, 4, "x")]  # greedy largest-overlap first would pair (0,10) with (2,12) and stop
    assert _pairs(gold, pred) == {((0, 10, "x"), (0, 4, "x")), ((8, 20, "x"), (2, 12, "x"))}


def test_spans_match_one_to_one_ignores_input_order():
    rng = random.Random(7)
    gold = [(s, s + rng.randint(1, 15), "x") for s in rng.sample(range(200), 25)]
    pred = [(s, s + rng.randint(1, 15), "x") for s in rng.sample(range(200), 25)]
    want = len(match_one_to_one(gold, pred))
    for seed in range(10):
        g, p = gold[:], pred[:]
        random.Random(seed).shuffle(g)
        random.Random(seed + 100).shuffle(p)
        assert len(match_one_to_one(g, p)) == want


def test_spans_match_one_to_one_needs_overlap_and_compatibility():
    assert overlap(0, 5, 5, 9) == 0 and overlap(0, 6, 5, 9) == 1
    assert match_one_to_one([(0, 5, "a")], [(5, 9, "a")]) == []
    assert match_one_to_one([(0, 5, "a")], [(0, 5, "b")], compatible=lambda g, p: g[2] == p[2]) == []
    assert match_one_to_one([], [(0, 1, "a")]) == []
