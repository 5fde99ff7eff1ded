"""`samestory story new` creates a story (an event) that articles can then be added to; `samestory story
propose` proposes its inventories (machine-proposed, for review)."""
from __future__ import annotations

from pathlib import Path

from samestory.cli.options import add_corpus, command
from samestory.corpus.ingest import new_story
from samestory.systems.proposals import FACT_THRESHOLD
from samestory.schema import INVENTORIES


def _new(args) -> int:
    """Create corpus/<ID>/story.json and annotations/<ID>/ (empty inventories and gold/); the id is a slug,
    the date YYYY-MM-DD; an existing id is refused."""
    target, ann = new_story(Path(args.corpus), args.story_id, args.title, args.date, args.place,
                            args.description, annotations=args.annotations and Path(args.annotations))
    print(f"created story {args.story_id} in {target}")
    print(f"created empty inventories ({', '.join(f'{n}.jsonl' for n in INVENTORIES)}) and gold/ in {ann}")
    print(f"next: samestory add --story {args.story_id} ARTICLE.txt|PAGE.html …")
    return 0


def _propose(args) -> int:
    """Propose the story's entity table (pretrained NER + cross-document name clustering), fact inventory
    (sentences clustered across outlets with sentence embeddings) and stance-target stubs, plus the
    mentions and facts layers that link them, under annotations/<ID>/proposals/. Everything is marked
    machine-proposed; nothing is written to the story's inventories or gold."""
    from samestory.systems import proposals
    from samestory.corpus.store import load_documents, load_stories

    corpus = Path(args.corpus)
    annotations = Path(args.annotations) if args.annotations else corpus.parent / "annotations"
    known = sorted(s["story_id"] for s in load_stories(corpus))
    if args.story_id not in known:
        from samestory.core.errors import Problem, SameStoryError

        raise SameStoryError(f"unknown story {args.story_id!r}", [Problem(
            str(corpus), "no such story; create it with `samestory story new`", field="story",
            expected=", ".join(known) or "an existing story", found=args.story_id)])
    docs = [d for d in load_documents(corpus) if d["story_id"] == args.story_id]
    ner, emb = proposals.ner_tool(), proposals.embedding_tool()
    print(f"proposing for {len(docs)} document(s) of {args.story_id}")
    print(f"  NER: {ner['tool']} {ner.get('model') or ''} {ner['version']} ({', '.join(ner['languages'])})"
          + (f" -- {ner['note']}" if ner.get("note") else ""))
    print(f"  sentence similarity: {emb['tool']} {emb.get('model') or ''}" + (f" -- {emb['note']}" if emb.get("note")
                                                                               else ""))
    result = proposals.propose(args.story_id, docs, fact_threshold=args.fact_threshold, ner=ner, embedder=emb)
    out = Path(args.out) if args.out else proposals.proposals_dir(annotations, args.story_id)
    proposals.write(out, result)
    n_m = sum(len(r["mentions"]) for r in result["mentions"])
    print(f"proposed {len(result['entities'])} entities ({n_m} linked mentions), {len(result['fact_inventory'])} "
          f"facts shared by >= 2 documents, {len(result['stance_targets'])} stance-target stubs")
    print(f"wrote {out} (machine-proposed, not gold)")
    print(f"next: review them (samestory ls push --story {args.story_id} --preannotate {out}), or compare outlets "
          f"now: samestory report --story {args.story_id} --proposals {out} --out reports/{args.story_id}")
    return 0


def _add_folders(p) -> None:
    """--corpus, and --annotations defaulting to the folder beside it (a new story may live outside a checkout)."""
    add_corpus(p)
    p.add_argument("--annotations", help="annotations folder (default: the folder `annotations` beside the corpus "
                   "folder)")


def register(sub) -> None:
    p = sub.add_parser("story", help="Create stories (events) and propose their inventories.",
                       description="Create stories (events) in the corpus; propose their entity table, fact "
                                   "inventory and stance targets for review.")
    ssub = p.add_subparsers(dest="story_command", metavar="ACTION", required=True)
    n = command(ssub, "new", _new, help="Create a new story.", description=_new.__doc__)
    n.add_argument("story_id", metavar="ID", help="story id: lower-case slug, e.g. kyiv-2025-06-01")
    n.add_argument("--title", required=True, help="what happened, one line")
    n.add_argument("--date", required=True, help="event date, YYYY-MM-DD")
    n.add_argument("--place", help="where it happened (default: null)")
    n.add_argument("--description", help="one-line summary of the event (default: null)")
    _add_folders(n)
    pr = command(ssub, "propose", _propose, help="Propose entities, facts and stance targets (machine-proposed).",
                 description=_propose.__doc__)
    pr.add_argument("story_id", metavar="ID", help="story id")
    pr.add_argument("--out", help="output folder (default: annotations/<ID>/proposals; an existing folder is "
                    "replaced only if it is a proposals folder)")
    pr.add_argument("--fact-threshold", type=float, default=FACT_THRESHOLD,
                    help="cosine similarity at which sentences of two outlets report one fact (default: %(default)s)")
    _add_folders(pr)
