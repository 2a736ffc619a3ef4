"""Checking a Hub address (endpoint) and a Hub id before anything is asked of the Hub."""

from __future__ import annotations

import os
from urllib.parse import urlparse

from gpt2desk.core.hub.errors import HubError
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP

DEFAULT_ENDPOINT = "https://huggingface.co"


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
