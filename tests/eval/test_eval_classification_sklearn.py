"""Classification metrics computed from per-document counts equal scikit-learn's on the item lists."""
from __future__ import annotations

import math
import random

import pytest
from sklearn.metrics import accuracy_score, f1_score, recall_score
from sklearn.preprocessing import MultiLabelBinarizer

from samestory import schema
from samestory.eval import synthetic
from tests.helpers.eval_helpers import score

MISSING = "(no prediction)"


def corpora(n=60):
    for seed in range(n):
        rng = random.Random(seed)
        docs, gold, pred = synthetic.corpus(rng.randint(1, 4), seed=seed, noise=rng.choice([0.1, 0.5, 0.9]),
                                            n_par=2, sent_per_par=2)
        yield ({c: {r["doc_id"]: r for r in recs} for c, recs in gold.items()},
               {c: {r["doc_id"]: r for r in recs} for c, recs in pred.items()})


def pairs(gold, pred, field, key, label, conv=lambda v: v):
    yt, yp = [], []
    for d in sorted(gold):
        p = {it[key]: it for it in (pred.get(d) or {}).get(field, [])}
        for it in gold[d][field]:
            yt.append(conv(it[label]))
            yp.append(conv(p[it[key]][label]) if it[key] in p else MISSING)
    return yt, yp


def macro(yt, yp, labels):
    labs = [lab for lab in labels if lab in set(yt) | set(yp)]
    return f1_score(yt, yp, labels=labs, average="macro", zero_division=0) if labs else math.nan


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-12)


def test_eval_single_label_tasks_equal_sklearn():
    for gold, pred in corpora():
        v, _, _ = score("entity_portrayal", gold["entity_frames"], pred["entity_frames"])
        yt, yp = pairs(gold["entity_frames"], pred["entity_frames"], "entities", "entity_id", "portrayal")
        if yt:
            assert same(v["macro_f1"], macro(yt, yp, schema.PORTRAYALS))
            assert same(v["accuracy"], accuracy_score(yt, yp))
        v, _, _ = score("stance", gold["stance"], pred["stance"])
        yt, yp = pairs(gold["stance"], pred["stance"], "stances", "target", "label")
        assert same(v["f_avg"], macro(yt, yp, ["favor", "against"]))
        assert same(v["macro_f1"], macro(yt, yp, schema.STANCE_LABELS))
        assert same(v["accuracy"], accuracy_score(yt, yp))
        v, _, _ = score("bias_sentences", gold["bias_sentences"], pred["bias_sentences"])
        yt, yp = pairs(gold["bias_sentences"], pred["bias_sentences"], "sentences", "sentence_id", "label")
        assert same(v["macro_f1"], macro(yt, yp, schema.BIAS_LABELS))
        assert same(v["biased_f1"], macro(yt, yp, ["biased"]))
        v, _, _ = score("facts", gold["facts"], pred["facts"])
        yt, yp = pairs(gold["facts"], pred["facts"], "facts", "fact_id", "reported", conv=str)
        assert same(v["reported_f1"], macro(yt, yp, ["True"]))
        assert same(v["accuracy"], accuracy_score(yt, yp))
        om = recall_score(yt, yp, labels=["False"], average="macro", zero_division=0) if "False" in yt else math.nan
        assert same(v["omission_recall"], om)


def test_eval_entity_roles_equal_sklearn():
    mlb = MultiLabelBinarizer(classes=list(schema.ALL_FINE_ROLES))
    for gold, pred in corpora():
        g, p = gold["entity_frames"], pred["entity_frames"]
        v, _, _ = score("entity_roles", g, p)
        ft, fp, mt, mp = [], [], [], []
        for d in sorted(g):
            pi = {it["entity_id"]: it for it in p.get(d, {}).get("entities", [])}
            for it in g[d]["entities"]:
                q = pi.get(it["entity_id"])
                ft.append(it["fine_roles"])
                fp.append(q["fine_roles"] if q else [])
                mt.append(it["main_role"])
                mp.append(q["main_role"] if q else MISSING)
        if not ft:
            continue
        Yt, Yp = mlb.fit_transform(ft), mlb.transform(fp)
        cast = [i for i, m in enumerate(mt) if m != "none"]  # EMR is over entities cast in a role
        assert same(v["fine_emr"], accuracy_score(Yt[cast], Yp[cast]) if cast else math.nan)
        assert same(v["main_accuracy"], accuracy_score(mt, mp))
        if (Yt | Yp).any():
            assert same(v["fine_micro_f1"], f1_score(Yt, Yp, average="micro", zero_division=0))


def test_eval_frames_equal_sklearn():
    mlb = MultiLabelBinarizer(classes=list(schema.FRAMES))
    for gold, pred in corpora():
        g, p = gold["frames"], pred["frames"]
        v, _, _ = score("frames", g, p)
        docs = sorted(g)
        Yt = mlb.fit_transform([g[d]["frames"] for d in docs])
        Yp = mlb.transform([p[d]["frames"] if d in p else [] for d in docs])
        present = [i for i in range(len(schema.FRAMES)) if (Yt[:, i] | Yp[:, i]).any()]
        assert same(v["doc_micro_f1"], f1_score(Yt, Yp, average="micro", zero_division=0))
        assert same(v["doc_macro_f1"], f1_score(Yt, Yp, labels=present, average="macro", zero_division=0))
        assert same(v["primary_accuracy"], accuracy_score([g[d]["primary_frame"] for d in docs],
                                                          [p[d]["primary_frame"] if d in p else MISSING for d in docs]))
        yt, yp = pairs(g, p, "paragraphs", "paragraph_id", "frame", conv=lambda x: "(null)" if x is None else x)
        assert same(v["paragraph_macro_f1"], macro(yt, yp, schema.FRAMES))
