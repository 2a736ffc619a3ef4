"""Waits and timeouts shared by the UI tests."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from gpt2desk.ui.generation.worker import ModelWorker
from gpt2desk.ui.window.main_window import MainWindow

# Loading the tiny model compiles six TF functions (1-2 s here); a slow CI
# machine gets plenty of room before a wait counts as a hang.
LOAD_TIMEOUT_MS = 60_000
GEN_TIMEOUT_MS = 60_000


def wait_ready(qtbot: Any, window: MainWindow) -> None:
    """Waits until the status bar says the model is ready (and Send is usable)."""
    qtbot.waitUntil(
        lambda: window.model_label.text().startswith("Ready") and window.send_button.isEnabled(),
        timeout=LOAD_TIMEOUT_MS,
    )


class Recorder(QObject):
    """Records every signal of a ``ModelWorker`` in the GUI thread, in arrival order.

    Each event is a tuple: ("state", state, detail), ("token", id, text),
    ("finished", id, stats) or ("failed", id, message).

    The recorder also re-emits each signal from the GUI thread, and tests
    wait on those copies: PySide6 runs a plain Python callable (such as the
    one ``qtbot.waitSignal`` connects) in the *emitting* thread. Waiting on
    the worker's own signals would run pytest-qt's blocker in the worker
    thread ("QObject::killTimer: Timers cannot be stopped from another
    thread") and end the wait before the window's queued slot has run.
    Slots of a QObject living in the GUI thread are queued, as the main
    window's are, so the copies arrive after the window has seen the signal.

    Signals:
        state_changed, token_generated, generation_finished, generation_failed:
            the worker's signals, re-emitted after being recorded.
    """

    state_changed = Signal(str, str)
    token_generated = Signal(int, str)
    generation_finished = Signal(int, dict)
    generation_failed = Signal(int, str)

    def __init__(self, worker: ModelWorker) -> None:
        super().__init__()
        self.events: list[tuple[Any, ...]] = []
        worker.state_changed.connect(self._on_state)
        worker.token_generated.connect(self._on_token)
        worker.generation_finished.connect(self._on_finished)
        worker.generation_failed.connect(self._on_failed)

    @Slot(str, str)
    def _on_state(self, state: str, detail: str) -> None:
        self.events.append(("state", state, detail))
        self.state_changed.emit(state, detail)

    @Slot(int, str)
    def _on_token(self, request_id: int, text: str) -> None:
        self.events.append(("token", request_id, text))
        self.token_generated.emit(request_id, text)

    @Slot(int, dict)
    def _on_finished(self, request_id: int, stats: dict[str, Any]) -> None:
        self.events.append(("finished", request_id, stats))
        self.generation_finished.emit(request_id, stats)

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        self.events.append(("failed", request_id, message))
        self.generation_failed.emit(request_id, message)

    def states(self) -> list[tuple[str, str]]:
        return [(e[1], e[2]) for e in self.events if e[0] == "state"]

    def of(self, request_id: int) -> list[tuple[Any, ...]]:
        """The token, finished and failed events of one request."""
        return [e for e in self.events if e[0] != "state" and e[1] == request_id]

    def tokens(self, request_id: int) -> list[str]:
        return [e[2] for e in self.of(request_id) if e[0] == "token"]

    def finished(self, request_id: int) -> dict[str, Any] | None:
        """The stats of the request, once it has finished."""
        for e in self.of(request_id):
            if e[0] == "finished":
                stats: dict[str, Any] = e[2]
                return stats
        return None

    def wait_finished(self, qtbot: Any, request_id: int) -> dict[str, Any]:
        """Waits for the request's ``generation_finished``; returns its stats."""
        qtbot.waitUntil(lambda: self.finished(request_id) is not None, timeout=GEN_TIMEOUT_MS)
        stats = self.finished(request_id)
        assert stats is not None
        return stats

    def wait_first_token(self, qtbot: Any, request_id: int) -> None:
        qtbot.waitUntil(lambda: bool(self.tokens(request_id)), timeout=GEN_TIMEOUT_MS)

    def wait_loaded(self, qtbot: Any) -> tuple[str, str]:
        """Waits for the next "ready" or "failed" state; returns (state, detail)."""
        seen = len(self.states())

        def done() -> bool:
            return any(s in ("ready", "failed") for s, _ in self.states()[seen:])

        qtbot.waitUntil(done, timeout=LOAD_TIMEOUT_MS)
        return next(x for x in self.states()[seen:] if x[0] in ("ready", "failed"))
