"""Screen readers: every control has a name and a description; replies are read by sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from gpt2desk.ui.announcer import MAX_PENDING_CHARS, SentenceBuffer
from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.helpers import GEN_TIMEOUT_MS, Recorder

MakeWindow = Callable[..., MainWindow]
CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
)


def _unlabelled(root: QWidget, skip: set[QWidget]) -> list[str]:
    """Controls a screen reader would announce without a name or a description."""
    bad = []
    for w in root.findChildren(QWidget):
        if (
            not isinstance(w, CONTROLS)
            or isinstance(w, QHeaderView)
            or w in skip
            or w.objectName().startswith("qt_")
        ):
            continue
        if not w.isVisibleTo(root) or isinstance(w.parent(), QAbstractSpinBox | QComboBox):
            continue
        iface = QAccessible.queryAccessibleInterface(w)
        assert iface is not None
        name = iface.text(QAccessible.Text.Name)
        description = iface.text(QAccessible.Text.Description)
        if not name.strip() or not description.strip():
            bad.append(f"{type(w).__name__} {w.objectName()!r} name={name!r} desc={description!r}")
    return bad


def test_every_control_of_the_window_and_the_models_dialog_has_name_and_description(
    make_window: MakeWindow,
) -> None:
    window = make_window(start=False)
    # A conversation deleted, so that the status bar's Undo button shows too.
    ws = window.workspace_ui
    ws.new_conversation("draft")
    assert ws.workspace.current is not None
    ws.delete(ws.workspace.current.id)
    assert ws.undo_delete_button.isVisibleTo(window)
    assert _unlabelled(window, set()) == []
    window.open_models()
    assert _unlabelled(window.models_dialog, set()) == []
    window.help_menu.show_shortcuts()
    assert window.help_menu.shortcuts_dialog is not None
    assert _unlabelled(window.help_menu.shortcuts_dialog, set()) == []


def test_sentences_are_released_whole() -> None:
    buf = SentenceBuffer()
    pieces = ["The cat", " sat on", " the mat.", " Then it", " left! Did", " it?", " Yes"]
    out = [s for p in pieces for s in buf.feed(p)]
    assert out == ["The cat sat on the mat.", "Then it left!", "Did it?"]
    assert buf.flush() == "Yes"
    assert buf.flush() == ""


def test_numbers_and_abbreviations_do_not_end_a_sentence_early() -> None:
    buf = SentenceBuffer()
    assert buf.feed("It costs 3.5") == []
    assert buf.feed(" dollars. ") == ["It costs 3.5 dollars."]


def test_chinese_punctuation_and_line_breaks_end_sentences() -> None:
    buf = SentenceBuffer()
    assert buf.feed("你好。今天") == ["你好。"]
    assert buf.feed("很好\nNext") == ["今天很好"]
    assert buf.flush() == "Next"


def test_a_long_run_on_is_announced_in_pieces_at_word_ends() -> None:
    buf = SentenceBuffer()
    out = []
    for _ in range(200):
        out += buf.feed("word ")
    assert out and all(len(s) <= MAX_PENDING_CHARS for s in out)
    assert all(s.endswith("word") for s in out)


def test_a_streamed_reply_is_announced_by_sentence_not_by_token(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    rec = Recorder(window.host.worker)
    window.composer.setPlainText("Once upon a time.")
    window.send()
    qtbot.waitUntil(lambda: not window.chat.streaming(), timeout=GEN_TIMEOUT_MS)
    tokens = [e[2] for e in rec.events if e[0] == "token"]
    said = window.announcer.announced
    assert said, "the reply was announced"
    assert len(said) < len(tokens)
    assert "".join("".join(said).split()) == "".join("".join(tokens).split())
