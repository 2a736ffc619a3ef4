"""The manuscript's page: one editable document the model continues in place.

The widget is a view of a :class:`~gpt2desk.core.writing.manuscript.Manuscript`:
the writer's typing, pasting and deleting become ``Manuscript.edit`` calls;
changes made to the manuscript from outside (streamed tokens, undo, retry, a
chosen alternative) come back with :meth:`ManuscriptEditor.sync`, a minimal
replace of what changed. Authorship is drawn by
:class:`~gpt2desk.ui.manuscript.formats.AuthorshipHighlighter`; the document
holds plain text only.

Positions: the manuscript counts ``str`` characters, the QTextDocument UTF-16
units; :class:`~gpt2desk.ui.manuscript.positions.Utf16Map` converts both ways.
``self._shown`` is the text the document shows (the manuscript's text after
each edit or sync), kept so that no change reads the whole document back.
"""

from __future__ import annotations

from bisect import bisect_right

from PySide6.QtCore import QEvent, QMimeData, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTextCursor,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QToolTip, QWidget

from gpt2desk.core.writing.authorship import Run
from gpt2desk.core.writing.manuscript import Busy, Manuscript, Place
from gpt2desk.ui.displayable import displayable
from gpt2desk.ui.manuscript.alternatives_bar import AlternativesBar
from gpt2desk.ui.manuscript.counts import Counter
from gpt2desk.ui.manuscript.formats import AuthorshipHighlighter
from gpt2desk.ui.manuscript.positions import Utf16Map
from gpt2desk.ui.manuscript.textdiff import changed_span, common_prefix, common_suffix

_EDITABLE = Qt.TextInteractionFlag.TextEditorInteraction
_BROWSING = (
    Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
)


def _document_text(text: str) -> str:
    """What QTextCursor.insertText gets for ``text``: the same length in UTF-16 units
    (a carriage return would merge with the line feed after it; a lone surrogate,
    which Qt would drop, shows as U+FFFD)."""
    return displayable(text.replace("\r", " ") if "\r" in text else text)


def _clip(runs: list[Run], start: int, end: int) -> list[Run]:
    """The runs of ``[start, end)``, relative to ``start``."""
    i = max(bisect_right([r[0] for r in runs], start) - 1, 0)
    out: list[Run] = []
    for s, e, author in runs[i:]:
        if s >= end:
            break
        if e > start:
            out.append((max(s, start) - start, min(e, end) - start, author))
    return out


def _differing(a: list[Run], b: list[Run]) -> tuple[int, int] | None:
    """Where two authorships of one text differ, as a span (None: nowhere)."""
    if a == b:
        return None
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    j = 0
    while j < n - i and a[-1 - j] == b[-1 - j]:
        j += 1
    lo = min(a[i][0] if i < len(a) else a[-1][1] if a else 0, b[i][0] if i < len(b) else 0)
    hi = max(a[-1 - j][1] if j < len(a) else 0, b[-1 - j][1] if j < len(b) else 0)
    return lo, max(hi, lo)


class ManuscriptEditor(QPlainTextEdit):
    """One manuscript as one editable page (see the module docstring).

    Signals:
        edited(): the writer changed the text; the manuscript is already updated.
        cursor_moved(int): the cursor's position in the manuscript's text.
        retry_from_requested(int): "Retry from here" at that position.
        alternative_requested(str, int): place id and the index of the alternative to show.
    """

    edited = Signal()
    cursor_moved = Signal(int)
    retry_from_requested = Signal(int)
    alternative_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("manuscriptEditor")
        self.setAccessibleName(self.tr("Manuscript"))
        self.setUndoRedoEnabled(False)
        self.manuscript: Manuscript | None = None
        self._shown = ""
        self._map = Utf16Map()
        self._loading = False
        self._quiet = 0  # > 0: the document changes from here, not from the writer
        self._window_start: int | None = None
        self._counter = Counter()
        self._runs: list[Run] = []  # the authorship the page shows
        # Our handler runs before the highlighter's: the manuscript is updated when it paints.
        self.document().contentsChange.connect(self._on_contents_change)
        self._highlighter = AuthorshipHighlighter(self.document(), self._block_runs)
        self._highlighter.set_palette(self.palette())
        self.cursorPositionChanged.connect(self._on_cursor_moved)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        # In a gutter right of the text (there while the draft has alternatives), never
        # over the words.
        self.bar = AlternativesBar(self)
        # The gutter is part of the page: the page's colour, not the window's.
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        self.bar.alternative_requested.connect(self.alternative_requested)
        self.set_manuscript(None)

    # -- the contract ----------------------------------------------------------

    def set_manuscript(self, m: Manuscript | None) -> None:
        """Shows ``m`` (None: an empty read-only page), its cursor and scroll restored."""
        self._loading = True  # the cursor and scroll of ``m`` are not overwritten meanwhile
        try:
            self.manuscript = m
            text = m.text if m is not None else ""
            self._shown = text
            self._map.reset(text)
            self._quiet += 1
            try:
                self.setPlainText(_document_text(text))
            finally:
                self._quiet -= 1
            self._refresh_editable()
            self._runs = m.runs() if m is not None else []
            if m is not None:
                cursor = self.textCursor()
                cursor.setPosition(self._map.to_utf16(m.cursor))
                self.setTextCursor(cursor)
                self.verticalScrollBar().setValue(m.scroll)
        finally:
            self._loading = False
        self._update_bar()
        self.viewport().update()

    def sync(self) -> None:
        """Brings the page in line with the manuscript after a change from outside."""
        m = self.manuscript
        if m is None:
            return
        self._refresh_editable()
        new, old = m.text, self._shown
        start = end_old = end_new = len(new)
        if new is not old and new != old:
            start, end_old, end_new = changed_span(old, new)
            u_start, u_end = self._map.to_utf16(start), self._map.to_utf16(end_old)
            self._shown = new
            self._map.replace(start, end_old, new[start:end_new])
            bar = self.verticalScrollBar()
            at_bottom = bar.value() >= bar.maximum() > 0
            value = bar.value()
            cursor = QTextCursor(self.document())
            cursor.setPosition(u_start)
            cursor.setPosition(u_end, QTextCursor.MoveMode.KeepAnchor)
            self._quiet += 1
            try:
                cursor.insertText(_document_text(new[start:end_new]))
            finally:
                self._quiet -= 1
            bar.setValue(bar.maximum() if at_bottom else value)
        self._repaint_authorship(start, end_old, end_new)
        self._update_bar()

    def position(self) -> int:
        """The cursor as an index into the manuscript's text."""
        return self._map.to_str(self.textCursor().position())

    def set_window_start(self, pos: int | None) -> None:
        """Marks where the model's window begins (None: no marker)."""
        if pos != self._window_start:
            self._window_start = pos
            self.viewport().update()

    def window_start(self) -> int | None:
        return self._window_start

    def counts(self) -> tuple[int, int]:
        """Words (each CJK character one) and characters (no line breaks) of the text."""
        return self._counter.counts(self.manuscript.text if self.manuscript is not None else "")

    # -- the writer's edits ------------------------------------------------------

    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        if self._quiet:
            return
        m = self.manuscript
        old_len16 = self._map.utf16_length()
        new_len16 = self.document().characterCount() - 1
        # Qt may count the document's last paragraph separator in the change.
        excess = position + removed - old_len16
        if excess > 0:
            removed, added = removed - excess, added - excess
        removed, added = max(removed, 0), max(added, 0)
        if old_len16 - removed + added != new_len16:
            added = new_len16 - old_len16 + removed
        start, end = self._map.to_str(position), self._map.to_str(position + removed)
        cursor = QTextCursor(self.document())
        cursor.setPosition(position)
        cursor.setPosition(position + added, QTextCursor.MoveMode.KeepAnchor)
        text = cursor.selectedText().replace("\u2029", "\n").replace("\u2028", "\n")
        old = self._shown[start:end]
        # Only what really changed (Qt may report formatted neighbours as changed).
        pre = common_prefix(old, text)
        suf = common_suffix(old, text, min(len(old), len(text)) - pre)
        start, end, text = start + pre, end - suf, text[pre : len(text) - suf]
        if start == end and not text:
            return
        self._shown = self._shown[:start] + text + self._shown[end:]
        self._map.replace(start, end, text)
        if m is None:
            return
        try:
            # A key's character joins the typing before it; a paste or an inserted
            # suggestion is an undo step of its own.
            m.edit(start, end, text, merge=len(text) <= 1)
        except Busy:
            # The model is writing: the page goes back to the manuscript's text (after
            # this signal: the highlighter still has to see the change it reports).
            QTimer.singleShot(0, self.sync)
            return
        self._runs = m.runs()
        self.edited.emit()

    def _refresh_editable(self) -> None:
        m = self.manuscript
        if m is None:
            if not self.isReadOnly():
                self.setReadOnly(True)
            return
        flags = _BROWSING if m.streaming() else _EDITABLE
        if self.textInteractionFlags() != flags:
            self.setTextInteractionFlags(flags)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._refresh_editable()
        if self._alternative_key(event):
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.Undo) or event.matches(
            QKeySequence.StandardKey.Redo
        ):
            event.ignore()  # the window's Undo/Redo go through the manuscript
            return
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        self._refresh_editable()
        if self.isReadOnly():
            event.ignore()  # Qt would insert the committed text into a read-only page
            return
        super().inputMethodEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:
        self._refresh_editable()
        if not self.isReadOnly():
            super().insertFromMimeData(source)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Undo) or event.matches(
                QKeySequence.StandardKey.Redo
            ):
                event.ignore()  # let the window's Undo/Redo shortcuts have them
                return True
            if self._alternative_step(event) is not None and self.bar.isVisible():
                event.accept()
                return True
        return super().event(event)

    def _alternative_step(self, event: QKeyEvent) -> int | None:
        if event.modifiers() != Qt.KeyboardModifier.AltModifier:
            return None
        return {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(Qt.Key(event.key()))

    def _alternative_key(self, event: QKeyEvent) -> bool:
        step = self._alternative_step(event)
        if step is None:
            return False
        self._update_bar()
        return self.bar.isVisible() and self.bar.step(step)

    # -- cursor, scroll ------------------------------------------------------------

    def _on_cursor_moved(self) -> None:
        m = self.manuscript
        if m is None or self._loading:
            return
        pos = self.position()
        m.cursor = pos
        self.cursor_moved.emit(pos)
        self._update_bar()

    def _on_scrolled(self, value: int) -> None:
        if self.manuscript is not None and not self._loading:
            self.manuscript.scroll = value
        self._place_bar()

    # -- authorship ----------------------------------------------------------------

    def _block_runs(self, position: int, length: int) -> list[Run]:
        m = self.manuscript
        if m is None:
            return []
        start = self._map.to_str(position)
        return m.authorship.slice(start, start + length)

    def _repaint_authorship(self, start: int, end_old: int, end_new: int) -> None:
        """Repaints the blocks whose authorship changed outside the text that changed
        (``[start, end_old)`` became ``[start, end_new)``): an alternative that starts like
        the one it replaced, an undo that gives edited model text back to the model."""
        m = self.manuscript
        runs = m.runs() if m is not None else []
        old, self._runs = self._runs, runs
        if runs == old:
            return
        old_len, new_len = (old[-1][1] if old else 0), (runs[-1][1] if runs else 0)
        spans = []
        front = _differing(_clip(old, 0, start), _clip(runs, 0, start))
        if front is not None:
            spans.append(front)
        back = _differing(_clip(old, end_old, old_len), _clip(runs, end_new, new_len))
        if back is not None:
            spans.append((back[0] + end_new, back[1] + end_new))
        self._quiet += 1
        try:
            for lo, hi in spans:
                block = self.document().findBlock(self._map.to_utf16(lo))
                last = self.document().findBlock(self._map.to_utf16(max(hi - 1, lo)))
                while block.isValid():
                    self._highlighter.rehighlightBlock(block)
                    if block == last:
                        break
                    block = block.next()
        finally:
            self._quiet -= 1

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._highlighter.set_palette(self.palette())

    # -- alternatives ------------------------------------------------------------

    def _bar_place(self) -> Place | None:
        m = self.manuscript
        return m.place_to_choose(self.position()) if m is not None else None

    def _update_bar(self) -> None:
        m = self.manuscript
        any_alternatives = m is not None and any(len(p.alternatives) > 1 for p in m.places.values())
        gutter = self.bar.sizeHint().width() + 8 if any_alternatives else 0
        if self.viewportMargins().right() != gutter:
            self.setViewportMargins(0, 0, gutter, 0)
        place = self._bar_place()
        if place is None or self.manuscript is None:
            self.bar.hide()
            return
        shown, count = self.manuscript.alternatives(place.id)
        self.bar.show_place(place.id, shown, count)
        self._place_bar()
        self.bar.show()

    def _place_bar(self) -> None:
        """At the right edge of the page, on the line where the continuation starts."""
        m = self.manuscript
        place = m.places.get(self.bar.place_id) if m is not None else None
        if place is None:
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(place.start))
        rect = self.cursorRect(cursor)
        view = self.viewport().geometry()
        y = min(max(rect.top(), 0), max(view.height() - self.bar.height(), 0))
        self.bar.move(view.right() + 4, view.top() + y)

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._place_bar()

    # -- the context menu ----------------------------------------------------------

    def context_menu(self, point: QPoint) -> QMenu:
        """The standard menu at ``point`` (viewport coordinates) without Qt's Undo/Redo
        (Undo goes through the manuscript: the window's Edit menu), plus "Retry from here"."""
        menu = self.createStandardContextMenu(point)
        for action in menu.actions():
            if action.objectName() in ("edit-undo", "edit-redo"):
                menu.removeAction(action)
        while menu.actions() and menu.actions()[0].isSeparator():
            menu.removeAction(menu.actions()[0])
        pos = self._map.to_str(self.cursorForPosition(point).position())
        m = self.manuscript
        inside = m is not None and not m.streaming() and m.is_model_text(pos)
        retry = menu.addAction(self.tr("Retry from here"))
        retry.setObjectName("retryFromHere")
        retry.setToolTip(
            self.tr("Replace what the model wrote from here on with a new continuation")
        )
        retry.setEnabled(inside)
        retry.triggered.connect(lambda: self.retry_from_requested.emit(pos))
        first = menu.actions()[0]
        if first is not retry:
            menu.insertAction(first, retry)
            menu.insertSeparator(first)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        point = event.pos()
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            point = self.cursorRect().center()
        menu = self.context_menu(point)
        menu.exec(event.globalPos())
        menu.deleteLater()

    # -- the model's window ------------------------------------------------------

    def _window_line_y(self) -> int | None:
        if self._window_start is None or self.manuscript is None:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(
            min(self._map.to_utf16(self._window_start), self.document().characterCount() - 1)
        )
        return self.cursorRect(cursor).top()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        y = self._window_line_y()
        if y is None or not -2 <= y <= self.viewport().height() + 2:
            return
        painter = QPainter(self.viewport())
        color = QColor(self.palette().color(self.palette().ColorRole.Highlight))
        shade = QColor(color)
        shade.setAlpha(28)
        painter.fillRect(0, 0, self.viewport().width(), max(y, 0), shade)
        color.setAlpha(160)
        pen = QPen(color, 1, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(0, y, self.viewport().width(), y)
        painter.end()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            y = self._window_line_y()
            point = event.pos()  # type: ignore[attr-defined]
            if y is not None and abs(point.y() - y) <= 4:
                QToolTip.showText(
                    event.globalPos(),  # type: ignore[attr-defined]
                    self.tr(
                        "The model reads from here: the text above this line is outside "
                        "its window and does not shape what it writes next."
                    ),
                    self.viewport(),
                )
                return True
            QToolTip.hideText()
        return super().viewportEvent(event)
