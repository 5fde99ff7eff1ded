"""The facts task: which inventory facts each document reports (omission as informational bias)."""
from __future__ import annotations

from samestory.eval.counts import div
from samestory.eval.tasks.labels import accuracy_metric, label_f1_metric, single_label_task

FACT_OUTCOMES = ("reported", "omitted")
"""The two values of the facts layer's boolean `reported`, named for the count columns."""


def _sk_omission_recall(t, p):
    from sklearn.metrics import recall_score

    om = FACT_OUTCOMES.index("omitted")
    if not (t == om).any():
        return float("nan")
    return float(recall_score(t, p, labels=[om], average="macro", zero_division=0))


FACTS = single_label_task(
    "facts", "facts", "document × fact",
    "Which facts of the story's inventory each document reports (informational bias by omission).",
    "BASIL informational bias (Fan et al. 2019)", ("facts", "fact_id", "reported"), FACT_OUTCOMES, {
        "reported_f1": label_f1_metric("F1 of 'reported'.", FACT_OUTCOMES, "reported"),
        "accuracy": accuracy_metric("Accuracy over document × fact pairs."),
        "omission_recall": ("Recall of omitted facts: share of gold omissions the system finds.", _sk_omission_recall,
                            lambda c: div(c("tp:omitted"), c("tp:omitted") + c("fn:omitted")))},
    to_label=lambda v: None if v is None else ("reported" if v else "omitted"))
