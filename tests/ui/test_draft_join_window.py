"""In a draft, the model reads exactly what the page shows: the writer's words after a
continuation are never glued to it behind the writer's back (issue 12: the draft is one
page the writer types on, so the space between is the writer's own)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.helpers import GEN_TIMEOUT_MS

MakeWindow = Callable[..., MainWindow]
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _continue(qtbot: Any, window: MainWindow) -> None:
    qtbot.keyClick(window.workspace_ui.editor, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(
        lambda: not window.workspace_ui.streaming() and window.generation.can_generate(),
        timeout=GEN_TIMEOUT_MS,
    )


def test_writing_on_after_a_continuation_sends_what_the_page_shows(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    sent: list[tuple[int, str, dict[str, Any]]] = []
    window.host.generate_requested.connect(lambda *args: sent.append(args))
    window.settings_panel.max_new_tokens.setValue(2)
    window.settings_panel.seed.setText("1")
    qtbot.keyClick(window.chat, Qt.Key.Key_N, CTRL | SHIFT)  # New draft
    editor = window.workspace_ui.editor
    qtbot.keyClicks(editor, "The shop sold one thing: the")
    _continue(qtbot, window)
    m = editor.manuscript
    assert m is not None
    reply = m.text[len("The shop sold one thing: the") :]
    assert reply

    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, " She opened the door.")
    _continue(qtbot, window)

    prompt = sent[-1][1]
    assert prompt == "The shop sold one thing: the" + reply + " She opened the door."
    assert editor.toPlainText().startswith(prompt) and m.text.startswith(prompt)
