"""The Python API: score predictions (in-memory records or files) against a release, as the CLI does.

`samestory.evaluate` goes through exactly the checks and scorers of `samestory evaluate` and returns
the same typed `Results` the CLI writes.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Union

from samestory import schema
from samestory.core.errors import Problem, SameStoryError
from samestory.eval.results import Results

Predictions = Union[str, Path, Mapping[str, Iterable[dict]]]
"""A prediction file or folder, or {task or layer config: records in the gold layer layout}."""


def evaluate(predictions: Predictions, dataset, tasks: Iterable[str] | None = None, *,
             revision: str | None = None, system: dict | str | None = None, resamples: int = 1000,
             seed: int | None = None, strict: bool = False, hub=None) -> Results:
    """Score `predictions` against `dataset` (a release folder, a Hub dataset id at `revision`, or an
    opened `samestory.release.dataset.Release`); `tasks` defaults to every task with predictions.

    Records use the gold layer layout (docs/evaluation.md): one record per document. Here the gold of
    a release (`release`, opened once) is scored as if it were a system's output:

    >>> gold_stance = release.rows("stance")
    >>> results = samestory.evaluate({"stance": gold_stance}, dataset=release, resamples=0)
    >>> results.tasks["stance"].main_score, results.tasks["stance"].main
    ('f_avg', 1.0)
    >>> results.dataset_version == release.dataset_version
    True

    Each target left out of a document's predictions counts as missed:

    >>> first = dict(gold_stance[0], stances=gold_stance[0]["stances"][:1])
    >>> worse = samestory.evaluate({"stance": [first, *gold_stance[1:]]}, dataset=release, resamples=0)
    >>> worse.tasks["stance"].main < 1.0
    True

    Bad records raise a `SameStoryError` that names the record and field, as the CLI does:

    >>> samestory.evaluate({"stance": [{"doc_id": "nope", "stances": []}]}, dataset=release)
    Traceback (most recent call last):
    ...
    samestory.eval.predictions.PredictionError: ...
    """
    from samestory.release.dataset import Release, open_release
    from samestory.eval import bootstrap as bs
    from samestory.eval.data import gold_of
    from samestory.eval.evaluate import Options
    from samestory.eval.evaluate import evaluate as run
    from samestory.eval.registry import TASKS

    if dataset is None:
        raise SameStoryError("evaluate needs dataset=: a release folder, a Hub dataset id, or a Release",
                             [Problem("dataset", "missing", expected="path, ORG/NAME or Release", found="None")])
    release = dataset if isinstance(dataset, Release) else open_release(dataset, revision, hub)
    gold = gold_of(release)
    info = {"name": system} if isinstance(system, str) else dict(system or {})
    opts = Options(tasks=list(tasks) if tasks else None, resamples=resamples,
                   seed=bs.DEFAULT_SEED if seed is None else seed, strict=strict)
    if isinstance(predictions, Mapping):
        known = set(TASKS) | set(schema.LAYERS)
        unknown = [k for k in predictions if k not in known]
        if unknown:
            raise SameStoryError("unknown prediction keys", [Problem("predictions", "not a task or layer config",
                                                                     field=k, expected=", ".join(sorted(known)))
                                                             for k in unknown])
        info.setdefault("name", "records")
        opts.system = info
        from samestory.core.jsonl import write_jsonl

        with tempfile.TemporaryDirectory(prefix="samestory-records-") as tmp:
            for key, records in predictions.items():
                write_jsonl(Path(tmp) / f"{key}.jsonl", list(records))
            try:
                out = run(Path(tmp), gold, opts)
            except SameStoryError as exc:  # name the records, not the scratch files
                exc.problems = [_renamed(p, tmp) for p in exc.problems]
                exc.args = (str(exc.args[0]).replace(tmp + "/", "predictions:"), *exc.args[1:])
                raise
            for block in out["tasks"].values():
                block["predictions"] = f"records:{Path(block['predictions']).stem}"
    else:
        opts.system = info
        out = run(Path(predictions), gold, opts)
    return Results.model_validate(out)


def _renamed(p: Problem, tmp: str) -> Problem:
    """A problem in a scratch file, pointed at `predictions[key]` record N (line N)."""
    from dataclasses import replace

    if not p.file.startswith(tmp):
        return p
    key = Path(p.file).stem
    return replace(p, file=f"predictions[{key!r}]" + (f" record {p.line - 1}" if p.line else ""), line=None)
