"""A pause of the cyclic garbage collector around bulk JSON reading (evaluation, gold loading)."""
from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def no_gc():
    """Pause the cyclic garbage collector: reading millions of small JSON objects otherwise triggers
    full collections over an ever larger heap (several times the parse time); nothing here makes cycles."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
