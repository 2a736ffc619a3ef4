"""Checks of downloaded files: config.json is a GPT-2's, an LFS file matches its sha256."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from gpt2desk.core.hub.cache import repo_folder
from gpt2desk.core.hub.errors import HubError, _not_gpt2
from gpt2desk.core.hub.plan import _SHA256, RemoteFile
from gpt2desk.core.hub.progress import Meter
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP


def _check_config(repo_id: str, pointer: Path, cache: Path, *, created: bool) -> None:
    """Refuses a non-GPT-2 model before its weights are downloaded."""
    import json

    try:
        model_type = json.loads(pointer.read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError, AttributeError):
        model_type = "unreadable"
    if model_type == "gpt2":
        return
    if created:
        delete_repo_folder(repo_id, cache)
    if model_type == "unreadable":
        raise HubError(
            QT_TRANSLATE_NOOP("Hub", "The config.json of “{model}” is not valid JSON."),
            model=repo_id,
        )
    raise _not_gpt2(repo_id, model_type)


def _verify(repo_id: str, remote: RemoteFile, pointer: Path, meter: Meter) -> None:
    """Checks an LFS file against its sha256; a damaged file is deleted."""
    blob = Path(os.path.realpath(pointer))
    expected = blob.name if _SHA256.match(blob.name) else remote.sha256
    if not expected:
        return  # a small git file: the client's size check is all there is
    meter.emit(force=True, stage="verifying")
    digest = hashlib.sha256()
    with blob.open("rb") as f:
        while chunk := f.read(1 << 20):
            meter.check_cancel()
            digest.update(chunk)
    actual = digest.hexdigest()
    if actual == expected:
        return
    blob.unlink(missing_ok=True)
    pointer.unlink(missing_ok=True)
    raise HubError(
        QT_TRANSLATE_NOOP(
            "Hub",
            "{file} of “{model}” arrived damaged: its sha256 is {actual}…, the Hub says "
            "{expected}…. The bad file was deleted; download the model again.",
        ),
        file=remote.name,
        model=repo_id,
        actual=actual[:16],
        expected=expected[:16],
    )


def delete_repo_folder(repo_id: str, cache: Path) -> None:
    shutil.rmtree(repo_folder(repo_id, cache), ignore_errors=True)
