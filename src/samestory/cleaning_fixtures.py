"""Deprecated alias (kept for the 1.x releases): `samestory.cleaning_fixtures` moved to `samestory.corpus.cleaning_fixtures`; `python -m samestory.cleaning_fixtures` still runs it."""
import importlib
import runpy
import sys
import warnings

if __name__ == "__main__":
    runpy.run_module("samestory.corpus.cleaning_fixtures", run_name="__main__", alter_sys=True)
else:
    warnings.warn("samestory.cleaning_fixtures is deprecated: import samestory.corpus.cleaning_fixtures", DeprecationWarning, stacklevel=2)
    sys.modules[__name__] = importlib.import_module("samestory.corpus.cleaning_fixtures")
