"""Cleaning benchmark: character-level removal precision and recall of cleaner v1 (the seed release's line
rules), cleaner v2 (v1 + multilingual rules + repeated text + jusText) and two peers on the marked captures
in tests/fixtures/captures/ (or another folder of `*.capture` files).

    .venv/bin/python benchmarks/bench_cleaning.py [--fixtures DIR] [--per-capture]

Peers: jusText alone (each line a <p>, stoplist of the detected language, its default parameters), and
trafilatura on the same text wrapped as HTML (a line is kept when trafilatura's output contains it).
Precision = removed boilerplate / removed; recall = removed boilerplate / boilerplate (non-whitespace
characters). Ratios against v1 are printed at the end.
"""
from __future__ import annotations

import argparse
import html
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from samestory.corpus import language  # noqa: E402
from samestory.corpus.cleaning import _justext_classes, _lines, clean  # noqa: E402
from samestory.corpus.cleaning_fixtures import FIXTURES, Counts, captures, score  # noqa: E402


def line_removals(raw: str, removed_lines: set[int]) -> list[dict]:
    return [{"raw_start": s, "raw_end": e} for i, (s, e, _) in enumerate(_lines(raw)) if i in removed_lines]


def justext_only(raw: str, lang: str | None) -> list[dict]:
    lines = _lines(raw)
    stripped = [t.strip() for _, _, t in lines]
    nonblank = [i for i, s in enumerate(stripped) if s]
    classes, _ = _justext_classes(stripped, nonblank, {}, lang)
    return line_removals(raw, {i for i in nonblank if classes.get(i) != "good"})


def trafilatura_wrapped(raw: str, lang: str | None) -> list[dict]:
    from trafilatura import extract

    lines = _lines(raw)
    body = "".join(f"<p>{html.escape(t.strip())}</p>" for _, _, t in lines if t.strip())
    out = extract(f"<html><body><article>{body}</article></body></html>", favor_recall=True,
                  include_comments=False, deduplicate=False) or ""
    kept = {ln.strip() for ln in out.splitlines() if ln.strip()}
    return line_removals(raw, {i for i, (_, _, t) in enumerate(lines) if t.strip() and t.strip() not in kept})


SYSTEMS = {
    "v1 (seed rules)": lambda raw, lang: clean(raw).removals,
    "v2 (rules + jusText)": lambda raw, lang: clean(raw, cleaner="v2", language=lang).removals,
    "jusText alone": justext_only,
    "trafilatura on wrapped text": trafilatura_wrapped,
}


def fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fixtures", type=Path, default=FIXTURES, help="folder of *.capture files")
    ap.add_argument("--per-capture", action="store_true", help="also print each capture's counts")
    args = ap.parse_args()
    caps = captures(args.fixtures)
    totals = {name: Counts() for name in SYSTEMS}
    secs = {name: 0.0 for name in SYSTEMS}
    for c in caps:
        lang = language.detect(c.raw).language
        for name, fn in SYSTEMS.items():
            t = time.perf_counter()
            counts = score(c, fn(c.raw, lang))
            secs[name] += time.perf_counter() - t
            totals[name] += counts
            if args.per_capture:
                print(f"{c.name:<28} {lang or '?':<3} {name:<28} P {fmt(counts.precision)}  R {fmt(counts.recall)}")
    n_chars = sum(len(c.raw) for c in caps)
    print(f"\n{len(caps)} captures, {n_chars} characters, "
          f"{sum(sum(c.boilerplate[i] and not ch.isspace() for i, ch in enumerate(c.raw)) for c in caps)} "
          "boilerplate characters (non-whitespace)\n")
    print("| Cleaner | Precision | Recall | F1 | Removed article chars | Missed boilerplate chars | ms/capture |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, t in totals.items():
        p, r = t.precision, t.recall
        f1 = 2 * p * r / (p + r) if p and r else None
        print(f"| {name} | {fmt(p)} | {fmt(r)} | {fmt(f1)} | {t.fp} | {t.fn} | {1000 * secs[name] / len(caps):.1f} |")
    base = totals["v1 (seed rules)"]
    v2 = totals["v2 (rules + jusText)"]
    if base.recall:
        print(f"\nv2 / v1: recall x{v2.recall / base.recall:.2f}, missed boilerplate x{v2.fn / max(base.fn, 1):.2f}, "
              f"removed article text x{v2.fp / max(base.fp, 1):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
