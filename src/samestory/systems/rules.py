"""`rules-clean` and `rules-aliases`: transparent offline extraction baselines for `ner`, `linking`, `quotes`.

Both find capitalised-word chunks and type them by simple cues (title before → PER, organisation head
word → ORG, -ian/-ish adjective → NORP, Slavic surname ending → PER, …), and take quotation-mark pairs,
attributed to the nearest linked PER/ORG name in the same paragraph. They differ in what they know:

- `rules-clean` links a chunk by name normalisation against the entity table's canonical names only
  (`resources.CanonicalLinker`), NIL otherwise; nothing it reads comes from the test documents.
- `rules-aliases` first matches every alias of the entity table, and the aliases were compiled from the
  test documents (misspellings included): it is declared test-informed and never ranked among clean systems.

Both are English-only (their cues are English words); documents in other languages are skipped.
"""
from __future__ import annotations

import re

from samestory.layers.mentions import name_items
from samestory.systems import System, progress, register
from samestory.systems.resources import (ENTITY_ALIASES, ENTITY_TABLE, CanonicalLinker, Resources,
                                           alias_matches, resource)

TITLES = {"President", "Minister", "Secretary", "Spokesman", "spokesman", "Spokeswoman", "spokeswoman",
          "Mr", "Mr.", "Ms", "Ms.", "Mrs", "Mrs.", "Dr", "Dr.", "aide", "Chancellor", "Prime", "Premier",
          "leader", "Leader", "negotiator", "head", "Head", "envoy", "Envoy", "Dictator", "adviser",
          "advisor", "Ambassador", "ambassador", "General", "Gen.", "King", "Queen", "Pope", "Senator"}
"""Words that, directly before a capitalised chunk, make it a person."""
TITLE_WORDS = TITLES | {"Foreign", "Defence", "Defense", "Deputy", "Vice", "Chief", "Senior", "State",
                        "Officials", "Official", "Presidential", "Former", "Acting", "Interior", "Affairs"}
"""Words stripped from the front of a chunk: "Foreign Minister Hakan Fidan" → "Hakan Fidan"."""
ORG_HEADS = {"Ministry", "Council", "Union", "Party", "Agency", "Institute", "Organization",
             "Organisation", "Office", "Committee", "Commission", "Department", "Service", "Forces",
             "Army", "Bank", "Press", "News", "Times", "Post", "Network", "Corporation", "Inc.", "Group",
             "Administration", "Parliament", "Assembly", "Kremlin", "Duma", "Agency", "Foundation",
             "International", "Novosti", "Media", "TV", "Radio", "Broadcasting", "Channel", "Daily", "Herald",
             "Tribune", "Gazette", "Telegraph", "Guardian", "Journal", "Insider", "Ministry", "Government",
             "University", "Company", "Fund", "Alliance", "Movement", "Front", "Coalition", "Embassy"}
FAC_HEADS = {"Palace", "Hotel", "Square", "Airport", "Bridge", "Building", "Tower", "Stadium", "Hall"}
LOC_HEADS = {"Sea", "River", "Ocean", "Mountains", "Region", "Peninsula", "East", "West", "Europe"}
EVENT_HEADS = {"Day", "War", "Summit", "Conference", "Games", "Olympics", "Forum"}
NORP_SUFFIXES = ("ian", "ians", "ish", "ese", "ans", "ean", "eans", "ic")
SURNAME_SUFFIXES = ("ov", "ev", "ova", "eva", "sky", "skyy", "skiy", "ski", "enko", "chuk", "vich", "yan", "ian",
                    "shvili", "oglu", "dze")
"""Endings that make a lone capitalised word a person rather than a place (Umerov, Medinsky, Zelenskyy)."""
SPEECH_VERBS = {"said", "says", "told", "added", "stated", "noted", "wrote", "argued", "claimed", "insisted"}
MAX_CHUNK_WORDS = 5
"""Longer capitalised runs are headlines, menus or titles, not names."""
STOP_CAPS = {
    "The", "A", "An", "In", "On", "At", "But", "And", "Or", "If", "When", "While", "After", "Before",
    "During", "Since", "As", "It", "He", "She", "They", "We", "I", "You", "This", "That", "These",
    "Those", "There", "Their", "His", "Her", "Our", "My", "Its", "For", "From", "To", "Of", "With",
    "By", "According", "However", "Nevertheless", "Meanwhile", "Still", "Yet", "So", "Also", "One",
    "Two", "Both", "Some", "Many", "Most", "Such", "What", "Who", "Why", "How", "Where", "No", "Not",
    "Friday", "Thursday", "Monday", "Tuesday", "Wednesday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "READ", "MORE", "Referring", "Speaking", "Asked", "Following", "Despite", "Although", "Instead",
    "Last", "First", "New", "Next", "Now", "Then", "Today", "Yesterday", "Here", "All", "Any", "Each",
    "Every", "Under", "Over", "Into", "Among", "Between", "Without", "Within", "Against", "Once",
}
"""Capitalised words that start sentences or name dates rather than entities (never chunk heads)."""

_TOKEN = re.compile(r"[A-Z][\w’'.-]*\w|[A-Z]")
_POSSESSIVE = re.compile(r"(’s|'s|’|')$")
QUOTE_PAIRS = (("\u201c", "\u201d"), ('"', '"'), ("\u2018", "\u2019"))


def _norm(s: str) -> str:
    """Normalised name for linking: possessive cut, dots and hyphens dropped, case folded."""
    s = _POSSESSIVE.sub("", s.strip())
    return re.sub(r"[.\s\-‐]+", " ", s).strip().casefold()


def _chunks(text: str, taken: list[tuple[int, int]], starts: set[int]) -> list[tuple[int, int]]:
    """Runs of capitalised tokens (joined by single spaces) that do not overlap `taken` spans; leading
    stop words and titles are cut, and a lone word opening a sentence is dropped (capitalised anyway)."""
    out, run = [], []

    def close():
        word = lambda r: text[r[0]:r[1]]  # noqa: E731
        while run and word(run[0]) in STOP_CAPS:
            run.pop(0)
        named_head = run and word(run[-1]) in ORG_HEADS | FAC_HEADS | LOC_HEADS | EVENT_HEADS
        titles = [i for i in range(len(run) - 1) if word(run[i]) in TITLES] if run and not named_head else []
        if titles:  # "Russian President Vladimir Putin" → "Russian" (a demonym) and "Vladimir Putin"
            prefix = [r for r in run[:titles[-1]] if word(r) not in TITLE_WORDS]
            if len(prefix) == 1 and word(prefix[0]).endswith(NORP_SUFFIXES):
                out.append(prefix[0])
            del run[:titles[-1] + 1]
        while run and not named_head and text[run[0][0]:run[0][1]] in TITLE_WORDS:
            run.pop(0)
        if run and not (len(run) == 1 and (run[0][0] in starts or text[run[0][0] - 1:run[0][0]] in "“\"‘")):
            out.append((run[0][0], run[-1][1]))
        run.clear()

    for m in _TOKEN.finditer(text):
        a, b = m.span()
        if a > 0 and text[a - 1].isalnum():
            continue
        word = _POSSESSIVE.sub("", m.group())
        b = a + len(word)
        overlaps = any(a < e and s < b for s, e in taken) or re.search(r"-[a-z]", word) is not None
        adjacent = run and text[run[-1][1]:a] == " "
        if overlaps or (run and not adjacent):
            close()
        if overlaps:
            continue
        run.append((a, b))
        if word.endswith(".") and len(word) > 3:
            close()
    close()
    return out


def _type(text: str, start: int, end: int) -> str:
    words = text[start:end].split()
    before = text[max(0, start - 40):start].split()
    head = words[-1]
    if head in ORG_HEADS or (len(head) > 1 and head.isupper() and len(words) == 1):
        return "ORG"
    if head in FAC_HEADS:
        return "FAC"
    if head in EVENT_HEADS and len(words) > 1:
        return "EVENT"
    if head in LOC_HEADS:
        return "LOC"
    if before and before[-1] in TITLES:
        return "PER"
    after = text[end:end + 20].split()
    if len(words) == 1:
        if head.endswith(("ians", "ish", "ese", "ans", "eans")):
            return "NORP"
        if after and after[0].strip(",.") in SPEECH_VERBS:
            return "PER"
        if len(head) > 4 and head.endswith(SURNAME_SUFFIXES) and not head.endswith(NORP_SUFFIXES):
            return "PER"
        if head.endswith(NORP_SUFFIXES):
            return "NORP"
    return "PER" if len(words) > 1 else "GPE"


def mentions(doc: dict, entities: list[dict], aliases: bool = False) -> list[dict]:
    """NAM mentions: typed capitalised chunks linked by canonical name; with `aliases`, entity-table alias
    matches first and the aliases also used for linking (test-informed)."""
    text = doc["text"]
    linker = CanonicalLinker(entities)
    index: dict[str, dict] = {}
    spans = []
    if aliases:
        for e in entities:
            for a in (e["name"], *e.get("aliases", [])):
                index.setdefault(_norm(a), e)
        spans = [(h.start, h.end, h.type, h.entity_id) for h in alias_matches(text, entities)]
    starts = {s["start"] for s in doc["sentences"]}
    for a, b in _chunks(text, [(s, e) for s, e, _, _ in spans], starts):
        if len(text[a:b].split()) > MAX_CHUNK_WORDS:
            continue
        e = index.get(_norm(text[a:b])) if aliases else None
        eid = e["entity_id"] if e else linker.link(text[a:b], _type(text, a, b))
        spans.append((a, b, linker.types[eid] if eid else _type(text, a, b), eid))
    return name_items(text, spans)


def quotes(doc: dict, mention_list: list[dict]) -> list[dict]:
    """Text between paired quotation marks (marks outside, whitespace trimmed), speaker = nearest name."""
    text = doc["text"]
    found = []
    for para in doc["paragraphs"]:
        chunk = text[para["start"]:para["end"]]
        used: list[tuple[int, int]] = []
        for open_mark, close_mark in QUOTE_PAIRS:
            pos = 0
            while True:
                a = chunk.find(open_mark, pos)
                if a < 0:
                    break
                b = chunk.find(close_mark, a + 1)
                if b < 0:
                    break
                pos = b + 1
                if open_mark == "\u2018" and (a > 0 and chunk[a - 1].isalnum()):
                    continue
                if any(s <= a < e for s, e in used):
                    continue
                used.append((a, b + 1))
                inner = chunk[a + 1:b]
                lead = len(inner) - len(inner.lstrip())
                core = inner.strip()
                if core:
                    start = para["start"] + a + 1 + lead
                    found.append((start, start + len(core), para))
    out = []
    for i, (s, e, para) in enumerate(sorted(found, key=lambda q: q[:2]), 1):
        speakers = [m for m in mention_list if m["entity_id"] and m["type"] in ("PER", "ORG")
                    and para["start"] <= m["start"] < para["end"] and not (s <= m["start"] < e)]
        dist = lambda m: (m["start"] - e) if m["start"] >= e else (s - m["end"]) + 0.5
        speaker = min(speakers, key=dist)["entity_id"] if speakers else None
        out.append({"id": f"q{i}", "start": s, "end": e, "text": text[s:e], "speaker_entity_id": speaker})
    return out


def predict(documents: list[dict], resources: Resources, params: dict, configs=None,
            aliases: bool = False) -> dict[str, list[dict]]:
    out = {"mentions": [], "quotes": []}
    for doc in progress(documents, "rules-aliases" if aliases else "rules-clean"):
        ms = mentions(doc, resources.entities.get(doc["story_id"], []), aliases)
        out["mentions"].append({"doc_id": doc["doc_id"], "mentions": ms})
        out["quotes"].append({"doc_id": doc["doc_id"], "quotes": quotes(doc, ms)})
    return out


CUES = resource("capitalisation and cue-word rules", "rules",
                "Hand-written general English cue lists in samestory/systems/rules.py (titles, organisation and "
                "place head words, demonym and surname endings, quotation marks); no list is compiled from the "
                "documents or the gold, though their authors have read these articles.",
                source="src/samestory/systems/rules.py")

register(System(
    name="rules-clean", version="2.0.0",
    description="Capitalised chunks typed by cue words (ner); linking by name normalisation against the entity "
                "table's canonical names only, NIL otherwise (linking); quotation-mark pairs with the nearest "
                "linked speaker (quotes). No alias list, no gold: nothing derived from the test documents.",
    tasks=("ner", "linking", "quotes"), predict=predict, languages=("en",),
    resources=lambda params: [CUES, ENTITY_TABLE]))

register(System(
    name="rules-aliases", version="2.0.0",
    description="rules-clean plus exact matching and linking of every alias of the entity table. The aliases "
                "were compiled from the test documents: test-informed, shown unranked.",
    tasks=("ner", "linking", "quotes"),
    predict=lambda docs, res, params, configs=None: predict(docs, res, params, configs, aliases=True),
    languages=("en",), resources=lambda params: [CUES, ENTITY_TABLE, ENTITY_ALIASES]))
