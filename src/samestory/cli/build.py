"""`samestory validate | build | verify | card | changelog | publish`: check the data, make and ship a release."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from samestory.cli.options import (add_annotations, add_check, add_checkout, add_quiet, add_release_folders, add_version,
                                   command)
from samestory.core import paths
from samestory.version import DATASET_VERSION


def _sources(args):
    """The build's inputs; the prediction schemas come from eval's tasks (the release stage sits below eval)."""
    from samestory.eval.schemas import rendered
    from samestory.release.build import Sources

    paths.require_checkout(args.command, args.corpus)
    return Sources(corpus=Path(args.corpus), annotations=Path(args.annotations), card=Path(args.card),
                   changelog=Path(args.changelog), schemas=rendered())


def _add_inputs(p: argparse.ArgumentParser, card: bool = True) -> None:
    add_checkout(p)
    if card:
        p.add_argument("--card", default=str(paths.CARD), help="card template (default: %(default)s)")
        p.add_argument("--changelog", default=str(paths.CHANGELOG), help="changelog (default: %(default)s)")


def cmd_validate(args) -> int:
    from samestory.annotate.validate import validate

    if args.list_checks:
        from samestory.annotate.consistency import CHECKS

        for c in CHECKS.values():
            print(f"{c.name}  [{', '.join(c.layers) or 'any layer'}; item: {c.item}]\n    {c.doc}")
        return 0
    paths.require_checkout(args.command, args.corpus)
    report = validate(Path(args.corpus), Path(args.annotations), progress=not args.quiet, keep=False)
    if args.violations:
        from samestory.annotate.consistency import violation_report
        from samestory.core.jsonl import atomic_write_text

        atomic_write_text(Path(args.violations), violation_report(report.cross_layer, Path.cwd()))
        print(f"{args.violations}: {len(report.cross_layer)} cross-layer problem(s) listed")
    if not args.quiet:
        for note in report.notes:
            print(f"note: {note}")
    if report.problems:
        print(f"validation failed: {len(report.problems)} problem(s)", file=sys.stderr)
        for p in report.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"ok: {report.n_documents} document(s), {report.records} annotation record(s), "
          f"{len(report.stories)} story(ies)")
    return 0


def cmd_build(args) -> int:
    from samestory.release.build import build_release

    result = build_release(args.version, _sources(args), Path(args.out), Path(args.releases),
                           progress=not args.quiet)
    word = "unchanged (same content as the released version)" if result.status == "unchanged" else "built"
    print(f"{result.path}: {word}; manifest {result.manifest_path}")
    return 0


def cmd_verify(args) -> int:
    from samestory.release.build import verify

    history = True if args.from_history else (False if args.from_sources else None)
    out = Path(args.out)
    manifest = verify(args.version, _sources(args), Path(args.releases), progress=not args.quiet,
                      from_history=history, out=out)
    version = manifest["dataset_version"]
    if history or (history is None and version != DATASET_VERSION):
        from samestory.release.history import release_source

        where = f"the sources of commit {release_source(Path(args.releases) / f'v{version}.json').commit[:12]}"
    else:
        where = "this checkout"
    built = out / f"samestory-v{version}"
    print(f"v{version}: rebuilt identically from {where} ({len(manifest['files'])} files, "
          f"{len(manifest['inputs'])} inputs)" + (f"; {built} matches the manifest" if built.exists() else
                                                   f"; {built} is not built (not compared)"))
    return 0


def _refresh(path: Path, current: str, text: str, check: bool, stale: str, done: str) -> int:
    """A generated file: say it is up to date, or with --check that it is stale (exit 1), or rewrite it."""
    from samestory.core.jsonl import atomic_write_text

    if text == current:
        print(f"{path}: up to date")
        return 0
    if check:
        print(f"{path}: stale; {stale}", file=sys.stderr)
        return 1
    atomic_write_text(path, text)
    print(f"{path}: {done}")
    return 0


def cmd_card(args) -> int:
    from samestory.release.build import render_card

    src = _sources(args)
    text = render_card(src, args.version)
    return _refresh(Path(src.card), Path(src.card).read_text(encoding="utf-8"), text, args.check,
                    "run `samestory card` to refresh its generated sections", "refreshed")


def cmd_changelog(args) -> int:
    from samestory.annotate import changelog

    path = Path(args.changelog)
    current = path.read_text(encoding="utf-8")
    text = changelog.render(current, Path(args.annotations), str(path))
    return _refresh(path, current, text, args.check, "run `samestory changelog` to regenerate its list of changed "
                    "labels", f"label changes regenerated from {args.annotations}/<story>/changes/")


def cmd_publish(args) -> int:
    from samestory.release.publish import publish

    plan = publish(args.version, args.repo_id, Path(args.out), Path(args.releases), dry_run=args.dry_run)
    if args.dry_run:
        print("dry run: these calls would be made (nothing was uploaded)")
        print(json.dumps(plan, indent=2))
    else:
        print(f"published v{args.version} to https://huggingface.co/datasets/{args.repo_id} (tag v{args.version})")
    return 0


def register(sub) -> None:
    p = command(sub, "validate", cmd_validate, help="check the corpus and all annotations; report every problem",
                description="Check the corpus (raw sha256, UTF-8, clean text) and every annotation file "
                "against schema.py; print every problem and exit 1 if there is any.")
    _add_inputs(p, card=False)
    add_quiet(p, "do not print notes")
    p.add_argument("--list-checks", action="store_true",
                   help="list the cross-layer checks (names for annotations/<story>/exceptions.jsonl) and exit")
    p.add_argument("--violations", metavar="FILE",
                   help="also write the cross-layer violations, grouped and counted per check, to FILE")

    p = command(sub, "build", cmd_build, help="build the versioned release (Parquet per config + card + manifest)",
                description="Validate, then write build/samestory-v<version>/ and releases/v<version>.json. "
                "A released version with other content is refused: bump the version.")
    _add_inputs(p)
    add_release_folders(p)
    add_version(p)
    add_quiet(p)

    p = command(sub, "verify", cmd_verify, help="rebuild a released version and compare it with its manifest",
                description="Rebuild <version> in a scratch folder and compare every hash with "
                "releases/v<version>.json, and compare the built folder <out>/samestory-v<version>/, "
                "if it exists, with the manifest. The current version is rebuilt from this checkout; an "
                "older one from the git commit that recorded its manifest (its own code and data, "
                "exported with git archive; needs the git history).")
    p.add_argument("version", help="e.g. 1.0.0")
    _add_inputs(p)
    add_release_folders(p, out_help="build folder compared too (default: %(default)s)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--from-history", action="store_true",
                     help="rebuild from the commit that recorded the manifest even for the current version")
    how.add_argument("--from-sources", action="store_true",
                     help="rebuild from --corpus/--annotations as they are, even for an older version")
    add_quiet(p)

    p = command(sub, "card", cmd_card, help="refresh the generated sections of dataset_card.md",
                description="Recompute the statistics, field, label, agreement and history sections of "
                "the card from schema.py and the data.")
    _add_inputs(p)
    add_version(p)
    add_check(p, "only check; exit 1 when the card is stale")

    p = command(sub, "changelog", cmd_changelog, help="regenerate CHANGELOG.md's list of changed gold labels",
                description="Rewrite the block between <!-- label-changes:begin --> and "
                "<!-- label-changes:end --> in CHANGELOG.md from annotations/<story>/changes/*.jsonl "
                "(every changed label: document, layer, item, old -> new, reason) and the adjudication "
                "counts. Deterministic; --check exits 1 when the file is stale.")
    add_annotations(p)
    p.add_argument("--changelog", default=str(paths.CHANGELOG), help="changelog (default: %(default)s)")
    add_check(p, "only check; exit 1 when the list is stale")

    p = command(sub, "publish", cmd_publish, help="push a built release to the Hugging Face Hub and tag it",
                description="Upload build/samestory-v<version>/ with huggingface_hub (create_repo, "
                "upload_folder, create_tag v<version>). --dry-run prints the plan.")
    p.add_argument("--repo-id", required=True, help="ORG/NAME of the Hub dataset repository")
    add_version(p)
    add_release_folders(p)
    p.add_argument("--dry-run", action="store_true", help="print the plan, upload nothing")
