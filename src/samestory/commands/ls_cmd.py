"""`samestory ls`: Label Studio configs, push, pull, offline convert, and the local server."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from samestory import paths
from samestory.errors import Problem, SameStoryError
from samestory.jsonl import atomic_write_text, read_jsonl

CONFIGS_DIR = paths.ANNOTATIONS / "labelstudio" / "configs"


def register(sub) -> None:
    p = sub.add_parser("ls", help="Label Studio: configs from the schema, push tasks, pull annotations.",
                       description="Annotation in Label Studio with the repository as the record. "
                                   "See annotations/README.md for the annotator guide.")
    ls = p.add_subparsers(dest="ls_command", metavar="ACTION")

    def common(q, server=True):
        q.add_argument("--story", help="Story id (default: the only story under annotations/).")
        q.add_argument("--annotations", type=Path, default=paths.ANNOTATIONS,
                       help="Annotations folder with <story>/{entities,stance_targets,fact_inventory}.jsonl.")
        if server:
            q.add_argument("--url", help="Server URL (default: LABEL_STUDIO_URL or the local server).")
            q.add_argument("--token", help="API token (default: LABEL_STUDIO_API_KEY or the local server's).")
            q.add_argument("--timeout", type=float, default=60.0, help="Seconds per request (default 60).")
            q.add_argument("--projects", nargs="+", choices=("entities", "document", "sentences"),
                           help="Only these projects (default: all three).")

    def docs_args(q):
        q.add_argument("--corpus", type=Path, default=paths.CORPUS, help="Corpus folder (documents and clean text).")
        q.add_argument("--documents", type=Path,
                       help="JSONL of `documents` rows to use instead of --corpus (e.g. from a release).")

    c = ls.add_parser("config", help="Write the labeling configs generated from the schema.",
                      description="Writes <out>/<story>/{entities,document,sentences}.xml; --check compares instead.")
    common(c, server=False)
    c.add_argument("--out", type=Path, default=CONFIGS_DIR, help=f"Folder (default {CONFIGS_DIR}).")
    c.add_argument("--check", action="store_true", help="Fail if the written configs differ from the generated.")
    c.set_defaults(func=run_config)

    u = ls.add_parser("push", help="Create/update projects and tasks; optional pre-annotations.",
                      description="Idempotent: one project per kind and story, one task per document; "
                                  "pre-annotations become Label Studio predictions.")
    common(u)
    docs_args(u)
    u.add_argument("--preannotate", help="'gold' (the story's gold, for review) or a folder of a system's "
                                         "prediction files in the gold layout (for pre-labelling).")
    u.add_argument("--model-version", help="Prediction model_version (default: 'gold' or the folder name).")
    u.set_defaults(func=run_push)

    q = ls.add_parser("pull", help="Export (full JSON), keep the raw export, convert to per-annotator passes.",
                      description="Raw exports go to annotations/labelstudio/exports/<story>/; passes to "
                                  "--out/<annotator>/<layer>.jsonl. Nothing is written if any annotation fails.")
    common(q)
    docs_args(q)
    q.add_argument("--out", type=Path, help="Passes folder (default: annotations/<story>/passes).")
    q.add_argument("--exports", type=Path, help="Raw exports folder (default: annotations/labelstudio/exports).")
    q.add_argument("--overwrite", action="store_true", help="Replace pass files whose content differs.")
    q.set_defaults(func=run_pull)

    v = ls.add_parser("convert", help="Convert a stored full JSON export offline.",
                      description="Same conversion as pull, from a file: checks and writes passes.")
    common(v, server=False)
    docs_args(v)
    v.add_argument("export", type=Path, help="A raw export file (JSON list of tasks).")
    v.add_argument("--project", required=True, choices=("entities", "document", "sentences"))
    v.add_argument("--out", type=Path, help="Passes folder to write (omit to only check).")
    v.add_argument("--overwrite", action="store_true", help="Replace pass files whose content differs.")
    v.set_defaults(func=run_convert)

    s = ls.add_parser("serve", help="Install, start, stop or probe the local Label Studio server.",
                      description="Same as scripts/labelstudio.sh: sqlite under .labelstudio-data, 127.0.0.1 only.")
    s.add_argument("action", choices=("install", "start", "stop", "status"))
    s.add_argument("--port", type=int, help="Port (default 8089 or SAMESTORY_LS_PORT).")
    s.set_defaults(func=run_serve)

    i = ls.add_parser("add-annotator", help="Create an annotator account (invite link) and print its API token.")
    i.add_argument("email")
    i.add_argument("--password", required=True, help="Password for the new account (min. 8 characters).")
    i.add_argument("--url")
    i.add_argument("--token")
    i.add_argument("--timeout", type=float, default=60.0)
    i.set_defaults(func=run_add_annotator)
    p.set_defaults(func=lambda a: p.print_help() or 0)


def _story(args) -> str:
    if args.story:
        from samestory.guard import check_id
        return check_id(args.story, "--story")  # it becomes a folder name
    stories = sorted(d.name for d in Path(args.annotations).iterdir()
                     if d.is_dir() and (d / "entities.jsonl").exists()) if Path(args.annotations).is_dir() else []
    if len(stories) != 1:
        raise SameStoryError("which story? pass --story", [Problem(str(args.annotations), "stories found", None,
                                                                   "--story", "exactly one", ", ".join(stories))])
    return stories[0]


def _docs(args, story_id: str) -> list[dict]:
    if args.documents:
        rows = [r for _, r in read_jsonl(args.documents)]
    else:
        from samestory.corpus import load_documents
        rows = load_documents(args.corpus)
    rows = [r for r in rows if r.get("story_id") == story_id]
    if not rows:
        raise SameStoryError(f"no documents of story {story_id}",
                             [Problem(str(args.documents or args.corpus), "no rows with this story_id")])
    return sorted(rows, key=lambda r: r["doc_id"])


def _conn(args):
    from samestory.labelstudio import client
    return client.resolve(args.url, args.token, args.timeout)


def _run(fn):
    def wrapped(args):
        try:
            return fn(args) or 0
        except SameStoryError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_code
    return wrapped


@_run
def run_config(args) -> int:
    from samestory.labelstudio import config, sync
    story = _story(args)
    configs = config.project_configs(sync.load_inventory(story, args.annotations))
    stale = []
    for project, xml in configs.items():
        path = args.out / story / f"{project}.xml"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != xml:
                stale.append(Problem(str(path), "differs from the config generated from the schema",
                                     expected="`samestory ls config` output"))
        elif not path.exists() or path.read_text(encoding="utf-8") != xml:
            atomic_write_text(path, xml)
            print(f"wrote {path}")
    if stale:
        raise SameStoryError("labeling configs are stale; run `samestory ls config`", stale)
    if args.check:
        print(f"configs of {story} are up to date")
    return 0


@_run
def run_push(args) -> int:
    from samestory.labelstudio import sync
    story = _story(args)
    inv = sync.load_inventory(story, args.annotations)
    docs = _docs(args, story)
    pre, version = None, None
    if args.preannotate:
        folder = (paths.story_annotations(story, args.annotations) / "gold" if args.preannotate == "gold"
                  else Path(args.preannotate))
        pre = sync.load_layer_dir(folder, [d["doc_id"] for d in docs], partial=args.preannotate != "gold")
        version = args.model_version or ("gold" if args.preannotate == "gold" else folder.name)
    s = sync.push(_conn(args), docs, inv, pre, version or "gold", args.projects or ("entities", "document",
                                                                                     "sentences"))
    print(f"projects {s.projects}; tasks: {s.created_tasks} created, {s.kept_tasks} kept; predictions: "
          f"{s.created_predictions} created, {s.replaced_predictions} replaced, {s.kept_predictions} kept")
    return 0


@_run
def run_pull(args) -> int:
    from samestory.labelstudio import sync
    story = _story(args)
    inv = sync.load_inventory(story, args.annotations)
    out = args.out or paths.story_annotations(story, args.annotations) / "passes"
    r = sync.pull(_conn(args), _docs(args, story), inv, out, args.exports or sync.EXPORTS, args.overwrite,
                  args.projects or ("entities", "document", "sentences"))
    for p, f in r["exports"].items():
        print(f"raw export {p}: {f}")
    print(f"annotators: {', '.join(r['annotators']) or 'none'}; {len(r['files'])} pass file(s) written under {out}")
    return 0


@_run
def run_convert(args) -> int:
    from samestory.labelstudio import sync
    story = _story(args)
    inv = sync.load_inventory(story, args.annotations)
    docs = {d["doc_id"]: d for d in _docs(args, story)}
    from samestory.guard import read_json

    try:
        export = read_json(args.export, "Label Studio JSON export")  # bounded: depth and size
    except SameStoryError as exc:
        raise SameStoryError(f"{args.export}: cannot read the export", exc.problems) from None
    passes = sync.convert_export(args.project, export, docs, inv, str(args.export))
    summary = {a: {layer: len(r) for layer, r in layers.items()} for a, layers in sorted(passes.items())}
    if args.out:
        writes = sync.plan_pass_writes(passes, args.out)
        clashes = [p for p, d, o in writes if o is not None and o != d]
        if clashes and not args.overwrite:
            raise SameStoryError("pass files differ; not overwriting",
                                 [Problem(str(p), "exists with other content; pass --overwrite") for p in clashes])
        from samestory.jsonl import atomic_write_bytes
        for path, data, old in writes:
            if old != data:
                atomic_write_bytes(path, data)
    print(f"converted {args.export}: {json.dumps(summary)}")
    return 0


def run_serve(args) -> int:
    from samestory.labelstudio import server
    return server.main([args.action] + (["--port", str(args.port)] if args.port else []))


@_run
def run_add_annotator(args) -> int:
    from samestory.labelstudio import client
    conn = client.resolve(args.url, args.token, args.timeout)
    client.connect(conn)
    print(client.add_annotator(conn, args.email, args.password))
    return 0
