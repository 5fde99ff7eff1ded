"""Labeling configs (Label Studio XML) derived from `samestory.schema` and a story's inventories.

Six annotation projects per story: `entities` (mentions with per-region kind, entity link, role and
portrayal), `document` (stance per target, the document's frames and primary frame), `paragraphs`
(the frame of ready-made paragraph units, two paragraphs per task, one key each), `facts` (coverage and
evidence, pages of 8 inventory facts), `sentences` (bias label and opinion of ready-made sentence units,
four sentences per task, one key each) and `spans` (persuasion-technique spans, quotes and speakers).
Each has a review twin (`<title> review`) that alone may hold gold or other pre-annotations. Tag names
below are the contract between the configs and `convert`; label values all come from the schema or the
inventories.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from samestory import layers as layer_api
from samestory import schema
from samestory.core.errors import Problem, SameStoryError

PROJECTS = ("entities", "document", "paragraphs", "facts", "sentences", "spans")
"""Project kinds; each is one Label Studio project per story: one task per document, except `facts`
(one task per `FACT_SLOTS` inventory facts of a document), `paragraphs` (one per `PARA_SLOTS`
paragraphs) and `sentences` (one per `SLOTS` sentences)."""

LAYERS_OF = {
    "entities": ("mentions", "entity_frames"),
    "document": ("stance", "frames"),
    "paragraphs": ("frames",),
    "facts": ("facts",),
    "sentences": ("bias_sentences",),
    "spans": ("bias_spans", "quotes"),
}
"""Which gold layers each project produces; `frames` joins the document-level frames (`document`) and
the paragraph frames (`paragraphs`) of one annotator and document."""

CODEBOOK = "annotations/guidelines.md"
"""The codebook; each project's instructions quote and link its sections (see `instructions`)."""
SECTIONS = {"entities": ("2-layer-mentions", "3-layer-entity_frames"),
            "document": ("4-layer-stance", "5-layer-frames"), "paragraphs": ("5-layer-frames",),
            "facts": ("8-layer-facts",),
            "sentences": ("6-layer-bias_sentences",), "spans": ("7-layer-bias_spans", "9-layer-quotes")}
"""Heading anchors of annotations/guidelines.md per project (checked against the file by a test)."""

FACT_SLOTS = 8
"""Inventory facts per `facts` task (a page of 8 questions, not 56); their evidence labels are F1..F8."""
SLOTS = 4
"""Sentences per `sentences` task; slot i's combined choices use the hotkeys of keyboard row i."""
HOTKEY_ROWS = ("123456", "qwerty", "asdfgh", "zxcvbn")
PARA_SLOTS = 2
"""Paragraphs per `paragraphs` task: 16 choices each (15 frames and no frame), so two slots use the
keyboard's 32 keys of digits and letter rows without a collision."""
PARA_HOTKEY_ROWS = ("1234567890qwerty", "asdfghjklzxcvbnm")
NO_FRAME = "no frame"
"""Paragraph choice for a non-substantive line (byline, bare dateline, tags): a null frame in the record."""
PARAGRAPH_VALUES = (*schema.FRAMES, NO_FRAME)
UNIT_SEP = " \u00b7 "
BIAS_UNIT_VALUES = tuple(f"{b}{UNIT_SEP}{o}" for b in schema.BIAS_LABELS for o in schema.OPINION_LABELS)
"""One choice per (bias label, opinion) pair: a sentence takes one key."""

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


def _options(tag: str, values, hints: dict[str, str] | None = None, aliases: dict[str, str] | None = None,
             hotkeys: dict[str, str] | None = None) -> list[str]:
    """One <Choice>/<Label> per value; `aliases` maps a shown value to what results carry (its id)."""
    hints, aliases, hotkeys = hints or {}, aliases or {}, hotkeys or {}
    return [line for v in values
            for line in _tag(tag, value=v, alias=aliases.get(v), hint=hints.get(v), hotkey=hotkeys.get(v))]


def _defined(values) -> dict[str, str]:
    """The codebook's one-line definitions (schema.DEFINITIONS) as hints."""
    return {v: schema.DEFINITIONS[v] for v in values if v in schema.DEFINITIONS}


def entity_label(e: dict) -> str:
    """How an entity shows in a dropdown: its name, then its id (what search matches)."""
    return f"{e['name']} \u2014 {e['entity_id']}"


NIL_LABEL = "NIL \u2014 no entry in the entity table"


def _entity_choices(name: str, inv: Inventory, with_nil: bool, when: str | None = None) -> list[str]:
    """A searchable dropdown of the entity table (Taxonomy) grouped by type, entities shown by name with
    their id; results carry [type, entity_id] (or [NIL]). No hotkeys: typing only searches."""
    if not inv.entities and not with_nil:  # empty entity table (a new story): nothing to choose
        return []
    body: list[str] = []
    for t in schema.ENTITY_TYPES:
        ents = [e for e in inv.entities if e.get("type") == t]
        if ents:
            body += _tag("Choice", [line for e in ents for line in _tag(
                "Choice", value=entity_label(e), alias=e["entity_id"], hint=e.get("description") or None)], value=t)
    if with_nil:
        body += _tag("Choice", value=NIL_LABEL, alias=NIL, hint="No entry in the entity table")
    tax = _tag("Taxonomy", body, name=name, toName=TEXT, perRegion="true", maxUsages="1", leafsOnly="true",
               placeholder="Type to search by name or id")
    return _tag("View", tax, visibleWhen="region-selected", whenLabelValue=when) if when else tax


def fine_tag(main: str) -> str:
    """The fine-role control under one main role (shown only when that main role is chosen)."""
    return f"{FINE_ROLES}__{main}"


def _header(text: str) -> list[str]:
    return _tag("Header", value=text, size="5")


def entities_config(inv: Inventory) -> str:
    inv.check()
    body = _header("Select a mention and press its type's key; then, with the mention selected, pick kind, "
                   "entity (type to search) and, on the mentions that support it, role and portrayal.")
    body += _tag("Labels", _options("Label", schema.ENTITY_TYPES), name=MENTION, toName=TEXT)
    body += _tag("Text", name=TEXT, value="$text")
    region = dict(visibleWhen="region-selected")
    fine: list[str] = []
    for main, roles in schema.FINE_ROLES.items():
        fine += _tag("Choices", _options("Choice", roles, _defined(roles)), name=fine_tag(main), toName=TEXT,
                     perRegion="true", choice="multiple", showInline="true", visibleWhen="choice-selected",
                     whenTagName=MAIN_ROLE, whenChoiceValue=main)
    body += _tag("View", [
        *_header("Kind"),
        *_tag("Choices", _options("Choice", schema.MENTION_KINDS), name=KIND, toName=TEXT, perRegion="true",
              choice="single", showInline="true", required="true", **region),
        *_header("Entity (grouped by type; type to search)"),
        *_entity_choices(ENTITY, inv, True),
        *_header("Role in this article (only on evidence mentions); fine roles appear under the main role"),
        *_tag("Choices", _options("Choice", schema.MAIN_ROLES, _defined(schema.MAIN_ROLES)), name=MAIN_ROLE,
              toName=TEXT, perRegion="true", choice="single", showInline="true", **region),
        *fine,
        *_header("Portrayal"),
        *_tag("Choices", _options("Choice", schema.PORTRAYALS), name=PORTRAYAL, toName=TEXT, perRegion="true",
              choice="single", showInline="true", **region),
    ])
    return _view(body)


def document_config(inv: Inventory) -> str:
    inv.check()
    body = _tag("Header", value="$title")
    body += _header("The document's frames and primary frame (hover a frame for its definition), then the "
                    "stance toward every target. Paragraph frames are labelled in the paragraphs project.")
    body += _tag("Text", name=TEXT, value="$text")
    body += _header("Frames the document uses")
    body += _tag("Choices", _options("Choice", schema.FRAMES, _defined(schema.FRAMES)), name=FRAMES, toName=TEXT,
                 choice="multiple", showInline="true")
    body += _header("Primary frame")
    body += _tag("Choices", _options("Choice", schema.FRAMES, _defined(schema.FRAMES)), name=PRIMARY_FRAME,
                 toName=TEXT, choice="single", showInline="true", required="true")
    for t in inv.targets:
        body += _header(f"Stance toward {t['name']}: {t['definition']}")
        body += _tag("Choices", _options("Choice", schema.STANCE_LABELS), name=STANCE_PREFIX + t["target_id"],
                     toName=TEXT, choice="single", showInline="true", required="true")
        body += _tag("TextArea", name=NOTE_PREFIX + t["target_id"], toName=TEXT, rows="1", maxSubmissions="1",
                     placeholder="Reason (optional)")
    return _view(body)


def para_slot(i: int) -> str:
    """Object tag of the i-th paragraph (1-based) of a `paragraphs` task; its choices are
    `paragraph_frame__<slot>`."""
    return f"par{i}"


def paragraphs_config(inv: Inventory) -> str:
    """Ready-made paragraph units: up to PARA_SLOTS paragraphs per task, each given its frame with one key."""
    inv.check()
    hints = {**_defined(schema.FRAMES), NO_FRAME: "Non-substantive line only: a byline, a bare dateline, tags"}
    body = _tag("Header", value="$title")
    body += _header("One key per paragraph: its primary frame (hover for the definition), or 'no frame' for a "
                    "byline, dateline or tags. The first paragraph takes 1-0 and q-y, the second a-l and z-m "
                    "(shown next to each choice); Ctrl+Enter submits and opens the next paragraphs.")
    body += _tag("Text", name="before", value="$before")
    for i in range(1, PARA_SLOTS + 1):
        keys = dict(zip(PARAGRAPH_VALUES, PARA_HOTKEY_ROWS[i - 1]))
        body += _tag("View", [
            *_tag("Header", value=f"${para_slot(i)}_id", size="6"),
            *_tag("Text", name=para_slot(i), value=f"${para_slot(i)}_text"),
            *_tag("Choices", _options("Choice", PARAGRAPH_VALUES, hints, hotkeys=keys),
                  name=f"{PARAGRAPH_FRAME}__{para_slot(i)}", toName=para_slot(i), choice="single",
                  showInline="true"),
        ], style="border-left: 4px solid #9c6; padding-left: 8px; margin: 8px 0")
    body += _tag("Text", name="after", value="$after")
    return _view(body)


def fact_slot_label(i: int) -> str:
    """Evidence label of the i-th fact (1-based) on a `facts` page."""
    return f"F{i}"


def facts_config(inv: Inventory) -> str:
    """Fact coverage, FACT_SLOTS facts per page: each fact's statement, reported or not, and its evidence
    marked with the label F1..F8 of its place on the page."""
    inv.check()
    body = _tag("Header", value="$title")
    body += _header("For each fact below: reported or not reported; if reported, select the words that report "
                    "it with its label (F1 for the first fact, F2 for the second, ...).")
    body += _tag("Labels", _options("Label", [fact_slot_label(i) for i in range(1, FACT_SLOTS + 1)],
                                    {fact_slot_label(i): f"evidence of fact {i} on this page"
                                     for i in range(1, FACT_SLOTS + 1)}), name=FACT_EVIDENCE, toName=TEXT)
    for i in range(1, FACT_SLOTS + 1):
        body += _tag("View", [
            *_tag("Header", value=f"$f{i}_statement", size="6"),
            *_tag("Choices", _options("Choice", REPORTED), name=f"{FACT_PREFIX}f{i}", toName=TEXT, choice="single",
                  showInline="true"),
        ], style="border-left: 4px solid #c96; padding-left: 8px; margin: 4px 0")
    body += _tag("Text", name=TEXT, value="$text")
    return _view(body)


def slot(i: int) -> str:
    """Object tag of the i-th sentence (1-based) of a `sentences` task; its choices are `bias__<slot>`."""
    return f"u{i}"


def sentences_config(inv: Inventory) -> str:
    """Ready-made sentence units: up to SLOTS sentences per task, each labelled with one key."""
    inv.check()
    body = _tag("Header", value="$title")
    body += _header("One key per sentence: the first sentence takes 1-6, the second q-y, the third a-h, the "
                    "fourth z-n (shown next to each choice); Ctrl+Enter submits and opens the next sentences.")
    body += _tag("Text", name="before", value="$before", granularity="word")
    for i in range(1, SLOTS + 1):
        keys = dict(zip(BIAS_UNIT_VALUES, HOTKEY_ROWS[i - 1]))
        body += _tag("View", [
            *_tag("Header", value=f"${slot(i)}_id", size="6"),
            *_tag("Text", name=slot(i), value=f"${slot(i)}_text"),
            *_tag("Choices", _options("Choice", BIAS_UNIT_VALUES, hotkeys=keys), name=f"{SENTENCE}__{slot(i)}",
                  toName=slot(i), choice="single", showInline="true"),
        ], style="border-left: 4px solid #69c; padding-left: 8px; margin: 8px 0")
    body += _tag("Text", name="after", value="$after")
    return _view(body)


def spans_config(inv: Inventory) -> str:
    inv.check()
    body = _header("Mark persuasion-technique spans (hover a label for its definition; target entity and "
                   "polarity optional) and quotations with their speaker.")
    body += _tag("Labels", _options("Label", schema.TECHNIQUES, _defined(schema.TECHNIQUES)), name=TECHNIQUE,
                 toName=TEXT)
    body += _tag("Labels", _options("Label", [QUOTE]), name=QUOTE_TAG, toName=TEXT)
    body += _tag("Text", name=TEXT, value="$text")
    body += _entity_choices(TARGET, inv, False, when=",".join(schema.TECHNIQUES))
    body += _tag("Choices", _options("Choice", schema.PORTRAYALS), name=POLARITY, toName=TEXT, perRegion="true",
                 choice="single", showInline="true", visibleWhen="region-selected",
                 whenLabelValue=",".join(schema.TECHNIQUES))
    body += _entity_choices(SPEAKER, inv, False, when=QUOTE)
    return _view(body)


def _view(body: list[str]) -> str:
    return "\n".join(_tag("View", body)) + "\n"


BUILDERS = {"entities": entities_config, "document": document_config, "paragraphs": paragraphs_config,
            "facts": facts_config,
            "sentences": sentences_config, "spans": spans_config}


def project_configs(inv: Inventory) -> dict[str, str]:
    """project kind -> labeling config XML, deterministic for the same inventory. A declared layer no project
    produces is an error (the projects would drop it silently)."""
    uncovered = sorted(layer_configs())
    unknown = sorted({layer for layers in LAYERS_OF.values() for layer in layers}
                     - {d.name for d in layer_api.layers()})
    if uncovered or unknown:
        raise SameStoryError("the Label Studio projects do not match the declared layers", [
            *(Problem("samestory.annotate.labelstudio.config", "layer in no Label Studio project", None, "LAYERS_OF",
                      f"{layer!r} in a project's layers, with its view in the project's builder "
                      f"(layer_config({layer!r}) derives a plain view to start from)", "in none")
              for layer in uncovered),
            *(Problem("samestory.annotate.labelstudio.config", "project layer not declared", None, "LAYERS_OF",
                      "a layer of samestory.layers", layer) for layer in unknown)])
    return {p: BUILDERS[p](inv) for p in PROJECTS}


def layer_config(layer: str) -> str:
    """The labelling config of a declared layer (`samestory.layers`), derived from its fields: each label field
    of its span items gives <Labels> over the text, each document-level label field <Choices>."""
    cfg = schema.CONFIGS[layer]
    body = _header(cfg.description)
    items = cfg.field(cfg.items) if cfg.items else None
    if items is not None and items.is_span:
        for f in items.children:
            if f.dtype == "label":
                body += _tag("Labels", _options("Label", f.labels), name=f"{layer}.{f.name}", toName=TEXT)
    body += _tag("Text", name=TEXT, value="$text")
    for f in cfg.fields:
        if f.dtype == "label":
            body += _tag("Choices", _options("Choice", f.labels), name=f"{layer}.{f.name}", toName=TEXT,
                         choice="multiple" if f.many else "single", showInline="true")
    return _view(body)


def layer_configs() -> dict[str, str]:
    """layer -> labelling config for every declared layer that no project covers (an added layer; each
    built-in layer belongs to a project in LAYERS_OF), so a new layer is never dropped silently."""
    covered = {layer for layers in LAYERS_OF.values() for layer in layers}
    return {d.name: layer_config(d.name) for d in layer_api.layers() if d.name not in covered}


def project_title(story_id: str, project: str, review: bool = False) -> str:
    """The project's title on the server; push finds existing projects by it. The review twin (gold
    review, adjudication, any pre-annotation) is a separate project that annotators are not given."""
    return f"SameStory {story_id} {project}" + (" review" if review else "")


def instructions(project: str, guidelines: str) -> str:
    """HTML instructions of a project: its codebook sections (from annotations/guidelines.md), each
    headed by its path and anchor, so annotators read the rules where they label."""
    import html

    parts = [f"<p>SameStory annotation, project <b>{project}</b>. Work alone: you never see gold or another "
             f"annotator's work. Codebook: <code>{CODEBOOK}</code>, sections below.</p>"]
    for anchor in SECTIONS[project]:
        text = codebook_section(guidelines, anchor)
        head, _, rest = text.partition("\n")
        parts.append(f"<h3 id=\"{anchor}\">{html.escape(head.lstrip('# '))}</h3>"
                     f"<p><small>{html.escape(CODEBOOK)}#{anchor}</small></p>")
        parts += [f"<p>{html.escape(' '.join(par.split()))}</p>" for par in rest.strip().split("\n\n") if par.strip()]
    return "\n".join(parts)


def codebook_section(guidelines: str, anchor: str) -> str:
    """The `## ` section of the codebook whose GitHub-style anchor is `anchor` (heading line first)."""
    sections = re.split(r"(?m)^(?=## )", guidelines)
    for sec in sections:
        head = sec.splitlines()[0] if sec.strip() else ""
        slug = re.sub(r"[^a-z0-9_ -]", "", head.lstrip("# ").lower()).replace(" ", "-")
        if head.startswith("## ") and slug == anchor:
            return sec.strip()
    raise SameStoryError(f"{CODEBOOK}: no section #{anchor}",
                         [Problem(CODEBOOK, "codebook section missing", None, "heading", anchor, "none")])
