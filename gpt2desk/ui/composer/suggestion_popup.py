"""The list of suggested continuations shown at the composer's cursor.

It never takes the keyboard focus: the composer keeps it, and the
autocomplete controller (ui/autocomplete.py) moves the selection for it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListWidget, QListWidgetItem, QWidget

MARGIN = 4


class SuggestionPopup(QListWidget):
    """Rows of suggestions, a child of the window drawn over it.

    Signals:
        chosen(index): a row was clicked.
    """

    chosen = Signal(int)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._area = parent
        self.setObjectName("suggestionPopup")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.Box)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setUniformItemSizes(True)
        hint = self.tr("Up and Down choose, Enter inserts, Esc dismisses; typing goes on as usual")
        self.setAccessibleName(self.tr("Suggested continuations"))
        self.setAccessibleDescription(hint)
        self.setToolTip(hint)
        self.itemClicked.connect(lambda item: self.chosen.emit(self.row(item)))
        self.hide()

    def begin(self, count: int, placeholder: str) -> None:
        """``count`` rows showing ``placeholder``, the first one selected."""
        self.clear()
        for _ in range(count):
            self.addItem(QListWidgetItem(placeholder))
        self.setCurrentRow(0)

    def set_row(self, index: int, text: str) -> None:
        item = self.item(index)
        if item is not None:
            item.setText(text)

    def rows(self) -> list[str]:
        """What each row shows."""
        return [self.item(i).text() for i in range(self.count())]

    def select_step(self, step: int) -> int:
        """Selects the row ``step`` rows away (wrapping around); returns it."""
        row = (self.currentRow() + step) % max(1, self.count())
        self.setCurrentRow(row)
        return row

    def place(self, anchor: QRect) -> None:
        """Shows the list below ``anchor`` (the cursor, in the parent's coordinates), or above it.

        It stays inside the parent, and is as wide as about 48 characters.
        """
        parent = self._area
        frame = 2 * self.frameWidth()
        width = min(max(240, self.fontMetrics().averageCharWidth() * 48), parent.width() - 2)
        rows = max(1, self.count())
        height = rows * max(self.sizeHintForRow(0), self.fontMetrics().height() + 4) + frame
        x = max(1, min(anchor.left(), parent.width() - width - 1))
        y = anchor.bottom() + MARGIN
        if y + height > parent.height() - 1:
            y = max(1, anchor.top() - height - MARGIN)
        self.setGeometry(x, y, width, height)
        self.show()
        self.raise_()
