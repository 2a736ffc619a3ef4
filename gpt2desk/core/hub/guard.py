"""Guards on what a Hub or mirror answers, before huggingface_hub turns it into a path.

huggingface_hub 0.36 builds cache paths from a server's headers without
checking them: ``blobs/{ETag}``, ``.locks/…/{ETag}.lock``,
``snapshots/{X-Repo-Commit}/{file}`` and ``.no_exist/{X-Repo-Commit}/{file}``.
A server answering ``ETag: "../../../x"`` writes outside the cache. All those
headers come out of ``file_download.get_hf_file_metadata`` (its result, or the
404 it raises), so the hook installed here checks them there and raises
:class:`UnsafeAnswer` before the client builds any path.

Two loops of the client are bounded here too, in ``_request_wrapper``:
relative redirects on HEAD are followed recursively with no limit (a loop
ends in RecursionError after ~500 requests), and a body that stops arriving
is retried by ``http_get`` up to 5 times after each byte that arrives, each
after a full read timeout and a second's sleep. A stalled body raises
:class:`BodyStalled` here instead, which ``http_get`` lets through, and core/hub/download.py
reports it at once (what arrived is kept for Resume).
"""

from __future__ import annotations

import re
import threading
from typing import Any
from urllib.parse import urlparse

#: A commit id (``X-Repo-Commit``, the model info's ``sha``): a git sha1.
COMMIT_ID = re.compile(r"[0-9a-f]{40}")
#: A file id (``ETag``/``X-Linked-Etag``): a git blob sha1, or an LFS file's sha256.
BLOB_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
#: The git reference of a pull request on the Hub; it becomes ``refs/refs/pr/N`` in the cache.
PR_REVISION = re.compile(r"refs/pr/[1-9][0-9]{0,8}")
#: Relative redirects followed for one HEAD (a renamed repository needs one).
MAX_REDIRECTS = 10
_MAX_NAME = 1000

_lock = threading.Lock()


class UnsafeAnswer(Exception):
    """A server sent a value that would become a path but is not what the Hub sends.

    ``kind`` is "commit", "blob", "file" (a file name of a listing) or
    "revision" (a pull request's git reference).
    """

    def __init__(self, kind: str, value: object) -> None:
        super().__init__(f"unsafe {kind} from the server: {shown(value)}")
        self.kind = kind
        self.value = value


def shown(value: object, limit: int = 80) -> str:
    """A server's value for a message: one line, control characters escaped, short."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_safe_file_name(name: object) -> bool:
    """A relative name inside the model folder: no '..', not absolute, no '\\', no control chars."""
    if not isinstance(name, str) or not name or len(name) > _MAX_NAME:
        return False
    if "\\" in name or name.startswith("/") or not name.isprintable():
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


class BodyStalled(Exception):
    """A server sent no byte of a file's body for the read timeout (the stall time)."""


def check_commit(value: object) -> str:
    if not isinstance(value, str) or not COMMIT_ID.fullmatch(value):
        raise UnsafeAnswer("commit", value)
    return value


def check_pr_revision(value: object) -> str:
    """A pull request's revision ``refs/pr/<digits>``, or UnsafeAnswer ("revision")."""
    if not isinstance(value, str) or not PR_REVISION.fullmatch(value):
        raise UnsafeAnswer("revision", value)
    return value


def check_blob(value: object) -> str:
    if not isinstance(value, str) or not BLOB_ID.fullmatch(value):
        raise UnsafeAnswer("blob", value)
    return value


def install_guards() -> None:
    """Installs the hooks (once): checked file metadata, bounded redirects, stalls reported."""
    from huggingface_hub import file_download

    with _lock:
        if getattr(file_download.get_hf_file_metadata, "gpt2desk_guard", False):
            return
        for name in ("get_hf_file_metadata", "_request_wrapper"):
            if not callable(getattr(file_download, name, None)):
                raise RuntimeError(
                    f"huggingface_hub changed: file_download.{name} is gone, so the answers "
                    "of a Hub cannot be checked. Pin huggingface_hub 0.36."
                )
        file_download.get_hf_file_metadata = _checked_metadata(file_download.get_hf_file_metadata)
        file_download._request_wrapper = _bounded_redirects(file_download._request_wrapper)


def _checked_metadata(original: Any) -> Any:
    def get_hf_file_metadata(*args: Any, **kwargs: Any) -> Any:
        from huggingface_hub import constants
        from huggingface_hub.errors import EntryNotFoundError

        try:
            meta = original(*args, **kwargs)
        except EntryNotFoundError as exc:
            # The client records the absence under .no_exist/{X-Repo-Commit}/.
            headers = exc.response.headers if exc.response is not None else {}
            commit = headers.get(constants.HUGGINGFACE_HEADER_X_REPO_COMMIT)
            if commit is not None:
                check_commit(commit)
            raise
        if meta.commit_hash is not None:
            check_commit(meta.commit_hash)
        if meta.etag is not None:
            check_blob(meta.etag)
        return meta

    get_hf_file_metadata.gpt2desk_guard = True  # type: ignore[attr-defined]
    return get_hf_file_metadata


def _bounded_redirects(original: Any) -> Any:
    """``_request_wrapper`` following relative redirects in a bounded loop, not by recursion.

    A body's GET (``stream=True``, from ``http_get``) is not retried on a read
    timeout before the headers, and its stalls raise :class:`BodyStalled`.
    """

    def _request_wrapper(
        method: str, url: str, *, follow_relative_redirects: bool = False, **params: Any
    ) -> Any:
        import requests

        if params.get("stream"):
            params.setdefault("retry_on_exceptions", (requests.ConnectionError,))
            response = original(method, url, **params)
            _report_stalls(response)
            return response
        if not follow_relative_redirects:
            return original(method, url, **params)
        for _ in range(MAX_REDIRECTS + 1):
            response = original(method, url, **params)
            if not 300 <= response.status_code <= 399:
                return response
            target = urlparse(response.headers.get("Location", ""))
            if target.netloc:
                return response  # to another host (a CDN): the caller goes there
            url = urlparse(url)._replace(path=target.path).geturl()
        raise requests.TooManyRedirects(f"Exceeded {MAX_REDIRECTS} redirects.", response=response)

    return _request_wrapper


def _report_stalls(response: Any) -> None:
    """Makes a read timeout mid-body raise BodyStalled, which ``http_get`` does not retry."""
    import requests

    chunks = response.iter_content

    def iter_content(*args: Any, **kwargs: Any) -> Any:
        try:
            yield from chunks(*args, **kwargs)
        except requests.exceptions.SSLError:
            raise
        except requests.ConnectionError as exc:
            # requests turns urllib3's ReadTimeoutError (and only it) into this.
            raise BodyStalled(str(exc)) from exc
        finally:
            # This function, an attribute of the response, holds the response: a
            # cycle that kept the socket the body came through open until the
            # garbage collector ran (a keep-alive connection to the server).
            del response.iter_content

    response.iter_content = iter_content
