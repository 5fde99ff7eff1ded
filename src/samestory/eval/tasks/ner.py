"""The ner task: named mentions and their types under nervaluate's four schemas (counting: `samestory.eval.ner`)."""
from __future__ import annotations

from samestory import schema
from samestory.eval import ner as nerlib
from samestory.eval.counts import Columns, Counts, div
from samestory.eval.tasks import Context, Scoring, declare
from samestory.eval.tasks.span_items import span_arrays

TYPES = schema.ENTITY_TYPES


NER_KEYS = tuple(f"{s}.{o}" for s in nerlib.SCHEMAS for o in nerlib.OUTCOMES) + tuple(
    f"strict.{o}.{t}" for t in TYPES for o in nerlib.OUTCOMES)
"""All four schemas overall; per type only strict (the per-type metric), as nervaluate scores each type alone."""


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


NER = declare(
    "ner", "mentions", "mention span + type",
    "Find every named entity mention (kind NAM) and its type; predicted mentions marked NOM are left to linking, "
    "unmarked ones count as NAM.",
    ("mentions[].start", "mentions[].end", "mentions[].type"), {
        "strict_f1": "Micro-F1 of mentions with exact span and type (nervaluate strict = seqeval strict).",
        "strict_precision": "Precision under the strict schema.",
        "strict_recall": "Recall under the strict schema.",
        "exact_f1": "Micro-F1 with exact span, type ignored (nervaluate exact).",
        "partial_f1": "Micro-F1 with half credit for overlapping spans, type ignored (nervaluate partial).",
        "ent_type_f1": "Micro-F1 with overlapping span and correct type (nervaluate ent_type).",
        **{f"strict_f1.{t}": f"Strict F1 of {t} mentions alone." for t in TYPES}},
    "SemEval-2013 Task 9.1 schemas as in nervaluate 1.2; seqeval strict IOB2", NER_KEYS, score_ner, ner_formulas)
