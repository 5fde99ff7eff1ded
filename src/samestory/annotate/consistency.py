"""Cross-layer consistency checks of a story's gold, declared once in `CHECKS` and run by `validate`.

Each check names the layers it reads and the kind of item it is about; a violation is a validate
problem (file, line, field, expected, found). A reasoned exception lives in the annotations, one line
of `annotations/<story>/exceptions.jsonl`: {"check", "doc_id", "item", "reason"}. An exception without
a reason, or naming an unknown check, document or item, is an error; one that no longer matches a
violation is stale (also an error, so the file never outlives the labels it excuses).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

from samestory import schema
from samestory.annotate import store
from samestory.core.errors import Problem
from samestory.schema import CONFIGS


def merge_rounds(rounds: list[list[tuple[int, dict]]]) -> list[tuple[int, dict]]:
    """Decisions of all rounds, a later round superseding an earlier one: same id, or any field of a
    span whose presence the later round decided (`<span>#present` supersedes `<span>.<field>`)."""
    out: list[tuple[int, dict]] = []
    for rows in rounds:
        ids = {str(r.get("id")) for _, r in rows}
        spans = {i[: -len("#present")] for i in ids if i.endswith("#present")}
        out = [(n, r) for n, r in out if str(r.get("id")) not in ids
               and not any(str(r.get("id")).startswith(sp + ".") for sp in spans)]
        out += rows
    return out

EXCEPTION_FIELDS = (
    schema.S("check", "Name of the cross-layer check (see `samestory.annotate.consistency.CHECKS`)."),
    schema.DOC_ID,
    schema.S("item", "What the violation is about: a sentence, span, fact, target or entity id, a layer, or "
             "an adjudication row id."),
    schema.S("reason", "Why the labels are right although the check flags them (one line, not empty)."),
)
"""Layout of annotations/<story>/exceptions.jsonl (not a released config, so declared here)."""

LOADED_WORD_TECHNIQUES = ("Loaded_Language", "Name_Calling-Labeling")
"""Techniques carried by a word choice that is itself the author's evaluation (codebook 6–7)."""

_QUOTED = re.compile(r"(?<!\w)'(.+?)'(?!\w)")
"""A cue quoted in a stance note: 'words' (apostrophes inside words are not quote marks)."""
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
"""Typographic quotes fold to ASCII ones (one character each, so offsets stay valid)."""


# --- what a check sees -----------------------------------------------------------------------------

@dataclass
class Violation:
    """One inconsistency, reported in the gold file of `layer`, on the document's line."""

    layer: str
    item: str
    field: str
    message: str
    expected: str
    found: str


@dataclass
class DocView:
    """One document with its gold records (one per layer) and its adjudication decisions."""

    doc: dict
    layers: dict[str, dict]
    adjudication: list[dict] = field(default_factory=list)
    story: dict[str, "DocView"] = field(default_factory=dict)
    """Every document of the story (this one included), for checks that compare documents."""
    shared: dict = field(default_factory=dict)
    """A cache shared by the story's views (story-wide indexes are built once)."""
    _cache: dict = field(default_factory=dict)

    def items(self, layer: str) -> list[dict]:
        rec = self.layers.get(layer) or {}
        return [it for it in rec.get(CONFIGS[layer].items) or [] if isinstance(it, dict)]

    @property
    def sentences(self) -> list[dict]:
        return self.doc.get("sentences") or []

    def sentence(self, sentence_id) -> dict | None:
        if "sid" not in self._cache:
            self._cache["sid"] = {s["id"]: s for s in self.sentences}
        return self._cache["sid"].get(sentence_id)

    def sentences_of(self, start: int, end: int) -> list[dict]:
        """Sentences that share at least one character with [start, end)."""
        return [s for s in self.sentences if s["start"] < end and start < s["end"]]

    def bias_label(self) -> dict[str, dict]:
        if "bias" not in self._cache:
            self._cache["bias"] = {it.get("sentence_id"): it for it in self.items("bias_sentences")}
        return self._cache["bias"]

    def in_quote(self, start: int, end: int) -> bool:
        """Inside a direct quotation of the quotes layer, i.e. not the author's voice."""
        return any(q["start"] <= start and end <= q["end"] for q in self.items("quotes"))

    def spans(self) -> list[tuple[int, dict]]:
        return [(i, s) for i, s in enumerate(self.items("bias_spans"))
                if isinstance(s.get("start"), int) and isinstance(s.get("end"), int)]

    def neutral_factual(self, sentence_id: str) -> bool:
        it = self.bias_label().get(sentence_id) or {}
        return it.get("label") == "non-biased" and it.get("opinion") == "factual"

    def ruled_neutral(self) -> list[tuple[int, int, str]]:
        """Surfaces adjudication ruled neutral: (start, end, adjudication id). A technique span the
        decision removed with no gold span left on its text; a sentence decided non-biased."""
        if "neutral" in self._cache:
            return self._cache["neutral"]
        out = []
        gold = [(s["start"], s["end"]) for _, s in self.spans()]
        by_id = {s["id"]: s for s in self.sentences}
        for row in self.adjudication:
            m = _REMOVED_SPAN.fullmatch(str(row.get("where", "")))
            if row.get("layer") == "bias_spans" and m and row.get("decision") is False:
                a, b = int(m["start"]), int(m["end"])
                if not any(s < b and a < e for s, e in gold):
                    out.append((a, b, str(row.get("id"))))
            m = _SENTENCE_LABEL.fullmatch(str(row.get("where", "")))
            if row.get("layer") == "bias_sentences" and m and row.get("decision") == "non-biased":
                s = by_id.get(m["sid"])
                if s:
                    out.append((s["start"], s["end"], str(row.get("id"))))
        self._cache["neutral"] = out
        return out

    def cues(self, note: str | None) -> list[tuple[str, list[tuple[int, int]]]]:
        """The words a note quotes ('…'), each with every place it occurs in the text (ellipses
        stand for any text in between)."""
        text = self.doc.get("text", "").translate(_FOLD)
        out = []
        for cue in _QUOTED.findall(note or ""):
            parts = [p for p in _ELLIPSIS.split(cue.translate(_FOLD)) if p]
            places, i = [], text.find(parts[0]) if parts else -1
            while i != -1:
                end, ok = i + len(parts[0]), True
                for p in parts[1:]:
                    j = text.find(p, end)
                    if j == -1:
                        ok = False
                        break
                    end = j + len(p)
                if ok:
                    places.append((i, end))
                i = text.find(parts[0], i + 1)
            out.append((cue, places))
        return out


_REMOVED_SPAN = re.compile(r"spans\[span=(?P<start>\d+),(?P<end>\d+),(?P<technique>[^\]]+)\] present")
_SENTENCE_LABEL = re.compile(r"sentences\[sentence_id=(?P<sid>[^\]]+)\]\.label")


def _cut(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _sid_text(view: DocView, s: dict) -> str:
    return f"{s['id']} {_cut(view.doc['text'][s['start']:s['end']])!r}"


# --- the checks -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """A declared cross-layer check: what it asks, which layers it reads, what its items are."""

    name: str
    doc: str
    layers: tuple[str, ...]
    """Gold layers read; the check runs on a document only when all of them have its record."""
    item: str
    """What an exception's `item` names: sentence, bias_span, fact, target, entity, layer or decision (the
    id of an adjudication row)."""
    run: Callable[[DocView], Iterator[Violation]]


CHECKS: dict[str, Check] = {}
"""Every cross-layer check by name, in the order they are declared below (the order they run and are listed)."""

ID_LAYERS = tuple(c.name for c in CONFIGS.values() if c.id_prefix)


def _check(layers: tuple[str, ...], item: str, doc: str | None = None):
    """Declare the decorated function a check: named after it (without the leading underscore), asking
    what its docstring says (or `doc`), reading `layers`, about items of kind `item`."""
    def declare(run: Callable[[DocView], Iterator[Violation]]):
        name = run.__name__.lstrip("_")
        if name in CHECKS:
            raise ValueError(f"duplicate check {name}")
        CHECKS[name] = Check(name, doc or " ".join(run.__doc__.split()), layers, item, run)
        return run
    return declare


def _biased_without_span(view: DocView) -> Iterator[tuple[int, dict]]:
    """(index in bias_sentences, sentence) of every sentence labelled biased that no technique span touches."""
    spans = view.spans()
    for i, it in enumerate(view.items("bias_sentences")):
        s = view.sentence(it.get("sentence_id"))
        if s is not None and it.get("label") == "biased" and not any(
                sp["start"] < s["end"] and s["start"] < sp["end"] for _, sp in spans):
            yield i, s


@_check(("bias_sentences", "bias_spans"), "sentence")
def _biased_sentence_has_technique(view: DocView) -> Iterator[Violation]:
    """A sentence labelled biased holds at least one technique span."""
    neutral = view.ruled_neutral()
    for i, s in _biased_without_span(view):
        if any(a < s["end"] and s["start"] < b for a, b, _ in neutral):
            continue  # reported by ruled_neutral_cue_of_sentence_bias, with the decision that caused it
        yield Violation("bias_sentences", s["id"], f"sentences[{i}].label",
                        "sentence labelled biased holds no technique span",
                        "a bias_spans span in the sentence, or label non-biased",
                        f"biased, no span in {_sid_text(view, s)}")


@_check(("bias_spans", "bias_sentences"), "bias_span")
def _technique_in_biased_sentence(view: DocView) -> Iterator[Violation]:
    """A technique span in the author's voice (outside every quote) lies in a sentence labelled biased."""
    labels = view.bias_label()
    for i, sp in view.spans():
        if view.in_quote(sp["start"], sp["end"]):
            continue  # a quoted speaker's technique: the sentence may neutrally report it (codebook 6)
        sents = view.sentences_of(sp["start"], sp["end"])
        if sents and not any((labels.get(s["id"]) or {}).get("label") == "biased" for s in sents):
            yield Violation("bias_spans", str(sp.get("id")), f"spans[{i}]",
                            "technique span in the author's voice lies in no sentence labelled biased",
                            "its sentence labelled biased, or no span",
                            f"{sp.get('id')} {sp.get('technique')} {_cut(str(sp.get('text')))!r} in "
                            + ", ".join(f"{s['id']} ({(labels.get(s['id']) or {}).get('label')})" for s in sents))


@_check(("bias_sentences", "bias_spans"), "sentence")
def _ruled_neutral_cue_of_sentence_bias(view: DocView) -> Iterator[Violation]:
    """A sentence whose only technique span adjudication removed (none left on its text) is not biased."""
    neutral = [n for n in view.ruled_neutral() if "/spans[" in n[2]]
    for i, s in _biased_without_span(view):
        hits = [n for n in neutral if n[0] < s["end"] and s["start"] < n[1]]
        if hits:
            yield Violation("bias_sentences", s["id"], f"sentences[{i}].label",
                            "sentence stays biased although its only technique span was ruled neutral "
                            "in adjudication", "label non-biased, or another cue in the sentence",
                            f"{_sid_text(view, s)}; decision " + ", ".join(h[2] for h in hits))


@_check(("stance",), "target")
def _ruled_neutral_cue_of_stance(view: DocView) -> Iterator[Violation]:
    """A favor/against stance does not rest only on cues in text adjudication ruled neutral."""
    neutral = view.ruled_neutral()
    for i, it in enumerate(view.items("stance")):
        if it.get("label") in (None, "neutral"):
            continue
        places = [p for _, ps in view.cues(it.get("note")) for p in ps]
        if places and all(any(a <= s and e <= b for a, b, _ in neutral) for s, e in places):
            ids = sorted({n[2] for s, e in places for n in neutral if n[0] <= s and e <= n[1]})
            yield Violation("stance", str(it.get("target")), f"stances[{i}].label",
                            "every cue the note quotes lies in text adjudication ruled neutral",
                            "a cue outside ruled-neutral text, or label neutral",
                            f"{it.get('label')}; decision " + ", ".join(ids))


@_check(("entity_frames", "mentions"), "entity")
def _ruled_neutral_cue_of_entity_role(view: DocView) -> Iterator[Violation]:
    """A cast entity (role not none) does not rest only on mentions in text adjudication ruled neutral."""
    neutral = view.ruled_neutral()
    mentions = {m.get("id"): m for m in view.items("mentions")}
    for i, it in enumerate(view.items("entity_frames")):
        if it.get("main_role") in (None, "none"):
            continue
        ev = [mentions[m] for m in it.get("evidence") or [] if m in mentions]
        if ev and all(any(a <= m["start"] and m["end"] <= b for a, b, _ in neutral) for m in ev):
            ids = sorted({n[2] for m in ev for n in neutral if n[0] <= m["start"] and m["end"] <= n[1]})
            yield Violation("entity_frames", str(it.get("entity_id")), f"entities[{i}].main_role",
                            "every evidence mention of a cast entity lies in text adjudication ruled neutral",
                            "evidence outside ruled-neutral text, or main_role none",
                            f"{it.get('main_role')}; decision " + ", ".join(ids))


@_check(("stance",), "target")
def _stance_cue_found(view: DocView) -> Iterator[Violation]:
    """A favor/against stance note quotes at least one cue that occurs in the text."""
    for i, it in enumerate(view.items("stance")):
        if it.get("label") in (None, "neutral"):
            continue
        cues = view.cues(it.get("note"))
        if not any(ps for _, ps in cues):
            yield Violation("stance", str(it.get("target")), f"stances[{i}].note",
                            "a favor/against stance quotes no cue that occurs in the text (codebook 4)",
                            "at least one 'quoted' cue found in the text",
                            "no quoted cue" if not cues else "not in text: " + "; ".join(_cut(c, 40) for c, _ in cues))


@_check(("stance", "bias_sentences"), "target")
def _stance_cue_not_neutral_factual(view: DocView) -> Iterator[Violation]:
    """A favor/against stance's cues in the author's voice are not all in sentences judged non-biased and factual."""
    for i, it in enumerate(view.items("stance")):
        if it.get("label") in (None, "neutral"):
            continue
        own = [(c, p) for c, ps in view.cues(it.get("note")) for p in ps if not view.in_quote(*p)]
        if not own:
            continue
        sents = {s["id"]: s for _, p in own for s in view.sentences_of(*p)}
        if sents and all(view.neutral_factual(sid) for sid in sents):
            yield Violation("stance", str(it.get("target")), f"stances[{i}].label",
                            "every cue in the author's voice lies in sentences judged non-biased and factual",
                            "a cue in a biased or opinion sentence, or a selection cue recorded as an exception",
                            f"{it.get('label')}; " + ", ".join(_sid_text(view, s) for s in sents.values()))


@_check(("entity_frames", "mentions", "bias_sentences"), "entity")
def _role_evidence_not_neutral_factual(view: DocView) -> Iterator[Violation]:
    """A cast entity's evidence mentions in the author's voice are not all in sentences judged non-biased and
    factual."""
    mentions = {m.get("id"): m for m in view.items("mentions")}
    for i, it in enumerate(view.items("entity_frames")):
        if it.get("main_role") in (None, "none"):
            continue
        own = [mentions[m] for m in it.get("evidence") or [] if m in mentions
               and not view.in_quote(mentions[m]["start"], mentions[m]["end"])]
        sents = {s["id"]: s for m in own for s in view.sentences_of(m["start"], m["end"])}
        if sents and all(view.neutral_factual(sid) for sid in sents):
            yield Violation("entity_frames", str(it.get("entity_id")), f"entities[{i}].main_role",
                            "every evidence mention in the author's voice lies in sentences judged non-biased "
                            "and factual", "evidence in a biased or opinion sentence, or a selection cue recorded "
                            "as an exception", f"{it.get('main_role')}; "
                            + ", ".join(_sid_text(view, s) for s in sents.values()))


@_check(("bias_sentences", "bias_spans"), "sentence")
def _loaded_word_opinion(view: DocView) -> Iterator[Violation]:
    """A biased sentence holding an author's Loaded_Language or Name_Calling-Labeling span is mixed or opinion, not
    factual."""
    labels = view.bias_label()
    index = {it.get("sentence_id"): i for i, it in enumerate(view.items("bias_sentences"))}
    flagged: dict[str, list[str]] = {}
    for _, sp in view.spans():
        if sp.get("technique") not in LOADED_WORD_TECHNIQUES or view.in_quote(sp["start"], sp["end"]):
            continue
        for s in view.sentences_of(sp["start"], sp["end"]):
            it = labels.get(s["id"]) or {}
            if it.get("label") == "biased" and it.get("opinion") == "factual":
                flagged.setdefault(s["id"], []).append(f"{sp.get('id')} {_cut(str(sp.get('text')), 30)!r}")
    for sid, what in flagged.items():
        yield Violation("bias_sentences", sid, f"sentences[{index[sid]}].opinion",
                        "sentence biased by an author's loaded word is labelled factual",
                        "mixed or opinion", f"factual; {sid} holds " + ", ".join(what))


@_check(("facts",), "fact")
def _fact_evidence_spans(view: DocView) -> Iterator[Violation]:
    """Every fact's evidence: inside one sentence, no span containing another (each place once is checked per
    record)."""
    for i, it in enumerate(view.items("facts")):
        ev = [e for e in it.get("evidence") or [] if isinstance(e, dict)
              and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]
        for j, e in enumerate(ev):  # a duplicate span is a per-record error (validate.check_record)
            key = (e["start"], e["end"])
            if len(view.sentences_of(*key)) > 1:
                yield Violation("facts", str(it.get("fact_id")), f"facts[{i}].evidence[{j}]",
                                "evidence span crosses a sentence boundary", "a clause inside one sentence",
                                f"{key[0]}..{key[1]} over " + ", ".join(
                                    s["id"] for s in view.sentences_of(*key)))
        for j, a in enumerate(ev):
            for k, b in enumerate(ev):
                if j != k and (a["start"], a["end"]) != (b["start"], b["end"]) \
                        and b["start"] <= a["start"] and a["end"] <= b["end"]:
                    yield Violation("facts", str(it.get("fact_id")), f"facts[{i}].evidence[{k}]",
                                    f"evidence span contains evidence[{j}] of the same fact (rule 8.1: the "
                                    "shorter one is the evidence)", "one span per place",
                                    f"{b['start']}..{b['end']} contains {a['start']}..{a['end']}")


def _evidence_texts(view: DocView) -> dict[str, set[str]]:
    """fact id → every surface string that is gold evidence of it somewhere in the story."""
    if "evidence" not in view.shared:
        out: dict[str, set[str]] = {}
        for v in view.story.values():
            for it in v.items("facts"):
                for e in it.get("evidence") or []:
                    if isinstance(e, dict) and isinstance(e.get("text"), str) and e["text"]:
                        out.setdefault(str(it.get("fact_id")), set()).add(e["text"])
        view.shared["evidence"] = out
    return view.shared["evidence"]


_PREFIX = 8
"""Evidence texts of at least this many characters are found through an index of their first characters."""


def _evidence_places(view: DocView) -> dict[str, list[int]]:
    """Evidence text → every start offset where it occurs in this document, in one pass over the text: an
    index of the story's evidence texts by their first characters keeps the cost linear in the story's size
    (searching every text in every document grows with its square)."""
    if "evidence_index" not in view.shared:
        index: dict[str, list[str]] = {}
        short: list[str] = []
        for t in sorted({t for ts in _evidence_texts(view).values() for t in ts}):
            if len(t) < _PREFIX:
                short.append(t)
            else:
                index.setdefault(t[:_PREFIX], []).append(t)
        view.shared["evidence_index"] = index, short
    (index, short), text = view.shared["evidence_index"], view.doc.get("text", "")
    places: dict[str, list[int]] = {}
    for t in short:  # shorter than the prefix: searched directly (few, short)
        j = text.find(t)
        while j != -1:
            places.setdefault(t, []).append(j)
            j = text.find(t, j + 1)
    for j in range(len(text) - _PREFIX + 1):
        for t in index.get(text[j:j + _PREFIX], ()):
            if text.startswith(t, j):
                places.setdefault(t, []).append(j)
    return places


@_check(("facts",), "fact")
def _fact_evidence_every_place(view: DocView) -> Iterator[Violation]:
    """A text that is evidence of a fact anywhere in the story is evidence of it wherever it occurs."""
    texts, places = _evidence_texts(view), _evidence_places(view)
    for i, it in enumerate(view.items("facts")):
        fid = str(it.get("fact_id"))
        ev = [(e["start"], e["end"]) for e in it.get("evidence") or [] if isinstance(e, dict)
              and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]
        missed = []
        for t in sorted(texts.get(fid, ())):
            for j in places.get(t, ()):
                if not any(a <= j and j + len(t) <= b for a, b in ev):
                    missed.append(f"{_cut(t, 40)!r} at {j}..{j + len(t)}")
        if missed:
            yield Violation("facts", fid, f"facts[{i}].evidence",
                            "text that is evidence of this fact elsewhere in the story is not evidence here "
                            "(codebook 8: every place that states it)",
                            "an evidence span covering it (reported true)",
                            f"reported={it.get('reported')}; " + "; ".join(missed[:3]))


@_check(("facts",), "fact")
def _rejected_evidence_not_accepted(view: DocView) -> Iterator[Violation]:
    """A text adjudication rejected as evidence of a fact is not accepted as its evidence elsewhere."""
    texts = _evidence_texts(view)
    for row in view.adjudication:
        m = _CONTAINS.fullmatch(str(row.get("where", "")))
        if row.get("layer") != "facts" or row.get("decision") is not False or not m or m["list"] != "facts":
            continue
        surface = view.doc.get("text", "")[int(m["start"]):int(m["end"])]
        if surface in texts.get(m["val"], ()):
            where = sorted(did for did, v in view.story.items() for it in v.items("facts")
                           if str(it.get("fact_id")) == m["val"]
                           and any(e.get("text") == surface for e in it.get("evidence") or [] if isinstance(e, dict)))
            yield Violation("facts", m["val"], f"facts[fact_id={m['val']}].evidence",
                            "adjudication rejected this text as evidence of the fact, yet it is evidence of the "
                            "same fact elsewhere", "one decision for the same text",
                            f"{_cut(surface, 40)!r} rejected in {row.get('id')}; accepted in " + ", ".join(where))


_CONTAINS = re.compile(r"(?P<list>\w+)\[(?P<key>\w+)=(?P<val>[^\]]+)\]\.(?P<field>\w+) contains "
                       r"\((?P<start>\d+), (?P<end>\d+)\)")
_VALUE = re.compile(r"(?P<list>\w+)\[(?P<key>\w+)=(?P<val>[^\]]+)\]\.(?P<field>\w+)")
_SPAN_VALUE = re.compile(r"spans\[span=(?P<start>\d+),(?P<end>\d+),(?P<technique>[^\]]+)\]\.(?P<field>\w+)")
_LABEL_IN = re.compile(r"(?P<field>\w+) contains (?P<label>.+)")


def _gold_value(view: DocView, layer: str, where: str):
    """(understood, value in gold) of an adjudicated place: (False, None) when the form is unknown."""
    rec = view.layers.get(layer) or {}
    spans = [s for _, s in view.spans()] if layer == "bias_spans" else []
    if m := _REMOVED_SPAN.fullmatch(where):
        return True, any((s["start"], s["end"], s.get("technique")) == (int(m["start"]), int(m["end"]),
                                                                       m["technique"]) for s in spans)
    if m := _SPAN_VALUE.fullmatch(where):
        hit = [s for s in spans if (s["start"], s["end"], s.get("technique")) == (int(m["start"]), int(m["end"]),
                                                                                m["technique"])]
        return True, hit[0].get(m["field"]) if hit else "<no such span>"
    m = _CONTAINS.fullmatch(where) or _VALUE.fullmatch(where)
    if m and isinstance(rec.get(m["list"]), list):
        item = next((it for it in rec[m["list"]] if isinstance(it, dict) and str(it.get(m["key"])) == m["val"]), None)
        if item is None:
            return True, "<no such item>"
        value = item.get(m["field"])
        if "start" not in m.groupdict():
            return True, value
        want = (int(m["start"]), int(m["end"]))
        if layer == "entity_frames":  # evidence holds mention ids
            mentions = {x.get("id"): x for x in view.items("mentions")}
            value = [(mentions[i]["start"], mentions[i]["end"]) for i in value or [] if i in mentions]
        else:
            value = [(e.get("start"), e.get("end")) for e in value or [] if isinstance(e, dict)]
        return True, want in value
    if (m := _LABEL_IN.fullmatch(where)) and isinstance(rec.get(m["field"]), list):
        return True, m["label"] in rec[m["field"]]
    return False, None


@_check((), "decision")
def _adjudication_followed(view: DocView) -> Iterator[Violation]:
    """Gold holds what every machine-readable adjudication decision decided."""
    for row in view.adjudication:
        layer, where = row.get("layer"), str(row.get("where", ""))
        if layer not in view.layers or "decision" not in row:
            continue
        understood, value = _gold_value(view, layer, where)
        if understood and value != row["decision"]:
            yield Violation(layer, str(row.get("id")), where,
                            "gold differs from the adjudication decision (adjudication/disagreements*.jsonl)",
                            repr(row["decision"]), repr(value))


@_check((), "layer",
        doc="Ids of " + ", ".join(ID_LAYERS) + " run 1…n in text order (by start, then the longer span first).")
def _span_ids_in_text_order(view: DocView) -> Iterator[Violation]:
    for layer in ID_LAYERS:
        if layer not in view.layers:
            continue
        prefix, name = CONFIGS[layer].id_prefix, CONFIGS[layer].items
        items = [it for it in view.items(layer) if isinstance(it.get("start"), int) and isinstance(it.get("end"), int)]
        ids = [str(it.get("id")) for it in items]
        want = [f"{prefix}{n}" for n in range(1, len(items) + 1)]
        if sorted(ids, key=_natural) != want:
            missing, extra = sorted(set(want) - set(ids), key=_natural), sorted(set(ids) - set(want), key=_natural)
            yield Violation(layer, layer, name, f"{layer} ids are not {prefix}1…{prefix}{len(items)} without gaps",
                            f"{prefix}1…{prefix}{len(items)}",
                            f"missing {', '.join(missing) or 'none'}; unexpected {', '.join(extra) or 'none'}")
            continue
        by_id = sorted(items, key=lambda it: _natural(str(it["id"])))
        for a, b in zip(by_id, by_id[1:]):
            if (a["start"], -a["end"]) > (b["start"], -b["end"]):
                idx = items.index(b)
                yield Violation(layer, layer, f"{name}[{idx}].id",
                                f"{layer} ids not in text order (by start, then the longer span first)",
                                f"{b['id']} after {a['id']} ({a['start']}..{a['end']})",
                                f"{b['id']} at {b['start']}..{b['end']}")
                break


def _natural(s: str):
    head = s.rstrip("0123456789")
    tail = s[len(head):]
    return (head, int(tail) if tail else -1, s)


def item_ids(kind: str, view: DocView, inventories: dict[str, set]) -> set[str]:
    """Every id an exception of this item kind may name in the document."""
    if kind == "sentence":
        return {s["id"] for s in view.sentences}
    if kind == "bias_span":
        return {str(s.get("id")) for s in view.items("bias_spans")}
    if kind == "fact":
        return set(inventories.get("fact", ()))
    if kind == "target":
        return set(inventories.get("target", ()))
    if kind == "entity":
        return set(inventories.get("entity", ()))
    if kind == "layer":
        return set(ID_LAYERS)
    if kind == "decision":
        return {str(r.get("id")) for r in view.adjudication}
    raise ValueError(f"unknown item kind {kind!r}")


# --- running them -----------------------------------------------------------------------------------

@dataclass
class GoldFile:
    """A gold layer file as read by the validator: its path and (line, record) rows."""

    path: Path
    rows: list[tuple[int, dict]]


def check_story(story_dir: Path, docs: dict[str, dict], gold: dict[str, GoldFile],
                adjudication: list[tuple[int, dict]], exceptions: list[tuple[int, dict]],
                inventories: dict[str, set]) -> list[Problem]:
    """Run every check on every document; return the violations not excused, plus the exceptions that
    are malformed, unknown or stale, and adjudication rows of unknown documents."""
    where: dict[tuple[str, str], tuple[Path, int]] = {}
    records: dict[str, dict[str, dict]] = {}
    for layer, gf in gold.items():
        for line, rec in gf.rows:
            did = rec.get("doc_id")
            if did in docs:
                records.setdefault(did, {})[layer] = rec
                where[(layer, did)] = (gf.path, line)
    problems: list[Problem] = []
    adj: dict[str, list[dict]] = {}
    for line, row in adjudication:
        if row.get("doc_id") not in docs:
            problems.append(Problem(str(story_dir / store.ADJUDICATION), "adjudication row of an unknown document",
                                    line=line, field="doc_id", expected="a doc_id of the story",
                                    found=repr(row.get("doc_id"))[:80]))
            continue
        adj.setdefault(row["doc_id"], []).append(row)
    found: dict[tuple[str, str, str], list[Problem]] = {}
    views: dict[str, DocView] = {}
    shared: dict = {}
    for did in sorted(docs):
        views[did] = DocView(docs[did], records.get(did, {}), adj.get(did, []), views, shared)
    for did, view in views.items():
        for check in CHECKS.values():
            if any(layer not in view.layers for layer in check.layers):
                continue
            for v in check.run(view):
                path, line = where.get((v.layer, did), (store.layer_file(store.gold_dir(story_dir), v.layer), None))
                found.setdefault((check.name, did, v.item), []).append(Problem(
                    str(path), f"[{check.name} {did} {v.item}] {v.message}", line=line, field=v.field,
                    expected=v.expected, found=v.found))
    exc_path = str(story_dir / store.EXCEPTIONS)
    excused: set[tuple[str, str, str]] = set()
    for line, rec in exceptions:
        name, did, item, reason = (rec.get(k) for k in ("check", "doc_id", "item", "reason"))
        bad = None
        if set(rec) != {f.name for f in EXCEPTION_FIELDS}:
            bad = ("exception needs exactly the fields check, doc_id, item, reason",
                   "check, doc_id, item, reason", ", ".join(sorted(map(str, rec))), None)
        elif not all(isinstance(v, str) for v in (name, did, item, reason)):
            bad = ("exception fields must be strings", "strings", repr(rec)[:80], None)
        elif name not in CHECKS:
            bad = ("unknown check", "one of " + ", ".join(CHECKS), name, "check")
        elif did not in views:
            bad = ("unknown document for this story", "a doc_id of the story", did, "doc_id")
        elif item not in item_ids(CHECKS[name].item, views[did], inventories):
            bad = (f"unknown {CHECKS[name].item} for check {name}", f"a {CHECKS[name].item} id of {did}", item, "item")
        elif not reason.strip():
            bad = ("an exception needs a reason", "a non-empty reason", "''", "reason")
        elif (name, did, item) in excused:
            bad = ("duplicate exception", "one line per check, doc_id and item", f"{name} {did} {item}", "item")
        elif (name, did, item) not in found:
            bad = ("stale exception: the check no longer finds this violation; remove the line",
                   f"a current {name} violation", f"{did} {item}", "item")
        if bad:
            message, expected, got, fld = bad
            problems.append(Problem(exc_path, message, line=line, field=fld, expected=expected, found=got))
        else:
            excused.add((name, did, item))
    for key, probs in found.items():
        if key not in excused:
            problems += probs
    return problems


def violation_report(problems: list[Problem], root: Path | None = None) -> str:
    """A plain-text list of violations, grouped and counted per check (paths relative to `root`)."""
    per: dict[str, list[Problem]] = {name: [] for name in CHECKS}
    other = []
    for p in problems:
        if root is not None and Path(p.file).is_absolute():
            try:
                p = replace(p, file=Path(p.file).relative_to(root).as_posix())
            except ValueError:
                pass
        m = re.match(r"\[(\w+) ", p.message)
        (per[m[1]] if m and m[1] in per else other).append(p)
    lines = ["Written by `samestory validate --violations FILE`; checks listed by `samestory validate --list-checks`.",
             f"{len(problems)} cross-layer problem(s); exceptions go in annotations/<story>/{store.EXCEPTIONS} as "
             '{"check": ..., "doc_id": ..., "item": ..., "reason": ...}', ""]
    for name, ps in per.items():
        lines.append(f"## {name}: {len(ps)} violation(s) — {CHECKS[name].doc}")
        lines += [f"  {p}" for p in ps]
        lines.append("")
    if other:
        lines.append(f"## exceptions file: {len(other)} problem(s)")
        lines += [f"  {p}" for p in other]
    return "\n".join(lines).rstrip() + "\n"
