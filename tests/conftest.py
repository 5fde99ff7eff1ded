"""Shared test setup. The suite is a package (tests/__init__.py): pytest puts the repository root on the path,
so tests import shared helpers as `tests.helpers.<name>` and nothing edits sys.path."""
