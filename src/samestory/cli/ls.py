"""`samestory ls`: Label Studio configs, push, pull, offline convert, and the local server."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from samestory.annotate import store
from samestory.cli.options import add_check, command
from samestory.cli.output import print_written
from samestory.core import paths
from samestory.core.errors import Problem, SameStoryError
from samestory.core.jsonl import atomic_write_text, read_jsonl

CONFIGS_DIR = paths.ANNOTATIONS / "labelstudio" / "configs"
PROJECTS = ("entities", "document", "paragraphs", "facts", "sentences", "spans")
"""= labelstudio.config.PROJECTS (checked by a test; kept literal so --help does not import the SDK)."""


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
            q.add_argument("--projects", nargs="+", choices=PROJECTS,
                           help=f"Only these projects (default: all: {', '.join(PROJECTS)}).")

    def docs_args(q):
        q.add_argument("--corpus", type=Path, default=paths.CORPUS, help="Corpus folder (documents and clean text).")
        q.add_argument("--documents", type=Path,
                       help="JSONL of `documents` rows to use instead of --corpus (e.g. from a release).")

    c = command(ls, "config", run_config, help="Write the labeling configs generated from the schema.",
                description="Writes <out>/<story>/<project>.xml; --check compares "
                            "instead.")
    common(c, server=False)
    c.add_argument("--out", type=Path, default=CONFIGS_DIR, help=f"Folder (default {CONFIGS_DIR}).")
    add_check(c, "Fail if the written configs differ from the generated.")

    u = command(ls, "push", run_push, help="Create/update projects and tasks; optional pre-annotations.",
                description="Idempotent: one project per kind and story, one task per document (per 8 facts in `facts`, per run of "
                            "4 sentences in `sentences`). Annotation projects are blind: --annotators "
                            "per task, no predictions or other annotators' work shown. Gold and a "
                            "system's predictions go to separate '<title> review' projects.")
    common(u)
    docs_args(u)
    u.add_argument("--annotators", type=int, default=2,
                   help="Independent annotators per task in the annotation projects (default 2).")
    u.add_argument("--preannotate", help="'gold' (the story's gold) or a folder of a system's prediction files "
                                         "in the gold layout: both go to the review projects only. 'proposals': "
                                         "machine proposals (entity-table aliases, a pretrained NER if installed, "
                                         "quotation marks) pre-label the entities and spans annotation projects; "
                                         "a story without inventories uses those of `samestory story propose` "
                                         "(annotations/<story>/proposals, or give that folder instead of "
                                         "'proposals').")
    u.add_argument("--model-version", help="Prediction model_version (default: 'gold', 'proposals' or the folder "
                                           "name).")

    q = command(ls, "pull", run_pull, help="Export (full JSON), keep the raw export, convert to per-annotator passes.",
                description="Raw exports go to annotations/labelstudio/exports/<story>/; passes to "
                            "--out/<annotator>/<layer>.jsonl. Each annotation is checked with the rules of "
                            "`samestory validate`; valid ones are written, invalid ones listed (task, "
                            "annotator, region) and the exit code is 1.")
    common(q)
    docs_args(q)
    q.add_argument("--out", type=Path, help="Passes folder (default: annotations/<story>/passes).")
    q.add_argument("--exports", type=Path, help="Raw exports folder (default: annotations/labelstudio/exports).")
    q.add_argument("--overwrite", action="store_true", help="Replace pass files whose content differs.")
    q.add_argument("--annotator", action="append", default=[], metavar="EMAIL=FOLDER",
                   help="Write this account's passes to FOLDER (recorded in <out>/annotators.json). Needed when "
                        "the email's name part is already a pass folder of someone else.")

    v = command(ls, "convert", run_convert, help="Convert a stored full JSON export offline.",
                description="Same conversion as pull, from a file: checks and writes passes.")
    common(v, server=False)
    docs_args(v)
    v.add_argument("export", type=Path, help="A raw export file (JSON list of tasks).")
    v.add_argument("--project", required=True, choices=PROJECTS)
    v.add_argument("--out", type=Path, help="Passes folder to write (omit to only check).")
    v.add_argument("--overwrite", action="store_true", help="Replace pass files whose content differs.")

    s = command(ls, "serve", run_serve, help="Install, start, stop or probe the local Label Studio server.",
                description="Same as scripts/labelstudio.sh: sqlite under .labelstudio-data, 127.0.0.1 only.")
    s.add_argument("action", choices=("install", "start", "stop", "status"))
    s.add_argument("--port", type=int, help="Port (default 8089 or SAMESTORY_LS_PORT).")

    i = command(ls, "add-annotator", run_add_annotator,
                help="Create an annotator account (invite link) and print its API token.")
    i.add_argument("email")
    i.add_argument("--password", required=True, help="Password for the new account (min. 8 characters).")
    i.add_argument("--url")
    i.add_argument("--token")
    i.add_argument("--timeout", type=float, default=60.0)
    p.set_defaults(func=lambda a: p.print_help() or 0)


def _story(args) -> str:
    if args.story:
        from samestory.core.guard import check_id
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
        from samestory.corpus.store import load_documents
        rows = load_documents(args.corpus)
    rows = [r for r in rows if r.get("story_id") == story_id]
    if not rows:
        raise SameStoryError(f"no documents of story {story_id}",
                             [Problem(str(args.documents or args.corpus), "no rows with this story_id")])
    return sorted(rows, key=lambda r: r["doc_id"])


def _conn(args):
    from samestory.annotate.labelstudio import client
    return client.resolve(args.url, args.token, args.timeout)


def run_config(args) -> int:
    from samestory.annotate.labelstudio import config, sync
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
            print_written(path)
    if stale:
        raise SameStoryError("labeling configs are stale; run `samestory ls config`", stale)
    if args.check:
        print(f"configs of {story} are up to date")
    return 0


def _push_inventory(story: str, args):
    """The story's inventories. With machine proposals (`--preannotate proposals`, or the folder written by
    `samestory story propose`), the proposed entity table, facts and stance targets stand in for the
    inventories the story does not have yet, so proposed mentions link to proposed entities, not NIL."""
    from samestory.systems import proposals
    from samestory.annotate.labelstudio import config as C, sync

    folder = None
    if args.preannotate == "proposals":
        auto = store.story_dir(story, args.annotations) / proposals.FOLDER
        folder = auto if auto.is_dir() and proposals.is_proposals(auto) else None
    elif args.preannotate and args.preannotate != "gold" and proposals.is_proposals(Path(args.preannotate)):
        folder, args.preannotate = Path(args.preannotate), "proposals"
    if folder is None:
        return sync.load_inventory(story, args.annotations)
    own = proposals.story_inventories(store.story_dir(story, args.annotations))
    prop = proposals.read_inventories(folder)
    rows = {name: tuple(own.get(name) or prop.get(name) or ()) for name in ("entities", "stance_targets",
                                                                             "fact_inventory")}
    inv = C.Inventory(story, rows["entities"], rows["stance_targets"], rows["fact_inventory"])
    inv.check()
    return inv


def run_push(args) -> int:
    from samestory.annotate.labelstudio import config, sync
    story = _story(args)
    inv = _push_inventory(story, args)
    docs = _docs(args, story)
    pre, version = None, None
    if args.preannotate and args.preannotate != "proposals":
        folder = (store.gold_dir(store.story_dir(story, args.annotations)) if args.preannotate == "gold"
                  else Path(args.preannotate))
        from samestory.eval.registry import task_files

        pre = sync.load_layer_dir(folder, [d["doc_id"] for d in docs], partial=args.preannotate != "gold",
                                  task_files=task_files())
        version = args.model_version or ("gold" if args.preannotate == "gold" else folder.name)
    projects = args.projects or PROJECTS
    if args.preannotate == "proposals":
        from samestory.annotate.labelstudio import proposals
        pre = proposals.propose(docs, inv)
        version = args.model_version or sync.PROPOSALS
        projects = [p for p in projects if any(layer in pre for layer in config.LAYERS_OF[p])]
    s = sync.push(_conn(args), docs, inv, pre, version or "gold", projects, annotators=args.annotators)
    where = "review projects" if pre and version != sync.PROPOSALS else "annotation projects"
    print(f"{where} {s.projects}; tasks: {s.created_tasks} created, {s.kept_tasks} kept; predictions: "
          f"{s.created_predictions} created, {s.replaced_predictions} replaced, {s.kept_predictions} kept")
    return 0


def run_pull(args) -> int:
    from samestory.annotate.labelstudio import sync
    story = _story(args)
    inv = sync.load_inventory(story, args.annotations)
    out = args.out or store.passes_dir(store.story_dir(story, args.annotations))
    chosen = {}
    for item in args.annotator:
        email, sep, folder = item.partition("=")
        if not sep or "@" not in email or not folder:
            raise SameStoryError("--annotator takes EMAIL=FOLDER", [Problem("--annotator", "bad value", None,
                                                                            "--annotator", "EMAIL=FOLDER", item)])
        chosen[email] = folder
    r = sync.pull(_conn(args), _docs(args, story), inv, out, args.exports or sync.EXPORTS, args.overwrite,
                  args.projects or PROJECTS, annotator_folders=chosen)
    for p, f in r["exports"].items():
        print(f"raw export {p}: {f}")
    print(f"annotators: {', '.join(r['annotators']) or 'none'}; {len(r['files'])} pass file(s) written under {out}")
    if r["problems"]:
        print(f"error: {len(r['problems'])} annotation(s) not converted (the others were):", file=sys.stderr)
        for prob in r["problems"]:
            print(f"  - {prob}", file=sys.stderr)
        return 1
    return 0


def run_convert(args) -> int:
    from samestory.annotate.labelstudio import sync
    story = _story(args)
    inv = sync.load_inventory(story, args.annotations)
    docs = {d["doc_id"]: d for d in _docs(args, story)}
    from samestory.core.guard import read_json

    try:
        export = read_json(args.export, "Label Studio JSON export")  # bounded: depth and size
    except SameStoryError as exc:
        raise SameStoryError(f"{args.export}: cannot read the export", exc.problems) from None
    conv = sync.convert_export(args.project, export, docs, inv, str(args.export))
    summary = {a: {layer: len(r) for layer, r in layers.items()} for a, layers in sorted(conv.records.items())}
    if conv.problems:
        raise SameStoryError(f"{args.export}: {len(conv.problems)} annotation problem(s)", conv.problems)
    if args.out:
        folders = sync.assign_folders(conv.records, args.out)
        passes = {folders[e]: layers for e, layers in conv.records.items()}
        writes = sync.plan_pass_writes(passes, args.out)
        clashes = [p for p, d, o in writes if o is not None and o != d]
        if clashes and not args.overwrite:
            raise SameStoryError("pass files differ; not overwriting",
                                 [Problem(str(p), "exists with other content; pass --overwrite") for p in clashes])
        from samestory.core.jsonl import atomic_write_bytes
        for path, data, old in writes:
            if old != data:
                atomic_write_bytes(path, data)
        sync.record_annotators(args.out, folders)
    print(f"converted {args.export}: {json.dumps(summary)}")
    if conv.frame_parts:  # half of a frames record per annotator and document: never written alone
        print(f"note: {len(conv.frame_parts)} annotator/document pair(s) hold only half of a frames record "
              f"({args.project}); frames records are written by `samestory ls pull`, which joins the document "
              "and paragraphs projects")
    return 0


def run_serve(args) -> int:
    from samestory.annotate.labelstudio import server
    return server.main([args.action] + (["--port", str(args.port)] if args.port else []))


def run_add_annotator(args) -> int:
    from samestory.annotate.labelstudio import client
    conn = client.resolve(args.url, args.token, args.timeout)
    client.connect(conn)
    print(client.add_annotator(conn, args.email, args.password))
    return 0
