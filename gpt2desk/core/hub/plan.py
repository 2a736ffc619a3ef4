"""Which files a model has on the Hub (or a mirror), and the ones gpt2desk downloads.

Weights are taken as ``model.safetensors``, ``tf_model.h5`` or
``flax_model.msgpack`` (read as data). When ``main`` has only pickle weights
(``pytorch_model.bin``, never downloaded), the Hub's own safetensors conversion
is looked for as transformers 4.57 does (``safetensors_conversion.previous_pr``):
an open pull request by the conversion bot, titled as the bot titles them, whose
files (all of them, so config, tokenizer and weights are of one tree) are then
downloaded from its revision ``refs/pr/N``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from gpt2desk.core.hub.address import check_hub_id, resolve_endpoint
from gpt2desk.core.hub.conversion import conversion_prs, revision_note
from gpt2desk.core.hub.errors import (
    HubError,
    _host,
    _malformed_info,
    _not_gpt2,
    _refused,
    _translate,
)
from gpt2desk.core.hub.guard import (
    COMMIT_ID,
    UnsafeAnswer,
    check_pr_revision,
    install_guards,
    is_safe_file_name,
)
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP

CONFIG_FILES = ("config.json", "generation_config.json")
TOKENIZER_FILES = (
    "tokenizer_config.json",
    "tokenizer.json",
    "vocab.json",
    "merges.txt",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.txt",
)
#: Weights gpt2desk reads, in the order it prefers them (none of them is pickle).
WEIGHT_FILES = ("model.safetensors", "tf_model.h5", "flax_model.msgpack")
#: Conversion pull requests tried, newest first, at most.
MAX_CONVERSIONS_TRIED = 3
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: Larger "sizes" are not a GPT-2's file (the largest is ~6.5 GB): dropped, not summed.
_MAX_SIZE = 1 << 38


@dataclass(frozen=True)
class RemoteFile:
    name: str
    size: int | None
    sha256: str | None


@dataclass(frozen=True)
class DownloadPlan:
    """The files of one model that gpt2desk downloads: config, tokenizer, ONE weights file.

    ``revision`` is "main", or ``refs/pr/N`` for the Hub's safetensors
    conversion of a model whose main has only pickle weights.
    """

    repo_id: str
    files: tuple[RemoteFile, ...]
    revision: str = "main"

    @property
    def total_bytes(self) -> int:
        return sum(f.size or 0 for f in self.files)

    @property
    def note(self) -> str:
        """What the Models window says about where the files come from ("" for main)."""
        return revision_note(self.revision)


def plan_download(
    repo_id: str, *, endpoint: str | None = None, timeout: float = 10.0
) -> DownloadPlan:
    """Asks the Hub which files the model has and picks the ones gpt2desk needs.

    Raises:
        HubError: the model does not exist, is not a GPT-2 with usable
            weights, the Hub cannot be reached (or a web page answered), or its
            answer is malformed or names a file outside the model's folder.
    """
    from huggingface_hub.errors import HfHubHTTPError

    check_hub_id(repo_id)
    base = resolve_endpoint(endpoint)
    install_guards()
    try:
        info = _model_info(repo_id, base, timeout)
    except HfHubHTTPError as exc:
        response = exc.response
        if response is None or response.status_code != 404 or response.headers.get("X-Error-Code"):
            raise _translate(exc, repo_id, None, base) from exc
        # A plain 404: a mirror that serves files but not the /api routes.
        siblings = _probe_files(repo_id, base, timeout)
    except Exception as exc:
        raise _translate(exc, repo_id, None, base) from exc
    else:
        model_type, siblings = _parse_info(info, repo_id, base)
        if model_type is not None and model_type != "gpt2":
            raise _not_gpt2(repo_id, model_type)
        if not any(w in siblings for w in WEIGHT_FILES) and "pytorch_model.bin" in siblings:
            found = _conversion(repo_id, base, timeout)
            if found is not None:
                revision, converted = found
                return DownloadPlan(repo_id, tuple(_pick_files(repo_id, converted)), revision)
    return DownloadPlan(repo_id, tuple(_pick_files(repo_id, siblings)))


def _conversion(repo_id: str, base: str, timeout: float) -> tuple[str, dict[str, _Sibling]] | None:
    """The revision and files of the Hub's safetensors conversion of ``repo_id``, if any.

    Only open pull requests by the conversion bot with its title count (anyone
    can open a pull request); the newest whose files include model.safetensors
    and a GPT-2 config is taken. A Hub or mirror without the discussions API
    has none.
    """
    from huggingface_hub.errors import HfHubHTTPError

    try:
        numbers = conversion_prs(repo_id, base, timeout)
        for number in sorted(numbers, reverse=True)[:MAX_CONVERSIONS_TRIED]:
            revision = check_pr_revision(f"refs/pr/{number}")
            info = _model_info(repo_id, base, timeout, revision)
            model_type, siblings = _parse_info(info, repo_id, base)
            if model_type in (None, "gpt2") and "model.safetensors" in siblings:
                return revision, siblings
    except UnsafeAnswer as exc:
        raise _refused(exc.kind, exc.value, repo_id, None, base) from exc
    except HfHubHTTPError as exc:
        if exc.response is not None and exc.response.status_code == 404:
            return None  # no discussions here (a mirror), or the pull request is gone
        raise _translate(exc, repo_id, None, base) from exc
    except HubError:
        raise
    except Exception as exc:
        raise _translate(exc, repo_id, None, base) from exc
    return None


@dataclass(frozen=True)
class _Sibling:
    """One file of the model as the Hub lists it: its name, size and LFS sha256 if any."""

    rfilename: str
    size: int | None
    sha256: str | None


def _model_info(repo_id: str, base: str, timeout: float, revision: str | None = None) -> Any:
    """The model information JSON (``HfApi.model_info`` without building its objects)."""
    from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

    where = f"/revision/{quote(revision, safe='')}" if revision else ""
    response = get_session().get(
        f"{base}/api/models/{repo_id}{where}",
        headers=build_hf_headers(token=False),
        params={"blobs": True},
        timeout=timeout,
    )
    hf_raise_for_status(response)
    return response.json()


def _parse_info(info: Any, repo_id: str, base: str) -> tuple[Any, dict[str, _Sibling]]:
    """The model type and the files of a model information answer, checked.

    Only what gpt2desk reads is checked; sizes only feed progress, so an odd
    one is dropped. A file name or commit that is not the Hub's is refused.
    """
    if not isinstance(info, dict):
        raise _malformed_info(repo_id, base, type(info).__name__)
    sha = info.get("sha")
    if sha is not None and not (isinstance(sha, str) and COMMIT_ID.fullmatch(sha)):
        raise _refused("commit", sha, repo_id, None, base)
    config = info.get("config")
    model_type = config.get("model_type") if isinstance(config, dict) else None
    listed = info.get("siblings")
    if listed is None:
        listed = []
    if not isinstance(listed, list):
        raise _malformed_info(repo_id, base, f"siblings: {type(listed).__name__}")
    siblings: dict[str, _Sibling] = {}
    for i, entry in enumerate(listed):
        if not isinstance(entry, dict) or "rfilename" not in entry:
            raise _malformed_info(repo_id, base, f"siblings[{i}]")
        name = entry["rfilename"]
        if not is_safe_file_name(name):
            raise _refused("file", name, repo_id, None, base)
        lfs = entry.get("lfs")
        sha256 = lfs.get("sha256") if isinstance(lfs, dict) else None
        if lfs is not None and not (isinstance(sha256, str) and _SHA256.match(sha256)):
            raise _malformed_info(repo_id, base, f"siblings[{i}].lfs")
        siblings[name] = _Sibling(name, _size(entry.get("size")), sha256)
    return model_type, siblings


def _size(value: object) -> int | None:
    """A file size from the Hub; None when it is not a plausible number of bytes."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= _MAX_SIZE else None


def _probe_files(repo_id: str, base: str, timeout: float) -> dict[str, _Sibling]:
    """The candidate files that exist, found with one HEAD request each."""
    from huggingface_hub import file_download, hf_hub_url
    from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError

    weights = (*WEIGHT_FILES, "pytorch_model.bin")
    names = (*CONFIG_FILES, *TOKENIZER_FILES, *weights, "model.safetensors.index.json")
    found: dict[str, _Sibling] = {}
    for name in names:
        url = hf_hub_url(repo_id, name, endpoint=base)
        try:
            # The module's function: the one hub_guard checks.
            meta = file_download.get_hf_file_metadata(
                url, token=False, timeout=timeout, endpoint=base
            )
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
        found[name] = _Sibling(name, _size(meta.size), sha)
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


def _pick_files(repo_id: str, siblings: dict[str, _Sibling]) -> list[RemoteFile]:
    if "config.json" not in siblings:
        raise HubError(
            QT_TRANSLATE_NOOP(
                "Hub", "“{model}” has no config.json, so it is not a transformers model."
            ),
            model=repo_id,
        )
    weights = next((w for w in WEIGHT_FILES if w in siblings), None)
    if weights is None:
        if any(n.endswith(".index.json") for n in siblings):
            why = QT_TRANSLATE_NOOP(
                "Hub", "“{model}” has only split (sharded) weights, which gpt2desk cannot load."
            )
        elif "pytorch_model.bin" in siblings:
            why = QT_TRANSLATE_NOOP(
                "Hub",
                "“{model}” has only pickle weights (pytorch_model.bin), which gpt2desk never "
                "loads: they can run code. The Hub has no safetensors conversion of them "
                "either (an open pull request by SFconvertbot).",
            )
        else:
            why = QT_TRANSLATE_NOOP(
                "Hub",
                "“{model}” has no model.safetensors, tf_model.h5 or flax_model.msgpack weights.",
            )
        raise HubError(why, model=repo_id)
    names = set(siblings)
    if not ({"tokenizer.json", "vocab.txt"} & names or {"vocab.json", "merges.txt"} <= names):
        raise HubError(
            QT_TRANSLATE_NOOP(
                "Hub",
                "“{model}” has no tokenizer files (tokenizer.json, vocab.txt, or vocab.json "
                "and merges.txt).",
            ),
            model=repo_id,
        )
    wanted = [n for n in (*CONFIG_FILES, *TOKENIZER_FILES) if n in siblings] + [weights]
    return [RemoteFile(n, siblings[n].size, siblings[n].sha256) for n in wanted]
