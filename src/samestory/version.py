"""The versions, each set in one place: the dataset's (semver; a released version is immutable) and the code's."""

DATASET_VERSION = "1.1.0"
"""Version of the released dataset (`build/samestory-v<version>/`, `releases/v<version>.json`, Hub tag)."""

__version__ = "1.1.0"
"""Version of the samestory code (the package version too: pyproject.toml reads it), stamped into results and proposals."""
