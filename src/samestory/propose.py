"""Deprecated alias (kept for the 1.x releases): `samestory.propose` moved to `samestory.annotate.propose`; `python -m samestory.propose` still runs it."""
import importlib
import runpy
import sys
import warnings

if __name__ == "__main__":
    runpy.run_module("samestory.annotate.propose", run_name="__main__", alter_sys=True)
else:
    warnings.warn("samestory.propose is deprecated: import samestory.annotate.propose", DeprecationWarning, stacklevel=2)
    sys.modules[__name__] = importlib.import_module("samestory.annotate.propose")
