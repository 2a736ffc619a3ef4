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
- Checks of every header the client builds a path from (``guard``): a
  server cannot write outside the cache. A redirect loop and a server that
  stops sending mid-file (``stall_s`` without a byte) end with a message; what
  arrived is kept for Resume.

A model whose main has only pickle weights is downloaded from the Hub's
safetensors conversion pull request (``plan``); its progress reports say
so (:class:`HubProgress`), and the cache keeps it under ``refs/refs/pr/N``.

The endpoint is always passed explicitly (``huggingface_hub`` reads
``HF_ENDPOINT`` only once, at import), and no access token is ever sent.

The parts live in modules of their own in this package and are importable
from here: ``address`` (endpoint and id), ``plan`` (which files to fetch),
``conversion`` (the Hub's safetensors conversion of pickle-only models),
``guard`` (checks of the server's answers), ``progress_hook`` (the hook),
``verify`` (config and sha256 checks) and ``errors`` (messages, captive
portal included); ``cache`` and ``catalog`` are read by the Models window.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from gpt2desk.core.hub.address import (
    DEFAULT_ENDPOINT,
    check_hub_id,
    normalize_endpoint,
    resolve_endpoint,
)
from gpt2desk.core.hub.cache import default_cache_dir, repo_folder
from gpt2desk.core.hub.conversion import revision_note
from gpt2desk.core.hub.errors import (
    DownloadCancelled,
    HubError,
    RefusedAnswer,
    _host,
    _stalled,
    _stopped_sending,
    _translate,
)
from gpt2desk.core.hub.guard import install_guards
from gpt2desk.core.hub.plan import (
    CONFIG_FILES,
    TOKENIZER_FILES,
    DownloadPlan,
    RemoteFile,
    plan_download,
)
from gpt2desk.core.hub.progress import Meter, Progress
from gpt2desk.core.hub.progress_hook import _install_progress_hook, _progress_to
from gpt2desk.core.hub.verify import _check_config, _verify, delete_repo_folder
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP

P = ParamSpec("P")
R = TypeVar("R")

__all__ = [
    "CHUNK_SIZE",
    "CONFIG_FILES",
    "DEFAULT_ENDPOINT",
    "MAX_TRIES",
    "TOKENIZER_FILES",
    "DownloadCancelled",
    "DownloadPlan",
    "HubError",
    "HubProgress",
    "RefusedAnswer",
    "RemoteFile",
    "check_hub_id",
    "delete_repo_folder",
    "download_model",
    "normalize_endpoint",
    "plan_download",
    "resolve_endpoint",
    "revision_note",
]

#: Bytes per read while streaming: also how often progress moves and cancel is seen.
CHUNK_SIZE = 256 * 1024
#: Attempts per file in all, even when each one brings new bytes.
MAX_TRIES = 50
#: Seconds without a byte after which a server is taken to have stopped sending.
STALL_S = 30.0


@dataclass(frozen=True)
class HubProgress(Progress):
    """A download's progress, with the revision its files come from ("main" or refs/pr/N)."""

    revision: str = "main"

    def text(self) -> str:
        note = revision_note(self.revision)
        return f"{super().text()} · {note}" if note else super().text()


def close_connections() -> None:
    """Closes the connections this thread keeps open to the Hub.

    huggingface_hub keeps a session per thread (up to 128), each with its
    keep-alive sockets; a thread that is done with the Hub hands them back here
    instead of leaving them open until the session is evicted.
    """
    from huggingface_hub.utils import get_session

    get_session().close()


def _closing_connections(function: Callable[P, R]) -> Callable[P, R]:
    """``function``, closing this thread's Hub connections when it returns or raises."""

    @functools.wraps(function)
    def closing(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        finally:
            close_connections()

    return closing


# -- downloading -------------------------------------------------------------


@_closing_connections
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
    stall_s: float = STALL_S,
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
        timeout: seconds to wait for the model information and each file's headers.
        stall_s: seconds without a byte of a file before giving up on the server
            (what arrived is kept for Resume).

    Returns:
        The snapshot folder, loadable with ``local_files_only=True``.

    Raises:
        HubError: with a message; DownloadCancelled when cancelled.
    """
    cancel = cancel or threading.Event()
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    base = resolve_endpoint(endpoint)
    existed = repo_folder(repo_id, cache).exists()
    _prepare_client(stall_s)
    plan = plan_download(repo_id, endpoint=base, timeout=timeout)

    def report(progress: Progress) -> None:
        if on_progress is not None:
            on_progress(HubProgress(**asdict(progress), revision=plan.revision))

    meter = Meter(repo_id, plan.total_bytes, report, cancel, cancelled_error=DownloadCancelled)
    pointer = Path()
    try:
        for remote in plan.files:
            meter.start_file(remote.name, remote.size)
            pointer = _fetch(
                repo_id,
                plan.revision,
                remote,
                cache,
                base,
                meter,
                retries,
                backoff_s,
                timeout,
                stall_s,
            )
            if remote.name == "config.json":
                _check_config(repo_id, pointer, cache, created=not existed)
            meter.finish_file()
            _verify(repo_id, remote, pointer, meter)
    except RefusedAnswer:
        if not existed:  # what this server sent before it lied is not kept either
            delete_repo_folder(repo_id, cache)
        raise
    meter.emit(force=True, stage="done")
    return pointer.parent


def _fetch(
    repo_id: str,
    revision: str,
    remote: RemoteFile,
    cache: Path,
    base: str,
    meter: Meter,
    retries: int,
    backoff_s: float,
    timeout: float,
    stall_s: float,
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
                    revision=revision,
                    cache_dir=str(cache),
                    endpoint=base,
                    token=False,
                    etag_timeout=timeout,
                )
            return Path(path)
        except DownloadCancelled:
            raise
        except Exception as exc:
            if _stalled(exc):
                # One stall ends it: retrying a silent server would take minutes.
                raise _stopped_sending(base, remote.name, repo_id, stall_s) from exc
            if not isinstance(exc, retryable):
                if "Consistency check failed" in str(exc):
                    # More or fewer bytes than announced: the partial file is useless.
                    for part in (repo_folder(repo_id, cache) / "blobs").glob("*.incomplete"):
                        part.unlink(missing_ok=True)
                raise _translate(exc, repo_id, remote.name, base) from exc
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


def _prepare_client(stall_s: float) -> None:
    """Plain HTTP downloads (resumable, checkable), the checks of answers, the progress hook."""
    from huggingface_hub import constants

    # Xet downloads bypass HTTP Range resume and our progress bar: a mirror or
    # a plain HTTP server cannot speak it anyway. Read at call time, not import.
    constants.HF_HUB_DISABLE_XET = True
    constants.DOWNLOAD_CHUNK_SIZE = CHUNK_SIZE
    # http_get's read timeout: the longest silence of a server mid-file.
    constants.HF_HUB_DOWNLOAD_TIMEOUT = stall_s  # type: ignore[assignment]  # requests takes floats
    install_guards()
    _install_progress_hook()
