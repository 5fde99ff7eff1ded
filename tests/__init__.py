"""The test suite: one folder per stage package of src/samestory (tests/README.md)."""
