"""`samestory leaderboard`: render LEADERBOARD.md, index.html and scores.png, or --check a submission."""
from __future__ import annotations

import argparse
from pathlib import Path

from samestory.cli.options import command
from samestory.cli.output import print_written
from samestory.core import paths


def register(subparsers) -> None:
    p = command(
        subparsers, "leaderboard", run,
        help="Render the leaderboard from leaderboard/results/, or check a submitted results file.",
        description="Reads every results file (written by `samestory evaluate`) in --results, refuses to rank "
                    "files of different dataset versions, gold hashes, schema or scorer versions or without "
                    "declared resources, never ranks test-informed systems, and writes "
                    "LEADERBOARD.md, index.html and scores.png into --out. With --check FILE: validate one "
                    "submitted results file against the current release instead. See docs/leaderboard.md.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--results", type=Path, default=paths.LEADERBOARD / "results", help="Results folder.")
    p.add_argument("--out", type=Path, default=paths.LEADERBOARD, help="Where to write the rendered board.")
    p.add_argument("--check", type=Path, metavar="FILE", help="Validate a submitted results file and exit.")
    p.add_argument("--release", help="Release the submission must be scored on (default: the current version).")
    p.add_argument("--releases-dir", type=Path, default=paths.RELEASES, help="Release manifests folder.")
    p.add_argument("--corpus", type=Path, default=paths.CORPUS,
                   help="Corpus folder, read for the per-document view's column labels (outlet, machine-translated).")


def run(args) -> int:
    from samestory import leaderboard
    from samestory.leaderboard.render import write_all

    if args.check:
        data = leaderboard.check_submission(args.check, args.results, args.release, args.releases_dir)
        informed = [r["name"] for r in data["system"]["resources"] if r["derived_from_test"]]
        print(f"ok: {args.check} ({data['system']['name']!r}, {len(data['tasks'])} task(s)) matches release "
              f"{data['dataset_version']} gold {data['gold_sha256'][:12]}, scorer {data['scorer_version']}; "
              + (f"test-informed ({', '.join(informed)}): shown unranked" if informed else
                 f"{len(data['system']['resources'])} declared resource(s), none derived from the test documents"))
        return 0
    from samestory.core.guard import check_folder_path

    check_folder_path(args.out)  # before any work: --out is a folder the board's three files go into
    board = leaderboard.build(leaderboard.load(args.results), leaderboard.document_labels(args.corpus))
    print_written(*write_all(board, args.out))
    print(f"{len(board.entries)} system(s), {len(board.tasks)} task(s); dataset {board.stamps['dataset_version']}, "
          f"gold {board.stamps['gold_sha256'][:12]}")
    return 0
