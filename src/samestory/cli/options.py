"""Options several subcommands share, declared once: same flag, same help, same checks."""


def add_dataset_args(p, what: str, required: bool = False) -> None:
    """--dataset and --revision, the same on every command that can read a release instead of a checkout."""
    p.add_argument("--dataset", required=required, metavar="PATH_OR_HUB_ID",
                   help=f"read {what} from a release folder or a Hub dataset id (no checkout needed)")
    p.add_argument("--revision", help="with a Hub id: the tag, branch or commit, e.g. v1.1.0 (pin it: a score is "
                                      "only reproducible against a fixed release)")


def open_dataset(args):
    """The release named by --dataset (checked against its manifest), or None; --revision alone is an error."""
    if args.dataset:
        from samestory.release.dataset import open_release

        return open_release(args.dataset, args.revision)
    if args.revision:
        from samestory.core.errors import SameStoryError

        raise SameStoryError("--revision needs --dataset (a Hub dataset id)")
    return None
