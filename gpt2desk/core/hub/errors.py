"""Hub errors, and the words a user gets for what went wrong while talking to the Hub.

:func:`_translate` tells a captive portal (a 200 web page), an offline
switch, a gated or missing model, a dropped connection and an HTTP error apart.
"""

from __future__ import annotations

from urllib.parse import urlparse

from gpt2desk.core.hub.guard import BodyStalled, UnsafeAnswer, shown
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message
from gpt2desk.core.model_source import ModelLoadError


class HubError(ModelLoadError):
    """A download or Hub query failed; ``str()`` is a message for the user."""


class DownloadCancelled(HubError):
    """The user cancelled; partial files are kept for Resume."""


class RefusedAnswer(HubError):
    """A server sent a name, file id or commit id that is not the Hub's: nothing more is asked."""


_REFUSED = {
    "commit": QT_TRANSLATE_NOOP(
        "Hub",
        "{host} sent “{value}” as the commit id of “{model}”, but a commit id is 40 hex "
        "digits. The download was refused so that nothing is written outside the model "
        "cache: check the Hub endpoint setting.",
    ),
    "blob": QT_TRANSLATE_NOOP(
        "Hub",
        "{host} sent “{value}” as the id of {file} of “{model}”, but a file id is 40 or 64 "
        "hex digits. The download was refused so that nothing is written outside the model "
        "cache: check the Hub endpoint setting.",
    ),
    "file": QT_TRANSLATE_NOOP(
        "Hub",
        "{host} listed a file named “{value}” in “{model}”, which is not a file name inside "
        "the model's folder. The download was refused so that nothing is written outside "
        "the model cache: check the Hub endpoint setting.",
    ),
    "revision": QT_TRANSLATE_NOOP(
        "Hub",
        "{host} sent “{value}” as the pull request of the safetensors conversion of "
        "“{model}”, but a pull request is refs/pr/ and a number. The download was refused "
        "so that nothing is written outside the model cache: check the Hub endpoint setting.",
    ),
}


def _refused(kind: str, value: object, repo_id: str, filename: str | None, base: str) -> HubError:
    return RefusedAnswer(
        _REFUSED[kind], host=_host(base), value=shown(value), model=repo_id, file=filename or "?"
    )


def _malformed_info(repo_id: str, base: str, detail: str) -> HubError:
    return HubError(
        QT_TRANSLATE_NOOP(
            "Hub",
            "The model information {host} sent for “{model}” is malformed ({detail}): it is "
            "not what the Hub sends. Check the Hub endpoint setting. Nothing was saved.",
        ),
        host=_host(base),
        model=repo_id,
        detail=detail,
    )


def _stalled(exc: BaseException) -> bool:
    """The server stopped sending a file: no headers or no next byte within the stall time."""
    import requests

    return isinstance(exc, (BodyStalled, requests.ReadTimeout))


def _stopped_sending(base: str, filename: str, repo_id: str, seconds: float) -> HubError:
    return HubError(
        QT_TRANSLATE_NOOP(
            "Hub",
            "{host} stopped sending {file} of “{model}” (nothing arrived for {seconds:g} s). "
            "What arrived is kept: press Resume to continue.",
        ),
        host=_host(base),
        file=filename,
        model=repo_id,
        seconds=seconds,
    )


def _not_gpt2(repo_id: str, model_type: object) -> HubError:
    return HubError(
        QT_TRANSLATE_NOOP("Hub", "“{model}” is a {type} model; gpt2desk runs GPT-2 models only."),
        model=repo_id,
        type=model_type,
    )


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

    if isinstance(exc, HubError):
        return exc
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
    unsafe = next((e for e in chain if isinstance(e, UnsafeAnswer)), None)
    if unsafe is not None:
        return _refused(unsafe.kind, unsafe.value, repo_id, filename, base)
    if seen(requests.TooManyRedirects):
        return HubError(
            QT_TRANSLATE_NOOP(
                "Hub",
                "{host} redirects in a loop when asked for {what}: its answers lead back to "
                "where they started. Check the Hub endpoint setting, or try again later.",
            ),
            host=host,
            what=what,
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
