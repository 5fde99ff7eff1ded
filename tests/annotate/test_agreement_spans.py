"""Span matching is order-free, symmetric, and partial never finds fewer matches than strict."""
from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from samestory.annotate.agreement import PRF, match_partial, match_strict

spans = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 8), st.sampled_from(["A", "B"]))
                 .map(lambda t: (t[0], t[0] + t[1], t[2])), max_size=8)


@settings(max_examples=300, deadline=None)
@given(spans, spans, st.randoms())
def test_agreement_spans_properties(a, b, rnd):
    s, p = match_strict(a, b), match_partial(a, b)
    assert s.tp <= p.tp
    assert s.tp + s.fn == len(a) and s.tp + s.fp == len(b)
    assert match_strict(b, a).f1 == s.f1 and match_partial(b, a).tp == p.tp
    sa, sb = list(a), list(b)
    rnd.shuffle(sa)
    rnd.shuffle(sb)
    assert match_strict(sa, sb) == s and match_partial(sa, sb).tp == p.tp
    # brute force strict: exact multiset intersection
    rest = list(b)
    tp = 0
    for x in a:
        if x in rest:
            rest.remove(x)
            tp += 1
    assert tp == s.tp


def test_agreement_spans_counts_add_and_undefined_is_none():
    assert PRF(1, 2, 3) + PRF(1, 0, 0) == PRF(2, 2, 3)
    assert PRF().f1 is None and PRF().precision is None
    assert match_partial([(0, 5, "A")], [(3, 9, "A"), (4, 5, "A")]).tp == 1
    assert match_partial([(0, 5, "A")], [(3, 9, "B")]).tp == 0
    random.seed(0)
