"""The manuscript's page: real key presses into a ManuscriptEditor over a real Manuscript."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QInputMethodEvent,
    QKeySequence,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QMainWindow

from gpt2desk.core.writing.authorship import WRITER
from gpt2desk.core.writing.manuscript import Manuscript
from gpt2desk.ui.manuscript.editor import ManuscriptEditor
from gpt2desk.ui.manuscript.formats import contrast


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


def _color_at(editor: ManuscriptEditor, pos: int) -> str:
    """The text colour at ``str`` index ``pos`` (the highlighter's format, else the page's)."""
    text = editor.manuscript.text if editor.manuscript else ""
    unit = len(text[:pos].encode("utf-16-le")) // 2
    block = editor.document().findBlock(unit)
    offset = unit - block.position()
    for fmt in block.layout().formats():
        if fmt.start <= offset < fmt.start + fmt.length:
            return fmt.format.foreground().color().name()
    return editor.palette().color(editor.palette().ColorRole.Text).name()


def test_streamed_text_shows_in_the_model_colour_and_the_cursor_stays(
    qtbot: Any, editor: ManuscriptEditor
) -> None:
    m = _show(editor, "Start. End.")
    _put_cursor(editor, 2)
    cont = m.begin(len("Start."), "tiny", {})
    for token in (" The", " model", " writes", "\nmore."):
        m.stream(cont.id, token)
        editor.sync()
    assert editor.toPlainText() == m.text == "Start. The model writes\nmore. End."
    assert editor.position() == 2 == m.cursor  # the writer's cursor did not move
    writer, model = _color_at(editor, 0), _color_at(editor, len("Start. T"))
    assert model != writer
    assert _color_at(editor, m.text.index("more")) == model
    assert _color_at(editor, m.text.index("End")) == writer
    m.finish(cont.id)
    # The cursor after the inserted text moves with it.
    _put_cursor(editor, m.text.index("End"))
    cont = m.begin(len("Start."), "tiny", {})
    m.stream(cont.id, "!!")
    editor.sync()
    assert editor.position() == m.text.index("End") == m.cursor


def test_text_typed_right_after_model_text_is_the_writers_colour(
    qtbot: Any, editor: ManuscriptEditor
) -> None:
    m = _show(editor, "Hi.")
    _continue(m, " The model.")
    editor.sync()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, " Mine")
    end = len(m.text) - 1
    assert m.author_at(end) == WRITER
    assert _color_at(editor, end) == _color_at(editor, 0)
    assert _color_at(editor, end - 6) != _color_at(editor, 0)  # the model's "." before it


def test_undo_from_outside_syncs_back(qtbot: Any, editor: ManuscriptEditor) -> None:
    m = _show(editor, "One.")
    _continue(m, " Two.")
    editor.sync()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, " Three.")
    m.undo()
    editor.sync()
    assert editor.toPlainText() == m.text == "One. Two."
    m.undo()
    editor.sync()
    assert editor.toPlainText() == "One."
    m.redo()
    editor.sync()
    assert editor.toPlainText() == "One. Two."
    assert _color_at(editor, 6) != _color_at(editor, 0)


def test_alternatives_bar_and_alt_arrows_ask_for_another_alternative(
    qtbot: Any, editor: ManuscriptEditor
) -> None:
    m = _show(editor, "Begin.")
    _continue(m, " First try.")
    cont = m.retry("tiny", {})
    assert cont is not None
    m.stream(cont.id, " Second try.")
    m.finish(cont.id)
    editor.sync()
    place = m.last_place()
    assert place is not None
    _put_cursor(editor, len(m.text) - 2)
    assert editor.bar.isVisible()
    assert editor.bar.label.text() == "2/2"
    assert not editor.bar.next.isEnabled()
    with qtbot.assertNotEmitted(editor.alternative_requested):
        qtbot.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    with qtbot.waitSignal(editor.alternative_requested) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert blocker.args == [place.id, 0]
    m.choose(place.id, 0)
    editor.sync()
    assert editor.toPlainText() == "Begin. First try."
    assert editor.bar.label.text() == "1/2"
    with qtbot.waitSignal(editor.alternative_requested) as blocker:
        qtbot.mouseClick(editor.bar.next, Qt.MouseButton.LeftButton)
    assert blocker.args == [place.id, 1]
    assert editor.bar.next.accessibleName() and editor.bar.next.toolTip()


def test_the_bar_never_covers_the_words(qtbot: Any, editor: ManuscriptEditor) -> None:
    m = _show(editor, "A line long enough to reach the right edge of the page. " * 4)
    _continue(m, " First try.")
    assert editor.viewportMargins().right() == 0, "no gutter while there is nothing to choose"
    cont = m.retry("tiny", {})
    assert cont is not None
    m.stream(cont.id, " Second try.")
    m.finish(cont.id)
    editor.sync()
    _put_cursor(editor, len(m.text) - 2)
    assert editor.bar.isVisible()
    text_area = editor.viewport().geometry()
    assert not editor.bar.geometry().intersects(text_area)
    assert editor.rect().contains(editor.bar.geometry())
    # The gutter has the page's colour (below the bar, and beside the empty end of the page).
    image = editor.grab().toImage()
    y = text_area.bottom() - 4
    page = image.pixelColor(text_area.left() + 4, y)
    assert image.pixelColor(text_area.right() + 6, y) == page


def test_no_bar_without_alternatives(qtbot: Any, editor: ManuscriptEditor) -> None:
    m = _show(editor, "Begin.")
    _continue(m, " Only one.")
    editor.sync()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    assert not editor.bar.isVisible()
    with qtbot.assertNotEmitted(editor.alternative_requested):
        qtbot.keyClick(editor, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)


def _menu_at(editor: ManuscriptEditor, pos: int) -> Any:
    text = editor.manuscript.text if editor.manuscript else ""
    cursor = QTextCursor(editor.document())
    cursor.setPosition(len(text[:pos].encode("utf-16-le")) // 2)
    rect = editor.cursorRect(cursor)
    return editor.context_menu(rect.center() + QPoint(2, 0))


def _action(menu: Any, name: str) -> Any:
    found = [a for a in menu.actions() if a.objectName() == name]
    return found[0] if found else None


def test_retry_from_here_is_offered_only_inside_model_text(
    qtbot: Any, editor: ManuscriptEditor
) -> None:
    m = _show(editor, "Mine here.")
    _continue(m, " The model's words.")
    editor.sync()
    writer_menu = _menu_at(editor, 2)
    assert not _action(writer_menu, "retryFromHere").isEnabled()
    inside = m.text.index("model's")
    menu = _menu_at(editor, inside)
    retry = _action(menu, "retryFromHere")
    assert retry.isEnabled()
    with qtbot.waitSignal(editor.retry_from_requested) as blocker:
        retry.trigger()
    assert blocker.args == [inside]
    # Qt's own Undo/Redo are not offered: undo goes through the manuscript.
    assert _action(menu, "edit-undo") is None and _action(menu, "edit-redo") is None
    assert _action(menu, "edit-copy") is not None


def test_typing_is_ignored_while_the_model_writes(qtbot: Any, editor: ManuscriptEditor) -> None:
    m = _show(editor, "Text.")
    cont = m.begin(len(m.text), "tiny", {})
    m.stream(cont.id, " More")
    editor.sync()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    with qtbot.assertNotEmitted(editor.edited):
        qtbot.keyClicks(editor, "abc")
        qtbot.keyClick(editor, Qt.Key.Key_Backspace)
        QGuiApplication.clipboard().setText("PASTE")
        qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        _commit(editor, "中")
    assert m.text == editor.toPlainText() == "Text. More"
    m.finish(cont.id)  # no sync: the page becomes editable at the next key
    qtbot.keyClicks(editor, "!")
    assert m.text == "Text. More!"


def test_a_reopened_manuscript_shows_its_authorship_cursor_and_scroll(
    qtbot: Any, editor: ManuscriptEditor
) -> None:
    m = Manuscript(text="".join(f"Line {i} of the writer.\n" for i in range(200)))
    _continue(m, "The model's last line.")
    m.cursor = m.text.index("Line 120")
    m.scroll = 90
    with qtbot.assertNotEmitted(editor.edited):
        editor.set_manuscript(m)
    assert editor.toPlainText() == m.text
    assert editor.position() == m.text.index("Line 120") == m.cursor
    assert editor.verticalScrollBar().value() == 90 == m.scroll
    assert _color_at(editor, len(m.text) - 3) != _color_at(editor, 0)
    # Moving and scrolling are written back to the manuscript.
    with qtbot.waitSignal(editor.cursor_moved) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Down)
    assert blocker.args == [m.text.index("Line 121")] and m.cursor == m.text.index("Line 121")
    editor.verticalScrollBar().setValue(10)
    assert m.scroll == 10
    # None: an empty page that cannot be typed into.
    editor.set_manuscript(None)
    qtbot.keyClicks(editor, "lost")
    assert editor.toPlainText() == "" and m.text.count("lost") == 0


@pytest.fixture
def themes() -> Any:
    from gpt2desk.ui.window.appearance import apply_theme

    yield apply_theme
    apply_theme("system")


def test_model_colour_is_distinct_and_readable_in_light_and_dark(
    qtbot: Any, editor: ManuscriptEditor, themes: Any
) -> None:
    m = _show(editor, "Mine.")
    _continue(m, " The model's.")
    editor.sync()
    seen = {}
    for theme in ("light", "dark"):
        themes(theme)
        palette = editor.palette()
        model = QColor(_color_at(editor, len(m.text) - 2))
        page, text = palette.color(palette.ColorRole.Base), palette.color(palette.ColorRole.Text)
        assert model != text, theme
        assert contrast(model, page) >= 4.5, theme
        assert _color_at(editor, 0) == text.name(), theme  # the writer's text: the page's colour
        seen[theme] = model.name()
    assert seen["light"] != seen["dark"]


def _viewport_image(editor: ManuscriptEditor) -> Any:
    editor.viewport().repaint()
    return editor.viewport().grab().toImage()


def test_the_window_marker_shows_and_hides(qtbot: Any, editor: ManuscriptEditor) -> None:
    m = _show(editor, "".join(f"Paragraph {i}.\n" for i in range(8)))
    plain = _viewport_image(editor)
    start = m.text.index("Paragraph 3")
    editor.set_window_start(start)
    marked = _viewport_image(editor)
    assert marked != plain
    # The mark is at the line where the window starts: the lines below it look as before.
    cursor = QTextCursor(editor.document())
    cursor.setPosition(m.text.index("Paragraph 5"))
    below = editor.cursorRect(cursor).top()
    assert marked.copy(0, below, marked.width(), 40) == plain.copy(0, below, plain.width(), 40)
    editor.set_window_start(None)
    assert _viewport_image(editor) == plain


def test_counts_words_cjk_and_characters(qtbot: Any, editor: ManuscriptEditor) -> None:
    m = _show(editor, "Hello brave world.\n")
    assert editor.counts() == (3, 18)
    editor.moveCursor(QTextCursor.MoveOperation.End)
    _commit(editor, "我愛貓 ok 😀")
    assert m.text == "Hello brave world.\n我愛貓 ok 😀"
    assert editor.counts() == (3 + 3 + 1 + 1, 18 + 8)
    editor.set_manuscript(None)
    assert editor.counts() == (0, 0)


def test_ctrl_z_reaches_the_windows_undo(qtbot: Any) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    editor = ManuscriptEditor()
    window.setCentralWidget(editor)
    undo = QAction("Undo", window)
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    window.addAction(undo)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    editor.setFocus()
    m = _show(editor, "Abc")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, "d")
    with qtbot.waitSignal(undo.triggered):
        qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == m.text == "Abcd"  # Qt's own undo did nothing behind its back


def test_an_alternative_with_the_same_words_shows_its_own_authorship(
    qtbot: Any, editor: ManuscriptEditor
) -> None:
    m = _show(editor, "Start.")
    _continue(m, " The dog\nran.")
    editor.sync()
    dog = m.text.index("dog")
    _put_cursor(editor, dog + 3, anchor=dog)
    qtbot.keyClicks(editor, "cat")  # the writer's word inside the model's sentence
    assert m.text == "Start. The cat\nran."
    writer = _color_at(editor, 0)
    assert _color_at(editor, dog) == writer
    cont = m.retry("tiny", {})
    assert cont is not None
    # The same first line: only the colour tells the two apart there.
    m.stream(cont.id, " The cat\nsat.")
    m.finish(cont.id)
    editor.sync()
    assert editor.toPlainText() == "Start. The cat\nsat."
    model = _color_at(editor, dog - 2)
    assert model != writer
    assert _color_at(editor, dog) == model
    place = m.last_place()
    assert place is not None
    m.choose(place.id, 0)
    editor.sync()
    assert editor.toPlainText() == "Start. The cat\nran."
    assert _color_at(editor, dog) == writer
    assert _color_at(editor, dog + 4) == model


def test_a_paste_that_arrives_as_the_model_starts_is_undone_on_the_page(
    qtbot: Any, editor: ManuscriptEditor
) -> None:
    m = _show(editor, "Text.")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    m.begin(len(m.text), "tiny", {})  # the model starts; the page has not been told yet
    QGuiApplication.clipboard().setText("PASTE")
    editor.paste()
    _commit(editor, "中")
    assert editor.toPlainText() == "Text."
    # Text that reaches the document anyway (as a drop does) goes away again, no traceback.
    editor.insertPlainText("dropped")
    qtbot.waitUntil(lambda: editor.toPlainText() == "Text.")
    assert m.text == "Text."
