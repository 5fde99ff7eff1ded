"""Rule-based, deletion-only boilerplate removal: clean text = raw text minus recorded ranges.

Rules work on whole lines and are generic (navigation, widgets, teasers, repeated headlines, captions,
author bios); a per-site profile may add rules. Because cleaning only deletes, every clean offset maps
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

PROFILES: dict[str, tuple[LineRule, ...]] = {"default": LINE_RULES}
"""Cleaning profiles by name; a site that needs more rules gets a profile of its own (default + extras)."""

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
    stripped = [t.strip() for _, _, t in lines]
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
    return marks


def clean(raw: str, rules: tuple[LineRule, ...] = LINE_RULES) -> CleanResult:
    """Apply the line rules, then tidy blank lines and edges; return clean text and every removal."""
    lines = _lines(raw)
    marks = _decide(lines, rules)
    stripped = [t.strip() for _, _, t in lines]
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
    bio = next((r.text.strip() for r in removals if r.reason == "author_bio"), None)
    byline = AUTHOR_BIO.match(bio).group("name") if bio else None
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
