"""The thread a runner compiles in while it already answers (see runner.py), and
how a process ends while one still runs."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading

THREAD_NAME = "gpt2desk-compile"


def compiling() -> bool:
    """Whether a compile thread is still running in this process."""
    return any(t.name == THREAD_NAME and t.is_alive() for t in threading.enumerate())


def end_process(code: int) -> int:
    """Returns ``code`` for ``sys.exit``, or ends the process at once while a compile runs.

    A normal exit waits for the compile thread to finish the function under
    way (up to the ~10 s of gpt2's decode loop): the thread is not a daemon,
    as TensorFlow's C++ state torn down under a running compile crashed the
    process (measured: a segfault, or an abort). The entry points call this
    after everything is saved and written, and end the process without
    waiting; what Python would flush at exit (streams, log handlers) is
    flushed first.
    """
    if not compiling():
        return code
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()
    os._exit(code)
