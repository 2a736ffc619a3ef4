"""The Conversation menu: new, undo/redo, regenerate, continue, versions, import/export.

Every entry is also an action of the window, so its shortcut works anywhere in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject
from PySide6.QtGui import QAction, QKeySequence

from gpt2desk.core.writing.turns import Conversation
from gpt2desk.ui.conversation.parts import ConversationOwner
from gpt2desk.ui.manuscript.flow import ManuscriptFlow

# The changes Undo and Redo name (labels recorded by the workspace), translated when shown.
UNDO_LABELS = (
    QT_TRANSLATE_NOOP("UndoLabel", "Rename"),
    QT_TRANSLATE_NOOP("UndoLabel", "Delete"),
    QT_TRANSLATE_NOOP("UndoLabel", "Edit"),
    QT_TRANSLATE_NOOP("UndoLabel", "Regenerate"),
    QT_TRANSLATE_NOOP("UndoLabel", "Continue"),
    QT_TRANSLATE_NOOP("UndoLabel", "Choose version"),
    QT_TRANSLATE_NOOP("UndoLabel", "Clear"),
    # A draft's manuscript (core/writing/manuscript.py).
    QT_TRANSLATE_NOOP("UndoLabel", "Typing"),
    QT_TRANSLATE_NOOP("UndoLabel", "Retry"),
    QT_TRANSLATE_NOOP("UndoLabel", "Retry from here"),
    QT_TRANSLATE_NOOP("UndoLabel", "Choose alternative"),
)


class UndoNames(Protocol):
    """What Undo and Redo would do now (core/writing/session.py's Session)."""

    def can_undo(self) -> bool: ...

    def can_redo(self) -> bool: ...

    def undo_label(self) -> str: ...

    def redo_label(self) -> str: ...


class ConversationMenu(QObject):
    """Builds the menu; ``update_undo`` names what Undo and Redo would do."""

    def __init__(self, controller: ConversationOwner, parent: QObject) -> None:
        super().__init__(parent)
        ui = self.ui = controller
        w = controller.w.window
        menu = self.menu = w.menuBar().addMenu(self.tr("&Conversation"))

        def add(text: str, slot: Callable[[], object], shortcut: str = "") -> QAction:
            return self._add(text, slot, shortcut)

        add(self.tr("New chat"), lambda: ui.new_conversation("chat"), "Ctrl+N")
        add(self.tr("New draft"), lambda: ui.new_conversation("draft"), "Ctrl+Shift+N")
        menu.addSeparator()
        self.undo_action = add(self.tr("Undo"), ui.undo, "Ctrl+Z")
        self.redo_action = add(self.tr("Redo"), ui.redo, "Ctrl+Shift+Z")
        menu.addSeparator()
        self.regenerate_action = add(
            self.tr("Regenerate last reply"), lambda: ui.on_last("regenerate"), "Ctrl+R"
        )
        self.continue_action = add(
            self.tr("Continue"), lambda: ui.continue_(None), "Ctrl+Shift+Return"
        )
        self.continue_action.setShortcuts(
            [QKeySequence("Ctrl+Shift+Return"), QKeySequence("Ctrl+Shift+Enter")]
        )
        self.edit_action = add(self.tr("Edit last turn…"), lambda: ui.on_last("edit"))
        self.prev_action = add(self.tr("Previous version"), lambda: ui.on_last("prev"), "Alt+Left")
        self.next_action = add(self.tr("Next version"), lambda: ui.on_last("next"), "Alt+Right")
        self._draft_section = menu.addSeparator()
        menu.addSeparator()
        add(self.tr("Import text, Markdown or JSON…"), self._ask_import)
        add(self.tr("Export as Markdown…"), lambda: self._ask_export("md"))
        add(self.tr("Export as plain text…"), lambda: self._ask_export("txt"))
        add(self.tr("Export all data as JSON…"), lambda: self._ask_export("json"))
        menu.addSeparator()
        menu.addAction(controller.dock.toggleViewAction())

    def _add(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str = "",
        before: QAction | None = None,
    ) -> QAction:
        w = self.ui.w.window
        action = QAction(text, w)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        if before is not None:
            self.menu.insertAction(before, action)
        else:
            self.menu.addAction(action)
        w.addAction(action)
        return action

    def add_draft_actions(self, flow: ManuscriptFlow) -> None:
        """The manuscript's own entries: Retry from here, Reproduce (off in chats)."""
        self.retry_from_action = self._add(
            self.tr("Retry from here"), flow.retry_from, "Ctrl+Shift+R", self._draft_section
        )
        self.retry_from_action.setToolTip(
            self.tr("The model writes its text again from the cursor on; the old text stays")
        )
        self.reproduce_action = self._add(
            self.tr("Reproduce continuation"), flow.reproduce, before=self._draft_section
        )
        self.reproduce_action.setToolTip(
            self.tr("Writes the continuation at the cursor again with its model, settings and seed")
        )
        self.set_draft(False)

    def set_draft(self, draft: bool) -> None:
        """Names the turn actions for what they do in a draft's manuscript or in a chat."""
        if draft:
            self.regenerate_action.setText(self.tr("Retry last continuation"))
            self.continue_action.setText(self.tr("Continue at cursor"))
            self.prev_action.setText(self.tr("Previous alternative"))
            self.next_action.setText(self.tr("Next alternative"))
        else:
            self.regenerate_action.setText(self.tr("Regenerate last reply"))
            self.continue_action.setText(self.tr("Continue"))
            self.prev_action.setText(self.tr("Previous version"))
            self.next_action.setText(self.tr("Next version"))
        self.edit_action.setVisible(not draft)
        self.retry_from_action.setEnabled(draft)
        self.reproduce_action.setEnabled(draft)

    def update_draft_actions(self) -> None:
        """In a draft the actions say themselves why they cannot act (the cursor decides)."""
        for action in (
            self.regenerate_action,
            self.continue_action,
            self.prev_action,
            self.next_action,
        ):
            action.setEnabled(True)
        self.edit_action.setEnabled(False)

    def update_turn_actions(self, conv: Conversation | None, *, busy: bool = False) -> None:
        """Turn actions only where they have something to act on, and not while a reply
        is written (they would be ignored)."""
        path = conv.path() if conv is not None and not busy else []
        self.regenerate_action.setEnabled(any(t.role == "assistant" for t in path))
        self.continue_action.setEnabled(bool(path))
        self.edit_action.setEnabled(bool(path))
        versions = conv.siblings(path[-1].id) if conv is not None and path else []
        place = versions.index(path[-1]) if path else 0
        self.prev_action.setEnabled(place > 0)
        self.next_action.setEnabled(place < len(versions) - 1)

    def update_undo(self, stack: UndoNames) -> None:
        self.undo_action.setEnabled(stack.can_undo())
        self.redo_action.setEnabled(stack.can_redo())
        undo, redo = stack.undo_label(), stack.redo_label()
        self.undo_action.setText(
            self.tr("Undo {change}").format(change=_label(undo)) if undo else self.tr("Undo")
        )
        self.redo_action.setText(
            self.tr("Redo {change}").format(change=_label(redo)) if redo else self.tr("Redo")
        )

    def _ask_export(self, fmt: str) -> None:
        self.ui.ask_export(fmt)  # the status bar says how it went

    def _ask_import(self) -> None:
        self.ui.ask_import()


def _label(change: str) -> str:
    return QCoreApplication.translate("UndoLabel", change)
