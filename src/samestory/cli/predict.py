"""`samestory predict`: run a baseline system and write a predictions directory for `samestory evaluate`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from samestory.cli.options import add_dataset_args, command, open_dataset
from samestory.core import paths


def register(subparsers) -> None:
    p = command(
        subparsers, "predict", run, help="Run a baseline system (see --list).",
        description="Run a registered system on every document and write <config>.jsonl prediction files "
                    "(the gold layer layout) plus system.json into --out. Systems read the documents and "
                    "the story inventories only, never a gold layer.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--system", help="System name (see --list).")
    p.add_argument("--out", type=Path, help="Predictions directory to write.")
    p.add_argument("--list", action="store_true", help="List the systems and the tasks each supports.")
    p.add_argument("--task", action="append", default=[],
                   help="Only these tasks (repeatable); default: every task the system supports.")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="Override a system parameter (value parsed as JSON when possible).")
    add_dataset_args(p, "documents, inventories and codebook (instead of a checkout's corpus/ and annotations/)")
    p.add_argument("--corpus", type=Path, default=paths.CORPUS, help="Corpus directory.")
    p.add_argument("--annotations", type=Path, default=paths.ANNOTATIONS,
                   help="Annotations directory (only the inventories are read).")
    p.add_argument("--doc", action="append", default=[], help="Only these document ids (repeatable).")
    p.add_argument("--story", help="Only the documents of this story (e.g. a new story added with `samestory "
                                   "add`); without --system, runs the default NER system (spacy-ner).")
    llm = p.add_argument_group("llm system (OpenAI-compatible chat completions)")
    llm.add_argument("--base-url", help="Endpoint base URL, e.g. http://127.0.0.1:8000/v1 "
                                        "(default: $SAMESTORY_LLM_BASE_URL or $OPENAI_BASE_URL).")
    llm.add_argument("--model", help="Model name (default: $SAMESTORY_LLM_MODEL).")
    llm.add_argument("--api-key-env", help="Environment variable holding the API key "
                                           "(default: SAMESTORY_LLM_API_KEY, then OPENAI_API_KEY).")
    llm.add_argument("--concurrency", type=int, help="Requests in flight at once.")
    llm.add_argument("--timeout", type=float, help="Seconds per request.")
    llm.add_argument("--max-retries", type=int, help="Retries per request (exponential backoff).")
    llm.add_argument("--cache", type=Path, help="Response cache directory.")


def run(args) -> int:
    from samestory import systems as baselines
    from samestory.systems.run import predict_to_dir
    from samestory.core.errors import Problem, SameStoryError

    if args.list:
        for name, s in sorted(baselines.systems().items()):
            extra = f" [extra: {s.extra}]" if s.extra else ""
            params = ", ".join(f"{k}={json.dumps(v)}" for k, v in s.defaults.items()) or "none"
            langs = ", ".join(s.languages) if s.languages is not None else "any"
            print(f"{name} {s.version}{extra}: {', '.join(s.tasks)}\n    {s.description}\n    parameters: {params}"
                  f"\n    languages: {langs}")
        return 0
    if args.story and not args.system:
        args.system = baselines.DEFAULT_NER_SYSTEM
        print(f"no --system given: using {args.system}, the default NER for new stories", file=sys.stderr)
    if not args.system or not args.out:
        raise SameStoryError("predict needs --system and --out (or --list)",
                             [Problem("command line", "missing option", field="--system/--out",
                                      expected="e.g. samestory predict --system rules-clean --out build/predictions/x")])
    system = baselines.get(args.system)
    overrides = list(args.param)
    for flag in ("base_url", "model", "api_key_env", "concurrency", "timeout", "max_retries", "cache"):
        value = getattr(args, flag)
        if value is None:
            continue
        if flag not in system.defaults:
            raise SameStoryError(f"--{flag.replace('_', '-')} does not apply to system {system.name}",
                                 [Problem("command line", "option only for the llm system",
                                          field=f"--{flag.replace('_', '-')}")])
        overrides.append(f"{flag}={json.dumps(str(value) if isinstance(value, Path) else value)}")
    release = open_dataset(args)
    if release is None:
        paths.require_checkout("predict (without --dataset)", args.corpus)
    written, tasks, errors = predict_to_dir(system, args.out, tasks=tuple(args.task), params=overrides,
                                            corpus_dir=args.corpus, annotations_dir=args.annotations,
                                            doc_ids=tuple(args.doc), story=args.story, release=release)
    print(f"{system.name}: predicted {', '.join(tasks)}")
    for w in written:
        print(f"  wrote {w}")
    skipped = sorted({e["doc_id"] for e in errors if e.get("kind") == "unsupported_language"})
    if skipped:
        print(f"warning: {system.name} supports {', '.join(system.languages or ())} only; skipped "
              f"{len(skipped)} document(s) in other languages (scored as empty): {', '.join(skipped)}",
              file=sys.stderr)
    others = [e for e in errors if e.get("kind") != "unsupported_language"]
    if others:
        print(f"warning: {len(others)} document/layer answer(s) unusable, scored as empty; see errors.jsonl",
              file=sys.stderr)
    return 0
