"""SameStory: how different outlets report the same event — dataset builder and benchmark harness."""

from samestory.version import __version__  # noqa: F401  (the public attribute)


def evaluate(predictions, dataset=None, tasks=None, **kw):
    """Score predictions against a release; see `samestory.eval.api.evaluate` (imported lazily: the CLI stays fast)."""
    from samestory.eval.api import evaluate as _evaluate

    return _evaluate(predictions, dataset, tasks, **kw)


def open_release(dataset, revision=None, hub=None):
    """A release folder or Hub dataset id, checked against its manifest; see `samestory.release.dataset`."""
    from samestory.release.dataset import open_release as _open

    return _open(dataset, revision, hub)
