"""TensorFlow's persistent XLA cache: a second launch skips most of the decode loop's compile.

TensorFlow reads ``TF_XLA_FLAGS`` once, when it is imported, so the folder is
named before the first import (the model worker calls :func:`use_xla_cache`
first). An entry's key holds the compiled module's fingerprint and the traced
functions' names, which TensorFlow numbers per process: the same model loaded
first in a process finds its entries again (gpt2: the loop took 3.1 s instead
of 9.2 s, the window was ready in 13.3 s instead of 20.5 s); another model,
or a model loaded second, compiles and adds its own. The folder is kept under
``LIMIT_BYTES`` by removing the oldest entries.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path

#: A folder for the cache instead of the app's; empty turns the cache off.
ENV = "GPT2DESK_XLA_CACHE"
FLAG = "--tf_xla_persistent_cache_directory"
#: Above this the oldest entries go, down to half of it (gpt2's entries: ~7 MB).
LIMIT_BYTES = 256 * 1024 * 1024
log = logging.getLogger(__name__)


def use_xla_cache(
    folder: Path,
    env: MutableMapping[str, str] = os.environ,
    modules: Mapping[str, object] | None = None,
) -> Path | None:
    """Points TensorFlow's XLA cache at ``folder`` (or ``$GPT2DESK_XLA_CACHE``).

    Nothing changes, and None is returned, when TensorFlow is already imported,
    ``TF_XLA_FLAGS`` already names a cache (the user's or the tests'), the
    cache is turned off, the folder cannot be made, or its path has a space
    (``TF_XLA_FLAGS`` is split at spaces).
    """
    import sys

    loaded = sys.modules if modules is None else modules
    flags = env.get("TF_XLA_FLAGS", "")
    if "tensorflow" in loaded or FLAG in flags:
        return None
    override = env.get(ENV)
    if override is not None:
        if not override.strip():
            return None
        folder = Path(override)
    if any(c.isspace() for c in str(folder)):
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        prune(folder)
    except OSError as exc:
        log.warning("no XLA cache in %s: %s", folder, exc)
        return None
    env["TF_XLA_FLAGS"] = f"{flags} {FLAG}={folder}".strip()
    return folder


def prune(folder: Path, limit: int = LIMIT_BYTES) -> list[Path]:
    """Removes the oldest entries while the folder holds more than ``limit`` bytes
    (down to half of it, so it is not pruned at every start); returns them."""
    entries = []
    for path in folder.iterdir():
        try:
            if path.is_file():
                st = path.stat()
                entries.append((st.st_mtime, st.st_size, path))
        except OSError:
            continue
    total = sum(size for _, size, _ in entries)
    removed: list[Path] = []
    if total <= limit:
        return removed
    for _, size, path in sorted(entries):
        if total <= limit // 2:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        removed.append(path)
    return removed
