"""The stance task: the article's stance toward each target (SemEval-2016 Task 6 F_avg)."""
from __future__ import annotations

from samestory import schema
from samestory.eval.tasks import Task, TaskMetadata, metric
from samestory.eval.tasks.labels import accuracy, label_keys, macro_f1, single_label_scorer, sk_accuracy, sk_macro_f1


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
