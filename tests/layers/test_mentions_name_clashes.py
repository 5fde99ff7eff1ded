"""The one named-mention overlap rule (validator, prediction checker, proposal check and LLM parser call it)."""
import random

from samestory.layers.mentions import is_name, name_clashes


def _m(start, end, kind="NAM"):
    return {"start": start, "end": end, "kind": kind}


def test_mentions_name_clashes_keep_the_first_name():
    ms = [_m(0, 10), _m(5, 20), _m(15, 25), _m(3, 4, "NOM"), _m(30, 31)]
    assert name_clashes(ms) == [(1, 0)]  # dropping mentions[1] leaves 0..10 and 15..25 apart


def test_mentions_name_clashes_ignore_order_of_input():
    ms = [_m(0, 10), _m(5, 20), _m(8, 9), _m(40, 50), _m(45, 60, "NOM"), _m(49, 55)]
    want = {((ms[i]["start"], ms[i]["end"]), (ms[j]["start"], ms[j]["end"])) for i, j in name_clashes(ms)}
    for seed in range(20):
        shuffled = ms[:]
        random.Random(seed).shuffle(shuffled)
        got = {((shuffled[i]["start"], shuffled[i]["end"]), (shuffled[j]["start"], shuffled[j]["end"]))
               for i, j in name_clashes(shuffled)}
        assert got == want


def test_mentions_is_name_counts_missing_kind():
    assert is_name({"start": 0, "end": 1}) and is_name(_m(0, 1)) and not is_name(_m(0, 1, "NOM"))
    assert name_clashes([{"start": 0, "end": 5}, {"start": 2, "end": 3}, {"start": "x"}, "junk"]) == [(1, 0)]
