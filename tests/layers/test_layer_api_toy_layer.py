"""A layer is added in one place: a toy layer declared here, through the public layer API only, is validated,
built into a dataset config (HF features, Arrow), scored by a task, exported to a Label Studio config and
measured by agreement and adjudicated by its merge rule, with no module of the package edited. docs/DEVELOPING.md has the real checklist."""
import dataclasses
import random
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from samestory import layers, schema
from samestory.annotate import agreement, validate
from samestory.annotate.labelstudio import config as ls_config
from samestory.core.errors import SameStoryError
from samestory.eval.counts import Counts, div
from samestory.eval.tasks import Context, Task, TaskMetadata, metric, registry
from samestory.schema import features
from samestory.schema.spans import match_one_to_one

TEXT = "Ministers said the talks failed. Critics replied that they never started."
DOC = {"doc_id": "d1", "text": TEXT}
KINDS = ("claim", "counterclaim")

CLAIMS = schema.Config("claims", "Claims and counterclaims the article reports (a toy layer).", "layer", (
    schema.DOC_ID,
    schema.ST("claims", "Claim spans.", [*schema.span_fields(with_id=True),
                                         schema.L("kind", KINDS, "Claim or counterclaim.")], many=True),
), key=("doc_id",), items="claims", id_prefix="c")


def _rules(rec, ctx):
    """Toy rule beyond the field types: claims never overlap."""
    items = [c for c in rec.get("claims") or [] if isinstance(c, dict)]
    for i, a in enumerate(items):
        for b in items[:i]:
            if a["start"] < b["end"] and b["start"] < a["end"]:
                yield f"claims[{i}]", "claim overlaps another claim", f"start >= {b['end']}", str(a["start"])


def _synthetic(rng: random.Random, doc: dict) -> dict:
    a = rng.randrange(0, 20)
    return {"doc_id": doc["doc_id"], "claims": [{"id": CLAIMS.item_id(1), "start": a, "end": a + 5,
                                                 "text": doc["text"][a:a + 5], "kind": rng.choice(KINDS)}]}


TOY = layers.Layer(
    CLAIMS, rules=_rules,
    label_units=lambda rec: (("claims.kind", (c["start"], c["end"]), c["kind"]) for c in rec["claims"]),
    label_measures={"claims.kind": "claim both marked (same offsets)"},
    span_units=lambda rec: {"claims": [(c["start"], c["end"], c["kind"]) for c in rec["claims"]]},
    span_measures={"claims": "claim spans with kind"},
    synthetic=_synthetic,
    merge=layers.Merge(key=("start", "end"), voted=("kind",), copied=("text",), ids=True))


def _claim(n, surface, kind):
    start = TEXT.index(surface)
    return {"id": CLAIMS.item_id(n), "start": start, "end": start + len(surface), "text": surface, "kind": kind}


GOLD = {"doc_id": "d1", "claims": [_claim(1, "the talks failed", "claim"),
                                   _claim(2, "they never started", "counterclaim")]}
OTHER = {"doc_id": "d1", "claims": [_claim(1, "the talks failed", "claim"),
                                    _claim(2, "never started", "claim")]}


def _score(ctx: Context):
    """Toy task: claims matched one-to-one by overlap and kind; tp/fp/fn counts per document."""
    C = Counts(["tp", "fp", "fn"], len(ctx.doc_ids))
    for d, doc_id in enumerate(ctx.doc_ids):
        g, p = ctx.items(doc_id, "gold", "claims"), ctx.items(doc_id, "pred", "claims")
        tp = len(match_one_to_one(g, p, bounds=lambda c: (c["start"], c["end"]),
                                  compatible=lambda a, b: a["kind"] == b["kind"]))
        C.add("tp", [d], tp)
        C.add("fp", [d], len(p) - tp)
        C.add("fn", [d], len(g) - tp)
    from samestory.eval.tasks import Scoring
    return Scoring(C, {}, sum(len(ctx.items(x, "gold", "claims")) for x in ctx.doc_ids),
                   sum(len(ctx.items(x, "pred", "claims")) for x in ctx.doc_ids))


def _formulas(c):
    return {"f1": div(2 * c("tp"), 2 * c("tp") + c("fp") + c("fn"))}


def test_layer_api_toy_layer_goes_through_every_stage():
    assert "claims" not in schema.CONFIGS
    with layers.added(TOY):
        assert layers.get("claims") is TOY and TOY.config.item_id(3) == "c3"

        # validated: layout by the one record checker, the layer's own rule from its declaration
        ctx = validate.Context(doc_ids={"d1"}, doc=DOC)
        assert validate.check_record("claims", GOLD, ctx) == []
        bad = {"doc_id": "d1", "claims": [_claim(1, "the talks failed", "claim"),
                                          dict(_claim(2, "talks", "claim"), kind="rumour")]}
        found = [(p.field, p.message) for p in validate.check_record("claims", bad, ctx)]
        assert ("claims[1].kind", "unknown label") in found
        assert ("claims[1]", "claim overlaps another claim") in found
        assert validate.check_record("claims", _synthetic(random.Random(3), DOC), ctx) == []

        # built into a config: Hugging Face features and an Arrow table derived from the declaration
        feats = features.features("claims")
        assert feats["claims"].feature["kind"].names == list(KINDS)
        assert features.table("claims", [GOLD]).num_rows == 1

        # scored by a task declared on the layer's config
        task = Task(TaskMetadata(name="toy_claims", version="0.1.0", config="claims", unit="claim span + kind",
                                 description="Toy: claim spans with kind.", reference="none (toy)",
                                 required=("claims[].start", "claims[].end", "claims[].kind"),
                                 metrics=(metric("f1", "Micro F1 of claims matched by overlap and kind."),),
                                 main_score="f1"), ("tp", "fp", "fn"), _score, _formulas)
        assert list(registry([task])) == ["toy_claims"]
        scoring = task.score(Context(["d1"], {"d1": GOLD}, {"d1": OTHER}, {"d1": DOC}))
        f1 = task.metric_values(scoring.counts.per_document().sum(axis=0))["f1"]
        assert np.allclose(f1, [0.5])  # one of two claims right on each side

        # exported to a Label Studio config derived from the fields
        xml = ls_config.layer_configs()["claims"]
        root = ET.fromstring(xml)
        labels = root.find("Labels[@name='claims.kind']")
        assert [e.get("value") for e in labels] == list(KINDS)
        assert root.find("Text").get("value") == "$text"
        # ... and the projects refuse to run without it rather than drop it
        with pytest.raises(SameStoryError, match="do not match the declared layers") as exc:
            ls_config.project_configs(ls_config.Inventory("toy", (), (), ()))
        assert [(p.message, "'claims'" in p.expected) for p in exc.value.problems] == [
            ("layer in no Label Studio project", True)]

        # measured by agreement: label units and span units from the declaration
        report = agreement.agreement_report({"ann_a": {"claims": {"d1": GOLD}}, "ann_b": {"claims": {"d1": OTHER}}})
        assert report["labels"]["claims.kind"]["units"] == 1  # "the talks failed" marked by both
        pair = report["spans"]["claims"]["pairs"]["ann_a|ann_b"]
        assert pair["strict"]["f1"] == 0.5 and pair["partial"]["f1"] == 0.5
        assert list(agreement.span_measures())[-1] == "claims"

        # adjudicated by its merge rule: claims matched by offsets, kind voted, ids kept when unique
        passes = {"ann_a": {"claims": {"d1": GOLD}}, "ann_b": {"claims": {"d1": OTHER}}}
        candidate, dis = agreement.adjudicate(passes)
        assert candidate == {"claims": [{"doc_id": "d1", "claims": [_claim(1, "the talks failed", "claim")]}]}
        assert [(d["where"], d["values"], d["resolved_by"]) for d in dis] == [
            ("claims[span=54,72] present", {"ann_a": True, "ann_b": False}, None),
            ("claims[span=59,72] present", {"ann_a": False, "ann_b": True}, None)]
        decided, _ = agreement.adjudicate(passes, {"claims/d1/claims[span=59,72]#present": True})
        assert decided["claims"][0]["claims"] == [_claim(1, "the talks failed", "claim"),
                                                  _claim(2, "never started", "claim")]
    assert "claims" not in schema.CONFIGS and "claims" not in ls_config.layer_configs()
    with pytest.raises(KeyError):
        layers.get("claims")


def test_layer_api_adjudication_needs_a_merge_rule_that_names_every_field():
    """Forgetting a place is an error that names the layer and what to declare, never a KeyError."""
    passes = {"ann_a": {"claims": {"d1": GOLD}}, "ann_b": {"claims": {"d1": OTHER}}}
    with layers.added(dataclasses.replace(TOY, merge=None)):
        with pytest.raises(SameStoryError, match="'claims': its Layer declares no merge rule") as exc:
            agreement.adjudicate(passes)
        assert exc.value.problems[0].field == "merge"
    forgetful = layers.Merge(key=("start", "end"), voted=("kind", "colour"), ids=True)
    with layers.added(dataclasses.replace(TOY, merge=forgetful)):
        with pytest.raises(SameStoryError, match="'claims': its merge rule does not cover every field") as exc:
            agreement.adjudicate(passes)
        assert [p.field for p in exc.value.problems] == ["claims.claims[].text", "claims.claims[].colour (not a field)"]
    with pytest.raises(SameStoryError, match="layer 'claims' is not declared"):
        agreement.adjudicate(passes)
    with pytest.raises(SameStoryError, match="layer 'claims' is not declared"):
        agreement.agreement_report(passes)


def test_layer_api_agreement_refuses_measures_the_layer_does_not_declare():
    passes = {"ann_a": {"claims": {"d1": GOLD}}, "ann_b": {"claims": {"d1": OTHER}}}
    with layers.added(dataclasses.replace(TOY, label_measures={})):
        with pytest.raises(SameStoryError, match="measure 'claims.kind' that its Layer does not declare"):
            agreement.agreement_report(passes)
    with layers.added(dataclasses.replace(TOY, span_units=lambda rec: {})):
        with pytest.raises(SameStoryError, match="span measure 'claims' that its span_units do not give"):
            agreement.agreement_report(passes)


def test_layer_api_refuses_a_second_declaration():
    with layers.added(TOY):
        with pytest.raises(ValueError, match="already declared"):
            with layers.added(TOY):
                pass
    with pytest.raises(ValueError, match="already declared"):
        with layers.added(layers.get("quotes")):
            pass


def test_layer_api_builtin_layers_are_the_schema_layers():
    assert tuple(layer.name for layer in layers.layers()) == schema.LAYERS
    assert all(agreement.merge_rule(name) for name in schema.LAYERS)  # each names every field of its layer
    assert ls_config.layer_configs() == {}  # every built-in layer belongs to a Label Studio project
