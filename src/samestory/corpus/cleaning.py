"""Rule-based, deletion-only boilerplate removal: clean text = raw text minus recorded ranges.

Cleaner v1 (the seed release's, frozen) applies whole-line rules; cleaner v2 adds multilingual rules,
repeated-text detection and jusText's paragraph classifier (each line a paragraph). Rules work on whole
lines and are generic (navigation, widgets, advertisements, teasers, repeated headlines, captions, bylines,
credits, author bios); a per-site profile may add rules. Because cleaning only deletes, every clean offset
maps back to a raw offset through the removals (`clean_to_raw`).
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


# --- cleaner v2: v1's rules plus multilingual rules, repeated text and jusText's paragraph classifier ---------

CLEANERS = ("v1", "v2")
"""Cleaner versions. A document records the version that made its clean text (`cleaner` in documents.jsonl;
absent means v1, the seed release's cleaner). v1 is frozen: annotations point into its output."""
CURRENT_CLEANER = "v2"
"""The version `samestory add` uses for new documents."""

_DATE_WORDS = (
    # labels
    "published updated posted last modified first on at am pm a.m p.m utc gmt wib wita wit msk eest eet cet cest bst "
    "edt est ist et kyiv kiev moscow beijing time ago hours hour minutes minute mins days day yesterday today "
    "опубліковано оновлено опубликовано обновлено дата публікації публикации о в год року года г р "
    "сьогодні вчора сегодня вчера хв мин тому назад "
    "发布时间 发布 更新 时间 日期 年 月 日 时 分 "
    "diterbitkan diperbarui dipublikasikan pukul jam hari ini kemarin menit lalu "
    "pubblicato aggiornato alle ore oggi ieri il "
    # weekdays and months (en, uk, ru, id, it)
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "понеділок вівторок середа четвер пʼятниця п'ятниця субота неділя "
    "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня "
    "понедельник вторник среда четверг пятница суббота воскресенье "
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря "
    "senin selasa rabu kamis jumat sabtu minggu januari februari maret mei juni juli agustus oktober desember "
    "lunedì martedì mercoledì giovedì venerdì sabato domenica "
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre "
    "星期一 星期二 星期三 星期四 星期五 星期六 星期日 周一 周二 周三 周四 周五 周六 周日"
).split()
DATE_WORDS = frozenset(_DATE_WORDS)
"""Words a date/time line may contain besides numbers: labels, weekdays, months and time zones (en, uk, ru,
zh, id, it, plus English abbreviations). A line made only of these, numbers and punctuation is a timestamp."""
_TOKEN = re.compile(r"\d+|[^\W\d_]+(?:['ʼ.][^\W\d_]+)*")
MAX_TIMESTAMP_CHARS = 80
SOURCE_TAIL = re.compile(r"\s*[|·]?\s*(?:来源|Source|Джерело|Источник|Sumber|Fonte)\s*[:：]\s*\S[^|]{0,40}$")
"""A source named after the date ('2025-05-16 23:45:10 来源：新华网') is part of the timestamp line."""


def is_timestamp(line: str) -> bool:
    """A line that is only a date and/or time ('2025-05-16T18:30:00Z', '16 May 2025 | 14:05 UTC+8',
    '16 травня 2025, 18:30', '2025-05-16 23:45 来源：新华网', 'Jumat, 16 Mei 2025 21:05 WIB')."""
    line = SOURCE_TAIL.sub("", line)
    if len(line) > MAX_TIMESTAMP_CHARS or not re.search(r"\d", line):
        return False
    tokens = _TOKEN.findall(line.replace("T", " ") if re.match(r"^\d{4}-\d\d-\d\dT", line) else line)
    words = [t for t in tokens if not t.isdigit()]
    digits = [t for t in tokens if t.isdigit()]
    return bool(digits) and any(len(d) == 4 or ":" in line for d in digits) and \
        all(w.lower().strip(".") in DATE_WORDS or re.fullmatch(r"[TZ]", w) for w in words)


_SOCIAL2 = (r"(?:Facebook|Twitter|X|WhatsApp|LinkedIn|Telegram|Viber|VK|VKontakte|ВКонтакте|Weibo|WeChat|微博|微信|"
            r"QQ|Reddit|Pinterest|E-?mail|Email|Instagram|YouTube|TikTok)")
V2_RULES: tuple[LineRule, ...] = (
    _rule("advertisement_label", "advertisement",
          r"^(?:ADVERTISEMENT|Advertisement|Sponsored(?: content)?|Ad|AD|Реклама|РЕКЛАМА|广告|推广|Iklan|IKLAN|"
          r"Pubblicità|PUBBLICITÀ|Sponsorizzato|Anzeige)\s*[:：.\-–—|]\s*.{0,160}$",
          "An advertisement label followed by the ad's text ('Advertisement: Cheap flights to …')."),
    _rule("advertisement_word", "advertisement",
          r"^(?:Реклама|РЕКЛАМА|广告|推广|Iklan|IKLAN|Sponsorizzato|Scroll to continue with content|"
          r"Continue reading below|Продовження нижче|Читайте далі)$", "Advertisement slots in other languages."),
    _rule("url_only", "decoration",
          r"^(?:[\w .]{0,30}[:：]\s*)?(?:(?:https?://|www\.)\S+|\S+\.(?:jpe?g|png|webp|gif|svg|avif)(?:\?\S*)?)"
          r"(?:\s+(?:(?:https?://|www\.)\S+|\S+\.(?:jpe?g|png|webp|gif|svg|avif)\S*))*$",
          "A line made of web addresses or image files ('https://cdn.example.com/img/123.jpg')."),
    _rule("photo_credit", "image_caption",
          r"^[(\[]?(?:Photo|Photos|Image|Picture|Foto|Фото|Фотографія|Фотография|Ілюстрація|Иллюстрация|图|图片|"
          r"图片来源|摄影|Sumber foto|Sumber gambar|Credit|Credits|Crédit)\s*(?:credit|by)?\s*[:：/©]\s*.{1,120}$",
          "Photo credits ('Photo: Murad Sezer / Reuters', 'Фото: РИА Новости', '图片来源：新华社')."),
    _rule("agency_credit", "credit", r"^(?:[A-ZА-ЯІЇЄ]{2,}[A-ZА-ЯІЇЄ .]*)(?:\s*/\s*[\w .'’\-]+)+$",
          "Agency/photographer credit lines ('REUTERS/Murad Sezer', 'AFP / Ozan Kose')."),
    _rule("source_line", "credit",
          r"^(?:Source|Sources|Джерело|Источник|来源|Sumber|Fonte)\s*[:：]\s*\S.{0,60}$",
          "'Source: …' lines ('来源：新华网', 'Джерело: Укрінформ')."),
    _rule("tag_list", "widget",
          r"^(?:Tags|TAGS|Tag|Topics|Теги|Теґи|Мітки|Метки|Теми|Темы|标签|关键词|关键字|Topik|Tag terkait|Argomenti|"
          r"Parole chiave)\s*[:：]\s*.{0,300}$", "Tag lists on one line ('Tags: Russia, Ukraine, Istanbul')."),
    _rule("hashtags", "widget", r"^(?:#[^\s#]+[\s,]*){2,}$", "A line of hashtags."),
    _rule("subscribe", "widget",
          r"^(?:Subscribe|SUBSCRIBE|Sign up|Підпишіться|Підписуйтесь|Подпишитесь|Подписывайтесь|Подписаться|订阅|"
          r"关注我们|Berlangganan|Langganan|Ikuti kami|Ikuti|Iscriviti|Abbonati|Seguici|Follow us|Join our)"
          r"\b.{0,200}$", "Subscription and follow prompts ('Subscribe now for unlimited access…')."),
    _rule("share", "widget",
          rf"^(?:Share|SHARE|Поділитися|Поделиться|Поширити|分享(?:到)?|Bagikan|Condividi|Share this)\b"
          rf"(?:\s*(?:on|in|at|via|у|в|ke|su|:|：)?\s*(?:{_SOCIAL2}\s*[,|•·/]?\s*)+.{{0,20}}|\s*[:：]?\s*|…|\.\.\.)$",
          "Share bars ('Share on Facebook, Twitter…', 'Поділитися:', '分享到：微博 微信')."),
    _rule("social_names", "widget", rf"^(?:{_SOCIAL2}\s*[|•·,/]?\s*){{2,10}}$", "Lines made of social network names."),
    _rule("comments_footer", "widget",
          r"^(?:Comments?|Коментарі|Коментарів|Комментарии|Комментариев|评论|网友评论|Komentar|Commenti)\s*"
          r"[(\[]?\s*\d*\s*[)\]]?\s*(?:[|•·:]\s*.{0,80})?$",
          "Comment counters and footers ('Comments (12) | Log in to comment')."),
    _rule("login_to_comment", "widget",
          r"^(?:Log ?in|Sign ?in|Увійдіть|Войдите|登录|Masuk|Accedi)\b.{0,40}(?:comment|коментувати|"
          r"комментировать|评论|berkomentar|commentare).{0,20}$", "'Log in to comment' prompts."),
    _rule("wordpress_widgets", "widget",
          r"^(?:Like this:?|Like Loading\.{0,3}|Loading\.{0,3}|Share this:?|Related|RELATED|Print Friendly.*|"
          r"Click to share on .{1,40}|Click to print.*|Click to email.*)$",
          "Blog-platform widgets ('Like this:', 'Loading...', 'Share this:')."),
    _rule("read_also", "teaser",
          r"^(?:Читайте також|Читайте также|Читай також|Також читайте|Дивіться також|Смотрите также|阅读更多|相关阅读|"
          r"延伸阅读|Baca juga|Baca Juga|BACA JUGA|Leggi anche|LEGGI ANCHE|Read also|ALSO READ|Also read|"
          r"READ ALSO|RELATED NEWS|Related News|Related|Don't miss|See also)\s*[:：\-–—|]\s*\S.{0,200}$",
          "Links to other articles ('Читайте також: …', 'Baca juga: …', '相关阅读：…')."),
    _rule("related_heading_v2", "related_links",
          r"^(?:Новини за темою|Читайте також|Читайте также|Похожие новости|Другие новости|Последние новости|"
          r"Останні новини|Популярне|Популярное|相关新闻|热门新闻|推荐阅读|Berita Terkait|Artikel Terkait|"
          r"Berita Lainnya|Terpopuler|Potrebbe interessarti|Altre notizie|Ultime notizie|Più letti|"
          r"Latest|Popular|Most read|More from .{1,30}|Tags|Теги|标签|Topik|Argomenti)\s*:?$",
          "Headings of related-link and tag blocks in other languages ('Новини за темою', '相关新闻')."),
    _rule("info_box_heading", "related_links",
          r"^(?:FAST FACTS|Fast facts|Key facts|KEY FACTS|FACTBOX|Factbox|FACTBOX-.{1,60}|At a glance|"
          r"IN BRIEF|In brief|Довідка|ДОВІДКА|Справка|СПРАВКА|背景资料|背景链接|Fakta singkat|FAKTA|Scheda|"
          r"IN SINTESI|In sintesi)\s*:?$",
          "Headings of info boxes (fact boxes); their item lines follow (see related_list_item)."),
    _rule("byline_label", "byline",
          r"^(?:Author|Автор|Авторка|Редактор|Penulis|Editor|Reporter|Pewarta|记者|编辑|责任编辑|作者|Redazione|"
          r"Autore)\s*[:：]?\s*[^\s.]{1,}(?: [^\s.]{1,}){0,4}$",
          "Author and editor labels ('Автор: Олена Коваль', '责任编辑：王磊', 'Penulis: Rina Sari')."),
    _rule("byline_dated", "byline",
          r"^(?:By|BY|Di|Oleh|Автор|От)\s+[A-ZА-ЯІЇЄ][\w'’\-.]+(?: [A-ZА-ЯІЇЄ][\w'’\-.]+){1,3}\s*[|,–—·]\s*.{0,60}\d.{0,20}$",
          "A byline followed by a date ('By Chinedu Okafor | May 16, 2025 8:40 pm')."),
    _rule("read_time_v2", "decoration",
          r"^(?:\d+\s*(?:хв|мин|分钟|menit|min)\.?\s*(?:читання|чтения|阅读|baca|di lettura|read)?|"
          r"(?:Views|Переглядів|Просмотров|阅读量|Dilihat)\s*[:：]?\s*[\d,. ]+|[\d,. ]+\s*(?:views|переглядів|просмотров))$",
          "Reading-time and view counters ('3 хв читання', 'Просмотров: 1 204')."),
    _rule("support_appeal", "widget",
          r"^(?=.{1,220}$).*\b(?:Support (?:us|our journalism|independent journalism)|Become a (?:member|patron|"
          r"subscriber)|Donate now|Підтримайте нас|Поддержите нас|Dukung kami|Sostienici)\b.*$",
          "Membership and donation appeals ('Become a member', 'Support us to keep going.')."),
    _rule("copyright_v2", "navigation",
          r"^(?:©|\(c\)|Copyright|Усі права захищено|Все права защищены|版权所有|Hak cipta|Tutti i diritti).{0,160}$",
          "Copyright lines in other languages."),
)
"""Multilingual line rules of cleaner v2, tried after the profile's v1 rules (a line keeps the first rule it
matches)."""
V2_LIST_HEADINGS = (*LIST_HEADINGS, "related_heading_v2", "info_box_heading")
TERMINAL = re.compile(r"[.!?…。！？»”\"')\]]$")
"""A line that ends like a sentence; jusText's context classification alone never removes such a line."""
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
JUSTEXT_PARAMS = {"length_low": 70, "length_high": 200, "stopwords_low": 0.30, "stopwords_high": 0.32,
                  "max_link_density": 0.2, "max_heading_distance": 200}
"""jusText's published defaults (Pomikálek 2011), used as they are."""


def _words(s: str) -> int:
    """Word count; CJK characters count one word per two characters (no spaces between words)."""
    cjk = len(CJK.findall(s))
    return len(s.split()) + cjk // 2


def _norm(s: str) -> str:
    return " ".join(s.casefold().split())


def stoplist_for(language: str | None) -> tuple[str, frozenset]:
    """(name, stopwords) of jusText's stoplist for an ISO 639-1 code; ('none', empty) when jusText has none,
    which switches jusText to its language-independent mode (length and link density only)."""
    import justext

    if language:
        try:
            from lingua import IsoCode639_1, Language

            name = Language.from_iso_code_639_1(getattr(IsoCode639_1, language.upper())).name.title()
        except (AttributeError, ValueError, ImportError):
            name = None
        if name in justext.get_stoplists():
            return name, frozenset(justext.get_stoplist(name))
    return "none", frozenset()


HEADLINE_MIN_WORDS = 3
"""The shortest headline candidate (e.g. 'Mazungumzo ya Istanbul'); shorter lines above the first paragraph
are left to the rules and to jusText's context."""


def _justext_classes(stripped: list[str], nonblank: list[int], marks: dict[int, tuple[str, str]],
                     language: str | None) -> tuple[dict[int, str], int | None]:
    """jusText's context-sensitive class (good/bad) of every non-blank line: each line becomes a <p> (its
    web addresses <a> links, the headline candidate an <h1>); lines already removed by a rule enter as
    known boilerplate ('bad'), so their neighbours are judged in context. Returns (classes, headline line)."""
    from html import escape

    from justext.core import (ParagraphMaker, classify_paragraphs, html_to_dom, preprocessor,
                              revise_paragraph_classification)

    if not nonblank:
        return {}, None
    name, stop = stoplist_for(language)
    params = dict(JUSTEXT_PARAMS)
    if not stop:
        params.update(stopwords_low=0.0, stopwords_high=0.0)
    first_prose = next((i for i in nonblank if i not in marks and TERMINAL.search(stripped[i])
                        and len(stripped[i]) >= params["length_low"]), None)
    heading = None
    for i in nonblank:
        if first_prose is not None and i >= first_prose:
            break
        if i not in marks and not TERMINAL.search(stripped[i]) and _words(stripped[i]) >= HEADLINE_MIN_WORDS:
            heading = i
    parts = []
    for i in nonblank:
        body = re.sub(r"(?:https?://|www\.)[^\s<]+", r'<a href="#">\g<0></a>', escape(stripped[i], quote=False))
        tag = "h1" if i == heading else "p"
        parts.append(f"<{tag}>{body}</{tag}>")
    html = "<html><body>" + "".join(parts) + "</body></html>"
    paragraphs = ParagraphMaker.make_paragraphs(preprocessor(html_to_dom(html.encode("utf-8"), "utf-8", None,
                                                                         "replace")))
    if len(paragraphs) != len(nonblank):  # a line jusText dropped or merged: classify nothing rather than guess
        return {}, heading
    classify_paragraphs(paragraphs, stop, params["length_low"], params["length_high"], params["stopwords_low"],
                        params["stopwords_high"], params["max_link_density"])
    for i, p in zip(nonblank, paragraphs):
        if i in marks:
            p.cf_class = "bad"
    revise_paragraph_classification(paragraphs, params["max_heading_distance"])
    return {i: p.class_type for i, p in zip(nonblank, paragraphs)}, heading


def _decide_v2(lines: list[tuple[int, int, str]], rules: tuple[LineRule, ...], language: str | None):
    """v1's decisions with the v2 rules added, then repeated text, runs of short lines across single blank
    lines, list items under info-box and tag headings, and jusText's paragraph classifier."""
    marks = _decide(lines, rules + V2_RULES)
    stripped = [t.lstrip("\ufeff").strip() for _, _, t in lines]
    nonblank = [i for i, s in enumerate(stripped) if s]
    for i in nonblank:  # v1's run rules count words by spaces: a CJK sentence is not a menu item
        if marks.get(i, ("", ""))[1] in ("menu_run", "related_list_item") and \
                (TERMINAL.search(stripped[i]) or _words(stripped[i]) > 15):
            del marks[i]
        elif i not in marks and is_timestamp(stripped[i]):
            marks[i] = ("decoration", "timestamp_line")
    seen: set[str] = set()
    for i in nonblank:  # a line repeating an earlier line (a duplicated lede, a second headline)
        key = _norm(stripped[i])
        if i not in marks and key in seen and (_words(stripped[i]) >= 3 or len(stripped[i]) >= 12):
            marks[i] = ("repeated_text", "repeated_text")
        seen.add(key)
    in_list = False
    for i in nonblank:
        if marks.get(i, ("", ""))[1] in V2_LIST_HEADINGS:
            in_list = True
        elif in_list and i not in marks and LIST_ITEM.match(stripped[i]) and _words(stripped[i]) <= 15:
            marks[i] = ("related_links", "related_list_item")
        elif i not in marks:
            in_list = False
    run: list[int] = []
    for i in [*nonblank, None]:  # short items separated by single blank lines: a tag list or a menu
        gap_ok = run and i is not None and i - run[-1] <= 2
        if i is not None and i not in marks and MENU_ITEM.match(stripped[i]) and not TERMINAL.search(stripped[i]) \
                and (not run or gap_ok):
            run.append(i)
            continue
        if len(run) >= MENU_RUN:
            marks.update({j: ("navigation", "short_line_run") for j in run})
        run = [i] if i is not None and i not in marks and MENU_ITEM.match(stripped[i]) \
            and not TERMINAL.search(stripped[i]) else []
    prose = next((k for k, i in enumerate(nonblank) if i not in marks and TERMINAL.search(stripped[i])
                  and len(stripped[i]) >= JUSTEXT_PARAMS["length_low"]), None)
    runs = ("related_list_item", "menu_run", "short_line_run")
    for i in reversed(nonblank[:prose or 0]):  # the headline above the first paragraph (past dates, bylines)
        rule = marks.get(i, ("", ""))[1]  # is not an item of a list that a menu word like 'Latest' started
        if rule in runs and _words(stripped[i]) >= 4 and not TERMINAL.search(stripped[i]):
            del marks[i]
        if i not in marks or rule in runs:
            break
    if not any(rule == "byline_line" for _, rule in marks.values()):  # a byline below a long menu
        content = [i for i in nonblank if marks.get(i, ("", ""))[0] != "navigation"]
        for i in content[:BYLINE_WINDOW]:
            if i not in marks and BYLINE.match(stripped[i]):
                marks[i] = ("byline", "byline_line")
                break
    classes, headline = _justext_classes(stripped, nonblank, marks, language)
    for i in nonblank:
        if i in marks or classes.get(i) != "bad":
            continue
        if TERMINAL.search(stripped[i]) or i == headline:
            continue  # prose-like, or the headline: jusText's context alone is not enough to cut it
        marks[i] = ("boilerplate", "justext")
    return marks, (headline if headline is not None and headline not in marks else None)


def clean(raw: str, rules: tuple[LineRule, ...] = DEFAULT_RULES, cleaner: str = "v1",
          language: str | None = None) -> CleanResult:
    """Apply the line rules (v2: plus its rules and jusText, whose stoplist follows `language`), then tidy
    blank lines and edges; return clean text and every removal."""
    if cleaner not in CLEANERS:
        raise ValueError(f"unknown cleaner {cleaner!r}; known: {', '.join(CLEANERS)}")
    lines = _lines(raw)
    marks, headline = (_decide(lines, rules), None) if cleaner == "v1" else _decide_v2(lines, rules, language)
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
    del headline  # kept in the text; not taken as the title (a plain text shows no markup that says so)
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
