"""The one owner of the model and of the reply being written (GUI thread).

``GenerationController`` owns the worker host (the model's thread), the
model's state, the request id of the reply under way, the busy flag and the
text a Send took from the composer. Widgets listen to its signals; nobody
else reads the worker's state strings or compares request ids.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Signal, Slot

from gpt2desk.ui.generation.model_state import ModelState, state_text
from gpt2desk.ui.generation.worker import WorkerHost

log = logging.getLogger(__name__)


def display_name(model: str) -> str:
    """A Hub id as is; a folder by its last part."""
    return Path(model).name if os.path.isabs(model) else model


class ScriptConverter(Protocol):
    """Converts a streamed reply's script (models/convert.py's ReplyConverter)."""

    def feed(self, request_id: int, model: str, text: str) -> str: ...

    def finish(self, request_id: int) -> str: ...


class _AsWritten:
    """No conversion: the reply is shown as the model wrote it."""

    def feed(self, request_id: int, model: str, text: str) -> str:
        return text

    def finish(self, request_id: int) -> str:
        return ""


class GenerationController(QObject):
    """Loads models and runs one reply at a time in the worker.

    Args:
        model: the Hub id or folder asked for first (named until one is ready).
        converter: converts the streamed text's script (shown as written if None).
        host: a worker host to use instead of a new one (tests share a loaded
            model this way); the controller shuts down only a host it made.

    Signals:
        model_state_changed(state, text): a ``ModelState`` and the status
            sentence. After a failed or cancelled switch the state is READY
            again (the old model still writes) and the text says so.
        busy_changed(busy): a reply started or ended.
        reply_started(request_id): a reply was asked for.
        token_received(text): text of the reply under way, converted, to show.
        reply_finished(stats): the reply ended (stopped too); the worker's stats.
        reply_failed(message, unsent): the reply failed; ``unsent`` is the
            text of a Send that failed before any reply text ("" otherwise),
            to give back to the user.
        notice(text): why a reply asked for cannot start (``check_ready``).
    """

    model_state_changed = Signal(object, str)
    busy_changed = Signal(bool)
    reply_started = Signal(int)
    token_received = Signal(str)
    reply_finished = Signal(dict)
    reply_failed = Signal(str, str)
    notice = Signal(str)

    def __init__(
        self,
        model: str,
        *,
        converter: ScriptConverter | None = None,
        host: WorkerHost | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._owns_host = host is None
        if host is None:
            host = WorkerHost(self)
            # The app's own worker keeps compiled XLA code between launches
            # (core/engine/xla_cache.py); a host handed in is the caller's.
            cache = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
            if cache:
                host.worker.xla_cache = Path(cache) / "xla"
        self.host = host
        self._converter: ScriptConverter = converter if converter is not None else _AsWritten()
        self._model_name = model
        self._state = ModelState.LOADING
        self._status_text = state_text(ModelState.LOADING).format(detail=model)
        self._model_ready = False
        self._load_error = ""
        self._load_started: dict[str, float] = {}
        self._request_id = 0
        self._busy = False
        self._pending_text = ""
        self._reply_text_seen = False
        w = self.host.worker
        w.state_changed.connect(self._on_state)
        w.token_generated.connect(self._on_token)
        w.generation_finished.connect(self._on_finished)
        w.generation_failed.connect(self._on_failed)

    # -- what the others read ------------------------------------------------------

    @property
    def model_name(self) -> str:
        """The model that writes (the last one ready, else the one asked for)."""
        return self._model_name

    @property
    def state(self) -> ModelState:
        """The worker's state, but READY while a model can write (after a failed switch too)."""
        return self._state

    @property
    def model_ready(self) -> bool:
        """Whether any model has been loaded in this session."""
        return self._model_ready

    @property
    def status_text(self) -> str:
        """The model's state as the status bar says it."""
        return self._status_text

    @property
    def request_id(self) -> int:
        """The id of the reply under way (0: none)."""
        return self._request_id

    @property
    def busy(self) -> bool:
        """Whether a reply is being written."""
        return self._busy

    def can_generate(self) -> bool:
        """Whether a reply can start now."""
        return self._state is ModelState.READY and not self._busy

    def not_ready_text(self) -> str:
        """Why no reply can start now, and what to do about it."""
        if self._state is ModelState.FAILED and not self._model_ready:
            return self.tr(
                "The model could not be loaded: {reason} Open Models… (Ctrl+Shift+M) to download "
                "or choose one; your text is kept."
            ).format(reason=_sentence(self._load_error))
        if self._state is ModelState.CANCELLED and not self._model_ready:
            return self.tr(
                "No model is loaded: {reason} Open Models… (Ctrl+Shift+M) to choose one; "
                "your text is kept."
            ).format(reason=_sentence(self._load_error))
        if self._busy:
            return self.tr("The model is writing; your text is kept.")
        not_ready = QCoreApplication.translate(
            "MainWindow", "The model is not ready yet; your text is kept."
        )
        return not_ready + " " + self._status_text

    def check_ready(self) -> bool:
        """``can_generate()``; if not, ``notice`` says why and what to do."""
        if self.can_generate():
            return True
        self.notice.emit(self.not_ready_text())
        return False

    # -- what the others ask for ---------------------------------------------------

    def load(self, model: str, offline: bool = False, endpoint: str = "") -> None:
        """Loads ``model`` in the worker; the old one stays if this one fails."""
        self._load_started.setdefault(model, time.monotonic())
        self.host.load(model, offline, endpoint)

    def start_reply(self, prompt: str, values: dict[str, Any], *, unsent: str = "") -> int:
        """Asks the model for a reply; returns its request id.

        Args:
            unsent: the composer text a Send took; it is given back (by
                ``reply_failed``) if the reply fails before any text.
        """
        self._request_id = self.host.generate(prompt, values)
        self._pending_text = unsent
        self._reply_text_seen = False
        self._set_busy(True)
        self.reply_started.emit(self._request_id)
        return self._request_id

    def stop(self) -> None:
        """Ends the reply under way before its next token (its end still arrives)."""
        if self._busy:
            self.host.stop()

    def abandon_reply(self) -> None:
        """Stops the reply and forgets it; text a conversion still holds is emitted first."""
        if self._request_id:
            self.host.stop()
            self._emit_text(self._converter.finish(self._request_id))
        self._request_id = 0
        self._pending_text = ""
        self._set_busy(False)

    def shutdown(self) -> None:
        """Stops the model thread (a host given to the constructor stays up)."""
        self.abandon_reply()
        if self._owns_host:
            self.host.shutdown()

    # -- the worker's signals ------------------------------------------------------

    @Slot(str, str)
    def _on_state(self, raw: str, detail: str) -> None:
        state = ModelState.parse(raw)
        text = state_text(state).format(detail=detail)
        if state is ModelState.LOADING:
            self._load_started.setdefault(detail, time.monotonic())
        elif state is ModelState.READY:
            if not self._model_ready or detail != self._model_name:
                self._log_loaded(detail)
            self._model_ready = True
            self._model_name = detail
            self._load_error = ""
        elif state in (ModelState.FAILED, ModelState.CANCELLED):
            if state is ModelState.FAILED:
                log.warning("loading a model failed: %s", detail)  # Help > Open log file
            self._load_started.clear()
            self._load_error = detail
            if self._model_ready:
                # A failed or cancelled switch keeps the old model, which is still usable.
                still = QCoreApplication.translate("MainWindow", " — still using {model}")
                text += still.format(model=self._model_name)
                state = ModelState.READY
        self._state = state
        self._status_text = text
        self.model_state_changed.emit(state, text)

    def _log_loaded(self, name: str) -> None:
        started = self._load_started.pop(name, None)
        if started is None and self._load_started:
            started = self._load_started.pop(next(iter(self._load_started)))
        if started is None:
            log.info("model %s loaded", name)
        else:
            log.info("model %s loaded in %.1f s", name, time.monotonic() - started)

    @Slot(int, str)
    def _on_token(self, request_id: int, text: str) -> None:
        if request_id == self._request_id and request_id:
            self._reply_text_seen = self._reply_text_seen or bool(text)
            self._emit_text(self._converter.feed(request_id, self._model_name, text))

    def _emit_text(self, text: str) -> None:
        if text:
            self.token_received.emit(text)

    @Slot(int, dict)
    def _on_finished(self, request_id: int, stats: dict[str, Any]) -> None:
        if request_id != self._request_id or not request_id:
            return
        self._emit_text(self._converter.finish(request_id))
        self._request_id = 0
        self._pending_text = ""
        self._set_busy(False)
        self.reply_finished.emit(stats)

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id != self._request_id or not request_id:
            return
        log.warning("a reply failed: %s", message)  # Help > Open log file
        self._emit_text(self._converter.finish(request_id))
        unsent = "" if self._reply_text_seen else self._pending_text
        self._request_id = 0
        self._pending_text = ""
        self._set_busy(False)
        self.reply_failed.emit(message, unsent)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)


def _sentence(text: str) -> str:
    """``text`` ending as a sentence, so the advice after it reads on."""
    text = text.strip()
    return text if not text or text[-1] in ".!?。\uff01\uff1f…" else text + "."
