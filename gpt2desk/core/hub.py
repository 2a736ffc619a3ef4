"""Downloading a GPT-2 model from the Hugging Face Hub (or a mirror) into the standard cache.

``hf_hub_download`` does the HTTP and the cache layout; this module adds what
huggingface_hub 0.36 lacks for a desktop app:

- Byte progress and cancel. There is no progress callback: ``http_get`` reports
  through ``file_download._get_progress_bar_context``, a private hook that is
  replaced here (the version is pinned; tests/core/test_hub.py fails if the
  hook stops working). Raising from the bar's ``update`` cancels and keeps the
  ``.incomplete`` file, which the next download resumes with a Range request.
- Retries when a connection drops mid-body (the client raises
  ``ChunkedEncodingError`` and does not retry it): bounded, with backoff.
- sha256 checks: the client only checks sizes, but an LFS blob is named by its
  sha256, so a damaged file is found, deleted and reported.
- Messages a user can act on, among them for a captive portal (a 200 web page).

The endpoint is always passed explicitly (``huggingface_hub`` reads
``HF_ENDPOINT`` only once, at import), and no access token is ever sent.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from gpt2desk.core.cache import default_cache_dir, repo_folder
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message
from gpt2desk.core.models import ModelLoadError
from gpt2desk.core.progress import Meter, Progress

DEFAULT_ENDPOINT = "https://huggingface.co"
#: Bytes per read while streaming: also how often progress moves and cancel is seen.
CHUNK_SIZE = 256 * 1024
#: Attempts per file in all, even when each one brings new bytes.
MAX_TRIES = 50
CONFIG_FILES = ("config.json", "generation_config.json")
TOKENIZER_FILES = (
    "tokenizer_config.json",
    "tokenizer.json",
    "vocab.json",
    "merges.txt",
    "special_tokens_map.json",
    "added_tokens.json",
)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_local = threading.local()
_hook_lock = threading.Lock()


class HubError(ModelLoadError):
    """A download or Hub query failed; ``str()`` is a message for the user."""


class DownloadCancelled(HubError):
    """The user cancelled; partial files are kept for Resume."""


@dataclass(frozen=True)
class RemoteFile:
    name: str
    size: int | None
    sha256: str | None


@dataclass(frozen=True)
class DownloadPlan:
    """The files of one model that gpt2desk downloads: config, tokenizer, ONE weights file."""

    repo_id: str
    files: tuple[RemoteFile, ...]

    @property
    def total_bytes(self) -> int:
        return sum(f.size or 0 for f in self.files)


# -- endpoint and ids --------------------------------------------------------


def normalize_endpoint(text: str) -> str:
    """Checks a Hub address typed by the user; "" means the default."""
    text = text.strip().rstrip("/")
    if not text:
        return ""
    url = urlparse(text)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise HubError(
            QT_TRANSLATE_NOOP(
                "Hub",
                "“{text}” is not a Hub address: write it with http:// or https://, "
                "for example https://hf-mirror.com.",
            ),
            text=text,
        )
    return text


def resolve_endpoint(endpoint: str | None) -> str:
    """The address requests go to: the setting, else ``HF_ENDPOINT``, else huggingface.co."""
    if endpoint:
        return endpoint.rstrip("/")
    from huggingface_hub import constants

    return str(constants.ENDPOINT or DEFAULT_ENDPOINT).rstrip("/")


def check_hub_id(text: str) -> str:
    """Returns a valid Hub id, or raises HubError saying what is wrong with it."""
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    text = text.strip()
    if text.startswith((".", "~", os.sep)) or os.path.isabs(text):
        raise HubError(
            QT_TRANSLATE_NOOP(
                "Hub", "“{text}” is a path: add a folder with “Add folder…”, not as a Hub id."
            ),
            text=text,
        )
    try:
        validate_repo_id(text)
    except HFValidationError:
        raise HubError(
            QT_TRANSLATE_NOOP(
                "Hub",
                "“{text}” is not a valid Hub id: use a name such as gpt2 or user/model-name "
                "(letters, digits, '-', '_', '.'; at most one '/').",
            ),
            text=text,
        ) from None
    return text


# -- planning ----------------------------------------------------------------


def plan_download(
    repo_id: str, *, endpoint: str | None = None, timeout: float = 10.0
) -> DownloadPlan:
    """Asks the Hub which files the model has and picks the ones gpt2desk needs.

    Raises:
        HubError: the model does not exist, is not a GPT-2 with usable
            weights, or the Hub cannot be reached (or a web page answered).
    """
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    check_hub_id(repo_id)
    base = resolve_endpoint(endpoint)
    try:
        info = HfApi(endpoint=base, token=False).model_info(
            repo_id, files_metadata=True, timeout=timeout
        )
    except HfHubHTTPError as exc:
        response = exc.response
        if response is None or response.status_code != 404 or response.headers.get("X-Error-Code"):
            raise _translate(exc, repo_id, None, base) from exc
        # A plain 404: a mirror that serves files but not the /api routes.
        siblings = _probe_files(repo_id, base, timeout)
    except Exception as exc:
        raise _translate(exc, repo_id, None, base) from exc
    else:
        config = info.config if isinstance(info.config, dict) else {}
        model_type = config.get("model_type")
        if model_type is not None and model_type != "gpt2":
            raise _not_gpt2(repo_id, model_type)
        siblings = {s.rfilename: s for s in info.siblings or []}
    return DownloadPlan(repo_id, tuple(_pick_files(repo_id, siblings)))


@dataclass(frozen=True)
class _Sibling:
    """What ``_pick_files`` reads of a ``RepoSibling``."""

    rfilename: str
    size: int | None
    lfs: dict[str, str] | None


def _probe_files(repo_id: str, base: str, timeout: float) -> dict[str, Any]:
    """The candidate files that exist, found with one HEAD request each."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError

    weights = ("model.safetensors", "tf_model.h5", "pytorch_model.bin")
    names = (*CONFIG_FILES, *TOKENIZER_FILES, *weights, "model.safetensors.index.json")
    found: dict[str, Any] = {}
    for name in names:
        url = hf_hub_url(repo_id, name, endpoint=base)
        try:
            meta = get_hf_file_metadata(url, token=False, timeout=timeout, endpoint=base)
        except EntryNotFoundError:
            continue
        except HfHubHTTPError as exc:
            if exc.response is not None and exc.response.status_code == 404:
                continue
            raise _translate(exc, repo_id, name, base) from exc
        except Exception as exc:
            raise _translate(exc, repo_id, name, base) from exc
        if meta.commit_hash is None:
            raise _translate(_not_the_hub(), repo_id, name, base)
        sha = meta.etag if meta.etag and _SHA256.match(meta.etag) else None
        found[name] = _Sibling(name, meta.size, {"sha256": sha} if sha else None)
    if not found:
        raise HubError(
            QT_TRANSLATE_NOOP("Hub", "There is no model named “{model}” on {host}."),
            model=repo_id,
            host=_host(base),
        )
    return found


def _not_the_hub() -> Exception:
    from huggingface_hub.errors import FileMetadataError

    return FileMetadataError("no X-Repo-Commit header: not the Hub")


def _pick_files(repo_id: str, siblings: dict[str, Any]) -> list[RemoteFile]:
    if "config.json" not in siblings:
        raise HubError(
            QT_TRANSLATE_NOOP(
                "Hub", "“{model}” has no config.json, so it is not a transformers model."
            ),
            model=repo_id,
        )
    weights = next((w for w in ("model.safetensors", "tf_model.h5") if w in siblings), None)
    if weights is None:
        if any(n.endswith(".index.json") for n in siblings):
            why = QT_TRANSLATE_NOOP(
                "Hub", "“{model}” has only split (sharded) weights, which gpt2desk cannot load."
            )
        elif "pytorch_model.bin" in siblings:
            why = QT_TRANSLATE_NOOP(
                "Hub",
                "“{model}” has only pickle weights (pytorch_model.bin), which gpt2desk never "
                "loads: they can run code.",
            )
        else:
            why = QT_TRANSLATE_NOOP(
                "Hub", "“{model}” has no model.safetensors or tf_model.h5 weights."
            )
        raise HubError(why, model=repo_id)
    if "tokenizer.json" not in siblings and not {"vocab.json", "merges.txt"} <= set(siblings):
        raise HubError(
            QT_TRANSLATE_NOOP(
                "Hub",
                "“{model}” has no tokenizer files (tokenizer.json, or vocab.json and merges.txt).",
            ),
            model=repo_id,
        )
    names = [n for n in (*CONFIG_FILES, *TOKENIZER_FILES) if n in siblings] + [weights]
    files = []
    for name in names:
        s = siblings[name]
        lfs = s.lfs
        files.append(RemoteFile(name, s.size, lfs.get("sha256") if lfs else None))
    return files


# -- downloading -------------------------------------------------------------


def download_model(
    repo_id: str,
    *,
    endpoint: str | None = None,
    cache_dir: Path | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    retries: int = 4,
    backoff_s: float = 1.0,
    timeout: float = 10.0,
) -> Path:
    """Downloads (or resumes, or completes) a model into the Hugging Face cache.

    Args:
        repo_id: the Hub id.
        endpoint: the Hub or a mirror; None: ``HF_ENDPOINT`` or huggingface.co.
        cache_dir: the hub cache; None: the standard one (``HF_HUB_CACHE``...).
        on_progress: called in this thread, at most ~10 times a second.
        cancel: set it to stop; raises DownloadCancelled, partial files stay.
        retries: retries after a connection dropped mid-file with no new byte
            since the last try (then give up; what arrived is kept).
        backoff_s: wait before the first retry; doubled for each next one.

    Returns:
        The snapshot folder, loadable with ``local_files_only=True``.

    Raises:
        HubError: with a message; DownloadCancelled when cancelled.
    """
    cancel = cancel or threading.Event()
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    base = resolve_endpoint(endpoint)
    existed = repo_folder(repo_id, cache).exists()
    plan = plan_download(repo_id, endpoint=base, timeout=timeout)
    meter = Meter(repo_id, plan.total_bytes, on_progress, cancel, cancelled_error=DownloadCancelled)
    _prepare_client()
    pointer = Path()
    for remote in plan.files:
        meter.start_file(remote.name, remote.size)
        pointer = _fetch(repo_id, remote, cache, base, meter, retries, backoff_s, timeout)
        if remote.name == "config.json":
            _check_config(repo_id, pointer, cache, created=not existed)
        meter.finish_file()
        _verify(repo_id, remote, pointer, meter)
    meter.emit(force=True, stage="done")
    return pointer.parent


def _fetch(
    repo_id: str,
    remote: RemoteFile,
    cache: Path,
    base: str,
    meter: Meter,
    retries: int,
    backoff_s: float,
    timeout: float,
) -> Path:
    import requests
    from huggingface_hub import hf_hub_download

    retryable = (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)
    attempt = 0  # failures in a row without a new byte; the bound is on these
    tries = 0
    while True:
        meter.check_cancel()
        done_before = meter.done
        tries += 1
        try:
            with _progress_to(meter):
                path = hf_hub_download(
                    repo_id,
                    remote.name,
                    revision="main",
                    cache_dir=str(cache),
                    endpoint=base,
                    token=False,
                    etag_timeout=timeout,
                )
            return Path(path)
        except DownloadCancelled:
            raise
        except retryable as exc:
            attempt = 0 if meter.done > done_before else attempt + 1
            if attempt > retries or tries >= MAX_TRIES:
                raise HubError(
                    QT_TRANSLATE_NOOP(
                        "Hub",
                        "The connection to {host} kept dropping while downloading "
                        "{file} of “{model}” ({tries} tries). What arrived is kept: "
                        "press Resume to continue.",
                    ),
                    host=_host(base),
                    file=remote.name,
                    model=repo_id,
                    tries=tries,
                ) from exc
            delay = min(backoff_s * 2 ** max(attempt - 1, 0), 30.0)
            meter.emit(force=True, stage="retrying")
            if meter.cancel.wait(delay):
                meter.check_cancel()
        except Exception as exc:
            if "Consistency check failed" in str(exc):
                # More or fewer bytes than announced: the partial file is useless.
                for part in (repo_folder(repo_id, cache) / "blobs").glob("*.incomplete"):
                    part.unlink(missing_ok=True)
            raise _translate(exc, repo_id, remote.name, base) from exc


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


def _not_gpt2(repo_id: str, model_type: object) -> HubError:
    return HubError(
        QT_TRANSLATE_NOOP("Hub", "“{model}” is a {type} model; gpt2desk runs GPT-2 models only."),
        model=repo_id,
        type=model_type,
    )


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


# -- the progress hook -------------------------------------------------------


def _prepare_client() -> None:
    """Plain HTTP downloads (resumable, checkable) and the progress hook."""
    from huggingface_hub import constants, file_download

    # Xet downloads bypass HTTP Range resume and our progress bar: a mirror or
    # a plain HTTP server cannot speak it anyway. Read at call time, not import.
    constants.HF_HUB_DISABLE_XET = True
    constants.DOWNLOAD_CHUNK_SIZE = CHUNK_SIZE
    with _hook_lock:
        original = getattr(file_download, "_get_progress_bar_context", None)
        if original is None:
            raise RuntimeError(
                "huggingface_hub changed: file_download._get_progress_bar_context is gone, "
                "so download progress and cancel cannot work. Pin huggingface_hub 0.36."
            )
        if getattr(original, "gpt2desk_hook", False):
            return

        def context(**kwargs: Any) -> Any:
            meter = getattr(_local, "meter", None)
            if meter is None or kwargs.get("_tqdm_bar") is not None:
                return original(**kwargs)
            return contextlib.nullcontext(
                _bar_class()(meter, total=kwargs.get("total"), initial=kwargs.get("initial", 0))
            )

        context.gpt2desk_hook = True  # type: ignore[attr-defined]
        file_download._get_progress_bar_context = context


@contextlib.contextmanager
def _progress_to(meter: Meter) -> Iterator[None]:
    """Sends the byte progress of downloads in this thread to ``meter``."""
    _local.meter = meter
    try:
        yield
    finally:
        _local.meter = None


_BAR_CLASS: Any = None


def _bar_class() -> Any:
    """A huggingface_hub tqdm that forwards bytes to a Meter (which may raise to cancel)."""
    global _BAR_CLASS
    if _BAR_CLASS is None:
        from huggingface_hub.utils import tqdm as hf_tqdm

        class MeterBar(hf_tqdm):
            def __init__(self, meter: Meter, *, total: int | None, initial: int) -> None:
                super().__init__(total=total, initial=initial, disable=True)
                self.meter = meter
                meter.file_resumed(initial, total)

            def update(self, n: float | None = 1) -> bool | None:
                self.meter.advance(int(n or 0))
                return None

        _BAR_CLASS = MeterBar
    return _BAR_CLASS


# -- errors ------------------------------------------------------------------


def _host(base: str) -> str:
    return urlparse(base).netloc or base


def _translate(exc: BaseException, repo_id: str, filename: str | None, base: str) -> HubError:
    """A user-facing HubError for an exception from huggingface_hub or requests."""
    import json

    import requests
    from huggingface_hub.errors import (
        EntryNotFoundError,
        FileMetadataError,
        GatedRepoError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
    )

    host = _host(base)
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 10:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__

    def seen(*types: type[BaseException]) -> bool:
        return any(isinstance(e, types) for e in chain)

    what = (
        Message(QT_TRANSLATE_NOOP("Hub", "{file} of “{model}”"), file=filename, model=repo_id)
        if filename
        else f"“{repo_id}”"
    )
    if seen(FileMetadataError, json.JSONDecodeError, requests.exceptions.JSONDecodeError):
        # HTTP 200 without X-Repo-Commit, or "JSON" that is HTML: not the Hub.
        return HubError(
            QT_TRANSLATE_NOOP(
                "Hub",
                "{host} answered with a web page instead of the Hub's data: a captive portal "
                "(a Wi-Fi login page) or a proxy is in the way. Log in to the network in a web "
                "browser, or check the Hub endpoint setting. Nothing was saved.",
            ),
            host=host,
        )
    if seen(OfflineModeIsEnabled):
        return HubError(
            QT_TRANSLATE_NOOP(
                "Hub", "Cannot download {what}: HF_HUB_OFFLINE is set in the environment."
            ),
            what=what,
        )
    if seen(GatedRepoError):
        return HubError(
            QT_TRANSLATE_NOOP(
                "Hub", "“{model}” is a gated model; gpt2desk does not use access tokens."
            ),
            model=repo_id,
        )
    if seen(RepositoryNotFoundError):
        return HubError(
            QT_TRANSLATE_NOOP("Hub", "There is no model named “{model}” on {host}."),
            model=repo_id,
            host=host,
        )
    if seen(EntryNotFoundError) and not seen(LocalEntryNotFoundError):
        return HubError(
            QT_TRANSLATE_NOOP("Hub", "{what} is missing on {host}."), what=what, host=host
        )
    if "Consistency check failed" in str(exc):
        return HubError(
            QT_TRANSLATE_NOOP(
                "Hub",
                "{what} arrived with the wrong size; the partial file was deleted. "
                "Download the model again.",
            ),
            what=what,
        )
    if seen(requests.ConnectionError, requests.Timeout, LocalEntryNotFoundError, ConnectionError):
        return HubError(
            QT_TRANSLATE_NOOP(
                "Hub",
                "{host} cannot be reached, so {what} could not be downloaded. "
                "Check the connection (or the Hub endpoint setting) and press Resume.",
            ),
            host=host,
            what=what,
        )
    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        return HubError(
            QT_TRANSLATE_NOOP("Hub", "{host} answered HTTP {status} for {what}."),
            host=host,
            status=exc.response.status_code,
            what=what,
        )
    return HubError(
        QT_TRANSLATE_NOOP("Hub", "Downloading {what} failed: {error}"), what=what, error=exc
    )
