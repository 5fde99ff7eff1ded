"""The bias_sentences task: whether each sentence is biased (BABE)."""
from __future__ import annotations

from samestory import schema
from samestory.eval.tasks import Task, TaskMetadata, metric
from samestory.eval.tasks.labels import (
    accuracy, label_f1, label_keys, macro_f1, single_label_scorer, sk_accuracy, sk_macro_f1,
)


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
