"""Finding and loading a GPT-2 model: a Hub id or a local folder.

The seed pipeline (``TFGPT2LMHeadModel.from_pretrained`` +
``AutoTokenizer.from_pretrained``), made safe for a desktop app: the cache is
tried first with no network request, errors become messages a user can act
on, remote code and pickle weights are never loaded.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from gpt2desk.core.engine.memory import release_free_memory, return_big_blocks
from gpt2desk.core.engine.weights import WeightsError, build_model
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message
from gpt2desk.core.model_source import (
    TOKENIZER_FILES,
    WEIGHT_FILES,
    ModelLoadError,
    ModelRef,
    check_local_folder,
)

_tf_lock = threading.Lock()
_tf_configured = False


@dataclass
class LoadedModel:
    """A model ready to generate: tokenizer, compiled runner and where it came from."""

    ref: ModelRef
    tokenizer: Any
    runner: Any
    model: Any = None  # the transformers model, only when asked for (keep_model)

    @property
    def n_ctx(self) -> int:
        return int(self.runner.n_ctx)


def configure_tensorflow() -> None:
    """Quiet logs and one intra-op thread per core; must run before the first op."""
    global _tf_configured
    with _tf_lock:
        if _tf_configured:
            return
        # Level 3 also hides the "failed call to cuInit" line on machines
        # without a GPU; real failures still surface as Python exceptions.
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        # With oneDNN, TF pools CPU memory in its own allocator and never
        # returns it: ~140 MB more peak for gpt2 (1724 vs 1581 MB VmHWM after
        # loading and compiling). The system allocator keeps oneDNN's faster
        # prefill (~30% over Eigen) without the pool.
        os.environ.setdefault("TF_ONEDNN_USE_SYSTEM_ALLOCATOR", "1")
        return_big_blocks()
        import tensorflow as tf
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        # Each prefill chunk size is its own traced function on purpose; TF's
        # "excessive retracing" warning does not apply.
        tf.get_logger().setLevel("ERROR")
        # RuntimeError: the runtime already started elsewhere; keep its setting.
        with contextlib.suppress(RuntimeError):
            tf.config.threading.set_intra_op_parallelism_threads(os.cpu_count() or 1)
        _tf_configured = True


def load_model(
    ref: ModelRef,
    *,
    offline: bool = False,
    endpoint: str | None = None,
    cache_dir: Path | None = None,
    on_stage: Callable[[str], None] | None = None,
    on_progress: Callable[[Any], None] | None = None,
    cancel: threading.Event | None = None,
    keep_model: bool = False,
    background: bool = False,
    quiet_s: float = 0.0,
) -> LoadedModel:
    """Loads tokenizer and weights, then compiles the decode step (or starts to).

    A Hub model is always loaded from the cache with ``local_files_only``; if
    it is not complete there, gpt2desk's own downloader fetches it first
    (with ``endpoint``, resume, retries and sha256 checks). transformers'
    from_pretrained never touches the network, so it cannot use another
    endpoint than the one the user chose.

    Args:
        ref: the model to load.
        offline: never touch the network (only the cache or a local folder).
        endpoint: the Hub or a mirror (None: ``HF_ENDPOINT`` or huggingface.co).
        cache_dir: the hub cache (None: the standard one).
        on_stage: called with "loading", "downloading" (only when needed),
            then "preparing" (compiling).
        on_progress: receives download progress (``core.progress.Progress``).
        cancel: stops a download when set.
        keep_model: keep the transformers model too (for comparisons); the
            runner alone needs less memory.
        background: return as soon as the weights are in: the runner compiles in
            a thread of its own and answers meanwhile (see
            ``GPT2Runner.prepare_in_background``); no "preparing" stage.
        quiet_s: with ``background``, compiles wait for this long without a request.

    Raises:
        ModelLoadError: with a message that names the model and what to do.
    """
    stage = on_stage or (lambda _stage: None)
    stage("loading")
    if ref.kind == "local":
        # Before TensorFlow loads: a mistyped folder is reported at once, not seconds later.
        folder = Path(ref.name)
        check_local_folder(folder)
    else:
        folder = _cached_or_download(
            ref.name, offline, endpoint, cache_dir, stage, on_progress, cancel
        )
    from gpt2desk.core.engine.folder_checks import check_config, check_memory, check_tokenizer_files

    # Every file checked, and the memory the model needs, before anything is built.
    fields = check_config(folder)
    check_memory(folder, fields)
    check_tokenizer_files(folder, fields["vocab_size"])
    configure_tensorflow()
    tokenizer, model, wte_t = _load_files(ref.name, folder, keep_model)
    from gpt2desk.core.engine.runner import GPT2Runner

    if not background:
        stage("preparing")
    runner = GPT2Runner(model, wte_t=wte_t)
    if not keep_model:
        model = None  # the runner keeps what it needs; the rest can go
    release_free_memory()  # before compiling, whose own peak comes on top
    if background:
        runner.prepare_in_background(quiet_s)
    else:
        runner.prepare()
    return LoadedModel(ref=ref, tokenizer=tokenizer, model=model, runner=runner)


def _cached_or_download(
    name: str,
    offline: bool,
    endpoint: str | None,
    cache_dir: Path | None,
    stage: Callable[[str], None],
    on_progress: Callable[[Any], None] | None,
    cancel: threading.Event | None,
) -> Path:
    """The cached snapshot folder of a Hub model, downloading it first if needed."""
    from gpt2desk.core.hub.cache import status

    found = status(name, cache_dir)
    if found.state == "complete" and found.snapshot is not None:
        return found.snapshot
    if offline or os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0"):
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models",
                "The model “{name}” is not on this computer and offline mode is on. "
                "Turn offline mode off and connect once to download it, "
                "or choose a local model folder.",
            ),
            name=name,
        )
    _require_hub(name, endpoint)
    from gpt2desk.core.hub.download import download_model

    stage("downloading")
    snapshot = download_model(
        name, endpoint=endpoint, cache_dir=cache_dir, on_progress=on_progress, cancel=cancel
    )
    stage("loading")
    return snapshot


def hub_endpoint(endpoint: str | None = None) -> str:
    from gpt2desk.core.hub.download import resolve_endpoint

    return resolve_endpoint(endpoint)


def _require_hub(name: str, endpoint: str | None = None, timeout: float = 3.0) -> None:
    """Fails fast with a clear message when the Hub cannot be reached at all."""
    url = urlparse(hub_endpoint(endpoint))
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "", port), timeout=timeout):
            pass
    except OSError as exc:
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models",
                "The model “{name}” is not on this computer and the Hugging Face Hub "
                "({host}) cannot be reached: {error}. "
                "Connect to the internet once so gpt2desk can download it, "
                "or choose a local model folder (--model /path/to/folder).",
            ),
            name=name,
            host=url.hostname,
            error=exc.strerror or exc,
        ) from exc


def weights_file(folder: Path) -> Path:
    """The weights file loaded from ``folder``: the first of WEIGHT_FILES it has."""
    for name in WEIGHT_FILES:
        if (folder / name).is_file():
            return folder / name
    return folder / WEIGHT_FILES[-1]


def _load_files(name: str, folder: Path, keep_model: bool) -> tuple[Any, Any, Any]:
    """Loads from a local folder or a cached Hub model; never uses the network."""
    from transformers import AutoConfig, AutoTokenizer

    from gpt2desk.core.engine.wordpiece import is_wordpiece_folder, load_wordpiece

    # A Hub model is read from its cache snapshot folder like any local folder:
    # transformers fixes its default cache path at import, and never needs the network.
    source = str(folder)
    common: dict[str, Any] = {"local_files_only": True}
    try:
        config = AutoConfig.from_pretrained(source, trust_remote_code=False, **common)
    except (OSError, ValueError) as exc:
        raise ModelLoadError(_explain(name, exc)) from exc
    if config.model_type != "gpt2":
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models", "“{name}” is a {type} model; gpt2desk runs GPT-2 models only."
            ),
            name=name,
            type=config.model_type,
        )
    try:
        if is_wordpiece_folder(folder):
            # BERT's WordPiece (Chinese GPT-2s): BertTokenizerFast from the vocabulary, as
            # their model cards ask; never AutoTokenizer, never tokenizer_config's auto_map.
            tokenizer = load_wordpiece(folder, int(config.vocab_size))
        else:
            tokenizer = AutoTokenizer.from_pretrained(source, trust_remote_code=False, **common)
    except ModelLoadError:
        raise
    except Exception as exc:  # the tokenizers library raises plain Exception
        files = [f for group in TOKENIZER_FILES for f in group if (folder / f).is_file()]
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models",
                "The tokenizer of “{name}” cannot be read from {files}: {error}. "
                "Copy the tokenizer files that came with the model.",
            ),
            name=name,
            files=", ".join(files),
            error=first_line,
        ) from exc
    from gpt2desk.core.engine.folder_checks import check_tokenizer_fits

    check_tokenizer_fits(folder, tokenizer, int(config.vocab_size))
    weights = weights_file(folder)
    try:
        # Not from_pretrained: it reads the whole checkpoint into NumPy before
        # assigning it (see core/engine/weights.py), and would accept .bin files.
        model, wte_t = build_model(config, weights, keep_embedding=keep_model)
    except WeightsError as exc:
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models", "The model “{name}” does not fit its weights file: {error}"
            ),
            name=name,
            error=exc.message,
        ) from exc
    except (OSError, ValueError, KeyError) as exc:
        raise ModelLoadError(_explain(name, exc, weights)) from exc
    return tokenizer, model, wte_t


def _explain(name: str, exc: BaseException, weights: Path | None = None) -> Message:
    """A user-facing sentence for an exception from from_pretrained."""
    from huggingface_hub.errors import (
        GatedRepoError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
    )

    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 10:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    if any(isinstance(e, GatedRepoError) for e in chain):
        return Message(
            QT_TRANSLATE_NOOP(
                "Models",
                "“{name}” is a gated model on the Hub; gpt2desk does not use access tokens.",
            ),
            name=name,
        )
    if any(isinstance(e, RepositoryNotFoundError) for e in chain):
        return Message(
            QT_TRANSLATE_NOOP(
                "Models", "There is no model named “{name}” on the Hugging Face Hub."
            ),
            name=name,
        )
    if any(isinstance(e, LocalEntryNotFoundError) for e in chain):
        return Message(
            QT_TRANSLATE_NOOP(
                "Models",
                "The model “{name}” is not on this computer and could not be downloaded. "
                "Connect to the internet once, or choose a local model folder.",
            ),
            name=name,
        )
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    from gpt2desk.core.engine.weights_msgpack import DamagedWeightsError

    if (
        first_line.startswith(
            ("Unable to load weights", "Unable to open file", "Unable to synchronously")
        )
        or "safetensors" in type(exc).__module__
        or isinstance(exc, DamagedWeightsError)
    ):
        # transformers' OSError for an unreadable weights file; its advice
        # ("set from_pt=True") is about its own API, not something a user can do.
        if weights is None:
            return Message(
                QT_TRANSLATE_NOOP(
                    "Models",
                    "The model “{name}” could not be loaded: its weights file is damaged or "
                    "incomplete. Download or save the model again.",
                ),
                name=name,
            )
        if os.path.isabs(name):
            return Message(
                QT_TRANSLATE_NOOP(
                    "Models",
                    "The model “{name}” could not be loaded: its weights file {file} "
                    "is damaged or incomplete. Copy or save the model again.",
                ),
                name=name,
                file=weights.name,
            )
        return Message(
            QT_TRANSLATE_NOOP(
                "Models",
                "The model “{name}” could not be loaded: its weights file {file} is "
                "damaged or incomplete ({path}). Delete it in Models and download it again.",
            ),
            name=name,
            file=weights.name,
            path=os.path.realpath(weights),
        )
    return Message(
        QT_TRANSLATE_NOOP("Models", "The model “{name}” could not be loaded: {error}"),
        name=name,
        error=first_line,
    )
