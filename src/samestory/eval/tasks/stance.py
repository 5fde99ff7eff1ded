"""The stance task: the article's stance toward each target (SemEval-2016 Task 6 F_avg)."""
from __future__ import annotations

from samestory import schema
from samestory.eval.tasks.labels import accuracy_metric, macro_f1_metric, single_label_task

SL = schema.STANCE_LABELS
STANCE = single_label_task(
    "stance", "stance", "document × target", "The article's own stance toward each stance target.",
    "SemEval-2016 Task 6", ("stances", "target", "label"), SL, {
        "f_avg": macro_f1_metric("Mean of the F1 of favor and of against (SemEval-2016 Task 6 F_avg).", SL,
                                 among=("favor", "against")),
        "macro_f1": macro_f1_metric("Macro-F1 over favor, against and neutral.", SL),
        "accuracy": accuracy_metric()})
