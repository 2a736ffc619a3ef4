"""Giving freed memory back to the system between the big steps of loading a model."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import sys
from typing import Any


def release_free_memory() -> None:
    """Returns the C heap's free pages to the system (glibc only; else nothing).

    Loading gpt2 leaves ~100 MB of freed blocks in glibc's heap, each compile
    step tens of MB (measured with VmRSS); later peaks count them unless they
    go back.
    """
    libc = _libc()
    if libc is not None:
        with contextlib.suppress(AttributeError):
            libc.malloc_trim(0)


@functools.cache
def _libc() -> Any:
    # find_library runs ldconfig: look once.
    name = ctypes.util.find_library("c")
    if not (sys.platform.startswith("linux") and name):
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None
