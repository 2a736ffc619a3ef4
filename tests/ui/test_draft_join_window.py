"""In a draft, the writer's new text is not glued to the continuation before it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from gpt2desk.core.writing.turns import to_plain_text
from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.helpers import GEN_TIMEOUT_MS

MakeWindow = Callable[..., MainWindow]
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _send(qtbot: Any, window: MainWindow, text: str) -> None:
    window.composer.setFocus()
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(
        lambda: not window.chat.streaming() and window.send_button.isEnabled(),
        timeout=GEN_TIMEOUT_MS,
    )


def test_writing_on_after_a_continuation_sends_a_space_between(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    sent: list[tuple[int, str, dict[str, Any]]] = []
    window.host.generate_requested.connect(lambda *args: sent.append(args))
    panel = window.settings_panel
    panel.max_new_tokens.setValue(2)
    # A new draft per seed until the tiny model ends its continuation inside a word
    # (a letter or digit), as in the report: "…the Blendifier".
    for seed in range(1, 40):
        panel.seed.setText(str(seed))
        qtbot.keyClick(window.chat, Qt.Key.Key_N, CTRL | SHIFT)  # New draft
        _send(qtbot, window, "The shop sold one thing: the")
        conv = window.workspace_ui.workspace.current
        assert conv is not None and conv.kind == "draft"
        reply = conv.path()[-1].text
        if reply and reply[-1].isascii() and reply[-1].isalnum():
            break
    else:
        raise AssertionError("no seed ends the continuation with a letter")

    _send(qtbot, window, "She opened the door.")
    prompt = sent[-1][1]
    assert prompt == "The shop sold one thing: the" + reply + " She opened the door."
    # The draft as plain text (what the writer exports and reads) is what the model read.
    assert to_plain_text(conv).startswith(prompt)
