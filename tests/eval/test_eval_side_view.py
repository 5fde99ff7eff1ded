"""entity_portrayal's side view (`side_macro_f1`): the one side rule applied to gold and predictions through the
gold entity table; 1.0 on gold-as-predictions, lower when a member is flipped, equal to a hand computation,
and the task's existing scores do not depend on it."""
import copy
import math

from samestory.core import paths
from samestory.eval.data import load_gold_dir, normalize
from samestory.eval.evaluate import Options, add_intervals, score_task
from samestory.eval.registry import TASKS
from samestory.eval.tasks import Context

STORY = "istanbul-2025-05-16"
TABLE = {"atlantis": {"speaks_for": None}, "atlantis-palace": {"speaks_for": "atlantis"},
         "lemuria": {"speaks_for": None}, "lemurian-ministry": {"speaks_for": "lemuria"},
         "envoy": {"speaks_for": None}}


def rec(doc_id, *pairs):
    return {"doc_id": doc_id, "entities": [{"entity_id": e, "main_role": "none", "fine_roles": [], "portrayal": p,
                                            "evidence": []} for e, p in pairs]}


def run(gold, pred, table):
    norm = lambda recs: {r["doc_id"]: normalize("entity_frames", r) for r in recs}  # noqa: E731
    g = norm(gold)
    ctx = Context(sorted(g), g, norm(pred), {}, table)
    sc = TASKS["entity_portrayal"].score(ctx)
    table_ = sc.counts.per_document()
    return {k: float(v[0]) for k, v in TASKS["entity_portrayal"].metric_values(table_.sum(axis=0)).items()}, sc, table_


def test_eval_side_macro_f1_equals_hand_computation():
    gold = [rec("a", ("atlantis", "neutral"), ("atlantis-palace", "negative"), ("envoy", "positive")),
            rec("b", ("atlantis", "positive"), ("atlantis-palace", "neutral")),
            rec("c", ("lemuria", "neutral"), ("lemurian-ministry", "neutral"), ("atlantis", "neutral"))]
    pred = [rec("a", ("atlantis", "neutral"), ("atlantis-palace", "neutral"), ("envoy", "positive")),
            rec("b", ("atlantis", "positive"), ("atlantis-palace", "negative")),
            rec("c", ("lemuria", "neutral"), ("lemurian-ministry", "neutral"))]
    values, sc, per_doc = run(gold, pred, TABLE)
    # (document, side) pairs, gold → predicted side portrayal: a/atlantis negative → neutral;
    # b/atlantis positive → mixed; c/lemuria neutral → neutral; c/atlantis neutral → unanswered.
    # F1: positive 0, neutral 2·1/(2·1+1+1) = 0.5, negative 0, mixed 0 (a false positive) → macro 0.5/4.
    assert values["side_macro_f1"] == 0.125
    assert sc.reference_values["side_macro_f1"] == 0.125  # scikit-learn on the same pairs
    keys = list(TASKS["entity_portrayal"].keys)
    assert per_doc[:, keys.index("side.total")].tolist() == [1, 1, 2]
    assert per_doc[:, keys.index("side.correct")].tolist() == [0, 0, 1]
    # the entity-level scores are those of the task without any table
    plain, _, _ = run(gold, pred, {})
    assert math.isnan(plain["side_macro_f1"])
    assert {k: values[k] for k in ("macro_f1", "accuracy")} == {k: plain[k] for k in ("macro_f1", "accuracy")}


def test_eval_side_macro_f1_on_the_real_gold():
    gold = load_gold_dir(paths.ANNOTATIONS / STORY / "gold")
    assert gold.entities["kremlin"]["speaks_for"] == "russia"
    pred = gold.layers["entity_frames"]
    block, _, _ = score_task("entity_portrayal", gold, pred, Options())
    assert {k: m["value"] for k, m in block["metrics"].items()} == {"macro_f1": 1.0, "accuracy": 1.0,
                                                                     "side_macro_f1": 1.0}
    flipped = copy.deepcopy(pred)
    doc = next(d for d in flipped if d.startswith("004_"))
    kremlin = next(it for it in flipped[doc]["entities"] if it["entity_id"] == "kremlin")
    assert kremlin["portrayal"] == "negative"
    kremlin["portrayal"] = "positive"  # the member now contradicts moscow: the Russia side becomes mixed
    after, _, _ = score_task("entity_portrayal", gold, flipped, Options())
    side, ent = after["metrics"]["side_macro_f1"]["value"], after["metrics"]["macro_f1"]["value"]
    assert side < 1.0 and ent < 1.0
    no_table = copy.copy(gold)
    no_table.entities = {}
    plain, _, _ = score_task("entity_portrayal", no_table, flipped, Options())
    assert plain["metrics"]["macro_f1"] == after["metrics"]["macro_f1"]
    assert plain["metrics"]["accuracy"] == after["metrics"]["accuracy"]
    assert plain["metrics"]["side_macro_f1"]["value"] is None


def test_eval_side_view_leaves_the_entity_scores_and_their_intervals_alone():
    """Same values and bootstrap intervals of macro_f1 and accuracy with and without the side view, over
    documents and over items (side events ride on existing items, so no resample changes)."""
    gold = load_gold_dir(paths.ANNOTATIONS / STORY / "gold")
    pred = copy.deepcopy(gold.layers["entity_frames"])
    for k, (d, r) in enumerate(sorted(pred.items())):
        for j, it in enumerate(r["entities"]):
            if (j + k) % 4 == 0:
                it["portrayal"] = ["positive", "neutral", "negative"][(j + k) % 3]
    no_table = copy.copy(gold)
    no_table.entities = {}
    for unit in ("documents", "items"):
        opts = Options(unit=unit, resamples=200)
        blocks = {}
        for name, g in (("with", gold), ("without", no_table)):
            block, table, _ = score_task("entity_portrayal", g, pred, opts)
            add_intervals({"entity_portrayal": block}, {"entity_portrayal": table}, opts)
            blocks[name] = block["metrics"]
        for m in ("macro_f1", "accuracy"):
            assert blocks["with"][m] == blocks["without"][m], (unit, m)
        assert blocks["with"]["side_macro_f1"]["ci_low"] is not None
