"""`samestory report`: the story report from gold labels, systems' predictions and machine proposals."""
from __future__ import annotations

from pathlib import Path

from samestory.cli.options import add_checkout, add_dataset_args, command, open_dataset


def _report(args) -> int:
    """Write one self-contained HTML page plus PNG figures for a story."""
    from samestory.core import guard
    from samestory.report import load_story, owns, write_report  # matplotlib: load only when used

    guard.check_id(args.story, "--story")
    guard.check_replaceable(Path(args.out), owns, "report")  # before any work: never replace a folder not ours
    from samestory.report.data import REPORT_LAYERS

    release = open_dataset(args)
    if release is not None:
        from samestory.report.data import load_story_release

        data = load_story_release(args.story, release, predictions=[Path(p) for p in args.predictions or []])
    else:
        proposals = None if args.no_proposals else (Path(args.proposals) if args.proposals else "auto")
        data = load_story(args.story, None, corpus_dir=Path(args.corpus), annotations_dir=Path(args.annotations),
                          predictions=[Path(p) for p in args.predictions or []], proposals=proposals)
    for layer in REPORT_LAYERS:
        print(f"  {layer:<14} {data.layer_sources.get(layer, 'none: that section explains what is missing')}")
    for name, src in sorted(data.inventory_sources.items()):
        print(f"  {name:<14} {src}")
    for n in data.notes:
        print(f"note: {n}")
    index = write_report(data, Path(args.out))
    print(f"report: {index}")
    return 0


def register(sub) -> None:
    p = command(sub, "report", _report,
                help="Write the story report (HTML + PNG) from gold, predictions and proposals.",
                description="How the outlets differ: fact coverage, portrayal, stance, frames and words, "
                            "as one self-contained HTML page (works offline) plus PNG figures. Every "
                            "section says where its labels come from; predictions and proposals are "
                            "marked machine-proposed.")
    p.add_argument("--story", required=True, help="story id, e.g. istanbul-2025-05-16")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--source", choices=["gold"], default="gold", help="use the adjudicated gold (default)")
    src.add_argument("--predictions", metavar="DIR", action="append",
                     help="a predictions folder (<layer>.jsonl files, as `samestory predict --out DIR` writes); "
                          "repeatable: for each layer the first folder that has it is used")
    p.add_argument("--proposals", metavar="DIR", help="machine proposals for the layers and inventories still "
                   "missing (default: annotations/<story>/proposals when it exists)")
    p.add_argument("--no-proposals", action="store_true", help="never use machine proposals")
    p.add_argument("--out", required=True, help="output folder, replaced as a whole: it must be new or hold only files "
                   "`samestory report` writes (index.html, report.json, *.png); any other file makes it refuse")
    add_dataset_args(p, "documents, inventories and gold (instead of --corpus/--annotations)")
    add_checkout(p)
