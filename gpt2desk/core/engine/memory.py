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


#: glibc's mallopt parameter for the size from which a block gets its own mapping.
_M_MMAP_THRESHOLD = -3
#: Blocks of this size or more are mapped on their own and unmapped when freed.
BIG_BLOCK = 1 << 20


def return_big_blocks() -> None:
    """Makes glibc give every block of 1 MB or more back to the system when it is freed.

    glibc raises its mapping threshold (up to 32 MB) each time a mapped block is
    freed; after that, the 12 MB row blocks of loading and TensorFlow's big
    intermediates stay in the allocating thread's arena until a trim. The app
    loads in its worker thread: gpt2 peaked at 1591 MB while loading there
    against 1262 MB for the same load on the main thread (VmRSS, measured);
    with a fixed threshold, 1246 MB. Setting it also stops the raising.
    """
    libc = _libc()
    if libc is not None:
        with contextlib.suppress(AttributeError):
            libc.mallopt(_M_MMAP_THRESHOLD, BIG_BLOCK)


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
