"""Results are stamped with now, or with SOURCE_DATE_EPOCH when set (reproducible re-scoring)."""
import re

from samestory.eval.evaluate import results_date


def test_eval_results_date_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1747353600")
    assert results_date() == "2025-05-16T00:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", results_date())
    assert results_date() != "2025-05-16T00:00:00Z"
