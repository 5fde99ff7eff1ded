"""Counts of one comparison (true positives, false positives, false negatives) that add with `+` and derive
precision, recall and F1: None when undefined, never a fake 0. Agreement and the cleaner's scoring use it."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: "PRF") -> "PRF":
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        d = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / d if d else None

    def as_dict(self) -> dict:
        """The counts and the three scores rounded to 4 places (JSON-ready)."""
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": rounded(self.precision),
                "recall": rounded(self.recall), "f1": rounded(self.f1)}


def rounded(x: float | None) -> float | None:
    """A score for a report: 4 places; None (undefined) for None or NaN."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 4)
