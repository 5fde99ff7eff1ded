"""Rule-based, deletion-only boilerplate removal: clean text = raw text minus recorded ranges.

Rules work on whole lines and are generic (navigation, widgets, advertisements, teasers, repeated
headlines, captions, bylines, credits, author bios); a per-site profile may add rules. Because cleaning only deletes, every clean offset maps
back to a raw offset through the removals (`clean_to_raw`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from samestory.schema import REMOVAL_REASONS


@dataclass(frozen=True)
class LineRule:
    """A line whose stripped text matches `pattern` is removed for `reason`."""

    name: str
    reason: str
    pattern: re.Pattern
    doc: str

    def __post_init__(self):
        if self.reason not in REMOVAL_REASONS:
            raise ValueError(f"rule {self.name}: unknown reason {self.reason}")


def _rule(name, reason, pattern, doc):
    return LineRule(name, reason, re.compile(pattern), doc)


WIDGET_WORDS = r"(?:Down Icon|Animated Arrow|Up Icon|Close Icon|Search Icon|Menu Icon|Share Icon|Play Icon)"

LINE_RULES: tuple[LineRule, ...] = (
    _rule("picker_heading", "navigation", r"^Select (?:Language|Country|Region|Edition)$",
          "Language/country pickers ('Select Language'); their option lines follow (see picker_option)."),
    _rule("icon_label", "decoration", rf"^(?:{WIDGET_WORDS})+$",
          "Alt text of icons rendered as text ('Down Icon', 'Animated ArrowAnimated Arrow')."),
    _rule("counter", "widget", r"^\d+(?:\s+\d+)*$", "Share/comment counters ('0 0')."),
    _rule("tags_label", "widget", r"^[•·\-\*]?\s*Tags:?$", "Empty tag-list labels ('• Tags:')."),
    _rule("login_prompt", "widget",
          r"^(?:To comment or like please login.*|Log ?in\s*/\s*Register|Sign ?in\s*/\s*Register|"
          r"Login|Sign in to comment.*|Comments?\s*\(\d+\))$",
          "Comment/login widgets."),
    _rule("share_bar", "widget",
          r"^(?:Share(?: this)?(?: article| story)?|Share on (?:Facebook|X|Twitter|WhatsApp)|"
          r"Copy link|Print|Email|Follow us on .+)$",
          "Share bars."),
    _rule("read_more", "teaser",
          r"^(?:READ MORE|Read more|ALSO READ|Also read|RELATED|Related|MORE|Don't miss|DON'T MISS)\s*[:\-–—].+$",
          "Links to other articles ('READ MORE: …')."),
    _rule("related_heading", "related_links",
          r"^(?:Similar News|All News|Related (?:News|Articles|Stories)|More (?:News|Stories)|"
          r"Most Read|Trending(?: Now)?|Latest News|Top Stories|You may also like)$",
          "Headings of related-link blocks."),
    _rule("brand_tag", "outlet_tag", r"^[a-z][a-z0-9\-]{1,30}\.(?:com|co\.uk|in|org|net)?\.?$",
          "A lone lowercase brand token left by a site's logo ('mirror.')."),
    _rule("image_caption", "image_caption",
          r"^.{0,400}\((?:Image|Photo|Picture|Pic|Credit|Photograph|Video)s?:\s*[^)]{1,80}\)$",
          "Image captions with a credit ('… (Image: AP)'). Captions are removed: not article prose."),
)
"""Whole-line rules, applied to every document (the default profile)."""

_SOCIAL = r"(?:Facebook|Twitter|X|WhatsApp|LinkedIn|Telegram|Reddit|Pinterest|E-?[Mm]ail|Flipboard|Messenger)"
_MONTH_DATE = (r"(?:\d{1,2}\.? )?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|janv|févr|mars|avr|mai|juin|juil|"
               r"août|sept|oct|nov|déc|Januar|Februar|März|Juni|Juli|Dezember|Oktober)[a-zé]*\.?(?: \d{1,2},?)? \d{4}")
_CLOCK = r"\d{1,2}[:.h]\d{2}(?:\s?(?:AM|PM|am|pm|a\.m\.|p\.m\.))?(?:\s?(?:Uhr|UTC|GMT|BST|CEST|CET|EDT|EST|IST|ET))?"

MORE_RULES: tuple[LineRule, ...] = (
    _rule("skip_link", "navigation",
          r"^(?:Skip to (?:main )?(?:content|navigation)|Skip navigation|Zum Inhalt springen|Aller au contenu)$",
          "Accessibility skip links ('Skip to main content')."),
    _rule("breadcrumb", "navigation", r"^(?:Home|Startseite|Start|Accueil|Inicio)\s*[>/»›|]\s*\S.{0,150}$",
          "Breadcrumb trails ('Home / World / Europe', 'Startseite > Politik')."),
    _rule("pipe_menu", "navigation", r"^(?:[\w&'’ ]{1,20}\s*\|\s*){2,}[\w&'’ ]{1,20}$",
          "Menus written on one line with pipes ('HOME | NEWS | WORLD')."),
    _rule("timestamp", "decoration",
          rf"^(?:(?:Published|Updated|Last updated|Posted|First published|Veröffentlicht|Aktualisiert|Stand|"
          rf"Publié|Mis à jour|Modifié)\b(?: (?:le|am|on|at))?:?\s(?=.*(?:\d|\bago\b))(?!.*\.$).{{1,80}}|"
          rf"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? )?{_MONTH_DATE}(?:,? (?:at |à )?{_CLOCK})?|"
          rf"\d{{1,2}}\.\d{{1,2}}\.\d{{4}}(?:,? {_CLOCK})?|{_CLOCK},? (?:[A-Z][a-z]{{2}},? )?{_MONTH_DATE})$",
          "Date/time lines of the page ('May 16, 2025 6:41 PM UTC', 'Updated 3 hours ago', '16.05.2025, 18:30 Uhr')."),
    _rule("reading_time", "decoration",
          r"^(?:(?:Lesezeit|Lecture|Temps de lecture|Reading time)\s*:?\s*\d+\s*(?:min(?:ute)?s?|Min)\.?|"
          r"\d+\s*(?:min(?:ute)?s?|Min\.?)\s*(?:read|Lesezeit|de lecture))$",
          "Reading-time badges ('3 min read', 'Lesezeit: 3 Min.')."),
    _rule("advertisement", "advertisement",
          r"^(?:ADVERTISEMENT|Advertisement|Advertisements|Sponsored|Sponsored content|Anzeige|ANZEIGE|Werbung|"
          r"Publicité|PUBLICITÉ|Publicidad|Pubblicità|Story continues below(?: this)? (?:advertisement|ad)|"
          r"Article continues below(?: this)? (?:advertisement|ad)|Weiter nach der Anzeige)$",
          "Advertisement slots left as text ('Advertisement', 'Anzeige', 'Story continues below this ad')."),
    _rule("newsletter", "widget",
          r"^(?:Sign up here\.?|Sign up (?:to|for) .{1,80}|Subscribe (?:to|for) .{1,80}|Get (?:our|the) .{1,40} "
          r"newsletter.{0,60}|Newsletter abonnieren.{0,60}|Abonnez-vous.{0,80}|Inscrivez-vous.{0,80})$",
          "Newsletter and subscription prompts ('Sign up here.')."),
    _rule("paywall_label", "widget",
          r"^(?:Article réservé aux abonnés|Réservé aux abonnés|Subscribers only|Subscriber exclusive|"
          r"Nur für Abonnenten|Exklusiv für Abonnenten)$",
          "Paywall badges ('Article réservé aux abonnés')."),
    _rule("share_multilingual", "widget",
          rf"^(?:Teilen|Partager|Compartir|Condividi|Delen|Share this (?:article|story|page|with .{{1,40}})|"
          rf"Reuse this content|Réutiliser ce contenu|Copy link to clipboard|Link kopieren|Copier le lien|"
          rf"Artikel teilen|Partager sur {_SOCIAL}|Teilen auf {_SOCIAL}|Follow [Uu]s|(?:{_SOCIAL}\s*[|•·,]?\s*){{1,8}})$",
          "Share bars in other wordings and languages, and lines made only of social network names."),
    _rule("comments_widget", "widget",
          r"^(?:Comments|Kommentare|Commentaires|Comentarios|Show comments|View comments|Leave a comment|"
          r"Join the conversation|Kommentar schreiben|Réagir|Kommentare \(\d+\)|Commentaires \(\d+\))$",
          "Comment-section labels."),
    _rule("app_promo", "widget", r"^(?:Download the .{1,40} [Aa]pp\b.{0,80}|Get the .{1,40} [Aa]pp\b.{0,40})$",
          "App download prompts."),
    _rule("teaser_multilingual", "teaser",
          r"^(?:(?:Lesen Sie auch|Lesen Sie mehr|Auch interessant|Mehr dazu|Lire aussi|À lire aussi|A lire aussi|"
          r"Voir aussi|Leer más|Lee también|Leggi anche|Also Read|Read also|Read More|Related article|"
          r"Related video|Related story|Watch|WATCH|Listen|LISTEN)\s*[:\-–—|]\s*\S.+|"
          r"Related (?:article|video|story)\s+\S.+)$",
          "Links to other articles in other wordings and languages ('Lire aussi | …', 'Also Read | …')."),
    _rule("related_heading_multilingual", "related_links",
          r"^(?:Mehr zum Thema|Das könnte Sie auch interessieren|Weitere Artikel|Sur le même sujet|"
          r"Dans la même rubrique|Les plus lus|Explore more on these topics|More on this story|Most viewed|"
          r"Most popular|Read next|Recommended(?: for you)?|Suggested Topics|Related topics|Topics|Themen|"
          r"More from [\w ]{1,30})\s*:?$",
          "Headings of related-link and topic blocks in other wordings and languages."),
    _rule("photo_credit_caption", "image_caption",
          r"^.{0,400}?(?:Photograph|Photo|Foto|Bild|Picture|Crédit photo|Photo credit)s?\s*:\s*[^\s.][^.]{0,80}$",
          "Captions ending in a photo credit ('… Photograph: Murad Sezer/Reuters', '… Foto: dpa')."),
    _rule("wire_credits", "credit",
          r"^(?:(?:Reporting|Writing|Editing|Additional reporting|Compiled|Reporting and writing) by .{1,300}|"
          r"\((?:[Ww]ith|[Aa]vec) (?:inputs|reporting|additional reporting) from .{1,80}\)|"
          r"\(?(?:[Ww]ith|[Aa]vec|[Mm]it Material von) (?:AFP|AP|Reuters|dpa|agencies|Agenturen)[^a-z]{0,40}\)?|"
          r"[A-Z][\w' ]{1,40} (?:avec|with|mit) (?:AFP|AP|Reuters|dpa|agencies)\.?|[Mm]it Material von .{1,80})$",
          "Contributor and agency credits ('Reporting by …; Editing by …', '(With inputs from agencies)')."),
    _rule("site_footer", "navigation",
          r"^(?:Our Standards:.{0,120}|All rights reserved\.?.{0,80}|©.{0,100}|Copyright\b.{0,100}|Impressum|"
          r"Datenschutz(?:erklärung)?|Mentions légales|Privacy Policy|Terms of (?:Use|Service)|"
          r"Cookie (?:Settings|Policy|Preferences))$",
          "Footer lines (copyright, legal links, editorial-standards links)."),
    _rule("gallery_control", "decoration", r"^(?:Hide Caption|Show Caption|\d{1,3} of \d{1,3}|\d{1,3} / \d{1,3})$",
          "Photo-gallery controls ('Hide Caption', '1 of 4')."),
)
"""Generic rules added after the seed release; applied after LINE_RULES, so a seed line keeps the rule
(and reason) it matched first, and the frozen seed clean texts do not change (a test checks it)."""

BROADCAST_RULES: tuple[LineRule, ...] = (
    _rule("video_player", "widget", r"^(?:Video Ad Feedback|Now [Pp]laying|Up next|Replay|Watch Now|Play Video)$",
          "Video-player controls of broadcasters' article pages."),
    _rule("video_duration", "widget", r"^\d{1,2}:\d{2}(?:\s*-\s*Source:\s*.{1,40})?$",
          "Video durations, optionally with their source ('02:14 - Source: Channel 9')."),
    _rule("video_source", "widget", r"^Source: [A-Z][\w .&]{1,40}$", "A video's source line ('Source: Channel 9')."),
)
"""Extra rules for broadcasters' pages with embedded video players: too risky for every page (a line
'Source: …' or '2:14' could be prose elsewhere), so they form a profile of their own."""

DEFAULT_RULES: tuple[LineRule, ...] = LINE_RULES + MORE_RULES

PROFILES: dict[str, tuple[LineRule, ...]] = {"default": DEFAULT_RULES, "broadcast": DEFAULT_RULES + BROADCAST_RULES}
"""Cleaning profiles by name; a site that needs more rules gets a profile of its own (default + extras)."""

BYLINE = re.compile(
    r"^(?:By|BY|Von|VON|Par|PAR|Por|Di|Door|Written by|Text:)\s+(?P<name>[A-ZÀ-Ý][\w'’\-.]+(?: [A-ZÀ-Ý][\w'’\-.]+){1,3}"
    r"(?:(?: and| und| et| y| e| &) [A-ZÀ-Ý][\w'’\-.]+(?: [A-ZÀ-Ý][\w'’\-.]+){1,3})*)"
    r"(?: in [A-ZÀ-Ý][\w\-]+(?: [A-ZÀ-Ý][\w\-]+)?|,? \(.{1,60}\)|\s*[,|–—]\s*[\w .&]{1,40})?$"
)
"""A byline line near the top ('By Jane Doe and Omer Celik', 'Von Anna Schmidt', 'Par Claire Martin (…)').
The name is what precedes ' in <City>', a parenthesis or a comma (', Global Wire' names the agency)."""
BYLINE_WINDOW = 8
"""A byline is only looked for among the first non-blank lines."""
BLOCK_START = re.compile(r"^(?:skip past newsletter promotion|Skip past newsletter promotion)$")
BLOCK_END = re.compile(r"^(?:after newsletter promotion|After newsletter promotion)$")
"""A newsletter promotion block: everything from its start marker to its end marker is removed."""
LIST_HEADINGS = ("related_heading", "related_heading_multilingual", "tags_label")
LIST_ITEM = re.compile(r"^(?!.*[.!?…\"”»:]$)\S+(?: \S+){0,14}$")
"""After a related-links/topics heading, the lines that follow it while they look like list items or
teaser headlines (at most 15 words, no closing punctuation) are removed too."""
MENU_ITEM = re.compile(r"^(?!.*[.!?…\"”»:,]$)\S+(?: \S+){0,2}$")
MENU_RUN = 3
"""At least MENU_RUN consecutive lines (no blank line between) of at most three words without
closing punctuation are a navigation menu or a topic list."""

PICKER_OPTION = re.compile(r"^[A-Z][\w\-]*(?: [A-Z][\w\-]*){0,2}$")
"""An option under a picker heading: one to three capitalised words ('English', 'America')."""

AUTHOR_BIO = re.compile(
    r"^(?P<name>[A-Z][\w'\-]+(?: [A-Z][\w'\-.]+){1,3}) is (?:an? |the )?[^.]{0,120}?"
    r"(?:editor|writer|journalist|reporter|correspondent|contributor|columnist|analyst|author)\b.*$"
)
"""A trailing author biography ('Will Porter is assistant news editor at …'): moved to metadata."""


@dataclass(frozen=True)
class Removal:
    raw_start: int
    raw_end: int
    clean_offset: int
    reason: str
    rule: str
    text: str

    def as_record(self) -> dict:
        return {"raw_start": self.raw_start, "raw_end": self.raw_end, "clean_offset": self.clean_offset,
                "reason": self.reason, "rule": self.rule, "text": self.text}


@dataclass
class CleanResult:
    text: str
    removals: list[Removal]
    title: str | None = None
    """The first line when it recurs as a headline (the page's title); else None."""
    byline: str | None = None
    author_bio: str | None = None
    extra: dict = field(default_factory=dict)


def _lines(raw: str) -> list[tuple[int, int, str]]:
    """(start, end including newline, line text without newline) for each line."""
    out, pos = [], 0
    for chunk in raw.splitlines(keepends=True):
        out.append((pos, pos + len(chunk), chunk.rstrip("\r\n")))
        pos += len(chunk)
    return out


def _decide(lines: list[tuple[int, int, str]], rules: tuple[LineRule, ...]) -> dict[int, tuple[str, str]]:
    """Map line index → (reason, rule) for every line to remove (before blank-line tidying)."""
    marks: dict[int, tuple[str, str]] = {}
    stripped = [t.lstrip("\ufeff").strip() for _, _, t in lines]  # a UTF-8 byte-order mark is not text
    nonblank = [i for i, s in enumerate(stripped) if s]
    in_picker = False
    for i, s in enumerate(stripped):
        if not s:
            continue
        hit = next((r for r in rules if r.pattern.match(s)), None)
        if hit:
            marks[i] = (hit.reason, hit.name)
            in_picker = hit.name == "picker_heading" or (in_picker and hit.reason == "decoration")
            continue
        if in_picker and PICKER_OPTION.match(s):
            marks[i] = ("navigation", "picker_option")
            continue
        in_picker = False
    # A caption without its credit, directly before the same caption with a credit.
    for a, b in zip(nonblank, nonblank[1:]):
        if marks.get(b, ("",))[0] == "image_caption" and a not in marks and stripped[b].startswith(stripped[a]):
            marks[a] = ("image_caption", "caption_duplicate")
    # Repeated headline: later copies of the first line (which is kept and becomes the title).
    if nonblank:
        head = stripped[nonblank[0]]
        for i in nonblank[1:]:
            if stripped[i] == head and len(head.split()) >= 4:
                marks[i] = ("repeated_headline", "repeated_headline")
    # Trailing author bio.
    kept = [i for i in nonblank if i not in marks]
    if kept and AUTHOR_BIO.match(stripped[kept[-1]]):
        marks[kept[-1]] = ("author_bio", "author_bio")
    _decide_structures(stripped, nonblank, marks)
    return marks


def _decide_structures(stripped: list[str], nonblank: list[int], marks: dict[int, tuple[str, str]]) -> None:
    """Rules about positions and runs of lines: byline near the top, newsletter blocks, the items under a
    related-links heading, and menus (runs of very short lines)."""
    for i in nonblank[:BYLINE_WINDOW]:
        if i not in marks and BYLINE.match(stripped[i]):
            marks[i] = ("byline", "byline_line")
            break
    block = None
    for i in nonblank:
        if block is None and BLOCK_START.match(stripped[i]):
            block = [i]
        elif block is not None:
            block.append(i)
            if BLOCK_END.match(stripped[i]):
                marks.update({j: ("widget", "newsletter_block") for j in block})
                block = None
    in_list = False
    for i in nonblank:
        if marks.get(i, ("", ""))[1] in LIST_HEADINGS:
            in_list = True
        elif i in marks:
            continue
        elif in_list and LIST_ITEM.match(stripped[i]):
            marks[i] = ("related_links", "related_list_item")
        else:
            in_list = False
    run: list[int] = []
    for i in range(len(stripped) + 1):
        if i < len(stripped) and stripped[i] and i not in marks and MENU_ITEM.match(stripped[i]):
            run.append(i)
            continue
        if len(run) >= MENU_RUN:
            marks.update({j: ("navigation", "menu_run") for j in run})
        run = []


def clean(raw: str, rules: tuple[LineRule, ...] = DEFAULT_RULES) -> CleanResult:
    """Apply the line rules, then tidy blank lines and edges; return clean text and every removal."""
    lines = _lines(raw)
    marks = _decide(lines, rules)
    stripped = [t.lstrip("\ufeff").strip() for _, _, t in lines]  # a UTF-8 byte-order mark is not text
    cuts: list[tuple[int, int, str, str]] = []
    kept_idx = [i for i in range(len(lines)) if i not in marks]
    prev_blank = True  # drop leading blank lines
    for i in range(len(lines)):
        start, end, _ = lines[i]
        if i in marks:
            cuts.append((start, end, *marks[i]))
            continue
        blank = not stripped[i]
        if blank and prev_blank:
            cuts.append((start, end, "blank_lines", "blank_lines"))
            continue
        prev_blank = blank
    # Trailing blank lines and the final newline/whitespace of the last kept line.
    survivors = [i for i in kept_idx if not any(c[0] == lines[i][0] for c in cuts)]
    while survivors and not stripped[survivors[-1]]:
        i = survivors.pop()
        cuts.append((lines[i][0], lines[i][1], "blank_lines", "blank_lines"))
    if survivors:
        s, e, t = lines[survivors[-1]]
        tail_start = s + len(t.rstrip())
        if tail_start < e:
            cuts.append((tail_start, e, "edge_whitespace", "trailing_whitespace"))
    if raw.startswith("\ufeff") and not any(c[0] == 0 for c in cuts):
        cuts.append((0, 1, "edge_whitespace", "byte_order_mark"))
    cuts.sort()
    removals, out, pos, clean_len = [], [], 0, 0
    for start, end, reason, rule in cuts:
        if start < pos:
            continue
        out.append(raw[pos:start])
        clean_len += start - pos
        removals.append(Removal(start, end, clean_len, reason, rule, raw[start:end]))
        pos = end
    out.append(raw[pos:])
    text = "".join(out)
    bio = next((r.text.lstrip("\ufeff").strip() for r in removals if r.rule == "author_bio"), None)
    byline = AUTHOR_BIO.match(bio).group("name") if bio else None
    if byline is None:
        line = next((r.text.lstrip("\ufeff").strip() for r in removals if r.rule == "byline_line"), None)
        byline = BYLINE.match(line).group("name") if line else None
    first = next((s for s in stripped if s), None)
    repeated = any(r.reason == "repeated_headline" for r in removals)
    return CleanResult(text, removals, title=first if repeated else None, byline=byline, author_bio=bio)


def clean_to_raw(offset: int, removals) -> int:
    """Map a clean-text offset to the raw offset of the same character (removals in clean order)."""
    shift = 0
    for r in removals:
        r = r.as_record() if isinstance(r, Removal) else r
        if r["clean_offset"] > offset:
            break
        shift += r["raw_end"] - r["raw_start"]
    return offset + shift
