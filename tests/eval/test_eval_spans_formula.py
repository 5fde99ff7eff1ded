"""Partial-overlap span scores equal a direct implementation of the SemEval-2020 Task 11 formula
(P = Σ_s Σ_t |s∩t|/|s| · δ / |S|, R likewise with |t|; overlapping spans of one side merged first)."""
from __future__ import annotations

import math
import random

import pytest

from samestory import schema
from tests.helpers.eval_helpers import score

TECH = list(schema.TECHNIQUES[:3])


def merged(spans):
    out = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def direct(pred, gold, aware):
    """The formula summed over every (s, t) pair of the corpus; groups = document (and technique)."""
    def groups(spans):
        out = {}
        for d, s, e, t in spans:
            out.setdefault((d, t) if aware else d, []).append((s, e))
        return {k: merged(v) for k, v in out.items()}
    S, T = groups(pred), groups(gold)
    n_s = sum(len(v) for v in S.values())
    n_t = sum(len(v) for v in T.values())
    p_num = r_num = 0.0
    for k in S.keys() & T.keys():
        for s, e in S[k]:
            for ts, te in T[k]:
                ov = max(0, min(e, te) - max(s, ts))
                p_num += ov / (e - s)
                r_num += ov / (te - ts)
    p = p_num / n_s if n_s else None  # 0/0 is undefined: null, the harness's one convention (issue 15)
    r = r_num / n_t if n_t else None
    f = 2 * p * r / (p + r) if p and r else 0.0
    return p, r, f


def _same(value, want) -> bool:
    """A harness value (NaN = null) equals the direct formula's (None = undefined)."""
    if want is None:
        return value is None or math.isnan(value)
    return value == pytest.approx(want, abs=1e-12)


def random_case(rng):
    pred, gold = [], []
    for d in range(rng.randint(1, 3)):
        for side in (pred, gold):
            for _ in range(rng.randint(0, 5)):
                s = rng.randrange(0, 60)
                side.append((d, s, s + rng.randint(1, 25), rng.choice(TECH)))
    return pred, gold


def records(spans, n_docs, field, extra):
    return {f"d{d}": {"doc_id": f"d{d}", field: [{"start": s, "end": e, **extra(t)} for dd, s, e, t in sorted(set(spans))
                                                 if dd == d]} for d in range(n_docs)}


def test_eval_bias_spans_equal_semeval_formula():
    rng = random.Random(3)
    for _ in range(500):
        pred, gold = random_case(rng)
        pred, gold = sorted(set(pred)), sorted(set(gold))
        if not pred and not gold:
            continue
        n = 1 + max(d for d, *_ in pred + gold)
        v, _, _ = score("bias_spans", records(gold, n, "spans", lambda t: {"technique": t}),
                        records(pred, n, "spans", lambda t: {"technique": t}))
        for prefix, aware in (("span", False), ("technique", True)):
            p, r, f = direct(pred, gold, aware)
            assert _same(v[f"{prefix}_precision"], p)
            assert _same(v[f"{prefix}_recall"], r)
            assert v[f"{prefix}_f1"] == pytest.approx(f, abs=1e-12)


def test_eval_quotes_span_f1_equal_semeval_formula():
    rng = random.Random(4)
    for _ in range(300):
        pred, gold = random_case(rng)
        pred = sorted({(d, s, e, "x") for d, s, e, _ in pred})
        gold = sorted({(d, s, e, "x") for d, s, e, _ in gold})
        if not pred and not gold:
            continue
        n = 1 + max(d for d, *_ in pred + gold)
        v, _, _ = score("quotes", records(gold, n, "quotes", lambda t: {"speaker_entity_id": None}),
                        records(pred, n, "quotes", lambda t: {"speaker_entity_id": None}))
        p, r, f = direct(pred, gold, False)
        assert v["span_f1"] == pytest.approx(f, abs=1e-12)
        assert _same(v["span_precision"], p)
        matched = v["speaker_accuracy"]
        assert math.isnan(matched) or matched == 1.0  # every matched quote has the same (null) speaker
