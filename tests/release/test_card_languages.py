"""The card's language list and multilinguality are counted from the data, not typed."""
import yaml

from samestory.release.card import front_matter, section_languages


def _stats(*stories):
    return {"stories": list(stories), "story_ids": [s["story_id"] for s in stories]}


def test_card_languages_monolingual_seed_like():
    st = _stats({"story_id": "a", "languages": {"en": 5}, "translations": 0,
                 "machine_translated_ids": [["003_x", "en"]]})
    meta = yaml.safe_load(front_matter(st).strip().strip("-"))
    assert meta["language"] == ["en"] and meta["multilinguality"] == "monolingual"
    text = section_languages({"stats": st})
    assert "English (`en`) | 5" in text and "`003_x` reads as a machine translation into English" in text


def test_card_languages_multilingual_with_translations():
    st = _stats({"story_id": "a", "languages": {"en": 5}, "translations": 0, "machine_translated_ids": []},
                {"story_id": "b", "languages": {"en": 6, "id": 1, "it": 1, "ru": 2, "uk": 1, "zh": 1},
                 "translations": 1, "machine_translated_ids": []})
    meta = yaml.safe_load(front_matter(st).strip().strip("-"))
    assert meta["language"] == ["en", "id", "it", "ru", "uk", "zh"]
    assert meta["multilinguality"] == ["multilingual", "translation"]
    text = section_languages({"stats": st})
    assert "English (`en`) | 11" in text and "Multilingual: 6 language(s) over 17 documents." in text
    assert "1 document(s) are translations" in text
