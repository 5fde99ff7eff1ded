"""Labeling configs (Label Studio XML) derived from `samestory.schema` and a story's inventories.

Three projects per story: `entities` (mentions with per-region kind, entity link, role and portrayal),
`document` (stance per target, frames, paragraph frames, fact coverage) and `sentences` (bias label and
opinion per sentence, persuasion-technique spans, quotes and speakers). Tag names below are the
contract between the configs and `convert`; label values all come from the schema or the inventories.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from samestory import schema
from samestory.errors import Problem, SameStoryError

PROJECTS = ("entities", "document", "sentences")
"""Project kinds; each is one Label Studio project per story, one task per document."""

LAYERS_OF = {
    "entities": ("mentions", "entity_frames"),
    "document": ("stance", "frames", "facts"),
    "sentences": ("bias_sentences", "bias_spans", "quotes"),
}
"""Which gold layers each project produces."""

TEXT = "text"
NIL = "NIL"
"""entity_id choice meaning 'no entry in the entity table' (null in the records)."""
QUOTE = "Quote"
REPORTED = {"reported": True, "not reported": False}
"""Choice values of a fact's coverage and the bool they stand for."""

# tag names (from_name in results)
MENTION, KIND, ENTITY, MAIN_ROLE, FINE_ROLES, PORTRAYAL = (
    "mention", "kind", "entity_id", "main_role", "fine_roles", "portrayal")
PARAGRAPH_FRAME, FACT_EVIDENCE, FRAMES, PRIMARY_FRAME = "paragraph_frame", "fact_evidence", "frames", "primary_frame"
SENTENCE, OPINION, TECHNIQUE, TARGET, POLARITY, QUOTE_TAG, SPEAKER = (
    "sentence", "opinion", "technique", "target_entity_id", "polarity", "quote", "speaker_entity_id")
STANCE_PREFIX, NOTE_PREFIX, FACT_PREFIX = "stance__", "note__", "fact__"

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class Inventory:
    """What a story's configs list: entity table, stance targets and fact inventory rows."""

    story_id: str
    entities: tuple[dict, ...]
    targets: tuple[dict, ...]
    facts: tuple[dict, ...]

    def check(self) -> None:
        """Ids become tag names and choice values: they must be plain and unique."""
        problems = []
        for what, rows, key in (("entities", self.entities, "entity_id"), ("stance_targets", self.targets,
                                                                          "target_id"),
                                ("fact_inventory", self.facts, "fact_id")):
            seen = set()
            for i, r in enumerate(rows, 1):
                v = r.get(key)
                if not isinstance(v, str) or not _ID.fullmatch(v) or v == NIL:
                    problems.append(Problem(f"{self.story_id}/{what}.jsonl", "id unusable in Label Studio", i,
                                            key, "letters, digits, _ . - (not NIL)", repr(v)))
                if v in seen:
                    problems.append(Problem(f"{self.story_id}/{what}.jsonl", "duplicate id", i, key, "unique", v))
                seen.add(v)
        if problems:
            raise SameStoryError("inventory ids cannot be used in Label Studio configs", problems)


def _attrs(**kw) -> str:
    return "".join(f" {k.rstrip('_')}={quoteattr(str(v))}" for k, v in kw.items() if v is not None)


def _tag(tag_: str, body: list[str] | None = None, **kw) -> list[str]:
    if body is None:
        return [f"<{tag_}{_attrs(**kw)}/>"]
    return [f"<{tag_}{_attrs(**kw)}>", *("  " + line for line in body), f"</{tag_}>"]


def _options(tag: str, values, hints: dict[str, str] | None = None) -> list[str]:
    hints = hints or {}
    return [line for v in values for line in _tag(tag, value=v, hint=hints.get(v))]


def _entity_choices(name: str, inv: Inventory, with_nil: bool, **kw) -> list[str]:
    values = [e["entity_id"] for e in inv.entities] + ([NIL] if with_nil else [])
    if not values:  # empty entity table (a new story): nothing to choose, and an empty <Choices> is invalid
        return []
    hints = {e["entity_id"]: f"{e['name']} ({e['type']}): {e.get('description', '')}" for e in inv.entities}
    hints[NIL] = "No entry in the entity table"
    return _tag("Choices", _options("Choice", values, hints), name=name, toName=TEXT, perRegion="true",
                choice="single", layout="select", **kw)


def _header(text: str) -> list[str]:
    return _tag("Header", value=text, size="5")


def entities_config(inv: Inventory) -> str:
    inv.check()
    body = _header("Select a mention, pick its type; then set kind, entity and, on the mentions that support "
                   "it, the entity's role and portrayal.")
    body += _tag("Labels", _options("Label", schema.ENTITY_TYPES), name=MENTION, toName=TEXT)
    body += _tag("Text", name=TEXT, value="$text")
    region = dict(visibleWhen="region-selected")
    body += _tag("View", [
        *_header("Kind"),
        *_tag("Choices", _options("Choice", schema.MENTION_KINDS), name=KIND, toName=TEXT, perRegion="true",
              choice="single", showInline="true", required="true", **region),
        *_header("Entity"),
        *_entity_choices(ENTITY, inv, True, required="true", **region),
        *_header("Role in this article (only on evidence mentions)"),
        *_tag("Choices", _options("Choice", schema.MAIN_ROLES), name=MAIN_ROLE, toName=TEXT, perRegion="true",
              choice="single", showInline="true", **region),
        *_tag("Choices", _options("Choice", schema.ALL_FINE_ROLES), name=FINE_ROLES, toName=TEXT,
              perRegion="true", choice="multiple", showInline="true", **region),
        *_header("Portrayal"),
        *_tag("Choices", _options("Choice", schema.PORTRAYALS), name=PORTRAYAL, toName=TEXT, perRegion="true",
              choice="single", showInline="true", **region),
    ])
    return _view(body)


def document_config(inv: Inventory) -> str:
    inv.check()
    body = _tag("Header", value="$title")
    body += _header("Paragraph frames: select a paragraph and pick its primary frame. Fact evidence: select "
                    "the words that report an inventory fact.")
    body += _tag("Labels", _options("Label", schema.FRAMES), name=PARAGRAPH_FRAME, toName=TEXT)
    if inv.facts:  # a new story has an empty inventory; Label Studio refuses a <Labels> with no <Label>
        body += _tag("Labels", _options("Label", [f["fact_id"] for f in inv.facts],
                                        {f["fact_id"]: f["statement"] for f in inv.facts}),
                     name=FACT_EVIDENCE, toName=TEXT)
    body += _tag("Text", name=TEXT, value="$text")
    body += _header("Frames the document uses")
    body += _tag("Choices", _options("Choice", schema.FRAMES), name=FRAMES, toName=TEXT, choice="multiple",
                 showInline="true")
    body += _header("Primary frame")
    body += _tag("Choices", _options("Choice", schema.FRAMES), name=PRIMARY_FRAME, toName=TEXT, choice="single",
                 showInline="true", required="true")
    for t in inv.targets:
        body += _header(f"Stance toward {t['name']}: {t['definition']}")
        body += _tag("Choices", _options("Choice", schema.STANCE_LABELS), name=STANCE_PREFIX + t["target_id"],
                     toName=TEXT, choice="single", showInline="true", required="true")
        body += _tag("TextArea", name=NOTE_PREFIX + t["target_id"], toName=TEXT, rows="1", maxSubmissions="1",
                     placeholder="Reason (optional)")
    for f in inv.facts:
        body += _header(f"{f['fact_id']}: {f['statement']}")
        body += _tag("Choices", _options("Choice", REPORTED), name=FACT_PREFIX + f["fact_id"], toName=TEXT,
                     choice="single", showInline="true", required="true")
    return _view(body)


def sentences_config(inv: Inventory) -> str:
    inv.check()
    body = _header("Select each sentence and mark it biased or non-biased (then its opinion); mark "
                   "persuasion-technique spans and quotations.")
    body += _tag("Labels", _options("Label", schema.BIAS_LABELS), name=SENTENCE, toName=TEXT)
    body += _tag("Labels", _options("Label", schema.TECHNIQUES), name=TECHNIQUE, toName=TEXT)
    body += _tag("Labels", _options("Label", [QUOTE]), name=QUOTE_TAG, toName=TEXT)
    body += _tag("Text", name=TEXT, value="$text")
    body += _tag("Choices", _options("Choice", schema.OPINION_LABELS), name=OPINION, toName=TEXT, perRegion="true",
                 choice="single", showInline="true", visibleWhen="region-selected",
                 whenLabelValue=",".join(schema.BIAS_LABELS))
    body += _entity_choices(TARGET, inv, False, visibleWhen="region-selected",
                            whenLabelValue=",".join(schema.TECHNIQUES))
    body += _tag("Choices", _options("Choice", schema.PORTRAYALS), name=POLARITY, toName=TEXT, perRegion="true",
                 choice="single", showInline="true", visibleWhen="region-selected",
                 whenLabelValue=",".join(schema.TECHNIQUES))
    body += _entity_choices(SPEAKER, inv, False, visibleWhen="region-selected", whenLabelValue=QUOTE)
    return _view(body)


def _view(body: list[str]) -> str:
    return "\n".join(_tag("View", body)) + "\n"


BUILDERS = {"entities": entities_config, "document": document_config, "sentences": sentences_config}


def project_configs(inv: Inventory) -> dict[str, str]:
    """project kind -> labeling config XML, deterministic for the same inventory."""
    return {p: BUILDERS[p](inv) for p in PROJECTS}


def project_title(story_id: str, project: str) -> str:
    """The project's title on the server; push finds existing projects by it."""
    return f"SameStory {story_id} {project}"
