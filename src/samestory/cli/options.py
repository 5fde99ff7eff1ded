"""Options several subcommands share, declared once: same flag, same default, same help, same checks."""
from __future__ import annotations

from samestory.core import paths


def add_corpus(p) -> None:
    """--corpus: the checkout's corpus folder."""
    p.add_argument("--corpus", default=str(paths.CORPUS), help="corpus folder (default: %(default)s)")


def add_annotations(p) -> None:
    """--annotations: the checkout's annotations folder."""
    p.add_argument("--annotations", default=str(paths.ANNOTATIONS), help="annotations folder (default: %(default)s)")


def add_checkout(p) -> None:
    """--corpus and --annotations, the two folders of a checkout that the data commands read."""
    add_corpus(p)
    add_annotations(p)


def add_release_folders(p, out_help: str = "build folder (default: %(default)s)") -> None:
    """--out (the build folder) and --releases (the committed manifests), for the commands that make,
    compare or ship a release."""
    p.add_argument("--out", default=str(paths.BUILD), help=out_help)
    p.add_argument("--releases", default=str(paths.RELEASES), help="release manifests (default: %(default)s)")


def add_version(p) -> None:
    """--version: the dataset version, by default the one in version.py."""
    from samestory.version import DATASET_VERSION

    p.add_argument("--version", default=DATASET_VERSION, help="dataset version (default: %(default)s)")


def add_quiet(p, help: str = "no progress bars") -> None:
    """--quiet: print less (what exactly is the command's help)."""
    p.add_argument("--quiet", action="store_true", help=help)


def add_check(p, help: str) -> None:
    """--check: compare with what would be written, write nothing, exit 1 when it differs."""
    p.add_argument("--check", action="store_true", help=help)


def add_dataset_args(p, what: str, required: bool = False) -> None:
    """--dataset and --revision, the same on every command that can read a release instead of a checkout."""
    p.add_argument("--dataset", required=required, metavar="PATH_OR_HUB_ID",
                   help=f"read {what} from a release folder or a Hub dataset id (no checkout needed)")
    p.add_argument("--revision", help="with a Hub id: the tag, branch or commit, e.g. v1.1.0 (pin it: a score is "
                                      "only reproducible against a fixed release)")


def check_revision(args) -> None:
    """--revision pins a Hub dataset: alone it is an error."""
    if args.revision and not args.dataset:
        from samestory.core.errors import SameStoryError

        raise SameStoryError("--revision needs --dataset (a Hub dataset id)")


def open_dataset(args):
    """The release named by --dataset (checked against its manifest), or None; --revision alone is an error."""
    check_revision(args)
    if args.dataset:
        from samestory.release.dataset import open_release

        return open_release(args.dataset, args.revision)
    return None


def command(sub, name: str, func, **parser_args):
    """A subcommand: its parser (help, description, …) bound to the function that runs it."""
    p = sub.add_parser(name, **parser_args)
    p.set_defaults(func=func)
    return p
