"""The dataset version: the one place it is set (semver; a released version is immutable)."""

DATASET_VERSION = "1.1.0"
"""Version of the released dataset (`build/samestory-v<version>/`, `releases/v<version>.json`, Hub tag)."""
