"""Generic cleaning rules: they clean pages of other sites (text and HTML) and leave the seeds alone."""
import json

import pytest

from samestory.corpus.cleaning import BROADCAST_RULES, LINE_RULES, MORE_RULES, PROFILES, clean, clean_to_raw
from samestory.corpus.store import load_documents
from samestory.corpus.ingest import extract, read_source
from samestory.schema import REMOVAL_REASONS
from samestory.corpus.segment import paragraphs
from tests.helpers import FIXTURES, ROOT

FIX = FIXTURES / "ingest"
EXPECTED = json.loads((FIX / "expected.json").read_text(encoding="utf-8"))
CASES = [(name, kind) for name in EXPECTED for kind in ("txt", "html")]


def _input(name, kind):
    src = read_source(FIX / f"{name}.{kind}")
    return src.text if kind == "txt" else extract(src)[0]


def _paras(text):
    return [text[p["start"]:p["end"]] for p in paragraphs(text)]


@pytest.mark.parametrize("name,kind", CASES, ids=[f"{n}.{k}" for n, k in CASES])
def test_cleaning_rules_keep_exactly_the_article(name, kind):
    exp = EXPECTED[name]
    raw = _input(name, kind)
    result = clean(raw, PROFILES[exp["profile"]])
    got = _paras(result.text)
    body = exp["body"]
    if kind == "txt":  # the text copy starts with the headline (after any kept series label)
        assert got == exp.get("txt_kept_boilerplate", []) + [exp["head"]] + body
        assert result.byline == exp["byline"]
    else:  # trafilatura keeps or drops the <h1> depending on the page; the body must be exact
        assert got in (body, [exp["head"]] + body)
    for junk in exp["boilerplate"]:
        assert junk not in result.text, junk
    # deletion only: every clean character maps back to the cleaner's input
    for i, ch in enumerate(result.text):
        assert raw[clean_to_raw(i, result.removals)] == ch
    assert {r.reason for r in result.removals} <= set(REMOVAL_REASONS)


def test_cleaning_rules_broadcast_profile_is_needed_for_video_residue():
    raw = _input("channel9", "txt")
    default = clean(raw, PROFILES["default"]).text
    assert "Video Ad Feedback" in default and "02:14 - Source: Channel 9" in default
    assert "Video Ad Feedback" not in clean(raw, PROFILES["broadcast"]).text


def test_cleaning_rules_new_rules_never_fire_on_the_seeds():
    old = {r.name for r in LINE_RULES} | {"picker_option", "caption_duplicate", "repeated_headline", "author_bio",
                                           "blank_lines", "trailing_whitespace"}
    for d in load_documents():
        assert {r["rule"] for r in d["removals"]} <= old, d["doc_id"]


LINES = {  # line → rule expected (None: kept as prose)
    "Skip to main content": "skip_link",
    "Home / World / Europe": "breadcrumb",
    "Startseite > Politik > Ausland": "breadcrumb",
    "HOME | NEWS | WORLD": "pipe_menu",
    "May 16, 2025 6:41 PM UTC": "timestamp",
    "16.05.2025, 18:30 Uhr": "timestamp",
    "Publié le 16 mai 2025 à 19h02, modifié à 21h15": "timestamp",
    "Fri 16 May 2025 19.02 BST": "timestamp",
    "Lesezeit: 3 Min.": "reading_time",
    "5 min read": "reading_time",
    "Advertisement": "advertisement",
    "Story continues below this ad": "advertisement",
    "Sign up here.": "newsletter",
    "Article réservé aux abonnés": "paywall_label",
    "Facebook Twitter WhatsApp": "share_multilingual",
    "Partager": "share_multilingual",
    "Kommentare": "comments_widget",
    "Download the Capital Times app to get the latest news updates": "app_promo",
    "Lire aussi | Guerre en Ukraine : ce que Moscou exige": "teaser_multilingual",
    "Also Read | Zelensky says ready to meet Putin": "teaser_multilingual",
    "Mehr zum Thema": "related_heading_multilingual",
    "Fidan opened the talks. Photograph: Murad Sezer/Reuters": "photo_credit_caption",
    "Reporting by Jane Doe; Editing by John Roe": "wire_credits",
    "(With inputs from agencies)": "wire_credits",
    "Le Quotidien avec AFP": "wire_credits",
    "© 2025 Global Wire": "site_footer",
    "1 of 4": "gallery_control",
    # prose that must survive
    "Published reports said the talks would resume in June.": None,
    "By Friday evening, both delegations had left the palace.": None,
    "Advertisement boards lined the road to the palace, where the delegations met.": None,
    "Sign up rates for the volunteer battalions rose after the talks, officials said.": None,
    "The photo shows the two delegations. It was taken by a Turkish official.": None,
    "Editing the final statement took longer than the talks themselves.": None,
}


@pytest.mark.parametrize("line,rule", LINES.items(), ids=list(LINES))
def test_cleaning_rules_match_boilerplate_lines_and_spare_prose(line, rule):
    body = "Russia and Ukraine held talks in Istanbul on Friday, the first since 2022."
    result = clean(f"{body}\n\n{line}\n\n{body} They agreed a prisoner swap.\n")
    rules = [r.rule for r in result.removals if r.reason not in ("blank_lines", "edge_whitespace")]
    assert rules == ([rule] if rule else []), rules


def test_cleaning_rules_structures():
    text = ("World\nSport\nCulture\n\nTalks end with a prisoner swap but no ceasefire in Istanbul\n\n"
            "By Jane Doe and Omer Celik\n\n"
            "The first paragraph of the story, with a full sentence.\n\nskip past newsletter promotion\n\n"
            "Sign up to Europe Daily\n\nA short description of the newsletter\n\nafter newsletter promotion\n\n"
            "The second paragraph, also a sentence.\n\nMost viewed\n\nHeatwave warning for the weekend\n\n"
            "Markets fall again\n")
    r = clean(text)
    assert r.byline == "Jane Doe and Omer Celik"
    assert _paras(r.text) == ["Talks end with a prisoner swap but no ceasefire in Istanbul",
                              "The first paragraph of the story, with a full sentence.",
                              "The second paragraph, also a sentence."]
    rules = {x.rule for x in r.removals}
    assert {"byline_line", "newsletter_block", "related_list_item", "menu_run"} <= rules


def test_cleaning_rules_byline_only_near_the_top():
    filler = "".join(f"Paragraph number {i} of the article, a full sentence.\n\n" for i in range(10))
    r = clean(filler + "By Jane Doe\n")
    assert "By Jane Doe" in r.text and r.byline is None


def test_cleaning_rules_byte_order_mark_is_cut():
    raw = "\ufeffHeadline of a story about the talks\n\nBody sentence one.\n"
    r = clean(raw)
    assert r.text == "Headline of a story about the talks\n\nBody sentence one."
    assert r.removals[0].rule == "byte_order_mark" and r.removals[0].raw_end == 1
    assert all(raw[clean_to_raw(i, r.removals)] == ch for i, ch in enumerate(r.text))


def test_cleaning_rules_every_rule_is_documented_with_a_known_reason():
    for rule in LINE_RULES + MORE_RULES + BROADCAST_RULES:
        assert rule.doc and rule.reason in REMOVAL_REASONS
    assert len({r.name for r in LINE_RULES + MORE_RULES + BROADCAST_RULES}) == len(LINE_RULES + MORE_RULES
                                                                                + BROADCAST_RULES)


def test_cleaning_rules_are_all_listed_in_the_docs():
    doc = (ROOT / "docs" / "adding-articles.md").read_text(encoding="utf-8")
    names = {r.name for r in LINE_RULES + MORE_RULES + BROADCAST_RULES} | {
        "picker_option", "caption_duplicate", "repeated_headline", "author_bio", "byline_line",
        "newsletter_block", "related_list_item", "menu_run", "byte_order_mark"}
    assert not [n for n in sorted(names) if f"`{n}`" not in doc]
    assert set(PROFILES) <= {n for n in PROFILES if f"`{n}`" in doc}
