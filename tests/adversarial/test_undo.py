"""Undo and Redo never lose a word: what was on screen after a change comes back,
in the window, in the database, and after a restart (issue 10, item 3).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from gpt2desk.core.store.database import Store
from gpt2desk.core.writing.turns import Conversation
from gpt2desk.ui.conversation.edit_dialog import EditTurnDialog
from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.helpers import GEN_TIMEOUT_MS

MakeWindow = Callable[..., MainWindow]


def _idle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: not window.workspace_ui.streaming() and window.send_button.isEnabled(),
        timeout=GEN_TIMEOUT_MS,
    )


def _chat_window(qtbot: Any, make_window: MakeWindow) -> MainWindow:
    window = make_window()
    panel = window.settings_panel
    panel.mode.setCurrentIndex(panel.mode.findData("chat"))
    panel.max_new_tokens.setValue(6)
    window.composer.setPlainText("hello")
    window.send()
    _idle(qtbot, window)
    return window


def _path(window: MainWindow) -> list[str]:
    conv = window.workspace_ui.workspace.current
    assert conv is not None
    return [t.text for t in conv.path()]


def _saved_texts(folder: Path, conversation_id: str) -> set[str]:
    """The texts of every turn of a conversation as the database holds them."""
    store = Store.open(folder)
    try:
        saved = store.load_conversation(conversation_id)
    finally:
        store.close()
    assert saved is not None
    return {t["text"] for t in saved["turns"]}


def _edit_with_dialog(qtbot: Any, window: MainWindow, turn_id: str, text: str) -> None:
    """Edit… on a turn, new text, then the dialog's generate button (Save and answer/continue)."""
    window.workspace_ui.turn_action("edit", turn_id)
    dialog = window.findChild(EditTurnDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.editor.setPlainText(text)
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    _idle(qtbot, window)


def _undo(window: MainWindow) -> None:
    """Conversation > Undo (the menu entry; Ctrl+Z is the same action)."""
    action = window.workspace_ui.menu.undo_action
    assert action.isEnabled()
    action.trigger()


def _redo(window: MainWindow) -> None:
    action = window.workspace_ui.menu.redo_action
    assert action.isEnabled()
    action.trigger()


def _undo_redo(window: MainWindow, times: int) -> None:
    for _ in range(times):
        _undo(window)
        _redo(window)


@pytest.mark.parametrize("rounds", [1, 3])
def test_save_and_answer_then_undo_redo_keeps_the_answer_in_window_database_and_restart(
    qtbot: Any, make_window: MakeWindow, isolated_data_dir: Path, rounds: int
) -> None:
    window = _chat_window(qtbot, make_window)
    ws = window.workspace_ui.workspace
    conv = ws.current
    assert conv is not None
    user = conv.path()[0]
    _edit_with_dialog(qtbot, window, user.id, "An EDITED question")
    answered = _path(window)
    assert len(answered) == 2 and answered[0] == "An EDITED question" and answered[1]
    assert "Save and answer" not in window.workspace_ui.menu.undo_action.text()
    assert "Edit" in window.workspace_ui.menu.undo_action.text()

    _undo_redo(window, rounds)

    assert _path(window) == answered
    assert answered[1] in window.chat.toPlainText()
    window.close()  # saves what is queued
    assert set(answered) <= _saved_texts(isolated_data_dir, conv.id)
    restarted = make_window(start=False)
    assert _path(restarted) == answered


def test_save_and_answer_undone_shows_the_old_question_and_its_reply(
    qtbot: Any, make_window: MakeWindow, isolated_data_dir: Path
) -> None:
    window = _chat_window(qtbot, make_window)
    original = _path(window)
    conv = window.workspace_ui.workspace.current
    assert conv is not None
    _edit_with_dialog(qtbot, window, conv.path()[0].id, "Another question")
    _undo(window)
    assert _path(window) == original
    window.close()
    assert set(original) <= _saved_texts(isolated_data_dir, conv.id)


def test_save_and_continue_then_undo_redo_keeps_the_continued_text_after_restart(
    qtbot: Any, make_window: MakeWindow, isolated_data_dir: Path
) -> None:
    window = _chat_window(qtbot, make_window)
    conv = window.workspace_ui.workspace.current
    assert conv is not None
    _edit_with_dialog(qtbot, window, conv.path()[1].id, "An EDITED reply")
    continued = _path(window)
    assert continued[1].startswith("An EDITED reply") and len(continued[1]) > len("An EDITED reply")
    _undo_redo(window, 2)
    assert _path(window) == continued
    window.close()
    assert set(continued) <= _saved_texts(isolated_data_dir, conv.id)
    assert _path(make_window(start=False)) == continued


def _saved_path(folder: Path, conversation_id: str) -> list[str]:
    """The texts along the chosen versions, as the database holds them."""
    store = Store.open(folder)
    try:
        saved = store.load_conversation(conversation_id)
    finally:
        store.close()
    assert saved is not None
    return [t.text for t in Conversation.from_dict(saved).path()]


@pytest.mark.parametrize("action", ["regenerate", "continue"])
def test_regenerate_or_continue_then_undo_redo_is_saved_and_restored_after_a_restart(
    qtbot: Any, make_window: MakeWindow, isolated_data_dir: Path, action: str
) -> None:
    window = _chat_window(qtbot, make_window)
    conv = window.workspace_ui.workspace.current
    assert conv is not None
    first = _path(window)
    window.workspace_ui.turn_action(action, conv.path()[-1].id)
    _idle(qtbot, window)
    changed = _path(window)
    assert changed != first and len(changed) == 2
    if action == "continue":
        assert changed[1].startswith(first[1]) and len(changed[1]) > len(first[1])
    else:
        assert "◀ 2/2 ▶" in window.chat.toPlainText()

    _undo(window)
    assert _path(window) == first
    window.workspace_ui.workspace.writer.flush()
    assert _saved_path(isolated_data_dir, conv.id) == first  # undone on disk too
    _redo(window)
    _undo_redo(window, 2)

    assert _path(window) == changed
    assert changed[1] in window.chat.toPlainText()
    window.close()
    assert _saved_path(isolated_data_dir, conv.id) == changed
    restarted = make_window(start=False)
    assert _path(restarted) == changed
    if action == "regenerate":  # the first reply is still there, one ◀ away
        assert "◀ 2/2 ▶" in restarted.chat.toPlainText()
