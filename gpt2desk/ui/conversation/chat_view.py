"""The conversation panel: user turns and streamed model turns.

All text goes in through ``QTextCursor.insertText``, so whatever the user
pastes or the model writes (HTML, Markdown, control characters) is shown as
text, never interpreted as markup; lone surrogates, which Qt cannot hold,
are shown as U+FFFD.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPoint, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QKeyEvent,
    QKeySequence,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextFrame,
    QTextFrameFormat,
)
from PySide6.QtWidgets import QAbstractSlider, QApplication, QMenu, QTextBrowser, QWidget

from gpt2desk.ui.displayable import displayable

# Showing a pasted 5 MB draft in full would stall the panel; the whole text
# is still what gets sent to the model.
MAX_SHOWN_CHARS = 20_000
# Turn backgrounds by (user turn, dark theme): the text keeps the palette's color.
_TURN_COLORS = {
    (True, False): "#e8f0fe",
    (False, False): "#f3f3f3",
    (True, True): "#243447",
    (False, True): "#2a2a2a",
}


def _dark(widget: QWidget) -> bool:
    # The application's palette, not the widget's: that one follows a theme change
    # only once the change event has been delivered.
    return QApplication.palette(widget).color(QPalette.ColorRole.Base).lightness() < 128


@dataclass(frozen=True)
class ShownTurn:
    """A turn as the panel shows it: heading, text, which of how many versions."""

    id: str
    role: str
    heading: str
    text: str
    index: int = 1
    count: int = 1
    note: str = ""


_SCROLL_KEYS = {
    QKeySequence.StandardKey.MoveToStartOfDocument: QAbstractSlider.SliderAction.SliderToMinimum,
    QKeySequence.StandardKey.MoveToEndOfDocument: QAbstractSlider.SliderAction.SliderToMaximum,
    QKeySequence.StandardKey.MoveToPreviousPage: QAbstractSlider.SliderAction.SliderPageStepSub,
    QKeySequence.StandardKey.MoveToNextPage: QAbstractSlider.SliderAction.SliderPageStepAdd,
    QKeySequence.StandardKey.MoveToPreviousLine: QAbstractSlider.SliderAction.SliderSingleStepSub,
    QKeySequence.StandardKey.MoveToNextLine: QAbstractSlider.SliderAction.SliderSingleStepAdd,
}

_PADDING = 8  # around each turn's text

ACTIONS = ("prev", "next", "regenerate", "continue", "edit")


def action_text(key: str) -> str:
    """The context-menu text of a turn action, in the UI's language."""
    texts = {
        "prev": QCoreApplication.translate("ChatView", "◀ Previous version"),
        "next": QCoreApplication.translate("ChatView", "Next version ▶"),
        "regenerate": QCoreApplication.translate("ChatView", "Regenerate"),
        "reproduce": QCoreApplication.translate("ChatView", "Regenerate with the same seed"),
        "continue": QCoreApplication.translate("ChatView", "Continue"),
        "edit": QCoreApplication.translate("ChatView", "Edit…"),
    }
    return texts[key]


class ChatView(QTextBrowser):
    """A read-only transcript; the last model turn can grow while streaming.

    Signals:
        turn_action(action, turn_id): "prev", "next", "regenerate",
            "continue" or "edit" asked for a turn (◀ ▶ links, context menu).
    """

    turn_action = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setObjectName("chatView")
        self.setAccessibleName(self.tr("Conversation"))
        self.setAccessibleDescription(self.tr("Your messages and the model's replies"))
        self._stream_cursor: QTextCursor | None = None
        self._streamed: list[str] = []
        self._first_turn = True
        self._frames: list[tuple[QTextFrame, ShownTurn]] = []
        self.anchorClicked.connect(self._on_anchor)

    def show_turns(self, turns: list[ShownTurn], *, stream_last: bool = False) -> None:
        """Shows these turns instead of the current ones; the last may go on streaming."""
        self.clear_turns()
        for i, turn in enumerate(turns):
            color = QColor(_TURN_COLORS[(turn.role == "user", _dark(self))])
            cursor = self._new_turn(turn.heading, color, turn)
            cursor.insertText(_clip(turn.text), QTextCharFormat())
            if stream_last and i == len(turns) - 1:
                self._stream_cursor = cursor
                self._streamed = [turn.text]
            elif turn.note:
                self._stream_cursor = cursor
                self.end_model_turn(turn.note)

    def turn_at(self, position: int) -> ShownTurn | None:
        """The turn whose frame holds this document position."""
        for frame, turn in self._frames:
            if frame.firstPosition() - 1 <= position <= frame.lastPosition() + 1:
                return turn
        return None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The reading keys scroll: arrows, Page Up/Down, Ctrl+Home and Ctrl+End.

        A read-only QTextBrowser gave Ctrl+Home and Ctrl+End to its invisible
        cursor, which moved nothing on screen.
        """
        for key, action in _SCROLL_KEYS.items():
            if event.matches(key):
                # An action, not setValue: the user's own scrolling (ScrollPosition hears it).
                self.verticalScrollBar().triggerAction(action)
                event.accept()
                return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.turn_menu(event.pos()).exec(event.globalPos())

    def turn_menu(self, pos: QPoint) -> QMenu:
        """The context menu at ``pos`` (viewport coordinates): Copy…, then the turn's actions."""
        menu = self.createStandardContextMenu(pos)
        for action in menu.actions():
            # Qt's "Copy Link Location": the only links are the ◀ ▶ arrows, nothing to copy.
            if action.objectName() == "link-copy":
                menu.removeAction(action)
        turn = self.turn_at(self.cursorForPosition(pos).position())
        if turn is not None and not self.streaming():
            menu.addSeparator()
            self._add_actions(menu, turn)
        return menu

    def _add_actions(self, menu: QMenu, turn: ShownTurn) -> None:
        wanted = ["edit"]
        if turn.count > 1:
            wanted = ["prev", "next", *wanted]
        if turn.role == "assistant":
            # A new seed varies the reply; the stored seed and settings reproduce it.
            wanted += ["regenerate", "reproduce"]
        # Only the end of what is shown goes on (a draft's text or the last reply);
        # an earlier turn goes on through Edit's "Save and continue".
        if self._frames and self._frames[-1][1].id == turn.id:
            wanted.append("continue")
        for key in wanted:
            action = menu.addAction(action_text(key))
            action.triggered.connect(lambda _=False, k=key, t=turn.id: self.turn_action.emit(k, t))
            if key == "prev":
                action.setEnabled(turn.index > 1)
            if key == "next":
                action.setEnabled(turn.index < turn.count)

    def _on_anchor(self, url: object) -> None:
        text = url.toString() if hasattr(url, "toString") else str(url)
        action, _, turn_id = text.partition(":")
        if action in ACTIONS and turn_id and not self.streaming():
            self.turn_action.emit(action, turn_id)

    def add_user_turn(self, text: str) -> None:
        shown = _clip(text)
        cursor = self._new_turn(self.tr("You"), QColor(_TURN_COLORS[(True, _dark(self))]))
        cursor.insertText(shown, QTextCharFormat())
        self._scroll_to_end()

    def begin_model_turn(self, name: str) -> None:
        self._stream_cursor = self._new_turn(name, QColor(_TURN_COLORS[(False, _dark(self))]))
        self._streamed = []

    def append_model_text(self, text: str) -> None:
        if self._stream_cursor is None:
            return
        at_end = self._at_end()
        self._stream_cursor.insertText(displayable(text), QTextCharFormat())
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
        self._frames = []

    def _new_turn(
        self, title: str, background: QColor, turn: ShownTurn | None = None
    ) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        frame_format = QTextFrameFormat()
        frame_format.setBackground(background)
        frame_format.setPadding(_PADDING)
        frame_format.setTopMargin(0 if self._first_turn else 6)
        self._first_turn = False
        frame = cursor.insertFrame(frame_format)
        cursor = frame.firstCursorPosition()
        heading = QTextCharFormat()
        heading.setFontWeight(QFont.Weight.Bold)
        cursor.insertText(displayable(title), heading)
        if turn is not None:
            self._frames.append((frame, turn))
            if turn.count > 1:
                self._insert_arrows(cursor, turn)
        cursor.insertBlock()
        return cursor

    @staticmethod
    def _insert_arrows(cursor: QTextCursor, turn: ShownTurn) -> None:
        """`` ◀ 2/3 ▶`` after the heading; the arrows are links (text, never markup)."""
        plain = QTextCharFormat()
        cursor.insertText("  ", plain)
        for key, label in (("prev", "◀"), ("count", f" {turn.index}/{turn.count} "), ("next", "▶")):
            fmt = QTextCharFormat()
            if key != "count":
                fmt.setAnchor(True)
                fmt.setAnchorHref(f"{key}:{turn.id}")
                fmt.setForeground(QColor("#1a56c4"))
            cursor.insertText(label, fmt)

    def reading_position(self) -> tuple[int, float] | None:
        """Where the reader is (None: at the end).

        Returns:
            The text position of the line at the top of the panel, and how much
            of that line (0 to 1) is scrolled out of sight above.
        """
        if self._at_end():
            return None
        # Inside the turns' frames: at x = 0 (the document's margin) the hit test says 0.
        inside = int(self.document().documentMargin()) + _PADDING + 4
        cursor = self.cursorForPosition(QPoint(inside, 0))
        line = self.cursorRect(cursor)
        hidden = min(max(-line.top() / max(line.height(), 1), 0.0), 1.0)
        return cursor.position(), hidden

    def keep_reading_position(self, where: tuple[int, float] | None) -> None:
        """Scrolls back to :meth:`reading_position`'s place after a new font or a redraw.

        The scroll value is in pixels: with another font the same value shows
        other text. The move is the user's own (a slider action), so a saved
        position being put back (ScrollPosition) gives way to it.
        """
        if not self.isVisible():
            return  # not read yet: the saved position is being put back (ScrollPosition)
        bar = self.verticalScrollBar()
        if where is None:
            bar.setSliderPosition(bar.maximum())
            return
        position, hidden = where
        cursor = QTextCursor(self.document())
        cursor.setPosition(min(position, self.document().characterCount() - 1))
        # cursorRect lays the document out up to there, so the range reaches it.
        line = self.cursorRect(cursor)
        bar.setSliderPosition(bar.value() + line.top() + round(hidden * line.height()))

    def _at_end(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def _scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())


def _clip(text: str) -> str:
    if len(text) <= MAX_SHOWN_CHARS:
        return displayable(text)
    hidden = len(text) - MAX_SHOWN_CHARS
    note = QCoreApplication.translate("ChatView", "… ({n} earlier characters not shown)")
    return note.format(n=f"{hidden:,}") + "\n" + displayable(text[-MAX_SHOWN_CHARS:])
