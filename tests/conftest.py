"""Shared test setup: repository root and tests/ on sys.path, so tests import `tests.browser` or helpers."""
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
for p in (TESTS.parent, TESTS):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))
