"""Fills the test run's read-only XLA cache: ``python -m tests.xla_warmup FOLDER``.

tests/conftest.py starts it once per run. Two processes load the tiny model
at once, each as the first thing it compiles, each writing its own folder:
``load_model(keep_model=False)`` as the app and the CLI children load it, and
``keep_model=True`` as the session's ``tiny_loaded`` does (the two compile to
different XLA modules). Then their entries are moved into ``FOLDER/partial``,
which is renamed to ``FOLDER/cache`` in one step: a test process sees no
cache or a complete one, never a file being written. The cache is empty when
both loads failed; then every process compiles, as without a cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KINDS = ("lean", "keep")


def _load(folder: Path, kind: str) -> None:
    """The tiny model's first load in this process (its XLA entries go to TF_XLA_FLAGS's folder).

    "keep" builds the model folder first, in its own process, as the test
    session does before ``tiny_loaded``; "lean" waits for that folder: a
    process that had built it would compile other names (tracing numbers its
    functions), as the children that only load would not.
    """
    import time

    from gpt2desk.core.engine.loading import load_model
    from gpt2desk.core.model_source import parse_model_ref
    from tests.tinymodel import build_tiny_model

    model = folder / "model"
    if kind == "keep":
        build_tiny_model(folder / "model-building").rename(model)
    else:
        deadline = time.monotonic() + 120
        while not model.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    load_model(parse_model_ref(str(model)), offline=True, keep_model=kind == "keep")


def main(argv: list[str]) -> int:
    folder = Path(argv[0])
    if len(argv) == 2:
        _load(folder, argv[1])
        return 0
    partial = folder / "partial"
    partial.mkdir(exist_ok=True)
    procs = {}
    for kind in KINDS:
        own = folder / f"partial-{kind}"
        own.mkdir()
        env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            # Writable, and read by no one else.
            "TF_XLA_FLAGS": f"--tf_xla_persistent_cache_directory={own}",
        }
        procs[kind] = subprocess.Popen(
            [sys.executable, "-m", "tests.xla_warmup", str(folder), kind],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    for kind, proc in procs.items():
        # Only a process that ended by itself has closed every file it wrote.
        if proc.wait() == 0:
            for entry in (folder / f"partial-{kind}").iterdir():
                entry.rename(partial / entry.name)
    partial.rename(folder / "cache")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
