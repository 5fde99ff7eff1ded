"""The facts task: which inventory facts each document reports (omission as informational bias)."""
from __future__ import annotations

from samestory.eval.counts import div
from samestory.eval.tasks import Task, TaskMetadata, metric
from samestory.eval.tasks.labels import accuracy, label_f1, label_keys, single_label_scorer, sk_accuracy, sk_macro_f1


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
