"""A conversation's kind, undo history and emptiness are its own (issue 11).

New chat / New draft decide the kind (not the Mode drop-down), Undo never
reaches into another conversation, turn actions are off where there is no
turn, empty "Untitled" rows do not pile up, and Clear clears (undoably).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from gpt2desk.core.writing.turns import Conversation
from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.helpers import GEN_TIMEOUT_MS

MakeWindow = Callable[..., MainWindow]
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _idle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: not window.workspace_ui.streaming() and window.send_button.isEnabled(),
        timeout=GEN_TIMEOUT_MS,
    )


def _send_with_keys(qtbot: Any, window: MainWindow, text: str) -> None:
    window.composer.setFocus()
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, CTRL)
    _idle(qtbot, window)


def _current(window: MainWindow) -> Conversation:
    conv = window.workspace_ui.workspace.current
    assert conv is not None
    return conv


def _mode(window: MainWindow) -> str:
    return str(window.settings_panel.mode.currentData())


def _set_mode(window: MainWindow, mode: str) -> None:
    panel = window.settings_panel
    panel.mode.setCurrentIndex(panel.mode.findData(mode))


def _rows(window: MainWindow) -> list[str]:
    lst = window.workspace_ui.sidebar.list
    return [lst.item(i).text() for i in range(lst.count())]


def _action(window: MainWindow, text: str) -> QAction:
    for action in window.findChildren(QAction):
        if action.text().replace("&", "") == text:
            return action
    raise AssertionError(f"no action {text!r}")


def test_new_chat_makes_a_chat_whatever_the_mode_said(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(3)
    _set_mode(window, "continue")
    window.chat.setFocus()
    qtbot.keyClick(window.chat, Qt.Key.Key_N, CTRL)
    assert _mode(window) == "chat"  # the panel shows what the conversation is
    for text in ("one", "two", "three"):
        _send_with_keys(qtbot, window, text)
    conv = _current(window)
    assert conv.kind == "chat"
    assert [t.role for t in conv.path()] == ["user", "assistant"] * 3
    assert "draft" not in _rows(window)[0]


def test_new_draft_stays_a_draft_when_sent(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(3)
    _set_mode(window, "chat")
    window.chat.setFocus()
    qtbot.keyClick(window.chat, Qt.Key.Key_N, CTRL | SHIFT)
    assert "draft" in _rows(window)[0]
    assert _mode(window) == "continue"
    # A draft is its manuscript's page (issue 12): the writer types there, Ctrl+Enter continues.
    editor = window.workspace_ui.editor
    qtbot.keyClicks(editor, "Once upon a time")
    qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    _idle(qtbot, window)
    conv = _current(window)
    assert conv.kind == "draft"
    assert "draft" in _rows(window)[0]
    m = editor.manuscript
    assert m is not None and m.text.startswith("Once upon a time")
    assert "Assistant" not in m.text[len("Once upon a time") :]


def test_selecting_an_empty_draft_shows_its_mode(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window(start=False)
    ui = window.workspace_ui
    window.composer.setPlainText("a chat's first words")  # kept: not an empty one
    _set_mode(window, "chat")
    chat = _current(window)
    ui.new_conversation("draft")
    draft = _current(window)
    assert draft.kind == "draft" and _mode(window) == "continue"
    window.composer.setPlainText("the start of a story")  # no turn yet, but not nothing
    ui.sidebar.selected.emit(chat.id)
    assert _mode(window) == "chat"
    ui.sidebar.selected.emit(draft.id)
    assert _mode(window) == "continue"


def test_undo_stays_in_the_conversation_shown(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(3)
    _set_mode(window, "chat")
    _send_with_keys(qtbot, window, "hello")
    first = _current(window)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, CTRL | SHIFT)  # Continue
    _idle(qtbot, window)
    undo = window.workspace_ui.menu.undo_action
    assert "Continue" in undo.text()
    continued = [t.text for t in first.path()]
    window.chat.setFocus()
    qtbot.keyClick(window.chat, Qt.Key.Key_N, CTRL)
    empty = _current(window)
    assert empty is not first
    assert not undo.isEnabled() and "Continue" not in undo.text()
    window.chat.setFocus()  # the composer's own Ctrl+Z undoes typing
    qtbot.keyClick(window.chat, Qt.Key.Key_Z, CTRL)
    assert _current(window) is empty
    assert [t.text for t in first.path()] == continued
    # Back in the first conversation, its history is still there.
    window.workspace_ui.sidebar.selected.emit(first.id)
    assert "Continue" in undo.text() and undo.isEnabled()
    window.chat.setFocus()
    qtbot.keyClick(window.chat, Qt.Key.Key_Z, CTRL)
    assert len(first.path()[-1].text) < len(continued[-1])


def test_turn_actions_are_off_in_an_empty_conversation(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(3)
    _set_mode(window, "chat")
    names = ("Regenerate last reply", "Continue", "Edit last turn…")
    _send_with_keys(qtbot, window, "hello")
    assert all(_action(window, name).isEnabled() for name in names)
    window.chat.setFocus()
    qtbot.keyClick(window.chat, Qt.Key.Key_N, CTRL)
    assert not any(_action(window, name).isEnabled() for name in names)
    sent: list[Any] = []
    window.host.generate_requested.connect(lambda *args: sent.append(args))
    qtbot.keyClick(window.chat, Qt.Key.Key_R, CTRL)
    qtbot.keyClick(window.chat, Qt.Key.Key_Return, CTRL | SHIFT)
    assert sent == []


def test_new_chat_on_an_empty_one_makes_no_other(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(3)
    _send_with_keys(qtbot, window, "something said")
    window.chat.setFocus()
    for _ in range(3):
        qtbot.keyClick(window.chat, Qt.Key.Key_N, CTRL)
    qtbot.keyClick(window.chat, Qt.Key.Key_N, CTRL | SHIFT)
    assert len(_rows(window)) == 2
    # Leaving an empty one for another conversation drops it too.
    kept = window.workspace_ui.workspace.summaries[-1]["id"]
    window.workspace_ui.sidebar.selected.emit(kept)
    assert len(_rows(window)) == 1


def test_clear_conversation_clears_it_and_undo_brings_it_back(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(3)
    _set_mode(window, "chat")
    _send_with_keys(qtbot, window, "hello")
    conv = _current(window)
    said = [t.text for t in conv.path()]
    _action(window, "Clear conversation").trigger()
    assert _current(window) is conv  # the same conversation, now empty
    assert conv.path() == []
    assert "hello" not in window.chat.toPlainText()
    assert len(_rows(window)) == 1
    window.chat.setFocus()
    qtbot.keyClick(window.chat, Qt.Key.Key_Z, CTRL)
    assert [t.text for t in _current(window).path()] == said
    assert "hello" in window.chat.toPlainText()


def test_turn_actions_are_off_while_a_reply_is_written(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(3)
    _send_with_keys(qtbot, window, "hello")
    regenerate = _action(window, "Regenerate last reply")
    turn_actions = [regenerate, _action(window, "Continue"), _action(window, "Edit last turn…")]
    assert all(a.isEnabled() for a in turn_actions)
    window.settings_panel.max_new_tokens.setValue(100_000)
    qtbot.keyClicks(window.composer, "tell a long story")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: window.generation.busy, timeout=5000)
    assert not any(a.isEnabled() for a in turn_actions), "they would be ignored while it writes"
    qtbot.keyClick(window.composer, Qt.Key.Key_Escape)
    _idle(qtbot, window)
    assert all(a.isEnabled() for a in turn_actions)
