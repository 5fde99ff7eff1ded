"""`samestory export`: a release's configs as JSONL (labels as names), e.g. the gold in the prediction layout."""
from __future__ import annotations

from pathlib import Path

from samestory.cli.options import add_dataset_args, command, open_dataset
from samestory.cli.output import print_written


def _export(args) -> int:
    from samestory import schema
    from samestory.core.errors import Problem, SameStoryError
    from samestory.core.jsonl import write_jsonl

    configs = args.config or list(schema.LAYERS)
    unknown = [c for c in configs if c not in schema.CONFIGS]
    if unknown:
        raise SameStoryError("unknown config", [Problem("--config", "not a config", expected=", ".join(schema.CONFIGS),
                                                        found=c) for c in unknown])
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        raise SameStoryError(f"{out} is not empty", [Problem(str(out), "refusing to write into a non-empty folder",
                                                             expected="a new or empty folder")])
    release = open_dataset(args)
    out.mkdir(parents=True, exist_ok=True)
    for c in configs:
        write_jsonl(out / f"{c}.jsonl", release.rows(c))
        print_written(out / f"{c}.jsonl")
    return 0


def register(sub) -> None:
    p = command(sub, "export", _export, help="write a release's configs as JSONL, labels as names",
                description="Writes <config>.jsonl for each config of a release folder or Hub dataset "
                            "(default: the gold layers, which are exactly the prediction layout: scoring "
                            "them with `samestory evaluate` gives 1.0 on every task).")
    add_dataset_args(p, "the configs", required=True)
    p.add_argument("--config", action="append", help="config to export (repeatable; default: every gold layer)")
    p.add_argument("--out", required=True, help="folder to write (new or empty)")
