"""A one-line label that shows "…" where its text is cut, and the whole text as a tooltip.

A plain QLabel too narrow for its text cuts it without a sign: a
right-aligned "423 tokens" showed as "3 tokens", and an error lost the
sentence saying what to do. This one never cuts inside a number.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from gpt2desk.ui.displayable import literal

ELLIPSIS = "…"
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")


def elide(text: str, fits: int, width_of: object) -> str:
    """``text`` cut at the right to ``fits`` pixels with "…", never inside a number.

    Args:
        width_of: a callable giving the width of a string in pixels.
    """
    assert callable(width_of)
    if width_of(text) <= fits:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if width_of(text[:mid].rstrip() + ELLIPSIS) <= fits:
            low = mid
        else:
            high = mid - 1
    cut = low
    # "42…" of "423" would read as a number: the whole number goes instead.
    for number in _NUMBER.finditer(text):
        if number.start() < cut < number.end():
            cut = number.start()
    return text[:cut].rstrip() + ELLIPSIS


class ElidedLabel(QLabel):
    """A plain-text, one-line label: ``text()`` is the whole text, the screen shows what fits.

    The tooltip is the whole text whenever it does not fit (or the tooltip
    given with :meth:`set_text`).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # outside text: never markup
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._tip = ""

    def set_text(self, text: str, tip: str = "") -> None:
        """Shows ``text``; ``tip`` is the tooltip (else the text when it is cut)."""
        self._tip = tip
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tip()
        self.updateGeometry()
        self.update()

    def shown_text(self) -> str:
        """What the label shows at its current width."""
        width = self.contentsRect().width()
        metrics = self.fontMetrics()
        return elide(self.text(), width, metrics.horizontalAdvance)

    def is_elided(self) -> bool:
        return self.shown_text() != self.text()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        width = metrics.horizontalAdvance("00" + ELLIPSIS) + margins.left() + margins.right()
        return QSize(min(hint.width(), width), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tip()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment()), self.shown_text())

    def _update_tip(self) -> None:
        tip = self._tip or (self.text() if self.is_elided() else "")
        self.setToolTip(literal(tip) if tip else "")
