"""Deprecated alias (kept for the 1.x releases): `samestory.codebook` moved to `samestory.annotate.codebook`; `python -m samestory.codebook` still runs it."""
import importlib
import runpy
import sys
import warnings

if __name__ == "__main__":
    runpy.run_module("samestory.annotate.codebook", run_name="__main__", alter_sys=True)
else:
    warnings.warn("samestory.codebook is deprecated: import samestory.annotate.codebook", DeprecationWarning, stacklevel=2)
    sys.modules[__name__] = importlib.import_module("samestory.annotate.codebook")
