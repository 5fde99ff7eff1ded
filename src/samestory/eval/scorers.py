"""The ten SameStory tasks: metadata, count events and metric formulas, each declared once.

Classification point values are computed with scikit-learn on the item lists; the same values are
recomputed from the per-document counts (which the bootstrap resamples) and must agree.
"""
from __future__ import annotations

from operator import itemgetter

import numpy as np

from samestory import schema
from samestory.annotate import actors
from samestory.schema.spans import match_one_to_one
from samestory.eval import ner as nerlib
from samestory.eval import spans as spanlib
from samestory.eval.counts import Columns, Counts, div, f1
from samestory.eval.tasks import (
    Context, Scoring, Task, TaskMetadata, accuracy, add_label_events, add_multilabel_events, label_f1,
    label_keys, macro_f1, metric, micro_f1, multilabel_keys, sk_accuracy, sk_macro_f1,
)

TYPES = schema.ENTITY_TYPES


def _doc_index(ctx: Context) -> dict[str, int]:
    return {d: i for i, d in enumerate(ctx.doc_ids)}


# --- ner ------------------------------------------------------------------------------------------

NER_KEYS = tuple(f"{s}.{o}" for s in nerlib.SCHEMAS for o in nerlib.OUTCOMES) + tuple(
    f"strict.{o}.{t}" for t in TYPES for o in nerlib.OUTCOMES)
"""All four schemas overall; per type only strict (the per-type metric), as nervaluate scores each type alone."""


def span_arrays(ctx: Context, side: str, field: str, label: str | None, labels=None, keep=None):
    """(doc, start, end, label index) arrays of the spans of one side; keep = (field, value, wanted):
    only items whose `field` equals (wanted=True) or differs from (False) `value`."""
    per_doc = [ctx.items(d, side, field) for d in ctx.doc_ids]
    if keep is not None:
        k, v, wanted = keep
        if wanted:
            per_doc = [[m for m in its if m[k] == v] for its in per_doc]
        else:
            per_doc = [[m for m in its if m.get(k) != v] for its in per_doc]
    flat = [m for its in per_doc for m in its]
    n = len(flat)
    doc = np.repeat(np.arange(len(per_doc), dtype=np.int64), [len(its) for its in per_doc])
    start = np.fromiter(map(itemgetter("start"), flat), np.int64, n)
    end = np.fromiter(map(itemgetter("end"), flat), np.int64, n)
    if label:
        index = {x: i for i, x in enumerate(labels)}
        lab = np.fromiter(map(index.__getitem__, map(itemgetter(label), flat)), np.int64, n)
    else:
        lab = np.zeros(n, dtype=np.int64)
    return doc, start, end, lab


def score_ner(ctx: Context) -> Scoring:
    C = Counts(list(NER_KEYS), len(ctx.doc_ids))
    g = span_arrays(ctx, "gold", "mentions", "type", TYPES, keep=("kind", "NAM", True))
    p = span_arrays(ctx, "pred", "mentions", "type", TYPES, keep=("kind", "NOM", False))
    for s, outs in nerlib.match(g, p).items():
        for o, docs in outs.items():
            C.add(f"{s}.{o}", docs)
    # per type: nervaluate scores each type on its own; one run with (document, type) as the group
    nt = len(TYPES)
    per_type = nerlib.match((g[0] * nt + g[3], *g[1:]), (p[0] * nt + p[3], *p[1:]))
    for o, groups in per_type["strict"].items():
        docs, typ = groups // nt, groups % nt
        for ti, t in enumerate(TYPES):
            C.add(f"strict.{o}.{t}", docs[typ == ti])
    return Scoring(C, {}, int(g[0].size), int(p[0].size))


def ner_formulas(c: Columns) -> dict:
    out = {}

    def prf(schema_name, suffix=""):
        get = {o: c(f"{schema_name}.{o}{suffix}") for o in nerlib.OUTCOMES}
        num, actual, possible = nerlib.prf(get, schema_name)
        return div(num, actual), div(num, possible), div(2 * num, actual + possible)

    p, r, f = prf("strict")
    out.update(strict_f1=f, strict_precision=p, strict_recall=r)
    for s in ("exact", "partial", "ent_type"):
        out[f"{s}_f1"] = prf(s)[2]
    for t in TYPES:
        out[f"strict_f1.{t}"] = prf("strict", f".{t}")[2]
    return out


NER = (Task(TaskMetadata(
    name="ner", version="1.0.0", config="mentions", unit="mention span + type",
    description="Find every named entity mention (kind NAM) and its type; predicted mentions marked NOM "
                "are left to linking, unmarked ones count as NAM.",
    required=("mentions[].start", "mentions[].end", "mentions[].type"),
    metrics=(
        metric("strict_f1", "Micro-F1 of mentions with exact span and type (nervaluate strict = seqeval strict)."),
        metric("strict_precision", "Precision under the strict schema."),
        metric("strict_recall", "Recall under the strict schema."),
        metric("exact_f1", "Micro-F1 with exact span, type ignored (nervaluate exact)."),
        metric("partial_f1", "Micro-F1 with half credit for overlapping spans, type ignored (nervaluate partial)."),
        metric("ent_type_f1", "Micro-F1 with overlapping span and correct type (nervaluate ent_type)."),
        *(metric(f"strict_f1.{t}", f"Strict F1 of {t} mentions alone.") for t in TYPES),
    ),
    main_score="strict_f1", reference="SemEval-2013 Task 9.1 schemas as in nervaluate 1.2; seqeval strict IOB2",
), NER_KEYS, score_ner, ner_formulas))


# --- linking --------------------------------------------------------------------------------------

LINK_KEYS = ("tp", "n_pred", "n_gold", "acc_correct")


def score_linking(ctx: Context) -> Scoring:
    C = Counts(list(LINK_KEYS), len(ctx.doc_ids))
    rows = {k: ([], []) for k in LINK_KEYS}

    def put(k, d, item):
        rows[k][0].append(d)
        rows[k][1].append(item)

    n_items = 0
    ng = npred = 0
    for i, doc_id in enumerate(ctx.doc_ids):
        gold: dict[tuple, list] = {}
        for m in ctx.items(doc_id, "gold", "mentions"):  # a span may carry a NAM and a NOM mention
            gold.setdefault((m["start"], m["end"]), []).append(m.get("entity_id"))
        pred = {(m["start"], m["end"]): m.get("entity_id") for m in ctx.items(doc_id, "pred", "mentions")}
        npred += len(pred)
        for span, eids in gold.items():
            ng += len(eids)
            first = n_items
            for _ in eids:
                put("n_gold", i, n_items)
                n_items += 1
            if span in pred:
                put("n_pred", i, first)
                if pred[span] in eids:
                    put("tp", i, first)
                    put("acc_correct", i, first)
        for span in pred.keys() - gold.keys():
            put("n_pred", i, n_items)
            n_items += 1
    C.n_items = n_items
    for k, (d, it) in rows.items():
        C.add(k, d, items=it)
    return Scoring(C, {}, ng, npred)


def linking_formulas(c: Columns) -> dict:
    p, r = div(c("tp"), c("n_pred")), div(c("tp"), c("n_gold"))
    return {"e2e_f1": f1(c("tp"), c("n_pred") - c("tp"), c("n_gold") - c("tp")),
            "e2e_precision": p, "e2e_recall": r,
            "accuracy_given_spans": div(c("acc_correct"), c("n_gold"))}


LINKING = (Task(TaskMetadata(
    name="linking", version="1.0.0", config="mentions", unit="mention span + entity id",
    description="Link each mention to the entity table; null is NIL and counts as an answer.",
    required=("mentions[].start", "mentions[].end", "mentions[].entity_id"),
    metrics=(
        metric("e2e_f1", "End-to-end micro-F1: a mention counts when span and entity id (or NIL) both match."),
        metric("e2e_precision", "End-to-end precision."),
        metric("e2e_recall", "End-to-end recall."),
        metric("accuracy_given_spans", "Share of gold mentions whose exact span is predicted with the right id (NIL counts)."),
    ),
    main_score="e2e_f1", reference="entity-linking convention (end-to-end F1; accuracy on gold spans, NIL included)",
), LINK_KEYS, score_linking, linking_formulas))


# --- helpers for item-keyed classification layers -------------------------------------------------------

def keyed_pairs(ctx: Context, field: str, key: str):
    """(doc index, gold item, predicted item or None) for every gold item, matched by `key`."""
    for i, doc_id in enumerate(ctx.doc_ids):
        pred = {it[key]: it for it in ctx.items(doc_id, "pred", field)}
        for it in ctx.items(doc_id, "gold", field):
            yield i, it, pred.get(it[key])


def n_items(ctx: Context, side: str, field: str) -> int:
    return sum(len(ctx.items(d, side, field)) for d in ctx.doc_ids)


_INDEX: dict[tuple, dict] = {}


def encode(value, labels) -> int:
    """Label index; -1 for null or no prediction."""
    if value is None:
        return -1
    index = _INDEX.get(labels)
    if index is None:
        index = _INDEX[labels] = {lab: i for i, lab in enumerate(labels)}
    return index[value]


def indicator(rows: list[list[str]], labels) -> np.ndarray:
    """Boolean (items, labels) matrix of multi-label rows."""
    Y = np.zeros((len(rows), len(labels)), dtype=bool)
    if rows:
        index = {lab: i for i, lab in enumerate(labels)}
        r = [i for i, row in enumerate(rows) for _ in row]
        c = [index[x] for row in rows for x in row]
        Y[r, c] = True
    return Y


# --- entity_roles ----------------------------------------------------------------------------------

ROLE_KEYS = tuple(label_keys("main.", schema.MAIN_ROLES, per_label=False)
                  + multilabel_keys("fine.", schema.ALL_FINE_ROLES, per_label=False))


def score_entity_roles(ctx: Context) -> Scoring:
    from sklearn.metrics import accuracy_score, f1_score

    C = Counts(list(ROLE_KEYS), len(ctx.doc_ids))
    docs, mt, mp, ft, fp = [], [], [], [], []
    for i, g, p in keyed_pairs(ctx, "entities", "entity_id"):
        docs.append(i)
        mt.append(encode(g["main_role"], schema.MAIN_ROLES))
        mp.append(encode(p["main_role"] if p else None, schema.MAIN_ROLES))
        ft.append(g["fine_roles"] or ())
        fp.append((p["fine_roles"] or ()) if p else ())
    Ft = indicator(ft, schema.ALL_FINE_ROLES)
    Fp = indicator(fp, schema.ALL_FINE_ROLES)
    items = C.new_items(len(docs))
    add_label_events(C, "main.", docs, mt, mp, schema.MAIN_ROLES, items, per_label=False)
    cast = np.asarray(mt, dtype=np.int64) != schema.MAIN_ROLES.index("none")
    add_multilabel_events(C, "fine.", docs, Ft, Fp, schema.ALL_FINE_ROLES, items, per_label=False,
                          exact_among=cast)
    ref = {}
    if cast.any():
        ref["fine_emr"] = float(accuracy_score(Ft[cast], Fp[cast]))
    if docs:
        ref["main_accuracy"] = sk_accuracy(mt, mp)
        if (Ft | Fp).any():
            ref["fine_micro_f1"] = float(f1_score(Ft, Fp, average="micro", zero_division=0))
    return Scoring(C, ref, len(docs), n_items(ctx, "pred", "entities"))


ENTITY_ROLES = (Task(TaskMetadata(
    name="entity_roles", version="1.0.0", config="entity_frames", unit="document × entity",
    description="Main role and fine-grained roles the article casts each entity in (entities given by gold).",
    required=("entities[].entity_id", "entities[].main_role", "entities[].fine_roles"),
    metrics=(
        metric("fine_emr", "Exact match ratio: share of gold entities cast in a role (main role not 'none') whose "
                           "set of fine roles is predicted exactly."),
        metric("main_accuracy", "Accuracy of the main role."),
        metric("fine_micro_f1", "Micro-F1 over fine roles."),
    ),
    main_score="fine_emr", reference="SemEval-2025 Task 10 subtask 1",
), ROLE_KEYS, score_entity_roles, lambda c: {
    "fine_emr": div(c("fine.exact"), c("fine.total")),
    "main_accuracy": accuracy(c, "main."),
    "fine_micro_f1": micro_f1(c, "fine."),
}))


# --- single-label layers ---------------------------------------------------------------------------

def single_label_scorer(field: str, key: str, label: str, labels, prefix: str, refs: dict, to_label=None,
                        extra=None):
    """A scorer for items keyed by `key` with one label in `label` (to_label maps raw values to names);
    `extra` = (count keys, fn(ctx, Counts) → reference values) adds a further view of the same items."""
    conv = to_label or (lambda v: v)

    def score(ctx: Context) -> Scoring:
        C = Counts(list(label_keys(prefix, labels)) + list(extra[0] if extra else ()), len(ctx.doc_ids))
        index = {lab: i for i, lab in enumerate(labels)}
        index[None] = -1
        docs, yt, yp = [], [], []
        for i, doc_id in enumerate(ctx.doc_ids):
            gold = ctx.items(doc_id, "gold", field)
            if not gold:
                continue
            pred = {it[key]: index[conv(it[label])] for it in ctx.items(doc_id, "pred", field)}
            docs.extend([i] * len(gold))
            yt.extend([index[conv(it[label])] for it in gold])
            yp.extend([pred.get(it[key], -1) for it in gold])
        add_label_events(C, prefix, docs, yt, yp, labels)
        ref = {name: fn(np.asarray(yt, dtype=np.int64), np.asarray(yp, dtype=np.int64))
               for name, fn in refs.items()} if docs else {}
        if extra:
            ref.update(extra[1](ctx, C))
        return Scoring(C, ref, len(docs), n_items(ctx, "pred", field))

    return score


P = schema.PORTRAYALS
SIDE_P = actors.side_labels()
SIDE_KEYS = tuple(label_keys("side.", SIDE_P))


def side_portrayal_events(ctx: Context, C: Counts) -> dict:
    """One item per (document, actor group with a gold item there): the side's portrayal by the one side rule
    (`actors.side_castings` over the gold entity table) of the gold items and of the predictions for the
    same gold entities; a side with no predicted item counts as unanswered. Each side's events ride on the
    resampling item of its first gold entity (the entity items come first, in this order), so resampling
    items draws the same items as without the side view. Returns scikit-learn's value."""
    heads = actors.groups(ctx.entities)
    docs, items, yt, yp = [], [], [], []
    offset = 0
    if heads:
        for i, doc_id in enumerate(ctx.doc_ids):
            gold = ctx.items(doc_id, "gold", "entities")
            pos = {it["entity_id"]: offset + j for j, it in enumerate(gold)}
            offset += len(gold)
            pred = [it for it in ctx.items(doc_id, "pred", "entities") if it["entity_id"] in pos]
            ps = actors.side_castings(pred, ctx.entities, heads)
            for head, g in actors.side_castings(gold, ctx.entities, heads).items():
                docs.append(i)
                items.append(min(pos[e] for e in g["entities"]))
                yt.append(encode(g["portrayal"], SIDE_P))
                yp.append(encode(ps[head]["portrayal"] if head in ps else None, SIDE_P))
    add_label_events(C, "side.", docs, yt, yp, SIDE_P, items=items)
    return {"side_macro_f1": sk_macro_f1(yt, yp, len(SIDE_P))} if docs else {}


ENTITY_PORTRAYAL = (Task(TaskMetadata(
    name="entity_portrayal", version="1.0.0", config="entity_frames", unit="document × entity",
    description="How the article portrays each entity: positive, neutral or negative.",
    required=("entities[].entity_id", "entities[].portrayal"),
    metrics=(metric("macro_f1", "Macro-F1 over positive, neutral and negative (NewsMTSC F1m)."),
             metric("accuracy", "Accuracy."),
             metric("side_macro_f1", "Macro-F1 of the portrayal of each (document, actor group) pair: the side rule "
                                     "(samestory.annotate.actors.side_casting: a marked portrayal outranks neutral, different "
                                     "marked ones give 'mixed') applied to gold and to predictions of the gold "
                                     "entities, groups from the gold entity table's speaks_for; null without groups.")),
    main_score="macro_f1", reference="NewsMTSC (F1m)",
), tuple(label_keys("", P)) + SIDE_KEYS, single_label_scorer("entities", "entity_id", "portrayal", P, "", {
    "macro_f1": lambda t, p: sk_macro_f1(t, p, len(P)), "accuracy": sk_accuracy,
}, extra=(SIDE_KEYS, side_portrayal_events)), lambda c: {"macro_f1": macro_f1(c, "", P), "accuracy": accuracy(c, ""),
                                                         "side_macro_f1": macro_f1(c, "side.", SIDE_P)}))

SL = schema.STANCE_LABELS
FAVOR_AGAINST = [SL.index("favor"), SL.index("against")]
STANCE = (Task(TaskMetadata(
    name="stance", version="1.0.0", config="stance", unit="document × target",
    description="The article's own stance toward each stance target.",
    required=("stances[].target", "stances[].label"),
    metrics=(metric("f_avg", "Mean of the F1 of favor and of against (SemEval-2016 Task 6 F_avg)."),
             metric("macro_f1", "Macro-F1 over favor, against and neutral."),
             metric("accuracy", "Accuracy.")),
    main_score="f_avg", reference="SemEval-2016 Task 6",
), tuple(label_keys("", SL)), single_label_scorer("stances", "target", "label", SL, "", {
    "f_avg": lambda t, p: sk_macro_f1(t, p, len(SL), restrict=FAVOR_AGAINST),
    "macro_f1": lambda t, p: sk_macro_f1(t, p, len(SL)), "accuracy": sk_accuracy,
}), lambda c: {"f_avg": macro_f1(c, "", ["favor", "against"]), "macro_f1": macro_f1(c, "", SL),
               "accuracy": accuracy(c, "")}))

# --- frames ---------------------------------------------------------------------------------------

FR = schema.FRAMES
FRAME_KEYS = tuple(multilabel_keys("doc.", FR) + label_keys("primary.", FR, per_label=False) + label_keys("para.", FR))


def score_frames(ctx: Context) -> Scoring:
    from sklearn.metrics import f1_score

    C = Counts(list(FRAME_KEYS), len(ctx.doc_ids))
    Yt, Yp, pt, pp = [], [], [], []
    for doc_id in ctx.doc_ids:
        g, p = ctx.gold.get(doc_id) or {}, ctx.pred.get(doc_id) or {}
        Yt.append(g.get("frames") or ())
        Yp.append(p.get("frames") or ())
        pt.append(encode(g.get("primary_frame"), FR))
        pp.append(encode(p.get("primary_frame"), FR))
    Yt = indicator(Yt, FR)
    Yp = indicator(Yp, FR)
    docs = np.arange(len(ctx.doc_ids))
    add_multilabel_events(C, "doc.", docs, Yt, Yp, FR)
    add_label_events(C, "primary.", docs, pt, pp, FR, per_label=False)
    pd_, qt, qp = [], [], []
    for i, g, p in keyed_pairs(ctx, "paragraphs", "paragraph_id"):
        pd_.append(i)
        qt.append(encode(g["frame"], FR))
        qp.append(encode(p["frame"] if p else None, FR))
    add_label_events(C, "para.", pd_, qt, qp, FR)
    ref = {}
    if len(docs):
        labs = [i for i in range(len(FR)) if (Yt[:, i] | Yp[:, i]).any()]
        if labs:
            ref["doc_micro_f1"] = float(f1_score(Yt, Yp, average="micro", zero_division=0))
            ref["doc_macro_f1"] = float(f1_score(Yt, Yp, labels=labs, average="macro", zero_division=0))
        ref["primary_accuracy"] = sk_accuracy(pt, pp)
    if pd_:
        ref["paragraph_macro_f1"] = sk_macro_f1(np.asarray(qt), np.asarray(qp), len(FR))
    return Scoring(C, ref, len(ctx.doc_ids), sum(1 for d in ctx.doc_ids if d in ctx.pred))


FRAMES = (Task(TaskMetadata(
    name="frames", version="1.0.0", config="frames", unit="document, paragraph",
    description="The policy frames a document uses, its primary frame, and each paragraph's primary frame.",
    required=("frames", "primary_frame", "paragraphs[].paragraph_id", "paragraphs[].frame"),
    metrics=(metric("doc_micro_f1", "Micro-F1 of the document's set of frames (multi-label)."),
             metric("doc_macro_f1", "Macro-F1 over frames, document level (frames present in gold or predictions)."),
             metric("primary_accuracy", "Accuracy of the primary frame."),
             metric("paragraph_macro_f1", "Macro-F1 of paragraph primary frames (null gold paragraphs only count against predictions)."),
             ),
    main_score="doc_micro_f1", reference="SemEval-2023 Task 3 subtask 2; Media Frames Corpus",
), FRAME_KEYS, score_frames, lambda c: {
    "doc_micro_f1": micro_f1(c, "doc.", FR), "doc_macro_f1": macro_f1(c, "doc.", FR),
    "primary_accuracy": accuracy(c, "primary."), "paragraph_macro_f1": macro_f1(c, "para.", FR)}))


BL = schema.BIAS_LABELS
BIAS_SENTENCES = (Task(TaskMetadata(
    name="bias_sentences", version="1.0.0", config="bias_sentences", unit="sentence",
    description="Whether each sentence is biased (BABE).",
    required=("sentences[].sentence_id", "sentences[].label"),
    metrics=(metric("macro_f1", "Macro-F1 over biased and non-biased."),
             metric("biased_f1", "F1 of the biased class."),
             metric("accuracy", "Accuracy.")),
    main_score="macro_f1", reference="BABE (Spinde et al. 2021)",
), tuple(label_keys("", BL)), single_label_scorer("sentences", "sentence_id", "label", BL, "", {
    "macro_f1": lambda t, p: sk_macro_f1(t, p, len(BL)),
    "biased_f1": lambda t, p: sk_macro_f1(t, p, len(BL), restrict=[BL.index("biased")]),
    "accuracy": sk_accuracy,
}), lambda c: {"macro_f1": macro_f1(c, "", BL), "biased_f1": label_f1(c, "", "biased"),
               "accuracy": accuracy(c, "")}))

# --- span layers with partial-overlap credit ----------------------------------------------------------

def si_keys(prefix: str) -> list[str]:
    return [f"{prefix}p_credit", f"{prefix}n_pred", f"{prefix}r_credit", f"{prefix}n_gold"]


def add_si_events(C: Counts, prefix: str, pred: tuple, gold: tuple, n_groups_per_doc: int) -> None:
    """Partial-overlap credits of merged spans; groups are doc * n_groups_per_doc + label."""
    pg, pc, gg, gc = spanlib.si_credits(pred, gold)
    pdocs, gdocs = pg // n_groups_per_doc, gg // n_groups_per_doc
    pit, git = C.new_items(pdocs.size), C.new_items(gdocs.size)
    C.add(f"{prefix}p_credit", pdocs, pc, items=pit)
    C.add(f"{prefix}n_pred", pdocs, 1.0, items=pit)
    C.add(f"{prefix}r_credit", gdocs, gc, items=git)
    C.add(f"{prefix}n_gold", gdocs, 1.0, items=git)


def si_prf(c: Columns, prefix: str):
    """SemEval-2020 Task 11 P, R, F1 over merged spans, with the harness's one convention for 0/0: precision
    without predicted spans (recall without gold spans) is undefined, null, as in `ner`; F1 is 0 when only
    one side has spans and null when neither has (docs/evaluation.md)."""
    npred, ngold = c(f"{prefix}n_pred"), c(f"{prefix}n_gold")
    anything = (npred + ngold) > 0
    p = div(c(f"{prefix}p_credit"), npred)
    r = div(c(f"{prefix}r_credit"), ngold)
    f = np.where(anything, np.nan_to_num(div(2 * np.nan_to_num(p) * np.nan_to_num(r),
                                             np.nan_to_num(p) + np.nan_to_num(r))), np.nan)
    return p, r, f


TQ = schema.TECHNIQUES
SPAN_KEYS = tuple(si_keys("blind.") + si_keys("aware."))


def score_bias_spans(ctx: Context) -> Scoring:
    C = Counts(list(SPAN_KEYS), len(ctx.doc_ids))
    g = span_arrays(ctx, "gold", "spans", "technique", TQ)
    p = span_arrays(ctx, "pred", "spans", "technique", TQ)
    add_si_events(C, "blind.", p[:3], g[:3], 1)
    nt = len(TQ)
    add_si_events(C, "aware.", (p[0] * nt + p[3], p[1], p[2]), (g[0] * nt + g[3], g[1], g[2]), nt)
    return Scoring(C, {}, int(g[0].size), int(p[0].size))


def bias_span_formulas(c: Columns) -> dict:
    p, r, f = si_prf(c, "blind.")
    tp, tr, tf = si_prf(c, "aware.")
    return {"span_f1": f, "span_precision": p, "span_recall": r,
            "technique_f1": tf, "technique_precision": tp, "technique_recall": tr}


BIAS_SPANS = (Task(TaskMetadata(
    name="bias_spans", version="1.0.0", config="bias_spans", unit="span (+ technique)",
    description="Find the text spans that use a persuasion technique, and name the technique.",
    required=("spans[].start", "spans[].end", "spans[].technique"),
    metrics=(metric("span_f1", "Technique-blind span F1 with partial-overlap credit (SemEval-2020 Task 11 SI)."),
             metric("span_precision", "Technique-blind precision."),
             metric("span_recall", "Technique-blind recall."),
             metric("technique_f1", "Technique-aware span F1: overlap only counts between spans of the same technique."),
             metric("technique_precision", "Technique-aware precision."),
             metric("technique_recall", "Technique-aware recall.")),
    main_score="span_f1", reference="SemEval-2020 Task 11 (SI formula)",
), SPAN_KEYS, score_bias_spans, bias_span_formulas))


FACT_OUTCOMES = ("reported", "omitted")
"""The two values of the facts layer's boolean `reported`, named for the count columns."""


def _sk_omission_recall(t, p):
    from sklearn.metrics import recall_score

    om = FACT_OUTCOMES.index("omitted")
    if not (t == om).any():
        return float("nan")
    return float(recall_score(t, p, labels=[om], average="macro", zero_division=0))


FACTS = (Task(TaskMetadata(
    name="facts", version="1.0.0", config="facts", unit="document × fact",
    description="Which facts of the story's inventory each document reports (informational bias by omission).",
    required=("facts[].fact_id", "facts[].reported"),
    metrics=(metric("reported_f1", "F1 of 'reported'."),
             metric("accuracy", "Accuracy over document × fact pairs."),
             metric("omission_recall", "Recall of omitted facts: share of gold omissions the system finds.")),
    main_score="reported_f1", reference="BASIL informational bias (Fan et al. 2019)",
), tuple(label_keys("", FACT_OUTCOMES)), single_label_scorer(
    "facts", "fact_id", "reported", FACT_OUTCOMES, "", {
        "reported_f1": lambda t, p: sk_macro_f1(t, p, 2, restrict=[0]), "accuracy": sk_accuracy,
        "omission_recall": _sk_omission_recall},
    to_label=lambda v: None if v is None else ("reported" if v else "omitted")),
    lambda c: {"reported_f1": label_f1(c, "", "reported"), "accuracy": accuracy(c, ""),
               "omission_recall": div(c("tp:omitted"), c("tp:omitted") + c("fn:omitted"))}))


QUOTE_KEYS = tuple(si_keys("") + ["matched", "speaker_correct"])


def _match_quotes(gold: list[dict], pred: list[dict]):
    """One-to-one: as many overlapping gold/predicted quote pairs as possible, then the largest overlap
    (`samestory.schema.spans.match_one_to_one`, the matcher agreement uses too; input order does not matter)."""
    return [(gold[i], pred[j]) for i, j in match_one_to_one(gold, pred, bounds=_bounds)]


def _bounds(item: dict) -> tuple[int, int]:
    return item["start"], item["end"]


def score_quotes(ctx: Context) -> Scoring:
    C = Counts(list(QUOTE_KEYS), len(ctx.doc_ids))
    g = span_arrays(ctx, "gold", "quotes", None)
    p = span_arrays(ctx, "pred", "quotes", None)
    add_si_events(C, "", p[:3], g[:3], 1)
    md, sd = [], []
    for i, doc_id in enumerate(ctx.doc_ids):
        for gq, pq in _match_quotes(ctx.items(doc_id, "gold", "quotes"), ctx.items(doc_id, "pred", "quotes")):
            md.append(i)
            if gq.get("speaker_entity_id") == pq.get("speaker_entity_id"):
                sd.append(i)
    C.add("matched", md)
    C.add("speaker_correct", sd)
    return Scoring(C, {}, int(g[0].size), int(p[0].size))


def quote_formulas(c: Columns) -> dict:
    p, r, f = si_prf(c, "")
    return {"span_f1": f, "span_precision": p, "span_recall": r,
            "speaker_accuracy": div(c("speaker_correct"), c("matched"))}


QUOTES = (Task(TaskMetadata(
    name="quotes", version="1.0.0", config="quotes", unit="quote span + speaker",
    description="Find direct quotations and attribute each to its speaker (null = unattributed).",
    required=("quotes[].start", "quotes[].end", "quotes[].speaker_entity_id"),
    metrics=(metric("span_f1", "Quote span F1 with partial-overlap credit (SemEval-2020 Task 11 formula)."),
             metric("span_precision", "Span precision."),
             metric("span_recall", "Span recall."),
             metric("speaker_accuracy", "Share of matched quotes (one-to-one by largest overlap) with the right speaker.")),
    main_score="span_f1", reference="span formula of SemEval-2020 Task 11; speaker attribution accuracy",
), QUOTE_KEYS, score_quotes, quote_formulas))
