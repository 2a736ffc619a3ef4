"""The manuscript's page: real key presses into a ManuscriptEditor over a real Manuscript."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from gpt2desk.core.writing.authorship import WRITER
from gpt2desk.core.writing.manuscript import Manuscript
from gpt2desk.ui.manuscript.editor import ManuscriptEditor


@pytest.fixture
def editor(qtbot: Any) -> ManuscriptEditor:
    widget = ManuscriptEditor()
    qtbot.addWidget(widget)
    widget.resize(500, 300)
    widget.show()
    qtbot.waitExposed(widget)
    widget.setFocus()
    return widget


def _show(editor: ManuscriptEditor, text: str = "") -> Manuscript:
    m = Manuscript(text=text)
    editor.set_manuscript(m)
    return m


def _continue(m: Manuscript, text: str, offset: int | None = None) -> str:
    """The model writes ``text`` at ``offset`` (the end by default); its continuation id."""
    cont = m.begin(len(m.text) if offset is None else offset, "tiny", {})
    m.stream(cont.id, text)
    m.finish(cont.id)
    return cont.id


def _put_cursor(editor: ManuscriptEditor, pos: int, anchor: int | None = None) -> None:
    """Puts the cursor at ``str`` index ``pos`` the way a click would (UTF-16 in the document)."""
    text = editor.manuscript.text if editor.manuscript else ""

    def units(p: int) -> int:
        return len(text[:p].encode("utf-16-le")) // 2

    cursor = editor.textCursor()
    cursor.setPosition(units(anchor if anchor is not None else pos))
    cursor.setPosition(units(pos), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)


def _commit(editor: ManuscriptEditor, text: str) -> None:
    """Text from an input method (how CJK and emoji are typed)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(editor, event)


def test_typing_into_an_empty_page_is_the_writers_text(
    qtbot: Any, editor: ManuscriptEditor
) -> None:
    m = _show(editor)
    with qtbot.waitSignal(editor.edited):
        qtbot.keyClicks(editor, "Once upon")
    assert m.text == "Once upon"
    assert m.runs() == [(0, 9, WRITER)]
    assert editor.position() == 9 == m.cursor


def test_typing_in_the_middle_and_inside_model_text(qtbot: Any, editor: ManuscriptEditor) -> None:
    m = _show(editor, "The cat.")
    cid = _continue(m, " It slept.")
    editor.sync()
    _put_cursor(editor, 4)
    qtbot.keyClicks(editor, "big ")
    assert m.text == "The big cat. It slept."
    _put_cursor(editor, len("The big cat. It "))
    qtbot.keyClicks(editor, "soundly ")
    assert m.text == "The big cat. It soundly slept."
    assert editor.toPlainText() == m.text
    typed = m.text.index("soundly ")
    assert all(m.author_at(i) == WRITER for i in range(typed, typed + 8))
    assert m.author_at(typed - 1) == cid and m.author_at(typed + 8) == cid


def test_paste_and_delete_a_selection_across_authors(qtbot: Any, editor: ManuscriptEditor) -> None:
    m = _show(editor, "Alpha beta")
    _continue(m, " gamma delta")
    editor.sync()
    QGuiApplication.clipboard().setText("PASTE")
    _put_cursor(editor, 5)
    qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert m.text == "AlphaPASTE beta gamma delta"
    # Select "beta gam" (writer's then model's) and delete it.
    start = m.text.index("beta")
    _put_cursor(editor, start + len("beta gam"), anchor=start)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    assert m.text == "AlphaPASTE ma delta"
    assert editor.toPlainText() == m.text
    assert m.author_at(len("AlphaPASTE ")) != WRITER  # "ma delta" is still the model's


def test_emoji_and_cjk_positions_are_exact(qtbot: Any, editor: ManuscriptEditor) -> None:
    m = _show(editor, "貓😀說")
    _put_cursor(editor, 2)
    assert editor.position() == 2
    _commit(editor, "🐈中")
    assert m.text == "貓😀🐈中說"
    assert editor.position() == 4 == m.cursor
    qtbot.keyClicks(editor, "x")
    assert m.text == "貓😀🐈中x說"
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    assert m.text == "貓😀🐈說"
    assert editor.toPlainText() == m.text
