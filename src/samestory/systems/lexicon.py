"""`lexicon`: sentiment valence (VADER) and a separate loaded-language list, for portrayal, bias and loaded words.

Valence and loadedness are different things: "peace", "agreement" and "prisoner" carry strong VADER
valence but are the plain words of a news report; "dictator", "regime" or "aggressor" are loaded whatever
their valence. So:
entity_portrayal: mean VADER compound of the sentences that mention the entity (±0.05 cut-offs).
bias_sentences: biased when the compound is outside ±threshold or the sentence holds a loaded term;
opinion follows the compound's strength. bias_spans: occurrences of `LOADED_TERMS` only, as Loaded_Language.
English only: documents in other languages are skipped with a warning (declared in system.json).
"""
from __future__ import annotations

import re
from functools import lru_cache

from samestory import schema
from samestory.systems import System, progress, register
from samestory.systems.resources import (ENTITY_TABLE, Resources, alias_matches, canonical_forms,
                                           framed_entities, resource)

LOADED_TERMS = (
    # name-calling and delegitimising labels for people, governments and forces
    "dictator", "dictators", "dictatorship", "despot", "tyrant", "tyranny", "regime", "regimes", "junta",
    "puppet", "puppets", "stooge", "lackey", "henchmen", "cronies", "thug", "thugs", "warmonger", "warmongers",
    "warmongering", "aggressor", "aggressors", "invader", "invaders", "occupier", "occupiers", "terrorist",
    "terrorists", "neo-Nazi", "neo-Nazis", "Nazi", "Nazis", "fascist", "fascists", "war criminal", "war criminals",
    "butcher", "mouthpiece", "propagandist", "propagandists", "vassal", "traitor", "traitors", "rogue state",
    "extremists", "mercenaries", "Russophobe", "Russophobia", "Russophobic",
    # emotive verbs, nouns and adjectives that judge rather than report
    "atrocity", "atrocities", "massacre", "slaughter", "bloodbath", "bloodthirsty", "barbaric", "savage",
    "brutal", "brutality", "ruthless", "evil", "sinister", "nefarious", "shameful", "disgraceful", "outrageous",
    "hysteria", "hysterical", "sham", "farce", "charade", "circus", "stunt", "ploy", "smokescreen", "humiliation",
    "humiliating", "capitulation", "blackmail", "meddling", "illegitimate", "so-called", "cannon fodder",
    "meat grinder", "genocidal", "annihilate", "annihilation", "onslaught", "rampage", "hypocrisy", "hypocritical",
    "liar", "liars", "appeasement", "catastrophic", "disastrous",
)
"""Loaded-language terms (matched case-insensitively as whole words; a term inside a longer capitalised name
such as "Kiev regime" is matched by its loaded word). Written from general knowledge of political name-calling
and emotive wording (the Loaded_Language and Name_Calling examples of the propaganda-technique literature),
not from the documents or gold of this dataset; valence plays no part."""

_LOADED = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(t) for t in sorted(LOADED_TERMS, key=lambda t: (-len(t), t)))
                     + r")(?![\w-])", re.I)


@lru_cache(maxsize=1)
def analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def compound(text: str) -> float:
    return analyzer().polarity_scores(text)["compound"]


def polarity(score: float, cut: float) -> str:
    return "positive" if score >= cut else "negative" if score <= -cut else "neutral"


def loaded_words(text: str) -> list[tuple[int, int]]:
    """(start, end) of every loaded term of LOADED_TERMS (longest first, no overlaps)."""
    return [m.span() for m in _LOADED.finditer(text)]


def predict(documents: list[dict], resources: Resources, params: dict, configs=None) -> dict[str, list[dict]]:
    out = {"entity_frames": [], "bias_sentences": [], "bias_spans": []}
    configs = configs or tuple(out)
    for doc in progress(documents, "lexicon"):
        text = doc["text"]
        scores = {s["id"]: compound(text[s["start"]:s["end"]]) for s in doc["sentences"]}
        entities = framed_entities(doc, resources) if "entity_frames" in configs else []
        hits = alias_matches(text, canonical_forms(entities))
        loaded = loaded_words(text)
        items = []
        for e in entities:
            sents = {s["id"] for h in hits if h.entity_id == e["entity_id"] for s in doc["sentences"]
                     if s["start"] <= h.start < s["end"]}
            mean = sum(scores[s] for s in sents) / len(sents) if sents else 0.0
            items.append({"entity_id": e["entity_id"], "main_role": "none", "fine_roles": [],
                          "portrayal": polarity(mean, params["portrayal_cut"]), "evidence": []})
        out["entity_frames"].append({"doc_id": doc["doc_id"], "entities": items})

        sentences = []
        for s in doc["sentences"]:
            c = abs(scores[s["id"]])
            has_loaded = any(s["start"] <= a < s["end"] for a, _ in loaded)
            sentences.append({"sentence_id": s["id"],
                              "label": "biased" if c >= params["bias_threshold"] or has_loaded else "non-biased",
                              "opinion": ("opinion" if c >= params["opinion_threshold"] else
                                          "mixed" if c >= params["bias_threshold"] else "factual")})
        out["bias_sentences"].append({"doc_id": doc["doc_id"], "sentences": sentences})

        spans = [{"id": schema.CONFIGS["bias_spans"].item_id(i), "start": a, "end": b, "text": text[a:b], "technique": "Loaded_Language",
                  "target_entity_id": None, "polarity": None}
                 for i, (a, b) in enumerate(loaded, 1)]
        out["bias_spans"].append({"doc_id": doc["doc_id"], "spans": spans})
    return {c: out[c] for c in configs}


VADER = resource("VADER sentiment lexicon", "lexicon",
                 "The valence lexicon shipped inside vaderSentiment (Hutto & Gilbert 2014), used for sentence "
                 "compound scores only.", source="https://pypi.org/project/vaderSentiment/", version="3.3.2",
                 license="MIT")
LOADED = resource("loaded-language term list", "lexicon",
                  f"{len(LOADED_TERMS)} English name-calling and emotive terms written from general knowledge of "
                  "propaganda-technique examples, not from this dataset's documents or gold; separate from valence.",
                  source="src/samestory/systems/lexicon.py (LOADED_TERMS)")

register(System(
    name="lexicon", version="2.0.0",
    description="VADER compound scores of sentences for entity portrayal and sentence bias (a sentence with a "
                "loaded term is biased too); a hand-written loaded-language list, kept apart from sentiment "
                "valence, for Loaded_Language spans. English only.",
    tasks=("entity_portrayal", "bias_sentences", "bias_spans"), predict=predict, languages=("en",),
    defaults={"portrayal_cut": 0.05, "bias_threshold": 0.3, "opinion_threshold": 0.7},
    resources=lambda params: [VADER, LOADED, ENTITY_TABLE],
    url="https://github.com/cjhutto/vaderSentiment"))
