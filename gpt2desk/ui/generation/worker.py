"""The model's thread: a ``ModelWorker`` living in a ``QThread``.

GUI -> worker: the host's ``*_requested`` signals, delivered queued into the
worker thread. Worker -> GUI: past-tense signals carrying plain values only.
Stopping is not a queued slot (the worker's event loop is busy inside the
token loop): :meth:`ModelWorker.stop` is a plain, thread-safe method.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from gpt2desk.ui.generation.model_state import ModelState

log = logging.getLogger(__name__)
#: How long the model must be unused before its compile goes on (see
#: GPT2Runner.prepare_in_background).
QUIET_S = 1.0
# Messages are translated here, in the worker thread: Qt's translators may be read
# from any thread.


class _StopFlag:
    """``is_set()`` for the engine: true once the GUI stopped this request."""

    def __init__(self, worker: ModelWorker, request_id: int) -> None:
        self._worker = worker
        self._request_id = request_id

    def is_set(self) -> bool:
        return self._request_id <= self._worker.stopped_through


class ModelWorker(QObject):
    """Loads and owns the model; TensorFlow is imported here, in this thread.

    Signals:
        state_changed(state, detail): "loading", "downloading", "preparing",
            "ready", "generating", "failed" or "cancelled" (the user cancelled
            the download of the model being loaded); detail is the model name,
            the progress or the reason.
        token_generated(request_id, text): a piece of streamed text.
        generation_finished(request_id, stats): a dict of plain values.
        generation_failed(request_id, message): nothing (more) was generated.
        context_measured(request_id, info): the answer to ``measure_context``:
            ``tokens`` the prompt keeps, ``n_ctx``, ``left_out_chars`` (how
            many characters at its start do not fit).
        suggestion_generated(request_id, index, text): more text of
            suggestion ``index`` of a ``suggest`` request.
        suggestion_finished(request_id, index, info): suggestion ``index`` is
            complete: ``text``, ``seed``, ``reason``, ``new_tokens``. A
            request ends after its last one, or after one "cancelled".
        load_ended(model_text): a ``load`` (or ``adopt``) request is over, whatever its end
            ("ready", "failed" or "cancelled": the user cancelled its download).
    """

    state_changed = Signal(str, str)
    token_generated = Signal(int, str)
    generation_finished = Signal(int, dict)
    generation_failed = Signal(int, str)
    context_measured = Signal(int, dict)
    suggestion_generated = Signal(int, int, str)
    suggestion_finished = Signal(int, int, dict)
    load_ended = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._loaded: Any = None
        self._lock = threading.Lock()
        self.stopped_through = 0
        # Set on shutdown: a download inside load() stops before its next chunk.
        self.load_cancel = threading.Event()
        #: Where TensorFlow keeps compiled XLA code between launches (named at the
        #: first load, before TensorFlow is imported; None: not used).
        self.xla_cache: Path | None = None
        # The user's Cancel: one event per load, so a cancelled load never stops the next one.
        self._download_cancel = threading.Event()

    def stop(self, request_id: int) -> None:
        """Ends request ``request_id`` (and any earlier one) before its next token."""
        with self._lock:
            self.stopped_through = max(self.stopped_through, request_id)

    def cancel_download(self) -> None:
        """Stops the download of the model being loaded (if any) before its next chunk."""
        with self._lock:
            self._download_cancel.set()

    @Slot(str, bool, str)
    def load(self, model_text: str, offline: bool, endpoint: str = "") -> None:
        """Loads a model; a Hub model not on disk is downloaded first (from ``endpoint``)."""
        try:
            self._load(model_text, offline, endpoint)
        finally:
            self.load_ended.emit(model_text)

    def _load(self, model_text: str, offline: bool, endpoint: str) -> None:
        if self.xla_cache is not None:
            from gpt2desk.core.engine.xla_cache import use_xla_cache

            use_xla_cache(self.xla_cache)  # before TensorFlow is first imported
            self.xla_cache = None
        from gpt2desk.core.engine.loading import load_model
        from gpt2desk.core.hub.download import DownloadCancelled
        from gpt2desk.core.model_source import ModelLoadError, parse_model_ref

        cancel = threading.Event()
        with self._lock:
            self._download_cancel = cancel
        if self.load_cancel.is_set():
            cancel.set()
        try:
            ref = parse_model_ref(model_text)

            def stage(s: str) -> None:
                detail = ref.name
                if s == ModelState.DOWNLOADING:
                    detail = QCoreApplication.translate(
                        "ModelWorker", "Downloading {model}…"
                    ).format(model=ref.name)
                self.state_changed.emit(s, detail)

            loaded = load_model(
                ref,
                offline=offline,
                endpoint=endpoint or None,
                on_stage=stage,
                on_progress=lambda p: self.state_changed.emit(
                    ModelState.DOWNLOADING,
                    QCoreApplication.translate(
                        "ModelWorker", "Downloading {model}: {progress}"
                    ).format(model=ref.name, progress=p.text()),
                ),
                cancel=cancel,
                # Ready once the weights are in: the runner answers while it compiles,
                # and compiles between requests (a writer's first stream stays smooth).
                background=True,
                quiet_s=QUIET_S,
            )
        except DownloadCancelled:
            self.state_changed.emit(ModelState.CANCELLED, _cancelled_text(ref.name))
            return
        except ModelLoadError as exc:
            self.state_changed.emit(ModelState.FAILED, str(exc))
            return
        except Exception as exc:  # a bug, or TF failing: say so, keep the app alive
            log.exception("loading %s failed", model_text)
            message = QCoreApplication.translate(
                "ModelWorker", "Loading “{model}” failed: {error}"
            ).format(model=model_text, error=_first_line(exc))
            self.state_changed.emit(ModelState.FAILED, message)
            return
        # Only now replace the old model: a failed switch keeps the old one.
        old, self._loaded = self._loaded, loaded
        if old is not None:
            old.runner.stop_compiling()  # its compile would hold its weights for seconds
        self.state_changed.emit(ModelState.READY, loaded.ref.name)

    @Slot(object, str)
    def adopt(self, loaded: Any, model_text: str) -> None:
        """Takes a model already loaded and compiled elsewhere (a ``LoadedModel``).

        Ends as a ``load`` that found the model at once: "loading", then
        "ready" and ``load_ended``. The tests share one compiled model this
        way; two workers must never run the same model at the same time (its
        runner's cache is written in place).
        """
        try:
            self.state_changed.emit(ModelState.LOADING, loaded.ref.name)
            self._loaded = loaded
            self.state_changed.emit(ModelState.READY, loaded.ref.name)
        finally:
            self.load_ended.emit(model_text)

    def _ready_for(self, request_id: int, settings: dict[str, Any]) -> tuple[Any, Any] | None:
        """The loaded model and the parsed settings, or None once the failure is reported."""
        from gpt2desk.core.settings import GenerationSettings, SettingsError

        loaded = self._loaded
        if loaded is None:
            self.generation_failed.emit(
                request_id, QCoreApplication.translate("ModelWorker", "No model is loaded yet.")
            )
            return None
        try:
            return loaded, GenerationSettings.from_dict(settings)
        except SettingsError as exc:
            self.generation_failed.emit(request_id, str(exc))
            return None

    @Slot(int, str, dict)
    def generate(self, request_id: int, prompt: str, settings: dict[str, Any]) -> None:
        from gpt2desk.core.engine.decode import Done, generate

        ready = self._ready_for(request_id, settings)
        if ready is None:
            return
        loaded, parsed = ready
        self.state_changed.emit(ModelState.GENERATING, loaded.ref.name)
        try:
            stop = _StopFlag(self, request_id)
            for event in generate(loaded.runner, loaded.tokenizer, prompt, parsed, cancel=stop):
                if isinstance(event, Done):
                    self.generation_finished.emit(request_id, _stats(event))
                else:
                    self.token_generated.emit(request_id, event.text)
        except Exception as exc:
            log.exception("generation failed")
            self.generation_failed.emit(
                request_id,
                QCoreApplication.translate("ModelWorker", "Generation failed: {error}").format(
                    error=exc
                ),
            )
        self.state_changed.emit(ModelState.READY, loaded.ref.name)

    @Slot(int, str, dict, int, int)
    def suggest(
        self, request_id: int, prompt: str, settings: dict[str, Any], count: int, max_tokens: int
    ) -> None:
        """``count`` short continuations of ``prompt`` for autocomplete, one seed each.

        No state change is reported: the status bar keeps saying "ready", and
        a stopped request shows no further text and leaves the model free
        after the burst under way (at most 8 tokens).
        """
        from gpt2desk.core.engine.suggest import SuggestionDone, suggest

        ready = self._ready_for(request_id, settings)
        if ready is None:
            return
        loaded, parsed = ready
        stop = _StopFlag(self, request_id)
        try:
            for event in suggest(
                loaded.runner,
                loaded.tokenizer,
                prompt,
                parsed,
                count=count,
                max_new_tokens=max_tokens,
                cancel=stop,
            ):
                if isinstance(event, SuggestionDone):
                    info = {
                        "text": event.text,
                        "seed": event.seed,
                        "reason": event.reason,
                        "new_tokens": event.new_tokens,
                    }
                    self.suggestion_finished.emit(request_id, event.index, info)
                else:
                    self.suggestion_generated.emit(request_id, event.index, event.text)
        except Exception as exc:
            log.exception("suggestions failed")
            self.generation_failed.emit(
                request_id,
                QCoreApplication.translate("ModelWorker", "Generation failed: {error}").format(
                    error=exc
                ),
            )

    @Slot(int, str, int)
    def measure_context(self, request_id: int, prompt: str, max_new_tokens: int) -> None:
        """How many of the model's positions ``prompt`` takes, and what no longer fits.

        Runs the tokenizer here, as generation does: the GUI thread never
        touches the model or its tokenizer. Nothing is answered without a model.
        """
        from gpt2desk.core.engine.decode import fit_prompt, prompt_budget

        loaded = self._loaded
        if loaded is None:
            return
        try:
            n_ctx = int(loaded.runner.n_ctx)
            budget = prompt_budget(max(1, max_new_tokens), n_ctx)
            ids, truncated = fit_prompt(loaded.tokenizer, prompt, budget) if prompt else ([], False)
            kept = len(loaded.tokenizer.decode(ids)) if truncated else len(prompt)
        except Exception:
            log.exception("measuring the context failed")
            return
        info = {"tokens": len(ids), "n_ctx": n_ctx, "left_out_chars": max(0, len(prompt) - kept)}
        self.context_measured.emit(request_id, info)


def _first_line(exc: BaseException) -> str:
    """An exception's first line (TF's run to pages; the log has them whole)."""
    lines = str(exc).strip().splitlines()
    return lines[0][:300] if lines else type(exc).__name__


def _cancelled_text(model: str) -> str:
    """What the user is told after cancelling a download: what stays on disk, how to go on."""
    from gpt2desk.core.hub import cache
    from gpt2desk.core.hub.catalog import format_bytes

    kept = cache.status(model).disk_bytes
    return QCoreApplication.translate(
        "ModelWorker",
        "Download of “{model}” cancelled. The {size} that arrived stay on disk: "
        "Resume or Use in the Models window continues from there.",
    ).format(model=model, size=format_bytes(kept))


def _stats(done: Any) -> dict[str, Any]:
    return {
        "reason": done.reason,
        "prompt_tokens": done.prompt_tokens,
        "new_tokens": len(done.new_token_ids),
        "ttft_ms": done.ttft_ms,
        "tokens_per_s": done.tokens_per_s,
        "seed": done.seed,
        "prompt_truncated": done.prompt_truncated,
        "context_shifts": done.context_shifts,
        # The sentence (translated here), or "": characters the model read as [UNK].
        "unknown_chars": _unknown_text(done.unknown_chars),
    }


def _unknown_text(chars: tuple[str, ...]) -> str:
    from gpt2desk.core.engine.wordpiece import unknown_chars_message

    return str(unknown_chars_message(chars)) if chars else ""


class ModelThread(QThread):
    """The model's thread: its event loop runs inside one Python call.

    Without it, PySide gives the thread a new Python thread state for every
    slot call and deletes it afterwards, while TensorFlow's pybind11 layer
    keeps the first one it saw for the thread: the second model load then
    took a freed thread state (a segfault in libpython, or a hang waiting for
    the GIL inside TensorFlow's error handling). ``run`` calling ``exec``
    from Python keeps one thread state for the thread's whole life.
    No slots here (a QThread object lives in the thread that created it).
    """

    def run(self) -> None:
        self.exec()


class WorkerHost(QObject):
    """Owns the worker thread; lives in the GUI thread.

    Signals:
        load_requested(model_text, offline, endpoint),
        generate_requested(id, prompt, settings),
        suggest_requested(id, prompt, settings, count, max_tokens),
        context_requested(id, prompt, max_new_tokens),
        adopt_requested(loaded, model_text):
            delivered queued to the worker.
    """

    load_requested = Signal(str, bool, str)
    generate_requested = Signal(int, str, dict)
    suggest_requested = Signal(int, str, dict, int, int)
    context_requested = Signal(int, str, int)
    adopt_requested = Signal(object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model_thread = ModelThread()
        self.model_thread.setObjectName("gpt2desk-model")
        self.worker = ModelWorker()
        self.worker.moveToThread(self.model_thread)
        self.load_requested.connect(self.worker.load)
        self.generate_requested.connect(self.worker.generate)
        self.suggest_requested.connect(self.worker.suggest)
        self.context_requested.connect(self.worker.measure_context)
        self.adopt_requested.connect(self.worker.adopt)
        self.worker.load_ended.connect(self._on_load_ended)
        self._loading: list[str] = []  # models asked for and not loaded (or failed) yet
        self._next_id = 0
        self._next_context_id = 0
        self.model_thread.start()

    def load(self, model_text: str, offline: bool = False, endpoint: str = "") -> None:
        self._loading.append(model_text)
        self.load_requested.emit(model_text, offline, endpoint)

    def adopt(self, loaded: Any, model_text: str = "") -> None:
        """Gives the worker a model already loaded (``LoadedModel``), queued like ``load``.

        ``model_text`` is what ``load`` would have been given (default: the model's name).
        """
        text = model_text or loaded.ref.name
        self._loading.append(text)
        self.adopt_requested.emit(loaded, text)

    def loading(self) -> list[str]:
        """Hub ids and folders the worker is loading or will load (queued), oldest first."""
        return list(self._loading)

    @Slot(str)
    def _on_load_ended(self, model_text: str) -> None:
        if model_text in self._loading:
            self._loading.remove(model_text)

    def cancel_download(self) -> None:
        """Stops the download of the model being loaded; partial files stay for Resume."""
        self.worker.cancel_download()

    def generate(self, prompt: str, settings: dict[str, Any]) -> int:
        """Queues a request; returns its id (tokens of older ids are stale)."""
        self._next_id += 1
        self.generate_requested.emit(self._next_id, prompt, settings)
        return self._next_id

    def suggest(self, prompt: str, settings: dict[str, Any], count: int, max_tokens: int) -> int:
        """Queues a request for ``count`` short continuations; returns its id.

        Ids are shared with ``generate``, so ``stop()`` ends this one too.
        """
        self._next_id += 1
        self.suggest_requested.emit(self._next_id, prompt, settings, count, max_tokens)
        return self._next_id

    def cancel(self, request_id: int) -> None:
        """Ends request ``request_id`` (and any earlier one) before its next token."""
        self.worker.stop(request_id)

    def measure_context(self, prompt: str, max_new_tokens: int) -> int:
        """Asks the worker to measure ``prompt``; returns the id its answer will carry."""
        self._next_context_id += 1
        self.context_requested.emit(self._next_context_id, prompt, max_new_tokens)
        return self._next_context_id

    def stop(self) -> None:
        self.worker.stop(self._next_id)

    def shutdown(self) -> None:
        """Stop, quit, wait: no QThread is left running."""
        self.stop()
        self.worker.load_cancel.set()
        self.worker.cancel_download()
        self.model_thread.quit()
        self.model_thread.wait()
