"""`samestory add`: add articles (.txt or saved .html/.htm pages) to a story, and show what was removed."""
from __future__ import annotations

from pathlib import Path

from samestory.corpus import dedup

from samestory.cli.options import add_corpus, command
from samestory.core import paths
from samestory.corpus.cleaning import PROFILES
from samestory.corpus.ingest import Options, add

QUIET_REASONS = ("blank_lines", "edge_whitespace")
"""Removals counted but not listed one by one in the report."""


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def report(p, row, dry_run: bool = False) -> list[str]:
    """What was (or, with dry_run, would be) added and what cleaning removed, for a person to check."""
    src, meta = p.source, p.meta
    kind = "text" if src.kind == "text" else f"html → {meta['extraction']['tool']} {meta['extraction']['version']}"
    out = [f"{'would add' if dry_run else 'added'} {p.doc_id}  from {src.path}  ({kind})"]
    origin = meta["metadata_origin"]
    for k in ("title", "outlet", "byline", "url", "published", "language"):
        out.append(f"  {k:>10}: {meta[k]!s}" + (f"  [{origin[k]}]" if origin.get(k) else ""))
    det = meta["language_detection"]
    out.append(f"  {'detected':>10}: {det['language']} ({det['confidence']:.2f}, {det['tool']} "
               f"{det['version']}{', reliable' if det['reliable'] else ', unreliable'})")
    out.append(f"  {'clean text':>10}: {len(row['text'])} chars, {len(row['paragraphs'])} paragraphs, "
               f"{len(row['sentences'])} sentences  → {meta['story_id']}/clean/{p.doc_id}.txt")
    where = "extracted text" if src.kind == "html" else "raw text"
    shown = [r for r in row["removals"] if r["reason"] not in QUIET_REASONS]
    if meta.get("translation_of"):
        out.append(f"  {'translates':>10}: {meta['translation_of']}")
    out.append(f"  removed as boilerplate (cleaner {meta['cleaner']}): {len(shown)} line(s) "
               f"(+{len(row['removals']) - len(shown)} blank/whitespace cuts)"
               + (f"; lines of the {where}:" if shown else ""))
    for r in shown:
        out.append(f"    line {_line_of(p.cleaner_input, r['raw_start']):>4}  {r['reason']:<17} {r['rule']:<22} "
                   f"{r['text'].strip()[:70]!r}")
    for d, s in p.near:
        out.append(f"  near duplicate of {d}: similarity {s:.2f} (allowed by --allow-near-duplicate)")
    for c in p.cross:
        out.append(f"  likely translation of {c.doc_id} ({c.language}): {c.explain()} (allowed by "
                   "--allow-near-duplicate)")
    out.extend(f"  {m}" for m in p.messages)
    return out


def _add(args) -> int:
    """Add .txt files (kept byte for byte) and saved web pages (.html/.htm; main text and metadata
    extracted with trafilatura) to a story. Command-line metadata wins over extracted metadata; unknown
    stays null. Exact duplicates are refused; near duplicates and likely translations of a document in another
    language need --allow-near-duplicate (or, for a translation, --translation-of)."""
    paths.require_checkout("add", args.corpus)
    opts = Options(title=args.title, outlet=args.outlet, byline=args.byline, url=args.url,
                   published=args.published, language=args.language, notes=args.notes,
                   machine_translated=args.machine_translated, profile=args.profile,
                   allow_near_duplicate=args.allow_near_duplicate, translation_of=args.translation_of)
    planned, rows, skipped = add(Path(args.corpus), args.story, [Path(f) for f in args.files], opts,
                                 dry_run=args.dry_run)
    for f in skipped:
        print(f"skipped {f} (not .txt/.html/.htm)")
    for p, row in zip(planned, rows):
        print("\n".join(report(p, row, dry_run=args.dry_run)))
    verb = "would add" if args.dry_run else "added"
    print(f"{verb} {len(planned)} document(s) to {args.story}" + (" (dry run: nothing written)" if args.dry_run
                                                                   else ""))
    return 0


def register(sub) -> None:
    p = command(sub, "add", _add, help="Add articles (.txt or saved .html pages) to a story.",
                description=_add.__doc__)
    p.add_argument("files", nargs="+", metavar="FILE_OR_DIR", help=".txt/.html/.htm files or folders of them")
    p.add_argument("--story", required=True, help="story id (create one with `samestory story new`)")
    p.add_argument("--title", help="headline (one file only)")
    p.add_argument("--outlet", help="publisher name")
    p.add_argument("--byline", help="author (one file only)")
    p.add_argument("--url", help="source address (one file only)")
    p.add_argument("--published", help="publication date, YYYY-MM-DD")
    p.add_argument("--language", help="ISO 639-1 code; default: detected from the text")
    p.add_argument("--notes", help="curator's notes")
    p.add_argument("--machine-translated", action="store_true", help="the text reads as a machine translation")
    p.add_argument("--profile", default="default", choices=sorted(PROFILES),
                   help="cleaning profile (default: %(default)s)")
    p.add_argument("--allow-near-duplicate", action="store_true",
                   help=f"add even when MinHash similarity to a document is >= {dedup.THRESHOLD}, or when a "
                        f"document in another language has the same numbers and names in the same order "
                        f"(anchor similarity >= {dedup.FINGERPRINT_THRESHOLD})")
    p.add_argument("--translation-of", metavar="DOC_ID",
                   help="the article translates this document of the story (one file only); recorded as "
                        "translation_of and exempt from the cross-language duplicate check")
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    add_corpus(p)
