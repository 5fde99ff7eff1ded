"""Deprecated alias package: Label Studio code moved to `samestory.annotate.labelstudio`."""
