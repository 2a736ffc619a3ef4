"""The small ◀ 2/3 ▶ bar shown at a continuation that has alternatives."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class AlternativesBar(QFrame):
    """Shows "alternative i of n" of one place; the arrows ask for the neighbour.

    Signals:
        alternative_requested(place_id, index): the writer asked to see alternative ``index``.
    """

    alternative_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alternativesBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setCursor(Qt.CursorShape.ArrowCursor)
        self.place_id = ""
        self.shown = 0
        self.count = 0
        self.previous = QToolButton(self)
        self.previous.setText("◀")
        self.previous.setAutoRaise(True)
        self.next = QToolButton(self)
        self.next.setText("▶")
        self.next.setAutoRaise(True)
        self.label = QLabel(self)
        for button in (self.previous, self.next):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(2)
        layout.addWidget(self.previous)
        layout.addWidget(self.label)
        layout.addWidget(self.next)
        self.previous.clicked.connect(lambda: self.step(-1))
        self.next.clicked.connect(lambda: self.step(1))
        self.previous.setAccessibleName(self.tr("Previous alternative"))
        self.previous.setToolTip(self.tr("Previous alternative (Alt+Left)"))
        self.next.setAccessibleName(self.tr("Next alternative"))
        self.next.setToolTip(self.tr("Next alternative (Alt+Right)"))
        self.setAccessibleName(self.tr("Alternatives of this continuation"))
        self.hide()

    def show_place(self, place_id: str, shown: int, count: int) -> None:
        """Shows "shown + 1 / count" for ``place_id``."""
        self.place_id, self.shown, self.count = place_id, shown, count
        self.label.setText(f"{shown + 1}/{count}")
        self.label.setAccessibleName(
            self.tr("Alternative %1 of %2").replace("%1", str(shown + 1)).replace("%2", str(count))
        )
        self.setToolTip(
            self.tr("This continuation has %1 alternatives; this is number %2.")
            .replace("%1", str(count))
            .replace("%2", str(shown + 1))
        )
        self.previous.setEnabled(shown > 0)
        self.next.setEnabled(shown < count - 1)
        self.adjustSize()

    def step(self, delta: int) -> bool:
        """Asks for the previous (-1) or next (1) alternative; False if there is none."""
        index = self.shown + delta
        if not self.place_id or not 0 <= index < self.count:
            return False
        self.alternative_requested.emit(self.place_id, index)
        return True
