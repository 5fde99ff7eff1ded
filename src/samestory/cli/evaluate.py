"""`samestory evaluate`, `samestory compare`, `samestory schemas`: score predictions, test differences,
write the prediction JSON Schemas."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from samestory.cli.options import add_quiet, check_revision, command
from samestory.cli.output import print_written
from samestory.core import paths
from samestory.core.errors import SameStoryError


def _system(args) -> dict:
    params = {}
    for kv in args.param or []:
        if "=" not in kv:
            raise SameStoryError(f"--param {kv!r}: expected KEY=VALUE")
        k, v = kv.split("=", 1)
        params[k] = v
    sj = args.system_json
    if not sj and Path(args.predictions).is_dir() and (Path(args.predictions) / "system.json").exists():
        sj = Path(args.predictions) / "system.json"  # written by `samestory predict`
    if sj:
        from samestory.core.errors import Problem
        from samestory.core.guard import read_json

        data = read_json(Path(sj), "system metadata file")
        if not isinstance(data, dict):
            raise SameStoryError(f"{sj}: system metadata must be a JSON object",
                                 [Problem(str(sj), "wrong type", expected="a JSON object",
                                          found=type(data).__name__)])
        file_params = data.pop("parameters", None) or {}
        if not isinstance(file_params, dict):
            raise SameStoryError(f"{sj}: parameters must be an object",
                                 [Problem(str(sj), "wrong type", field="parameters", expected="a JSON object",
                                          found=type(file_params).__name__)])
        for key in ("name", "version", "description", "url"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise SameStoryError(f"{sj}: {key} must be a string",
                                     [Problem(str(sj), "wrong type", field=key, expected="a string",
                                              found=type(data[key]).__name__)])
        if data.get("tasks") is not None and not (isinstance(data["tasks"], list)
                                                  and all(isinstance(t, str) for t in data["tasks"])):
            raise SameStoryError(f"{sj}: tasks must be a list of task names",
                                 [Problem(str(sj), "wrong type", field="tasks", expected="a list of strings",
                                          found=type(data["tasks"]).__name__)])
        params = {**file_params, **params}
        base = data
    else:
        base = {}
    system = {**base, **{k: v for k, v in (("name", args.system), ("version", args.system_version),
                                            ("description", args.description), ("url", args.url)) if v},
              "parameters": params}
    if "resources" in system:  # a declaration: checked now, so a bad one never reaches a results file
        from samestory.eval.declaration import parse

        parse({"name": Path(args.predictions).stem, **system}, str(sj))
    return system


def _check_out_file(out: Path, option: str = "--out") -> None:
    """--out names a file to write: refuse a folder (or a path under a file) before any work is done."""
    from samestory.core.errors import Problem

    if out.is_dir():
        raise SameStoryError(f"{option} {out}: is a folder", [Problem(str(out), "expected a file path, found a "
                                                                      "folder", field=option)])
    for parent in out.parents:
        if parent.exists() and not parent.is_dir():
            raise SameStoryError(f"{option} {out}: {parent} is a file", [Problem(str(parent), "not a folder",
                                                                               field=option)])
        if parent.exists():
            break


def _evaluate(args) -> int:
    from samestory.core.errors import Problem
    from samestory.eval import data
    from samestory.eval.evaluate import Options, evaluate, table

    if args.out:
        _check_out_file(Path(args.out))
    if args.resamples is not None and args.resamples < 0:
        raise SameStoryError("--resamples must be >= 0", [Problem("command line", "negative count",
                                                                 field="--resamples", expected=">= 0",
                                                                 found=str(args.resamples))])
    chosen = [f for f, v in (("--dataset", args.dataset), ("--release", args.release), ("--gold", args.gold)) if v]
    if len(chosen) > 1:
        raise SameStoryError(f"give one of --dataset, --release, --gold (got {', '.join(chosen)})")
    check_revision(args)
    if args.dataset:
        gold = data.load_dataset_gold(args.dataset, args.revision)
    elif args.gold:
        gold = data.load_gold_dir(Path(args.gold), Path(args.corpus) if args.corpus else None)
    else:
        from samestory.version import DATASET_VERSION

        gold = data.load_release(args.release or f"v{DATASET_VERSION}", Path(args.build_dir),
                                 Path(args.releases_dir))
    system = _system(args)
    from samestory.core.guard import name_problem

    bad = name_problem(system.get("name") or Path(args.predictions).stem, "--system / system.name",
                       str(args.system_json or "command line"))
    if bad:  # the leaderboard would refuse it: say so before scoring
        raise SameStoryError("unusable system name", [bad])
    declared = system.pop("tasks", None)
    opts = Options(tasks=args.task, declared_tasks=None if args.task else declared, unit=args.unit,
                   resamples=args.resamples, seed=args.seed, strict=args.strict, system=system,
                   progress=not args.quiet, **({"workers": args.workers} if args.workers else {}))
    results = evaluate(Path(args.predictions), gold, opts)
    for w in results["warnings"]:
        print(f"warning: {w}", file=sys.stderr)
    print(table(results))
    if args.out:
        from samestory.eval.results import Results

        Results.model_validate(results).to_disk(Path(args.out))
        print_written(args.out)
    return 0


def _compare(args) -> int:
    from samestory.eval.compare import compare, table
    from samestory.core.jsonl import atomic_write_text

    if args.out:
        _check_out_file(Path(args.out))
    result = compare(Path(args.a), Path(args.b), args.resamples, args.seed)
    print(table(result))
    if args.out:
        atomic_write_text(Path(args.out), json.dumps(result, indent=1, ensure_ascii=False) + "\n")
        print_written(args.out)
    return 0


def _schemas(args) -> int:
    from samestory.eval.schemas import write_all

    print_written(*write_all(Path(args.out)))
    return 0


def register(sub) -> None:
    from samestory.eval.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
    from samestory.eval.registry import TASKS

    p = command(sub, "evaluate", _evaluate, help="score prediction files against the gold, with bootstrap intervals",
                description="Score predictions (a <task>.jsonl / <config>.jsonl file, or a folder of them) "
                            "against a release or a gold folder. Bad predictions: exit code 2, no results "
                            "file. See docs/evaluation.md.")
    p.add_argument("--predictions", required=True, help="prediction file or folder")
    p.add_argument("--task", action="append", choices=list(TASKS),
                   help="task to score (repeatable; default: every task with a prediction file)")
    src = p.add_argument_group("gold (default: the current release built in ./build)")
    src.add_argument("--dataset", metavar="PATH_OR_HUB_ID",
                     help="a release folder (checked against the manifest.json inside it) or a Hugging Face "
                          "Hub dataset id ORG/NAME; no checkout needed")
    src.add_argument("--revision", help="with a Hub id: the tag, branch or commit to read, e.g. v1.0.0 "
                                        "(pin it to make a score reproducible)")
    src.add_argument("--release", help="release version, e.g. v1.0.0 (read from --build-dir, checked against "
                                       "its manifest)")
    src.add_argument("--gold", help="folder of gold <layer>.jsonl files instead of a release")
    src.add_argument("--corpus", help="with --gold: documents JSONL file or corpus folder (default: corpus/)")
    src.add_argument("--build-dir", default=str(paths.BUILD), help="where releases are built")
    src.add_argument("--releases-dir", default=str(paths.RELEASES), help="where release manifests live")
    p.add_argument("--out", help="results JSON to write (atomically; nothing is written on error)")
    p.add_argument("--system", help="system name stamped in the results (default: predictions name)")
    p.add_argument("--system-version", help="system version")
    p.add_argument("--description", help="one-line system description")
    p.add_argument("--url", help="system or paper URL")
    p.add_argument("--param", action="append", metavar="KEY=VALUE", help="system parameter (repeatable)")
    p.add_argument("--system-json", help="JSON file with system metadata {name, version, parameters, tasks, …} "
                                         "(default: system.json in the predictions folder, if any)")
    p.add_argument("--unit", choices=("documents", "items"), default="documents",
                   help="bootstrap resampling unit (default: documents)")
    p.add_argument("--resamples", type=int, default=DEFAULT_RESAMPLES, help="bootstrap resamples")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="bootstrap seed")
    p.add_argument("--strict", action="store_true", help="a gold document without a prediction is an error")
    p.add_argument("--workers", type=int, help="processes reading and scoring prediction files "
                                               "(default 1; 2 can halve the time of large inputs on an idle 2-core machine)")
    add_quiet(p, "no progress bar")

    c = command(sub, "compare", _compare, help="paired bootstrap test between two results files",
                description="For every task and metric in both files: B − A, its 95%% interval and a "
                            "two-sided paired-bootstrap p-value over documents.")
    c.add_argument("a", help="results file A")
    c.add_argument("b", help="results file B")
    c.add_argument("--resamples", type=int, default=10000, help="bootstrap resamples (default 10000)")
    c.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed")
    c.add_argument("--out", help="write the comparison as JSON")

    s = command(sub, "schemas", _schemas, help="write the JSON Schema of every task's prediction file",
                description="Writes <task>.schema.json, derived from samestory.schema.")
    s.add_argument("--out", default="docs/schemas", help="output folder (default docs/schemas)")
