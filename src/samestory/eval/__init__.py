"""The evaluation harness: task registry, scorers built from counts, bootstrap intervals, results files."""

SCORER_VERSION = "1.2.0"
"""Bump whenever any score could change (a formula, a matching rule, a task definition)."""
