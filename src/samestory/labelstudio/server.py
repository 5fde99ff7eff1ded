"""Deprecated alias (kept for the 1.x releases): `samestory.labelstudio.server` moved to `samestory.annotate.labelstudio.server`; `python -m samestory.labelstudio.server` still runs it."""
import importlib
import runpy
import sys
import warnings

if __name__ == "__main__":
    runpy.run_module("samestory.annotate.labelstudio.server", run_name="__main__", alter_sys=True)
else:
    warnings.warn("samestory.labelstudio.server is deprecated: import samestory.annotate.labelstudio.server", DeprecationWarning, stacklevel=2)
    sys.modules[__name__] = importlib.import_module("samestory.annotate.labelstudio.server")
