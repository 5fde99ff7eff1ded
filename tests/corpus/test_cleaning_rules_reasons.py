"""Bylines, advertisements and credits are removed with reasons of their own, and the seeds' removal
records keep the reasons they were frozen with (gold annotations point into the seeds' clean texts)."""
from samestory.corpus.cleaning import MORE_RULES, clean
from samestory.corpus.store import load_documents
from samestory.schema import REMOVAL_REASONS

BODY = "Russia and Ukraine held talks in Istanbul on Friday, the first since 2022."

SEED_REASONS = {
    "author_bio": "author_bio", "blank_lines": "blank_lines", "brand_tag": "outlet_tag",
    "caption_duplicate": "image_caption", "counter": "widget", "icon_label": "decoration",
    "image_caption": "image_caption", "login_prompt": "widget", "picker_heading": "navigation",
    "picker_option": "navigation", "read_more": "teaser", "related_heading": "related_links",
    "repeated_headline": "repeated_headline", "tags_label": "widget", "trailing_whitespace": "edge_whitespace",
}
"""Rule → reason of every removal in the five seeds, as released with the gold annotations."""


def _cut(raw):
    return {(r.rule, r.reason) for r in clean(raw).removals if r.reason not in ("blank_lines", "edge_whitespace")}


def test_cleaning_rules_reasons_byline_advertisement_credit():
    assert {"byline", "advertisement", "credit"} <= set(REMOVAL_REASONS)
    raw = (f"Talks end with a prisoner swap but no ceasefire\n\nBy Jane Doe and Omer Celik\n\n{BODY}\n\n"
           f"Advertisement\n\n{BODY} They agreed a swap.\n\nReporting by Jane Doe; Editing by Tom Smith\n")
    r = clean(raw)
    assert _cut(raw) == {("byline_line", "byline"), ("advertisement", "advertisement"), ("wire_credits", "credit")}
    assert r.byline == "Jane Doe and Omer Celik" and r.author_bio is None  # a byline is not a bio
    assert {x.name: x.reason for x in MORE_RULES}["advertisement"] == "advertisement"


def test_cleaning_rules_reasons_of_the_seeds_are_unchanged():
    seen = {}
    for d in load_documents():
        for r in d["removals"]:
            seen.setdefault(r["rule"], set()).add(r["reason"])
    assert seen == {rule: {reason} for rule, reason in SEED_REASONS.items()}
