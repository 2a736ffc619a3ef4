"""Which files a model has on the Hub (or a mirror), and the ones gpt2desk downloads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gpt2desk.core.hub_check import check_hub_id, resolve_endpoint
from gpt2desk.core.hub_errors import HubError, _host, _not_gpt2, _translate
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP

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
