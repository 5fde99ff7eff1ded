"""Language of an article's text, detected with Lingua (lingua-language-detector), recorded as ISO 639-1.

The detector runs over all languages Lingua knows, in its low-accuracy (trigram) mode: fast to load,
and reliable on article-length text (hundreds of characters). Below MIN_CHARS or MIN_CONFIDENCE the
result is reported as unreliable and the caller must ask for `--language` instead of guessing.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version

TOOL = "lingua-language-detector"
MODE = "low_accuracy"
MIN_CHARS = 120
"""Texts shorter than this are too short for a trustworthy detection."""
MIN_CONFIDENCE = 0.80
"""Lingua's confidence (0-1, summing to 1 over languages) the top language needs."""


@dataclass(frozen=True)
class Detection:
    """What the detector found, with enough provenance to check it later."""

    language: str | None
    """ISO 639-1 code of the most likely language, or None when the detector found none."""
    confidence: float
    runner_up: str | None
    runner_up_confidence: float
    reliable: bool
    """True when the text is long enough and the top confidence reaches MIN_CONFIDENCE."""

    def as_record(self) -> dict:
        return {"tool": TOOL, "version": version(TOOL), "mode": MODE, "language": self.language,
                "confidence": round(self.confidence, 4), "runner_up": self.runner_up,
                "runner_up_confidence": round(self.runner_up_confidence, 4), "reliable": self.reliable}


@lru_cache(maxsize=1)
def _detector():
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def _code(language) -> str:
    return language.iso_code_639_1.name.lower()


def detect(text: str) -> Detection:
    """The most likely language of `text`, its confidence and the runner-up."""
    values = _detector().compute_language_confidence_values(text) if text.strip() else []
    if not values or values[0].value <= 0:  # no language scored at all (digits, symbols)
        return Detection(None, 0.0, None, 0.0, False)
    top = values[0]
    second = values[1] if len(values) > 1 else None
    reliable = len(text.strip()) >= MIN_CHARS and top.value >= MIN_CONFIDENCE
    return Detection(_code(top.language), float(top.value), second and _code(second.language),
                     float(second.value) if second else 0.0, reliable)


def has_sentencizer(language: str) -> bool:
    """True when spaCy has a blank pipeline (tokenizer + rule-based sentencizer) for the language."""
    from spacy.util import get_lang_class

    try:
        get_lang_class(language)
    except ImportError:
        return False
    return True


def is_iso639_1(code: str) -> bool:
    """True for a two-letter lower-case ISO 639-1 code that Lingua or spaCy knows."""
    from lingua import IsoCode639_1

    if len(code) != 2 or not code.isalpha() or not code.islower():
        return False
    return hasattr(IsoCode639_1, code.upper()) or has_sentencizer(code)
