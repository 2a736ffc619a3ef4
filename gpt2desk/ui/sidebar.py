"""The list of conversations: newest first, with search, new, rename and delete."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gpt2desk.ui.displayable import displayable, shown_or_original
from gpt2desk.ui.workspace import format_date

ID_ROLE = Qt.ItemDataRole.UserRole


def _one_line(text: str) -> str:
    """Titles on one line: control characters shown as spaces (the text itself is kept)."""
    text = displayable(text)
    return "".join(" " if (ord(c) < 32 or c in "\u2028\u2029") else c for c in text)


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
        self.search.setPlaceholderText("Search conversations")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search conversations")
        self.list = QListWidget()
        self.list.setAccessibleName("Conversations")
        self.list.setUniformItemSizes(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.new_chat = QPushButton("New chat")
        self.new_draft = QPushButton("New draft")
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
        self._refill(current_id)

    def set_filter(self, ids: list[str] | None) -> None:
        """Shows only these conversations (None: all)."""
        self._filter = None if ids is None else set(ids)
        self._refill(self.current_id())

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(ID_ROLE))

    def ids(self) -> list[str]:
        return [str(self.list.item(i).data(ID_ROLE)) for i in range(self.list.count())]

    def _refill(self, current_id: str | None) -> None:
        self._updating = True
        self.list.setUpdatesEnabled(False)
        try:
            self.list.clear()
            current_item = None
            for conv in self._summaries:
                if self._filter is not None and conv["id"] not in self._filter:
                    continue
                details = format_date(conv["updated"])
                if conv.get("model"):
                    details += " · " + conv["model"]
                if conv.get("kind") == "draft":
                    details += " · draft"
                item = QListWidgetItem(f"{_one_line(conv['title'])}\n{details}")
                item.setData(ID_ROLE, conv["id"])
                item.setToolTip(displayable(conv["title"]))
                self.list.addItem(item)
                if conv["id"] == current_id:
                    current_item = item
            if current_item is not None:
                self.list.setCurrentItem(current_item)
        finally:
            self.list.setUpdatesEnabled(True)
            self._updating = False

    def _on_current(self, item: QListWidgetItem | None, _previous: Any) -> None:
        if item is not None and not self._updating:
            self.selected.emit(str(item.data(ID_ROLE)))

    def ask_rename(self, conversation_id: str) -> None:
        old = next((c["title"] for c in self._summaries if c["id"] == conversation_id), "")
        shown = displayable(old)
        title, ok = QInputDialog.getText(self, "Rename conversation", "Title:", text=shown)
        title = shown_or_original(title, old)
        if ok and title.strip() and title != old:
            self.rename_requested.emit(conversation_id, title)

    def _menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        if item is None:
            return
        cid = str(item.data(ID_ROLE))
        menu = QMenu(self)
        menu.addAction("Rename…", lambda: self.ask_rename(cid))
        menu.addAction("Delete", lambda: self.delete_requested.emit(cid))
        menu.exec(self.list.mapToGlobal(pos))

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Delete and self.current_id():
            self.delete_requested.emit(self.current_id())
            return
        super().keyPressEvent(event)
