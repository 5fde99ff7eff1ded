"""`samestory story new`: create a story (an event) that articles can then be added to."""
from __future__ import annotations

from pathlib import Path

from samestory import paths
from samestory.ingest import new_story
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


def register(sub) -> None:
    p = sub.add_parser("story", help="Create stories (events) in the corpus.",
                       description="Create stories (events) in the corpus.")
    ssub = p.add_subparsers(dest="story_command", metavar="ACTION", required=True)
    n = ssub.add_parser("new", help="Create a new story.", description=_new.__doc__)
    n.add_argument("story_id", metavar="ID", help="story id: lower-case slug, e.g. kyiv-2025-06-01")
    n.add_argument("--title", required=True, help="what happened, one line")
    n.add_argument("--date", required=True, help="event date, YYYY-MM-DD")
    n.add_argument("--place", help="where it happened (default: null)")
    n.add_argument("--description", help="one-line summary of the event (default: null)")
    n.add_argument("--corpus", default=str(paths.CORPUS), help="corpus folder (default: %(default)s)")
    n.add_argument("--annotations", help="annotations folder (default: the folder `annotations` beside the corpus "
                   "folder)")
    n.set_defaults(func=_new)
