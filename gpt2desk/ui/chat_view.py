"""The conversation panel: user turns and streamed model turns.

All text goes in through ``QTextCursor.insertText``, so whatever the user
pastes or the model writes (HTML, Markdown, control characters) is shown as
text, never interpreted as markup.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor, QTextFrameFormat
from PySide6.QtWidgets import QTextBrowser, QWidget

# Showing a pasted 5 MB draft in full would stall the panel; the whole text
# is still what gets sent to the model.
MAX_SHOWN_CHARS = 20_000


class ChatView(QTextBrowser):
    """A read-only transcript; the last model turn can grow while streaming."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setObjectName("chatView")
        self.setAccessibleName("Conversation")
        self._stream_cursor: QTextCursor | None = None
        self._streamed: list[str] = []
        self._first_turn = True

    def add_user_turn(self, text: str) -> None:
        shown = text
        if len(text) > MAX_SHOWN_CHARS:
            hidden = len(text) - MAX_SHOWN_CHARS
            shown = f"… ({hidden:,} earlier characters not shown)\n" + text[-MAX_SHOWN_CHARS:]
        cursor = self._new_turn("You", QColor("#e8f0fe"))
        cursor.insertText(shown, QTextCharFormat())
        self._scroll_to_end()

    def begin_model_turn(self, name: str) -> None:
        self._stream_cursor = self._new_turn(name, QColor("#f3f3f3"))
        self._streamed = []

    def append_model_text(self, text: str) -> None:
        if self._stream_cursor is None:
            return
        at_end = self._at_end()
        self._stream_cursor.insertText(text, QTextCharFormat())
        self._streamed.append(text)
        if at_end:
            self._scroll_to_end()

    def end_model_turn(self, note: str = "") -> str:
        """Closes the streaming turn; returns its text."""
        if self._stream_cursor is not None and note:
            fmt = QTextCharFormat()
            fmt.setForeground(QColor("#777777"))
            fmt.setFontItalic(True)
            self._stream_cursor.insertText(f"\n{note}", fmt)
        self._stream_cursor = None
        return "".join(self._streamed)

    def streaming(self) -> bool:
        return self._stream_cursor is not None

    def clear_turns(self) -> None:
        self.clear()
        self._stream_cursor = None
        self._streamed = []
        self._first_turn = True

    def _new_turn(self, title: str, background: QColor) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        frame_format = QTextFrameFormat()
        frame_format.setBackground(background)
        frame_format.setPadding(8)
        frame_format.setTopMargin(0 if self._first_turn else 6)
        self._first_turn = False
        frame = cursor.insertFrame(frame_format)
        cursor = frame.firstCursorPosition()
        heading = QTextCharFormat()
        heading.setFontWeight(QFont.Weight.Bold)
        cursor.insertText(title, heading)
        cursor.insertBlock()
        return cursor

    def _at_end(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def _scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
