"""Hub errors, and the words a user gets for what went wrong while talking to the Hub.

:func:`_translate` tells a captive portal (a 200 web page), an offline
switch, a gated or missing model, a dropped connection and an HTTP error apart.
"""

from __future__ import annotations

from urllib.parse import urlparse

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message
from gpt2desk.core.models import ModelLoadError


class HubError(ModelLoadError):
    """A download or Hub query failed; ``str()`` is a message for the user."""


class DownloadCancelled(HubError):
    """The user cancelled; partial files are kept for Resume."""


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
