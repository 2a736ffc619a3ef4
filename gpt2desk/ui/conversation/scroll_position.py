"""Each conversation opens where it was left: its scroll position is saved and put back.

The document is laid out lazily (and again when the window is shown and
resized): for a moment after a conversation is shown, its saved position is
applied again whenever the scroll range changes, and the moves of the bar
meanwhile are not saved, until the user scrolls or ``GIVE_UP_MS`` pass.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QScrollBar, QWidget

GIVE_UP_MS = 1500


class ScrollPosition(QObject):
    """Restores a position on ``bar`` and passes the user's own moves to ``save``."""

    def __init__(self, bar: QScrollBar, window: QWidget, save: Callable[[int], None]) -> None:
        super().__init__(bar)
        self.bar = bar
        self._window = window
        self._save = save
        self.restoring = False
        self._target: int | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GIVE_UP_MS)
        self._timer.timeout.connect(self.give_up)
        bar.valueChanged.connect(self._on_value)
        bar.rangeChanged.connect(lambda _lo, _hi: self._apply())
        # Wheel, keys (Page Up/Down), clicks and drags on the bar all trigger an
        # action before they move it: the user's own scrolling ends the restore.
        bar.actionTriggered.connect(lambda _action: self.give_up())

    def begin(self) -> None:
        """The conversation is about to be drawn again: moves until ``restore`` are not saved."""
        self.restoring = True

    def restore(self, value: int) -> None:
        self._target = value
        self._apply()
        QTimer.singleShot(0, self._apply)
        self._timer.start()

    def follow_stream(self) -> None:
        """A reply is streaming in: show its end."""
        self.bar.setValue(self.bar.maximum())
        self.restoring = False
        self._target = None

    def give_up(self) -> None:
        # Also called before a move of the user's, so that move is saved (_on_value).
        if self._target is not None:
            self._target = None
            self.restoring = False

    def _apply(self) -> None:
        if self._target is not None and self.bar.maximum() >= self._target:
            self.bar.setValue(self._target)

    def _on_value(self, value: int) -> None:
        # A hidden window's relayout (closing) moves the bar too: not the user's position.
        if not self.restoring and self._window.isVisible():
            self._save(value)
