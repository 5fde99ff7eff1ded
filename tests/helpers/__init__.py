"""Helpers shared by the tests (imported as `tests.helpers.<name>`; the suite is a package, so no sys.path edits)."""
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
"""The tests/ folder."""
ROOT = TESTS.parent
"""The repository checkout."""
FIXTURES = TESTS / "fixtures"
"""Small hand-written stories, captures and predictions the tests read."""
ARTIFACTS = TESTS / "artifacts"
"""Screenshots and logs the server and browser tests leave (git-ignored)."""
