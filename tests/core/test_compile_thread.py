"""A process ends at once, with its output written, while a model still compiles."""

from __future__ import annotations

import subprocess
import sys

from gpt2desk.core.engine.compile_thread import end_process

_CHILD = """
import sys, threading, time
from gpt2desk.core.engine.compile_thread import THREAD_NAME, end_process
threading.Thread(target=time.sleep, args=(600,), name=THREAD_NAME).start()
sys.stdout.write("the last words, not yet flushed")
sys.exit(end_process(3))
"""


def test_a_compile_still_running_does_not_keep_the_process_or_lose_its_output() -> None:
    # A stand-in under the compile thread's name, one a normal exit waits for (600 s):
    # a real compile cannot be made to last on demand.
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 3
    assert proc.stdout == "the last words, not yet flushed"
    assert proc.stderr == ""


def test_without_a_compile_the_exit_code_is_returned() -> None:
    assert end_process(5) == 5
