"""The list of conversations: newest first, with search, new, rename and delete."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QTextLayout
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from gpt2desk.ui.conversation.workspace import format_date
from gpt2desk.ui.displayable import displayable, literal, shown_or_original
from gpt2desk.ui.generation.controller import display_name

ID_ROLE = Qt.ItemDataRole.UserRole
# More single-row changes than this and the list is rebuilt instead (one pass).
MAX_PATCHED_ROWS = 64
RENAME_MIN_WIDTH = 420  # px: the rename dialog, for titles of a few words and more


def _one_line(text: str) -> str:
    """Titles on one line: control characters shown as spaces (the text itself is kept)."""
    text = displayable(text)
    return "".join(" " if (ord(c) < 32 or c in "\u2028\u2029") else c for c in text)


def _key(conv: dict[str, Any]) -> tuple[Any, ...]:
    return (conv["title"], conv["updated"], conv.get("model"), conv.get("kind"))


def _label(conv: dict[str, Any], *, whole: bool = False) -> str:
    """Title, then time · model · kind; a model folder by its name unless ``whole``."""
    details = format_date(conv["updated"])
    if conv.get("model"):
        details += " · " + (conv["model"] if whole else display_name(conv["model"]))
    if conv.get("kind") == "draft":
        details += " · " + QCoreApplication.translate("Sidebar", "draft")
    title = conv["title"]
    if title == "Untitled" and not conv.get("title_set"):
        title = QCoreApplication.translate("Sidebar", "Untitled")  # stored as the marker
    return f"{_one_line(title)}\n{details}"


def _line_height(font: QFont, text: str) -> float:
    """The height of one line of ``text`` as drawn, fallback fonts included."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    layout.endLayout()
    return line.height()


class _RowDelegate(QStyledItemDelegate):
    """Rows tall enough for both lines (title, then time · model) in Chinese too.

    The style sizes a row by the list font's metrics, but Chinese is drawn in
    a fallback font (Noto Sans CJK) with taller lines: the second line did not
    fit and was left out. Each line is measured with a Chinese character added,
    so every row (the list has uniform row heights, taken from one row) is tall
    enough for a Chinese title whatever that row holds.
    """

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        lines = str(index.data() or "").split("\n")
        height = sum(_line_height(option.font, line + "未") for line in lines)
        # No wider than the list: a long title or model ends in "…" (the tooltip has it all).
        view = self.parent()
        width = min(size.width(), view.viewport().width()) if isinstance(view, QListView) else 0
        return QSize(width or size.width(), max(size.height(), math.ceil(height)))


class Sidebar(QWidget):
    """Conversations as a list; every change goes out as a signal.

    Signals:
        selected(id), new_requested(kind: "chat" | "draft"),
        rename_requested(id, title), delete_requested(id), search_changed(text).
    """

    selected = Signal(str)
    new_requested = Signal(str)
    rename_requested = Signal(str, str)
    delete_requested = Signal(str)
    search_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search conversations"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search conversations"))
        self.search.setToolTip(self.tr("Shows the conversations whose title or text match"))
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Conversations"))
        self.list.setToolTip(self.tr("Your saved conversations and drafts, newest first"))
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)  # rows follow the list's width
        self.list.setItemDelegate(_RowDelegate(self.list))
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.new_chat = QPushButton(self.tr("New chat"))
        self.new_draft = QPushButton(self.tr("New draft"))
        self.new_chat.setToolTip(self.tr("Starts a new chat with the model"))
        self.new_draft.setToolTip(self.tr("Starts a new draft for the model to continue"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_chat)
        buttons.addWidget(self.new_draft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        self._filter: set[str] | None = None
        self._summaries: list[dict[str, Any]] = []
        # The list's rows, mirrored: ids in row order, their items, what their text shows.
        self._rows: list[str] = []
        self._items: dict[str, QListWidgetItem] = {}
        self._keys: dict[str, tuple[Any, ...] | None] = {}
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.new_chat.clicked.connect(lambda: self.new_requested.emit("chat"))
        self.new_draft.clicked.connect(lambda: self.new_requested.emit("draft"))
        self.list.currentItemChanged.connect(self._on_current)
        self.list.itemDoubleClicked.connect(lambda item: self.ask_rename(item.data(ID_ROLE)))
        self.list.customContextMenuRequested.connect(self._menu)
        self._updating = False

    def show_conversations(
        self, summaries: Iterable[dict[str, Any]], current_id: str | None
    ) -> None:
        self._summaries = list(summaries)
        self._sync(current_id)

    def set_filter(self, ids: list[str] | None) -> None:
        """Shows only these conversations (None: all)."""
        self._filter = None if ids is None else set(ids)
        self._sync(self.current_id())

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(ID_ROLE))

    def ids(self) -> list[str]:
        """The conversations shown (a search hides the others), top to bottom."""
        return [cid for row, cid in enumerate(self._rows) if not self.list.isRowHidden(row)]

    def _sync(self, current_id: str | None) -> None:
        """Brings the list to the wanted rows with as few item changes as it takes.

        A send moves one conversation to the top, a rename changes one title:
        with 10,000 conversations, rebuilding every item each time is what
        would make the window stutter. Only large changes (an import) rebuild.
        """
        wanted = self._summaries
        self._updating = True
        self.list.setUpdatesEnabled(False)
        try:
            if not self._patch(wanted):
                self._rebuild(wanted)
            for conv in wanted:
                key = _key(conv)
                if self._keys.get(conv["id"]) != key:
                    self._keys[conv["id"]] = key
                    item = self._items[conv["id"]]
                    item.setText(_label(conv))
                    # The whole title and model path: a narrow list cuts rows with "…".
                    item.setToolTip(literal(_label(conv, whole=True)))
            # A search hides rows rather than removing them: no items to rebuild.
            for row, cid in enumerate(self._rows):
                hide = self._filter is not None and cid not in self._filter
                if self.list.isRowHidden(row) != hide:
                    self.list.setRowHidden(row, hide)
            current = self._items.get(current_id or "")
            if current is not None and self.list.currentItem() is not current:
                self.list.setCurrentItem(current)
        finally:
            self.list.setUpdatesEnabled(True)
            self._updating = False

    def _patch(self, wanted: list[dict[str, Any]]) -> bool:
        """Removes, inserts and moves single rows; False if that would take too many."""
        wanted_ids = [c["id"] for c in wanted]
        rows = self._rows
        gone = set(rows).difference(wanted_ids)
        if len(gone) + max(0, len(wanted_ids) - len(rows) + len(gone)) > MAX_PATCHED_ROWS:
            return False
        for cid in gone:
            self.list.takeItem(rows.index(cid))
            rows.remove(cid)
            del self._items[cid], self._keys[cid]
        floating: dict[str, QListWidgetItem] = {}
        changes = 0
        i = 0
        while i < len(wanted_ids):
            cid = wanted_ids[i]
            if i < len(rows) and rows[i] == cid:
                i += 1
                continue
            changes += 1
            if changes > MAX_PATCHED_ROWS:
                return False
            if i + 1 < len(rows) and rows[i + 1] == cid:
                # The row here moved down (or away): lift it out until its place comes.
                floating[rows[i]] = self.list.takeItem(i)
                rows.pop(i)
                continue
            if cid in floating:
                item = floating.pop(cid)
            elif cid in self._items:
                item = self.list.takeItem(rows.index(cid, i))
                rows.remove(cid)
            else:
                item = self._new_item(cid)
            self.list.insertItem(i, item)
            rows.insert(i, cid)
            i += 1
        return True

    def _rebuild(self, wanted: list[dict[str, Any]]) -> None:
        self.list.clear()
        self._items, self._keys, self._rows = {}, {}, []
        for conv in wanted:
            self.list.addItem(self._new_item(conv["id"]))
            self._rows.append(conv["id"])

    def _new_item(self, conversation_id: str) -> QListWidgetItem:
        item = QListWidgetItem()
        item.setData(ID_ROLE, conversation_id)
        self._items[conversation_id] = item
        self._keys[conversation_id] = None
        return item

    def _on_current(self, item: QListWidgetItem | None, _previous: Any) -> None:
        if item is not None and not self._updating:
            self.selected.emit(str(item.data(ID_ROLE)))

    def ask_rename(self, conversation_id: str) -> QInputDialog:
        """Opens the rename dialog (window-modal, not blocking); OK sends rename_requested."""
        old = next((c["title"] for c in self._summaries if c["id"] == conversation_id), "")
        shown = displayable(old)
        dialog = QInputDialog(self)
        dialog.setObjectName("renameDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowTitle(self.tr("Rename conversation"))
        dialog.setLabelText(self.tr("Title:"))
        dialog.setTextValue(shown)
        # QInputDialog is 200 px wide: a long title did not fit. Wide enough for the
        # title (within the screen), and never narrower than a comfortable field.
        text_width = dialog.fontMetrics().horizontalAdvance(shown + "MMMM")
        screen = self.screen().availableGeometry().width() if self.screen() else 1280
        width = min(max(RENAME_MIN_WIDTH, text_width + 48), int(screen * 0.8))
        dialog.resize(max(width, dialog.sizeHint().width()), dialog.sizeHint().height())

        def done(title: str) -> None:
            title = shown_or_original(title, old)
            if title.strip() and title != old:
                self.rename_requested.emit(conversation_id, title)

        dialog.textValueSelected.connect(done)
        dialog.open()
        return dialog

    def _menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        if item is None:
            return
        cid = str(item.data(ID_ROLE))
        menu = QMenu(self)
        menu.addAction(self.tr("Rename…"), lambda: self.ask_rename(cid))
        menu.addAction(self.tr("Delete"), lambda: self.delete_requested.emit(cid))
        menu.exec(self.list.mapToGlobal(pos))

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Delete and self.current_id():
            self.delete_requested.emit(self.current_id())
            return
        super().keyPressEvent(event)
