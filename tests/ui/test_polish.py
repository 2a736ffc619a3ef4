"""Small things a first hour of real use found: keys, menus, dialogs, sizes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QPlainTextEdit, QPushButton

from gpt2desk.ui.conversation.chat_view import ChatView, ShownTurn
from gpt2desk.ui.conversation.edit_dialog import EditTurnDialog
from gpt2desk.ui.window.help_menu import HelpMenu
from gpt2desk.ui.window.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def _long_conversation(view: ChatView) -> None:
    words = " ".join(f"word{i}" for i in range(200))
    view.show_turns(
        [
            ShownTurn(f"t{i}", "user" if i % 2 == 0 else "assistant", f"Turn {i}", words)
            for i in range(12)
        ]
    )


def test_keys_scroll_the_conversation_when_it_has_focus(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window(start=False)
    chat = window.chat
    _long_conversation(chat)
    bar = chat.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 3 * bar.pageStep())
    bar.setValue(0)
    qtbot.mouseClick(chat.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    qtbot.waitUntil(chat.hasFocus)
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(chat, Qt.Key.Key_End, ctrl)
    assert bar.value() == bar.maximum()
    qtbot.keyClick(chat, Qt.Key.Key_Home, ctrl)
    assert bar.value() == 0
    qtbot.keyClick(chat, Qt.Key.Key_PageDown)
    after_page = bar.value()
    assert after_page > 0
    qtbot.keyClick(chat, Qt.Key.Key_Down)
    assert bar.value() > after_page
    qtbot.keyClick(chat, Qt.Key.Key_Up)
    assert bar.value() == after_page
    qtbot.keyClick(chat, Qt.Key.Key_PageUp)
    assert bar.value() == 0


def test_the_turn_menu_has_no_copy_link_location(qtbot: Any) -> None:
    """The menu of a turn offers Copy, Select All and the turn's actions: no link to copy."""
    chat = ChatView()
    qtbot.addWidget(chat)
    chat.resize(400, 300)
    chat.show()
    turns = [ShownTurn("a", "user", "You", "hello"), ShownTurn("b", "assistant", "gpt2", "hi")]
    chat.show_turns(turns)
    for text in ("hello", "hi"):
        cursor = chat.document().find(text)
        assert chat.turn_at(cursor.position()) is not None
        menu = chat.turn_menu(chat.cursorRect(cursor).center())
        names = [action.objectName() for action in menu.actions()]
        texts = [action.text() for action in menu.actions()]
        assert "edit-copy" in names
        assert "link-copy" not in names, texts
        assert not any("Link" in text for text in texts), texts


def _top_line(chat: ChatView | QPlainTextEdit) -> str:
    """The line of text at the top of the conversation panel."""
    return chat.cursorForPosition(QPoint(20, 4)).block().text()


def test_changing_the_font_keeps_the_reading_position(
    qtbot: Any, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = make_window(start=False)
    path = tmp_path / "long.md"
    path.write_text("\n".join(f"line {i} of a long draft" for i in range(400)))
    window.workspace_ui.import_file(str(path))
    chat = window.workspace_ui.editor  # an imported text is a draft: shown on its page
    bar = chat.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 6 * bar.pageStep())
    chat.setFocus()
    for _ in range(3):
        qtbot.keyClick(chat, Qt.Key.Key_PageDown)
    reading = _top_line(chat)
    assert reading.startswith("line ") and reading != "line 0 of a long draft"
    size = chat.font().pointSize()
    window.appearance_menu.set_font(chat.font().family(), size + 6)
    assert chat.font().pointSize() == size + 6
    qtbot.wait(200)  # later layout passes must not move it either
    assert _top_line(chat) == reading
    window.appearance_menu.set_font(chat.font().family(), size)
    qtbot.wait(200)
    assert _top_line(chat) == reading


def test_the_edit_dialog_types_at_the_end_and_save_is_the_default(qtbot: Any) -> None:
    dialog = EditTurnDialog("A reply\nwith two lines", "assistant")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.editor.hasFocus)
    qtbot.keyClicks(dialog.editor, " and more")
    assert dialog.text() == "A reply\nwith two lines and more"
    defaults = [b.text() for b in dialog.findChildren(QPushButton) if b.isDefault()]
    assert defaults == [dialog.save_button.text()]
    # Return on a focused button presses that button; otherwise the default: Save.
    dialog.editor.clearFocus()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.generate


def test_the_shortcuts_table_fills_its_dialog(qtbot: Any) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    for name, keys in (("Send", "Ctrl+Return"), ("Stop", "Esc"), ("Find", "Ctrl+F")):
        action = QAction(name, window)
        action.setShortcut(QKeySequence(keys))
        window.addAction(action)
    help_menu = HelpMenu(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)  # Help > Keyboard shortcuts
    dialog = help_menu.shortcuts_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert (
        "Send",
        QKeySequence("Ctrl+Return").toString(QKeySequence.SequenceFormat.NativeText),
    ) in dialog.rows()
    columns = sum(table.columnWidth(c) for c in range(table.columnCount()))
    assert columns >= table.viewport().width() - 2, (columns, table.viewport().width())
    dialog.resize(dialog.width() + 200, dialog.height())
    qtbot.waitUntil(
        lambda: sum(table.columnWidth(c) for c in range(2)) >= table.viewport().width() - 2
    )


def _clear_action(window: MainWindow) -> QAction:
    for action in window.generate_menu.actions():
        if action.text() == "Clear conversation":
            return action
    raise AssertionError("no Clear conversation in the Generate menu")


def test_clear_is_offered_only_when_there_is_something_to_clear(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window(start=False)
    clear = _clear_action(window)
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(window, Qt.Key.Key_N, ctrl)  # an empty chat
    assert not clear.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_N, ctrl | Qt.KeyboardModifier.ShiftModifier)
    editor = window.workspace_ui.editor
    assert not clear.isEnabled(), "an empty draft has nothing to clear"
    qtbot.keyClicks(editor, "Once upon a time")
    assert clear.isEnabled()
    clear.trigger()
    assert editor.toPlainText() == "" and not clear.isEnabled()
    qtbot.keyClick(editor, Qt.Key.Key_Z, ctrl)  # Undo brings the text back, and Clear
    assert editor.toPlainText() == "Once upon a time" and clear.isEnabled()
