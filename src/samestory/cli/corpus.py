"""`samestory corpus clean|show`: freeze clean text, and show what the cleaner removed."""
from __future__ import annotations

from pathlib import Path

from samestory.cli.options import add_corpus, command
from samestory.cli.output import print_written
from samestory.core import paths
from samestory.corpus.store import (METADATA_FIELDS, build_document, clean_path, load_documents, load_metadata,
                              metadata_problems, read_raw)
from samestory.core.errors import Problem
from samestory.core.errors import SameStoryError
from samestory.core.jsonl import atomic_write_text


def _clean(args) -> int:
    """Write clean/<doc_id>.txt for documents that have none; refuse to change an existing one."""
    paths.require_checkout("corpus clean", args.corpus)
    corpus = Path(args.corpus)
    wrote = 0
    rows = load_metadata(corpus)
    bad = [Problem(str(f), "missing field", line=line, field=k) for f, line, m in rows for k in METADATA_FIELDS
           if k not in m]
    bad += [p for f, line, m in rows for p in metadata_problems(f, line, m)]
    if bad:  # every id and path is checked before any file is written
        raise SameStoryError("cannot clean: documents.jsonl has problems; run `samestory validate`", bad)
    for f, line, meta in rows:
        if args.story and meta["story_id"] != args.story:
            continue
        raw, problems = read_raw(corpus, meta, (f, line))
        if problems:
            raise SameStoryError(f"cannot clean {meta['doc_id']}", problems)
        text = build_document(meta, raw)["text"]
        target = clean_path(corpus, meta)
        if target.exists():
            if target.read_text(encoding="utf-8") != text:
                raise SameStoryError(
                    f"{target}: the cleaner now gives a different text; annotations point into the stored "
                    "one. Change cleaning rules only with a new dataset version and migrated annotations.")
            continue
        atomic_write_text(target, text)
        wrote += 1
        print_written(target)
    print(f"{wrote} clean text(s) written")
    return 0


def _show(args) -> int:
    """Print a document's metadata, removals and segment counts so a curator can check the cleaning."""
    paths.require_checkout("corpus show", args.corpus)
    docs = {d["doc_id"]: d for d in load_documents(Path(args.corpus))}
    if args.doc_id not in docs:
        raise SameStoryError(f"unknown doc_id {args.doc_id}; known: {', '.join(sorted(docs))}")
    d = docs[args.doc_id]
    for k in ("doc_id", "story_id", "title", "outlet", "byline", "language", "machine_translated"):
        print(f"{k:>18}: {d[k]}")
    print(f"{'paragraphs':>18}: {len(d['paragraphs'])}\n{'sentences':>18}: {len(d['sentences'])}")
    print("removed:")
    for r in d["removals"]:
        print(f"  raw[{r['raw_start']}:{r['raw_end']}] {r['reason']:<17} {r['rule']:<20} {r['text'].strip()[:60]!r}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("corpus", help="Clean and inspect corpus documents.",
                       description="Clean and inspect corpus documents.")
    csub = p.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    c = command(csub, "clean", _clean, help="Write the frozen clean text of documents that have none.",
                description=_clean.__doc__)
    add_corpus(c)
    c.add_argument("--story", help="only this story")
    s = command(csub, "show", _show, help="Show a document's metadata and what cleaning removed.",
                description=_show.__doc__)
    s.add_argument("doc_id")
    add_corpus(s)
