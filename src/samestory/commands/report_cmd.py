"""`samestory report`: the story report from gold labels or a system's predictions."""
from __future__ import annotations

from pathlib import Path

from samestory import paths


def _report(args) -> int:
    """Write one self-contained HTML page plus PNG figures for a story."""
    from samestory import guard
    from samestory.report import load_story, owns, write_report  # matplotlib: load only when used

    guard.check_id(args.story, "--story")
    guard.check_replaceable(Path(args.out), owns, "report")  # before any work: never replace a folder not ours

    if args.predictions:
        data = load_story(args.story, Path(args.predictions), source=f"predictions: {args.predictions}",
                          corpus_dir=Path(args.corpus), annotations_dir=Path(args.annotations))
    else:
        data = load_story(args.story, None, source="gold", corpus_dir=Path(args.corpus),
                          annotations_dir=Path(args.annotations))
    from samestory.report.data import REPORT_LAYERS

    missing = [n for n in REPORT_LAYERS
               if n not in data.layers]
    if missing:
        print(f"note: no {', '.join(missing)} labels; those sections stay empty")
    index = write_report(data, Path(args.out))
    print(f"report: {index}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("report", help="Write the story report (HTML + PNG) from gold or predictions.",
                       description="How the outlets differ: fact coverage, portrayal, stance, frames and words, "
                                   "as one self-contained HTML page (works offline) plus PNG figures.")
    p.add_argument("--story", required=True, help="story id, e.g. istanbul-2025-05-16")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--source", choices=["gold"], default="gold", help="use the adjudicated gold (default)")
    src.add_argument("--predictions", metavar="DIR", help="a predictions folder with <layer>.jsonl files")
    p.add_argument("--out", required=True, help="output folder, replaced as a whole: it must be new or hold only files "
                   "`samestory report` writes (index.html, report.json, *.png); any other file makes it refuse")
    p.add_argument("--corpus", default=str(paths.CORPUS), help="corpus folder (default: %(default)s)")
    p.add_argument("--annotations", default=str(paths.ANNOTATIONS), help="annotations folder (default: %(default)s)")
    p.set_defaults(func=_report)
