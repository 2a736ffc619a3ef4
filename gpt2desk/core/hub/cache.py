"""The standard Hugging Face cache on disk: which models are there, their size, deleting.

The cache is ``$HF_HUB_CACHE``, else ``$HF_HOME/hub``, else
``~/.cache/huggingface/hub``, shared with every other Hugging Face tool, so a
model another tool downloaded is found and not downloaded twice. A model is
``models--{org}--{name}/`` with ``blobs/`` (files named by hash; partial
downloads end in ``.incomplete``), ``snapshots/{commit}/`` (links to blobs)
and ``refs/main`` (the commit that loading without network uses). A model
whose main has only pickle weights is downloaded from the Hub's safetensors
conversion pull request, whose commit is in ``refs/refs/pr/N``: such a
snapshot counts when main's is not loadable.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from gpt2desk.core.hub.guard import COMMIT_ID
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP
from gpt2desk.core.model_source import ModelLoadError, check_local_folder

PREFIX = "models--"


def default_cache_dir() -> Path:
    """The hub cache folder as huggingface_hub resolves it from the environment."""
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def repo_folder(repo_id: str, cache: Path | None = None) -> Path:
    return (cache or default_cache_dir()) / (PREFIX + repo_id.replace("/", "--"))


@dataclass(frozen=True)
class CacheStatus:
    """What the cache holds of one model.

    ``state`` is "complete" (loadable with no network), "partial" (something is
    there, e.g. an interrupted download) or "absent".
    """

    repo_id: str
    state: str
    disk_bytes: int
    snapshot: Path | None = None
    #: The ref the snapshot was found by: "main" or a pull request's ``refs/pr/N``.
    revision: str = "main"


_PR_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


def snapshot_dir(repo_id: str, cache: Path | None = None, ref: str = "main") -> Path | None:
    """The snapshot ``refs/{ref}`` points at, if any."""
    folder = repo_folder(repo_id, cache)
    try:
        commit = (folder / "refs" / ref).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not COMMIT_ID.fullmatch(commit):
        return None  # written by hand or by an older version: never followed as a path
    path = folder / "snapshots" / commit
    return path if path.is_dir() else None


def _pull_requests(folder: Path) -> list[str]:
    """The pull request refs the cache holds (``refs/pr/N``), newest first."""
    try:
        names = [p.name for p in (folder / "refs" / "refs" / "pr").iterdir()]
    except OSError:
        return []
    numbers = sorted((int(n) for n in names if _PR_NUMBER.fullmatch(n)), reverse=True)
    return [f"refs/pr/{n}" for n in numbers]


def status(repo_id: str, cache: Path | None = None) -> CacheStatus:
    folder = repo_folder(repo_id, cache)
    if not folder.is_dir():
        return CacheStatus(repo_id, "absent", 0)
    size = folder_bytes(folder)
    first: Path | None = None
    for ref in ("main", *_pull_requests(folder)):
        snapshot = snapshot_dir(repo_id, cache, ref)
        if snapshot is None:
            continue
        first = first or snapshot
        try:
            check_local_folder(snapshot)
        except ModelLoadError:
            continue
        return CacheStatus(repo_id, "complete", size, snapshot, ref)
    return CacheStatus(repo_id, "partial", size, first)


def best_status(repo_ids: tuple[str, ...], cache: Path | None = None) -> CacheStatus:
    """The most complete of several ids of one model (e.g. gpt2 and openai-community/gpt2)."""
    found = [status(r, cache) for r in repo_ids]
    order = {"complete": 0, "partial": 1, "absent": 2}
    return min(found, key=lambda s: order[s.state])


def folder_bytes(path: Path) -> int:
    """Bytes of the regular files under ``path`` (links are not followed or counted)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                st = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            if not os.path.islink(os.path.join(root, name)):
                total += st.st_size
    return total


def total_bytes(cache: Path | None = None) -> int:
    """Disk use of the whole hub cache (all tools' models and data sets)."""
    cache = cache or default_cache_dir()
    return folder_bytes(cache) if cache.is_dir() else 0


def cached_model_ids(cache: Path | None = None) -> list[str]:
    """Ids of every model folder in the cache, whoever downloaded it."""
    cache = cache or default_cache_dir()
    if not cache.is_dir():
        return []
    return sorted(
        p.name[len(PREFIX) :].replace("--", "/")
        for p in cache.iterdir()
        if p.name.startswith(PREFIX) and p.is_dir()
    )


def check_gpt2_folder(path: Path) -> None:
    """Raises ModelLoadError saying what is missing or wrong in a GPT-2 model folder."""
    check_local_folder(path)
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        model_type = config["model_type"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ModelLoadError(
            QT_TRANSLATE_NOOP("Models", "{path} is not a valid model config."),
            path=path / "config.json",
        ) from None
    if model_type != "gpt2":
        raise ModelLoadError(
            QT_TRANSLATE_NOOP("Models", "{path} holds a {type} model; gpt2desk runs GPT-2 only."),
            path=path,
            type=model_type,
        )


def cached_gpt2_ids(cache: Path | None = None) -> list[str]:
    """Complete GPT-2 models in the cache, whoever downloaded them."""
    found = []
    for repo_id in cached_model_ids(cache):
        snapshot = status(repo_id, cache).snapshot
        try:
            if snapshot is not None:
                check_gpt2_folder(snapshot)
                found.append(repo_id)
        except ModelLoadError:
            pass
    return found


def delete_model(repo_id: str, cache: Path | None = None) -> int:
    """Removes a model (complete or partial) from the cache; returns the bytes freed."""
    cache = cache or default_cache_dir()
    folder = repo_folder(repo_id, cache)
    # Never follow a crafted id out of the cache.
    if folder.resolve().parent != cache.resolve() or not folder.name.startswith(PREFIX):
        raise ModelLoadError(
            QT_TRANSLATE_NOOP("Models", "“{model}” is not a model folder of the cache {cache}."),
            model=repo_id,
            cache=cache,
        )
    freed = folder_bytes(folder) if folder.is_dir() else 0
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(cache / ".locks" / folder.name, ignore_errors=True)
    if folder.exists():
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models", "{path} could not be deleted completely; check its permissions."
            ),
            path=folder,
        )
    return freed
