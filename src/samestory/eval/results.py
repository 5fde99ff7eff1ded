"""The results format, as one pydantic model: what `samestory evaluate` and `samestory.evaluate` return and
write, and what `compare` reads. One reader (`Results.from_disk`) and one writer (`Results.to_disk`).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Union

from pydantic import BaseModel, ConfigDict, ValidationError

from samestory.core.errors import Problem, SameStoryError

RESULTS_FORMAT = "samestory-results"
RESULTS_FORMAT_VERSION = "1"


class MetricResult(BaseModel):
    """One metric of one task: point value (None: undefined, e.g. no gold item) and its bootstrap interval."""

    model_config = ConfigDict(extra="forbid")
    value: Optional[float]
    ci_low: Optional[float]
    ci_high: Optional[float]
    higher_is_better: bool
    description: str


class TaskResult(BaseModel):
    """One task's block: its version, metrics, counts per document (what compare resamples)."""

    model_config = ConfigDict(extra="forbid")
    task_version: str
    config: str
    main_score: str
    higher_is_better: bool
    direction: str
    metrics: dict[str, MetricResult]
    n_documents: int
    n_gold_items: int
    n_pred_items: int
    missing_documents: list[str]
    count_keys: list[str]
    per_document: dict[str, list[Union[int, float]]]
    predictions: Optional[str] = None
    """Where the predictions were read from (a file, or `records:<config>` for in-memory records)."""

    @property
    def main(self) -> Optional[float]:
        """The value of the main score."""
        return self.metrics[self.main_score].value


class SystemInfo(BaseModel):
    """Who made the predictions (from --system…, system.json or the API's `system=`)."""

    model_config = ConfigDict(extra="allow")
    name: str
    version: Optional[str] = None
    parameters: dict = {}
    description: Optional[str] = None
    url: Optional[str] = None


class Bootstrap(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit: str
    resamples: int
    seed: int
    confidence: float


class Results(BaseModel):
    """A scored system, stamped with the dataset, gold, schema, scorer and package versions."""

    model_config = ConfigDict(extra="forbid")
    format: str = RESULTS_FORMAT
    format_version: str = RESULTS_FORMAT_VERSION
    system: SystemInfo
    dataset_version: str
    gold_sha256: Optional[str]
    schema_version: str
    scorer_version: str
    samestory_version: str
    date: str
    bootstrap: Bootstrap
    gold_source: str
    warnings: list[str]
    tasks: dict[str, TaskResult]

    def main_scores(self) -> dict[str, Optional[float]]:
        """task → value of its main score."""
        return {t: block.main for t, block in self.tasks.items()}

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"

    def to_disk(self, path: Path) -> Path:
        """Write atomically (nothing half-written on error)."""
        from samestory.core.jsonl import atomic_write_text

        atomic_write_text(Path(path), self.to_json())
        return Path(path)

    @classmethod
    def from_disk(cls, path: Path) -> "Results":
        """A results file; anything else is an error naming the file and field."""
        path = Path(path)
        data = read_results_json(path)
        problems = layout_problems(path, data)
        if problems:
            valid = "valid " if problems[0].field not in ("format", None) else ""
            raise SameStoryError(f"{path}: not a {valid}results file", problems)
        return cls.model_validate(data)


def read_results_json(path: Path):
    """The parsed JSON of a results file, bounded in depth and size (an error names the file)."""
    from samestory.core.guard import read_json

    try:
        return read_json(Path(path), "results file")
    except SameStoryError as exc:
        raise SameStoryError(f"{path}: not a readable results file", exc.problems) from None


def layout_problems(path: Path, data) -> list[Problem]:
    """Problems with the layout of a results file (format, fields, types, by this model), each naming the
    field; [] when `Results.model_validate(data)` succeeds. Used by `from_disk` and the leaderboard."""
    if not isinstance(data, dict):
        return [Problem(str(path), "expected a JSON object", found=type(data).__name__)]
    if data.get("format") != RESULTS_FORMAT:
        return [Problem(str(path), "not a SameStory results file", field="format", expected=RESULTS_FORMAT,
                        found=str(data.get("format")))]
    try:
        Results.model_validate(data)
    except ValidationError as exc:
        return [Problem(str(path), "missing field" if e["type"] == "missing" else e["msg"],
                        field=".".join(map(str, e["loc"]))) for e in exc.errors()[:50]]
    return []
