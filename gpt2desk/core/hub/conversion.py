"""The Hub's safetensors conversion of a model whose main has only pickle weights.

The Hub's bot (SFconvertbot) opens a pull request adding ``model.safetensors``
next to ``pytorch_model.bin``; many older models (CKIP's among them) were
never merged. transformers 4.57 finds it the same way
(``safetensors_conversion.previous_pr``): the discussions API
(``GET {endpoint}/api/models/{repo}/discussions?p=N``, pages of 50), an open
pull request by the bot with the bot's title, revision ``refs/pr/{num}``.
Every number is checked (``hub_guard.check_pr_revision``) before it becomes a
revision, a URL or a path in the cache.
"""

from __future__ import annotations

from gpt2desk.core.hub.errors import _malformed_info
from gpt2desk.core.hub.guard import UnsafeAnswer, check_pr_revision
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message

#: Who opens the Hub's safetensors conversion pull requests, and their title
#: (transformers 4.57, safetensors_conversion.py, checks the same two).
CONVERSION_BOT = "SFconvertbot"
CONVERSION_TITLE = "Adding `safetensors` variant of this model"
#: Pages of discussions read (50 each on the Hub) at most.
MAX_DISCUSSION_PAGES = 10


def revision_note(revision: str) -> str:
    """A sentence naming the conversion pull request a revision is; "" for main."""
    if not revision.startswith("refs/pr/"):
        return ""
    return str(
        Message(
            QT_TRANSLATE_NOOP(
                "Hub",
                "Using the safetensors conversion from pull request #{number} "
                "(not yet merged on the Hub).",
            ),
            number=revision.rsplit("/", 1)[1],
        )
    )


def conversion_prs(repo_id: str, base: str, timeout: float) -> list[int]:
    """Numbers of the open conversion pull requests the discussions API lists."""
    from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

    numbers: list[int] = []
    for page in range(MAX_DISCUSSION_PAGES):
        response = get_session().get(
            f"{base}/api/models/{repo_id}/discussions",
            headers=build_hf_headers(token=False),
            params={"p": page},
            timeout=timeout,
        )
        hf_raise_for_status(response)
        listing = response.json()
        entries = listing.get("discussions") if isinstance(listing, dict) else None
        if not isinstance(entries, list):
            raise _malformed_info(repo_id, base, "discussions")
        for entry in entries:
            if _is_conversion(entry):
                number = entry.get("num")
                if isinstance(number, bool) or not isinstance(number, int):
                    raise UnsafeAnswer("revision", number)
                check_pr_revision(f"refs/pr/{number}")
                numbers.append(number)
        start, count = listing.get("start"), listing.get("count")
        if not entries or not all(_plain_int(v) for v in (start, count)):
            break
        if start + len(entries) >= count:
            break
    return numbers


def _is_conversion(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    author = entry.get("author")
    return (
        entry.get("isPullRequest") is True
        and entry.get("status") == "open"
        and entry.get("title") == CONVERSION_TITLE
        and isinstance(author, dict)
        and author.get("name") == CONVERSION_BOT
    )


def _plain_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
