"""`lexicon`: VADER (vaderSentiment, which ships its own lexicon) for portrayal, sentence bias and loaded words.

entity_portrayal: mean compound score of the sentences that mention the entity (VADER's ±0.05 cut-offs).
bias_sentences: a sentence whose compound score is outside ±threshold is biased; opinion follows its
strength. bias_spans: words whose VADER lexicon valence is at least `span_valence` in absolute value
are Loaded_Language (the lexicon comes from the package, never from the gold).
"""
from __future__ import annotations

import re
from functools import lru_cache

from samestory.baselines import System, progress, register
from samestory.baselines.resources import Resources, alias_matches, framed_entities

_WORDS = re.compile(r"[A-Za-z][A-Za-z’'-]*[A-Za-z]|[A-Za-z]")


@lru_cache(maxsize=1)
def analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def compound(text: str) -> float:
    return analyzer().polarity_scores(text)["compound"]


def polarity(score: float, cut: float) -> str:
    return "positive" if score >= cut else "negative" if score <= -cut else "neutral"


def loaded_words(text: str, min_valence: float) -> list[tuple[int, int]]:
    """(start, end) of words whose VADER lexicon valence is at least min_valence in absolute value."""
    lex = analyzer().lexicon
    return [m.span() for m in _WORDS.finditer(text)
            if abs(lex.get(m.group().lower().replace("’", "'"), 0.0)) >= min_valence]


def predict(documents: list[dict], resources: Resources, params: dict, configs=None) -> dict[str, list[dict]]:
    out = {"entity_frames": [], "bias_sentences": [], "bias_spans": []}
    configs = configs or tuple(out)
    for doc in progress(documents, "lexicon"):
        text = doc["text"]
        scores = {s["id"]: compound(text[s["start"]:s["end"]]) for s in doc["sentences"]}
        entities = framed_entities(doc, resources) if "entity_frames" in configs else []
        hits = alias_matches(text, entities)
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
            sentences.append({"sentence_id": s["id"],
                              "label": "biased" if c >= params["bias_threshold"] else "non-biased",
                              "opinion": ("opinion" if c >= params["opinion_threshold"] else
                                          "mixed" if c >= params["bias_threshold"] else "factual")})
        out["bias_sentences"].append({"doc_id": doc["doc_id"], "sentences": sentences})

        spans = [{"id": f"b{i}", "start": a, "end": b, "text": text[a:b], "technique": "Loaded_Language",
                  "target_entity_id": None, "polarity": None}
                 for i, (a, b) in enumerate(loaded_words(text, params["span_valence"]), 1)]
        out["bias_spans"].append({"doc_id": doc["doc_id"], "spans": spans})
    return {c: out[c] for c in configs}


register(System(
    name="lexicon", version="1.0.0",
    description="VADER sentiment lexicon: sentence scores for entity portrayal and sentence bias, "
                "strongly valenced lexicon words as Loaded_Language spans.",
    tasks=("entity_portrayal", "bias_sentences", "bias_spans"), predict=predict,
    defaults={"portrayal_cut": 0.05, "bias_threshold": 0.3, "opinion_threshold": 0.7, "span_valence": 2.0},
    url="https://github.com/cjhutto/vaderSentiment"))
