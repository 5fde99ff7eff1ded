"""The bias_sentences task: whether each sentence is biased (BABE)."""
from __future__ import annotations

from samestory import schema
from samestory.eval.tasks.labels import accuracy_metric, label_f1_metric, macro_f1_metric, single_label_task

BL = schema.BIAS_LABELS
BIAS_SENTENCES = single_label_task(
    "bias_sentences", "bias_sentences", "sentence", "Whether each sentence is biased (BABE).",
    "BABE (Spinde et al. 2021)", ("sentences", "sentence_id", "label"), BL, {
        "macro_f1": macro_f1_metric("Macro-F1 over biased and non-biased.", BL),
        "biased_f1": label_f1_metric("F1 of the biased class.", BL, "biased"),
        "accuracy": accuracy_metric()})
