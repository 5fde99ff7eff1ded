"""The single source of truth: label sets, span convention, record layouts of every config.

Everything else (HF Features, validator, JSON Schemas, Label Studio XML, card tables, scorer label
lists) is derived from the declarations here; nothing below is typed twice anywhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

SCHEMA_VERSION = "1.1.0"

SPAN_CONVENTION = (
    "Spans are character offsets into the document's clean text (the `text` field of the "
    "`documents` config): 0-based, end-exclusive, so `text[start:end]` is the surface string."
)

# --- label sets -----------------------------------------------------------------------------------

ENTITY_TYPES = ("PER", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT")
"""OntoNotes-style entity types used for mentions and the entity table."""

FRAMED_TYPES = ("PER", "ORG", "GPE")
"""Entity types that get an `entity_frames` item (role and portrayal) in every document mentioning them."""

MENTION_KINDS = ("NAM", "NOM")
"""NAM: a name; NOM: a nominal description that refers to a specific person in the entity table."""

STANCE_LABELS = ("favor", "against", "neutral")

FRAMES = (
    "Economic",
    "Capacity and resources",
    "Morality",
    "Fairness and equality",
    "Legality, constitutionality and jurisprudence",
    "Policy prescription and evaluation",
    "Crime and punishment",
    "Security and defense",
    "Health and safety",
    "Quality of life",
    "Cultural identity",
    "Public opinion",
    "Political",
    "External regulation and reputation",
    "Other",
)
"""Boydstun et al.'s 15 policy frames, as used by the Media Frames Corpus."""

FINE_ROLES = {
    "protagonist": ("Guardian", "Martyr", "Peacemaker", "Rebel", "Underdog", "Virtuous"),
    "antagonist": (
        "Instigator", "Conspirator", "Tyrant", "Foreign Adversary", "Traitor", "Spy", "Saboteur",
        "Corrupt", "Incompetent", "Terrorist", "Deceiver", "Bigot",
    ),
    "innocent": ("Forgotten", "Exploited", "Victim", "Scapegoat"),
}
"""SemEval-2025 Task 10 (subtask 1) fine-grained roles, grouped under their main role."""

MAIN_ROLES = (*FINE_ROLES, "none")
ALL_FINE_ROLES = tuple(role for roles in FINE_ROLES.values() for role in roles)

PORTRAYALS = ("positive", "neutral", "negative")
BIAS_LABELS = ("biased", "non-biased")
"""BABE: a sentence is biased when the author's wording or framing is not neutral."""
OPINION_LABELS = ("factual", "opinion", "mixed")

TECHNIQUES = (
    "Appeal_to_Authority", "Appeal_to_Popularity", "Appeal_to_Values", "Appeal_to_Fear-Prejudice",
    "Flag_Waving", "Causal_Oversimplification", "False_Dilemma-No_Choice",
    "Consequential_Oversimplification", "Straw_Man", "Red_Herring", "Whataboutism", "Slogans",
    "Appeal_to_Time", "Conversation_Killer", "Loaded_Language", "Repetition",
    "Exaggeration-Minimisation", "Obfuscation-Vagueness-Confusion", "Name_Calling-Labeling", "Doubt",
    "Guilt_by_Association", "Appeal_to_Hypocrisy", "Questioning_the_Reputation",
)
"""SemEval-2023 Task 3 (subtask 3) persuasion techniques."""

DEFINITIONS = {
    # frames (Boydstun et al., Media Frames Corpus codebook)
    "Economic": "Costs, benefits, money, trade, sanctions' economic effects.",
    "Capacity and resources": "Availability or lack of material, human or military resources.",
    "Morality": "Religious or ethical implications; right and wrong.",
    "Fairness and equality": "Balance of rights, burdens or treatment between groups or sides.",
    "Legality, constitutionality and jurisprudence": "Laws, courts, legal authority, international law.",
    "Policy prescription and evaluation": "Proposed or existing policies and whether they work.",
    "Crime and punishment": "Violations of law, war crimes, prosecution, punishment.",
    "Security and defense": "Military threats, defence, war operations, ceasefires, weapons.",
    "Health and safety": "Casualties, injuries, civilian safety, humanitarian danger.",
    "Quality of life": "Effects on people's daily lives, wealth, mobility, well-being.",
    "Cultural identity": "Traditions, language, history and identity of a group (explicit cue needed).",
    "Public opinion": "Attitudes and reactions of the public or observers, polls, protests.",
    "Political": "Political actors, negotiations, strategy, power and its competition.",
    "External regulation and reputation": "Relations between states, international standing, alliances.",
    "Other": "Any frame that fits none of the above.",
    # main and fine roles (SemEval-2025 Task 10)
    "protagonist": "Cast as acting for the good, a hero or positive agent.",
    "antagonist": "Cast as causing harm, an adversary or wrongdoer.",
    "innocent": "Cast as suffering harm without responsibility for it.",
    "none": "Mentioned without being cast in any role.",
    "Guardian": "Protects others or the group from harm.",
    "Martyr": "Sacrifices itself for a cause.",
    "Peacemaker": "Works to end conflict or to reconcile sides.",
    "Rebel": "Defies an oppressive or unjust power.",
    "Underdog": "Weaker side fighting against the odds.",
    "Virtuous": "Morally upright, honest, principled.",
    "Instigator": "Starts or provokes the conflict.",
    "Conspirator": "Plots in secret against others.",
    "Tyrant": "Rules or acts oppressively and without limits.",
    "Foreign Adversary": "A hostile outside power.",
    "Traitor": "Betrays its own side or allies.",
    "Spy": "Gathers secret information for an enemy.",
    "Saboteur": "Deliberately undermines an effort (e.g. the talks).",
    "Corrupt": "Abuses power for gain.",
    "Incompetent": "Fails through lack of ability or judgement.",
    "Terrorist": "Uses violence against civilians to intimidate.",
    "Deceiver": "Lies or misleads on purpose.",
    "Bigot": "Prejudiced against a group.",
    "Forgotten": "Overlooked, its suffering ignored.",
    "Exploited": "Used by others for their gain.",
    "Victim": "Suffers harm caused by others.",
    "Scapegoat": "Blamed unfairly for others' failures.",
    # persuasion techniques (SemEval-2023 Task 3)
    "Appeal_to_Authority": "A claim is true because an authority or expert says so.",
    "Appeal_to_Popularity": "A claim is right because many or everyone agree.",
    "Appeal_to_Values": "Links a position to values the audience holds (peace, freedom, justice).",
    "Appeal_to_Fear-Prejudice": "Builds support through fear or prejudice about an alternative.",
    "Flag_Waving": "Appeals to group or national pride or identity.",
    "Causal_Oversimplification": "One cause given for an outcome that has many.",
    "False_Dilemma-No_Choice": "Only two options presented when more exist.",
    "Consequential_Oversimplification": "A first step is said to lead inevitably to a chain of consequences.",
    "Straw_Man": "Refutes a distorted version of the opponent's position.",
    "Red_Herring": "Diverts attention to an irrelevant topic.",
    "Whataboutism": "Deflects criticism by pointing to the critic's own faults.",
    "Slogans": "A brief, striking phrase used as an argument.",
    "Appeal_to_Time": "Argues that now is the (last) time to act.",
    "Conversation_Killer": "Discourages discussion or critical thought (\"that's the end of it\").",
    "Loaded_Language": "Words or phrases with strong emotional force beyond the neutral alternative.",
    "Repetition": "Repeats the same message to make it stick.",
    "Exaggeration-Minimisation": "Makes something larger or smaller than it is.",
    "Obfuscation-Vagueness-Confusion": "Deliberately unclear wording that allows several readings.",
    "Name_Calling-Labeling": "Labels a target with a term the audience loves or hates.",
    "Doubt": "Questions the credibility of someone or something.",
    "Guilt_by_Association": "Attacks a target by linking it to something disliked.",
    "Appeal_to_Hypocrisy": "Attacks a target for inconsistency between words and deeds.",
    "Questioning_the_Reputation": "Attacks the target's character or reputation.",
}
"""One-line codebook definitions of every frame, role and technique: the Label Studio hints come from
here (`annotations/guidelines.md` gives the full rules and examples)."""

FACT_KINDS = ("event", "outcome", "statement", "demand", "position", "background")
"""event: something that happened at the talks; outcome: what they produced; statement: what someone
said; demand: a condition one side set; position: a side's standing stance; background: context."""

IOB2_TAGS = ("O", *(f"{p}-{t}" for t in ENTITY_TYPES for p in ("B", "I")))
"""Token tags of the `ner_tokens` config, derived from ENTITY_TYPES (only NAM mentions are tagged)."""

REMOVAL_REASONS = (
    "navigation", "widget", "teaser", "repeated_headline", "outlet_tag", "related_links",
    "decoration", "image_caption", "author_bio", "blank_lines", "edge_whitespace",
    "byline", "advertisement", "credit", "repeated_text", "boilerplate",
)
"""Why the cleaner cut a piece of its input (the raw text; for a web page, the extracted text); every
removal carries one of these. byline: an author line near the top; advertisement: an ad slot left as
text; credit: contributor or agency credits; repeated_text: a later copy of an earlier line (a duplicated lede);
boilerplate: a line jusText's paragraph classifier judged boilerplate (cleaner v2). New reasons go at the
end so existing ids stay stable."""


# --- field declarations -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """One field of a record. `dtype` is string|int32|bool|label|struct; `many` makes it a list."""

    name: str
    dtype: str
    doc: str
    labels: tuple[str, ...] | None = None
    """For dtype=label: the allowed names (stored as a ClassLabel)."""
    nullable: bool = False
    """True when the value may be null (unknown / not applicable), never 0 or ''."""
    many: bool = False
    children: tuple["Field", ...] = ()
    """For dtype=struct: the struct's fields."""
    ref: str | None = None
    """What the value must resolve to: entity, fact, target, mention, sentence, paragraph, document."""

    @property
    def is_span(self) -> bool:
        """A struct with start/end is a span into the document's clean text."""
        names = {c.name for c in self.children}
        return self.dtype == "struct" and {"start", "end"} <= names


def S(name, doc, **kw):
    return Field(name, "string", doc, **kw)


def I(name, doc, **kw):
    return Field(name, "int32", doc, **kw)


def B(name, doc, **kw):
    return Field(name, "bool", doc, **kw)


def L(name, labels, doc, **kw):
    return Field(name, "label", doc, labels=tuple(labels), **kw)


def ST(name, doc, children, **kw):
    return Field(name, "struct", doc, children=tuple(children), **kw)


def span_fields(with_id=False, with_text=True):
    """The span triple (plus an optional id), per SPAN_CONVENTION."""
    out = [I("start", "Start offset in clean text (0-based, inclusive)."),
           I("end", "End offset in clean text (exclusive).")]
    if with_text:
        out.append(S("text", "The surface string, equal to text[start:end]."))
    if with_id:
        out.insert(0, S("id", "Identifier, unique within the document."))
    return out


DOC_ID = S("doc_id", "Stable document id.", ref="document")
STORY_ID = S("story_id", "Story (event) the record belongs to.")


@dataclass(frozen=True)
class Config:
    """A config of the released dataset: its rows, where they come from and how they are keyed."""

    name: str
    description: str
    source: str
    """corpus: built from corpus/; inventory: annotations/<story>/<name>.jsonl; layer: one record per
    document in annotations/<story>/gold/<name>.jsonl; derived: computed from other configs."""
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    """Fields whose values are unique across the config."""
    items: str | None = None
    """For layers: the list field that holds the document's items (what tasks score)."""
    id_prefix: str | None = None
    """For layers whose items carry an `id`: its prefix; ids run prefix1, prefix2, … in text order (by
    start, then the longer span first)."""

    def item_id(self, n: int) -> str:
        """The id of the n-th item (1-based) of a layer whose items carry ids: m1, b2, q3, …"""
        return f"{self.id_prefix}{n}"

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


_CONFIGS = [
    Config("documents", "One row per document: metadata, clean text, paragraphs and sentences.", "corpus", (
        DOC_ID, STORY_ID,
        S("title", "Headline as the page shows it; null when the page shows none.", nullable=True),
        S("outlet", "Publisher, only when the text itself shows it; else null.", nullable=True),
        S("byline", "Author, only when the text itself shows it; else null.", nullable=True),
        S("author_bio", "Author biography cut from the body, if any.", nullable=True),
        S("url", "Source address, when known.", nullable=True),
        S("published", "Publication date (YYYY-MM-DD), when known.", nullable=True),
        S("language", "ISO 639-1 code of the text."),
        B("machine_translated", "True when the text reads as a machine translation."),
        S("notes", "Curator's notes, e.g. the evidence for machine_translated.", nullable=True),
        S("translation_of", "The doc_id of the document (same story) this one translates; null when it is "
          "not a translation of a document in the corpus.", nullable=True, ref="document"),
        S("cleaner", "Version of the cleaner that made the clean text (v1: the seed release's line rules; v2: "
          "adds multilingual rules and jusText's paragraph classifier). Frozen per document."),
        S("raw_path", "Path inside corpus/ of the raw file, kept byte for byte: the article text, or the "
          "saved web page (HTML)."),
        S("raw_sha256", "sha256 of the raw file, byte for byte."),
        S("extracted_path", "Web pages only: path inside corpus/ of the main text extracted from the raw "
          "page, which is the cleaner's input; null for text files.", nullable=True),
        S("extracted_sha256", "Web pages only: sha256 of the UTF-8 extracted text; null for text files.",
          nullable=True),
        S("extraction", "Web pages only: the extraction's provenance as compact JSON (tool, version, "
          "function, options, input encoding, metadata the extractor returned); null for text files.",
          nullable=True),
        S("clean_sha256", "sha256 of the UTF-8 clean text."),
        S("text", "The clean text that every annotation points into."),
        ST("paragraphs", "Paragraphs of the clean text.", span_fields(with_id=True, with_text=False), many=True),
        ST("sentences", "Sentences of the clean text (spaCy sentencizer; never split inside a quotation).",
           [*span_fields(with_id=True, with_text=False),
            S("paragraph_id", "Paragraph holding the sentence.", ref="paragraph")], many=True),
        ST("removals", "Text removed by cleaning from the cleaner's input (the raw text; for a web page, "
           "the extracted text at extracted_path); clean = input minus these ranges, in order.", [
            I("raw_start", "Start offset (characters) in the cleaner's input: the raw text, or a web "
              "page's extracted text."),
            I("raw_end", "End offset in the cleaner's input (exclusive)."),
            I("clean_offset", "Where the cut sits in the clean text."),
            L("reason", REMOVAL_REASONS, "Why it was removed."),
            S("rule", "The cleaning rule that matched."),
            S("text", "The removed text of the cleaner's input."),
        ], many=True),
    ), key=("doc_id",)),
    Config("ner_tokens", "One row per sentence: tokens and IOB2 tags of NAM mentions.", "derived", (
        S("id", "<doc_id>/<sentence_id>."), DOC_ID,
        S("sentence_id", "Sentence id in the documents config.", ref="sentence"),
        S("tokens", "Token strings.", many=True),
        I("token_starts", "Clean-text start offset of each token.", many=True),
        L("ner_tags", IOB2_TAGS, "IOB2 tag of each token.", many=True),
    ), key=("id",)),
    Config("entities", "Entity table: one row per real-world entity mentioned in a story.", "inventory", (
        STORY_ID, S("entity_id", "Stable slug, unique within the release."),
        S("name", "Canonical name."), L("type", ENTITY_TYPES, "Entity type."),
        S("aliases", "Surface forms seen in the articles, misspellings included.", many=True),
        S("description", "One-line description."),
        S("wikidata", "Wikidata QID from the verified reference table only; else null.", nullable=True),
        S("speaks_for", "The actor this entity stands for (its actor group): a capital, seat or state "
          "institution for its state, e.g. kremlin and moscow for russia; null when it acts for itself. "
          "Another entity of the same story; chains resolve to the last entity, cycles are errors.",
          nullable=True, ref="entity"),
    ), key=("entity_id",)),
    Config("fact_inventory", "Atomic facts and claims that at least one article reports.", "inventory", (
        STORY_ID, S("fact_id", "Stable id, unique within the release."),
        S("statement", "Neutral one-sentence statement."), L("kind", FACT_KINDS, "Kind of fact."),
    ), key=("fact_id",)),
    Config("stance_targets", "Targets of the stance layer, with their definitions.", "inventory", (
        STORY_ID, S("target_id", "Stable id."), S("name", "Short name."),
        S("definition", "What favor and against mean for this target."),
    ), key=("story_id", "target_id")),
    Config("mentions", "Named and nominal entity mentions, linked to the entity table.", "layer", (
        DOC_ID, ST("mentions", "Mentions in the document.", [
            *span_fields(with_id=True),
            L("type", ENTITY_TYPES, "Entity type."), L("kind", MENTION_KINDS, "NAM or NOM."),
            S("entity_id", "Linked entity; null = NIL (no entry).", nullable=True, ref="entity"),
        ], many=True),
    ), key=("doc_id",), items="mentions", id_prefix="m"),
    Config("entity_frames", "Role and portrayal of each PER/ORG/GPE entity in each document.", "layer", (
        DOC_ID, ST("entities", "One item per entity the document mentions.", [
            S("entity_id", "The entity.", ref="entity"),
            L("main_role", MAIN_ROLES, "Main role the article casts it in."),
            L("fine_roles", ALL_FINE_ROLES, "Fine roles under the main role.", many=True),
            L("portrayal", PORTRAYALS, "How the article portrays it."),
            S("evidence", "Mention ids that support the judgement.", many=True, ref="mention"),
        ], many=True),
    ), key=("doc_id",), items="entities"),
    Config("stance", "The article's own stance toward each target.", "layer", (
        DOC_ID, ST("stances", "One item per stance target.", [
            S("target", "Stance target id.", ref="target"), L("label", STANCE_LABELS, "Stance."),
            S("note", "Annotator's reason.", nullable=True),
        ], many=True),
    ), key=("doc_id",), items="stances"),
    Config("frames", "Document frames (multi-label), primary frame, and paragraph frames.", "layer", (
        DOC_ID, L("frames", FRAMES, "All frames the document uses.", many=True),
        L("primary_frame", FRAMES, "The document's one primary frame."),
        ST("paragraphs", "Primary frame of every paragraph.", [
            S("paragraph_id", "Paragraph id.", ref="paragraph"),
            L("frame", FRAMES, "Primary frame; null for non-substantive lines.", nullable=True),
        ], many=True),
    ), key=("doc_id",), items="paragraphs"),
    Config("bias_sentences", "BABE-style sentence bias and opinion labels.", "layer", (
        DOC_ID, ST("sentences", "One item per sentence.", [
            S("sentence_id", "Sentence id.", ref="sentence"),
            L("label", BIAS_LABELS, "Biased or non-biased."), L("opinion", OPINION_LABELS, "Opinion."),
        ], many=True),
    ), key=("doc_id",), items="sentences"),
    Config("bias_spans", "Spans that use a persuasion technique.", "layer", (
        DOC_ID, ST("spans", "Technique spans.", [
            *span_fields(with_id=True), L("technique", TECHNIQUES, "Persuasion technique."),
            S("target_entity_id", "Entity the technique targets, if any.", nullable=True, ref="entity"),
            L("polarity", PORTRAYALS, "Polarity toward the target.", nullable=True),
        ], many=True),
    ), key=("doc_id",), items="spans", id_prefix="b"),
    Config("facts", "Which inventory facts each document reports, with evidence.", "layer", (
        DOC_ID, ST("facts", "One item per inventory fact of the story.", [
            S("fact_id", "Fact id.", ref="fact"), B("reported", "True when the document reports it."),
            ST("evidence", "Evidence spans.", span_fields(), many=True),
        ], many=True),
    ), key=("doc_id",), items="facts"),
    Config("quotes", "Direct quotations and their speakers.", "layer", (
        DOC_ID, ST("quotes", "Quotations.", [
            *span_fields(with_id=True),
            S("speaker_entity_id", "Speaker; null when unattributed.", nullable=True, ref="entity"),
        ], many=True),
    ), key=("doc_id",), items="quotes", id_prefix="q"),
]

CONFIGS: dict[str, Config] = {}
for _c in _CONFIGS:
    if _c.name in CONFIGS:
        raise ValueError(f"duplicate config {_c.name}")
    CONFIGS[_c.name] = _c

DEFAULT_CONFIG = "documents"
LAYERS = tuple(c.name for c in _CONFIGS if c.source == "layer")
INVENTORIES = tuple(c.name for c in _CONFIGS if c.source == "inventory")


def walk(fields: tuple[Field, ...], prefix: str = "") -> Iterator[tuple[str, Field]]:
    """Yield (dotted path, field) for every field, nested ones included."""
    for f in fields:
        path = f"{prefix}{f.name}"
        yield path, f
        if f.dtype == "struct":
            yield from walk(f.children, path + "[].")
