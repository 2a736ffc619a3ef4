"""A draft in the window is one manuscript the model continues in place (issue 12).

Real key presses on the window's editor, the session's shared tiny model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QTextCursor

from gpt2desk.core.writing.authorship import WRITER
from gpt2desk.core.writing.manuscript import Manuscript
from gpt2desk.ui.manuscript.editor import ManuscriptEditor
from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.helpers import GEN_TIMEOUT_MS, Recorder

MakeWindow = Callable[..., MainWindow]
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
START = "Once upon a time"


def _editor(window: MainWindow) -> ManuscriptEditor:
    return window.workspace_ui.editor


def _m(window: MainWindow) -> Manuscript:
    m = _editor(window).manuscript
    assert m is not None
    return m


def _idle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(
        # can_generate: the worker has said "ready" again, not only "finished".
        lambda: not window.workspace_ui.streaming() and window.generation.can_generate(),
        timeout=GEN_TIMEOUT_MS,
    )


def _new_draft(qtbot: Any, window: MainWindow, text: str = START, tokens: int = 6) -> None:
    window.settings_panel.max_new_tokens.setValue(tokens)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL | SHIFT)
    editor = _editor(window)
    assert window.page_stack.currentWidget() is editor
    qtbot.keyClicks(editor, text)


def _continue(qtbot: Any, window: MainWindow, modifiers: Any = CTRL) -> None:
    qtbot.keyClick(_editor(window), Qt.Key.Key_Return, modifiers)
    _idle(qtbot, window)


def _action(window: MainWindow, text: str) -> QAction:
    for action in window.findChildren(QAction):
        if action.text().replace("&", "") == text:
            return action
    raise AssertionError(f"no action {text!r}")


def _put_cursor(editor: ManuscriptEditor, pos: int) -> None:
    """The cursor at ``str`` index ``pos``, as a click puts it (the document counts UTF-16)."""
    text = editor.manuscript.text if editor.manuscript is not None else ""
    cursor = editor.textCursor()
    cursor.setPosition(len(text[:pos].encode("utf-16-le")) // 2)
    editor.setTextCursor(cursor)


def test_a_draft_is_one_page_that_the_model_continues_at_its_end(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    sent: list[tuple[Any, ...]] = []
    window.host.generate_requested.connect(lambda *args: sent.append(args))
    _new_draft(qtbot, window)
    editor = _editor(window)
    # The page takes the writing area; the composer is not there for drafts.
    assert not window.composer.isVisible() and editor.isVisible()
    assert window.send_button.isVisible() and window.send_button.text() == "Continue"
    assert editor.height() > 4 * window.bottom.height()  # the buttons' row, not a composer
    assert editor.width() >= window.page_stack.width() - 2
    m = _m(window)
    assert m.text == START and m.author_at(0) == WRITER
    _put_cursor(editor, 4)  # Ctrl+Enter writes at the end wherever the cursor is

    _continue(qtbot, window)

    assert sent[-1][1] == START  # the prompt: the text before the insertion point
    assert m.text.startswith(START) and len(m.text) > len(START)
    assert editor.toPlainText() == m.text
    assert m.is_model_text(len(START)) and not m.is_model_text(len(START) - 1)
    cont = next(iter(m.continuations.values()))
    assert cont.model == window.generation.model_name and cont.seed is not None
    # The status bar counts the draft and its tokens (measured by the worker).
    qtbot.waitUntil(lambda: "tokens" in window.workspace_ui.manuscript.label.text())
    assert "words" in window.workspace_ui.manuscript.label.text()
    # Ctrl+Z takes the whole continuation away, Ctrl+Shift+Z brings it back.
    written = m.text
    assert _action(window, "Undo Continue").isEnabled()
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert m.text == START and editor.toPlainText() == START
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL | SHIFT)
    assert m.text == written and editor.toPlainText() == written
    assert m.is_model_text(len(START))


def test_continue_at_cursor_writes_what_follows_the_text_before_the_cursor(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    sent: list[tuple[Any, ...]] = []
    window.host.generate_requested.connect(lambda *args: sent.append(args))
    _new_draft(qtbot, window)
    editor = _editor(window)
    _put_cursor(editor, 4)  # after "Once"

    _continue(qtbot, window, CTRL | SHIFT)

    m = _m(window)
    assert sent[-1][1] == "Once"
    assert m.text.startswith("Once") and m.text.endswith(" upon a time")
    assert len(m.text) > len(START) and m.is_model_text(4)
    assert m.author_at(len(m.text) - 1) == WRITER


def test_esc_stops_and_the_page_refuses_edits_while_the_model_writes(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    _new_draft(qtbot, window, tokens=100_000)
    editor = _editor(window)
    m = _m(window)
    rec = Recorder(window.host.worker)
    qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    request_id = window.generation.request_id
    rec.wait_first_token(qtbot, request_id)
    qtbot.keyClicks(editor, "zz")  # refused: the model is writing
    qtbot.keyClick(editor, Qt.Key.Key_R, CTRL)  # nothing new starts
    assert window.generation.request_id == request_id
    assert "Esc" in window.status_line.stats_label.text()

    qtbot.keyClick(editor, Qt.Key.Key_Escape)

    stats = rec.wait_finished(qtbot, request_id)
    assert stats["reason"] == "cancelled" and stats["new_tokens"] < 5_000
    _idle(qtbot, window)
    authors = [run[2] for run in m.runs()]
    assert authors[0] == WRITER and WRITER not in authors[1:]  # no "zz" of the writer's
    assert "zz" not in m.text[len(START) :] or m.is_model_text(m.text.index("zz", len(START)))
    assert next(iter(m.continuations.values())).status == "stopped"
    assert editor.toPlainText() == m.text
    _put_cursor(editor, len(m.text))
    qtbot.keyClicks(editor, "!")  # editable again
    assert m.text.endswith("!") and m.author_at(len(m.text) - 1) == WRITER


def test_retry_keeps_the_old_continuation_as_an_alternative(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    _new_draft(qtbot, window)
    editor = _editor(window)
    _continue(qtbot, window)
    m = _m(window)
    first = m.text

    qtbot.keyClick(editor, Qt.Key.Key_R, CTRL)
    _idle(qtbot, window)

    place = m.last_place()
    assert place is not None and m.alternatives(place.id) == (1, 2)
    assert m.text.startswith(START) and editor.toPlainText() == m.text
    assert _action(window, "Undo Retry").isEnabled()
    _put_cursor(editor, len(m.text))
    qtbot.keyClick(editor, Qt.Key.Key_Left, ALT)
    assert m.text == first and editor.toPlainText() == first
    assert m.alternatives(place.id) == (0, 2)


def test_retry_from_here_rewrites_the_models_text_after_the_cursor(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    sent: list[tuple[Any, ...]] = []
    window.host.generate_requested.connect(lambda *args: sent.append(args))
    _new_draft(qtbot, window, tokens=12)
    editor = _editor(window)
    _continue(qtbot, window)
    m = _m(window)
    assert len(m.text) >= len(START) + 3, m.text
    cut = len(START) + 2
    before, old_tail = m.text[:cut], m.text[cut:]
    _put_cursor(editor, cut)

    qtbot.keyClick(editor, Qt.Key.Key_R, CTRL | SHIFT)
    _idle(qtbot, window)

    assert sent[-1][1] == before
    assert m.text.startswith(before) and editor.toPlainText() == m.text
    tail = next(p for p in m.places.values() if p.visible and p.start == cut and p.parent_id)
    assert m.alternatives(tail.id) == (1, 2)
    assert m.places[tail.id].alternatives[0].text == old_tail
    assert _action(window, "Undo Retry from here").isEnabled()
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert m.text == before + old_tail


def test_editing_the_models_text_makes_it_the_writers(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    _new_draft(qtbot, window)
    editor = _editor(window)
    _continue(qtbot, window)
    m = _m(window)
    end = len(m.text)
    _put_cursor(editor, len(START) + 1)
    qtbot.keyClicks(editor, "X")
    assert m.text[len(START) + 1] == "X" and m.author_at(len(START) + 1) == WRITER
    assert m.is_model_text(len(START)) and m.is_model_text(end)
    assert _action(window, "Undo Typing").isEnabled()


def test_a_restart_shows_the_same_manuscript(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    _new_draft(qtbot, window)
    editor = _editor(window)
    _continue(qtbot, window)
    qtbot.keyClick(editor, Qt.Key.Key_R, CTRL)
    _idle(qtbot, window)
    qtbot.keyClicks(editor, " The end.")
    # A page long enough to scroll (pasted), scrolled to its middle.
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.insertPlainText("".join(f"\nLine {i} of the pasted chapter." for i in range(200)))
    bar = editor.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scroll = bar.value()
    assert scroll > 0
    m = _m(window)
    _put_cursor(editor, 5)
    bar.setValue(scroll)  # the cursor at 5 scrolled the page up; the writer scrolls back
    text, runs, cursor = m.text, m.runs(), m.cursor
    alternatives = {p.id: m.alternatives(p.id) for p in m.places.values()}
    window.close()

    again = make_window(start=False)

    assert again.page_stack.currentWidget() is _editor(again)
    m2 = _m(again)
    assert m2.text == text and _editor(again).toPlainText() == text
    assert m2.runs() == runs
    assert {p.id: m2.alternatives(p.id) for p in m2.places.values()} == alternatives
    assert m2.cursor == cursor == 5 and _editor(again).position() == 5
    assert _editor(again).verticalScrollBar().value() == scroll


def test_chats_keep_the_transcript_and_the_model_must_be_ready(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window(start=False)
    _new_draft(qtbot, window)
    qtbot.keyClick(_editor(window), Qt.Key.Key_Return, CTRL)
    assert "not ready" in window.model_label.text()
    assert _m(window).text == START and not window.workspace_ui.streaming()

    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)  # New chat

    assert window.page_stack.currentWidget() is window.chat
    assert window.composer.isVisible()
    assert _action(window, "Regenerate last reply") is not None
    # The draft is still there when chosen again in the sidebar.
    draft_row = next(
        s["id"] for s in window.workspace_ui.workspace.summaries if s.get("kind") == "draft"
    )
    window.workspace_ui.select(draft_row)
    assert window.page_stack.currentWidget() is _editor(window)
    assert _editor(window).toPlainText() == START
    cursor = _editor(window).textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)


def test_reproduce_writes_the_continuation_again_with_its_seed(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    window.settings_panel.seed.setText("7")
    _new_draft(qtbot, window)
    editor = _editor(window)
    _continue(qtbot, window)
    m = _m(window)
    first = m.text
    window.settings_panel.seed.setText("")  # the stored seed counts, not the panel's
    window.settings_panel.temperature.setValue(1.7)
    _put_cursor(editor, len(START) + 1)

    _action(window, "Reproduce continuation").trigger()
    _idle(qtbot, window)

    place = m.last_place()
    assert place is not None and m.alternatives(place.id) == (1, 2)
    assert m.text == first  # same model, settings and seed: the same words
    assert editor.toPlainText() == first


def test_the_status_bar_and_the_marker_show_where_the_models_window_starts(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    _new_draft(qtbot, window, text="")
    editor = _editor(window)
    long_text = " ".join(f"word{i}" for i in range(2000))  # far more than 1024 tokens
    editor.insertPlainText(long_text)  # as a paste does
    label = window.workspace_ui.manuscript.label
    qtbot.waitUntil(lambda: editor.window_start() is not None, timeout=GEN_TIMEOUT_MS)
    start = editor.window_start()
    assert start is not None and 0 < start < len(long_text)
    assert "2,000 words" in label.text() or "2000 words" in label.text()
    assert f"from character {start + 1}" in label.text()
    assert "/1024 tokens" in label.text()


def test_the_shortcut_list_names_the_manuscripts_keys(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window(start=False)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL | SHIFT)
    window.help_menu.show_shortcuts()
    dialog = window.help_menu.shortcuts_dialog
    assert dialog is not None
    rows = dict(dialog.rows())
    dialog.close()
    assert rows["Continue from the end"].startswith("Ctrl+Return")
    assert rows["Continue at cursor"].startswith("Ctrl+Shift+Return")
    assert rows["Retry last continuation"] == "Ctrl+R"
    assert rows["Retry from here"] == "Ctrl+Shift+R"
    assert rows["Previous alternative"] == "Alt+Left"
    assert rows["Next alternative"] == "Alt+Right"
    assert rows["Undo"] == "Ctrl+Z" and rows["Redo"] == "Ctrl+Shift+Z"
    assert rows["Stop"] == "Esc"


def test_the_mode_drop_down_never_turns_a_written_draft_into_a_chat(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window(start=False)
    _new_draft(qtbot, window)
    panel = window.settings_panel
    panel.mode.setCurrentIndex(panel.mode.findData("chat"))
    conv = window.workspace_ui.workspace.current
    assert conv is not None and conv.kind == "draft"
    assert panel.mode.currentData() == "continue"
    assert window.page_stack.currentWidget() is _editor(window)
    assert "keeps its kind" in window.status_line.stats_label.text()
    # An empty chat may still become a draft: its page is shown.
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    assert window.page_stack.currentWidget() is window.chat
    panel.mode.setCurrentIndex(panel.mode.findData("continue"))
    assert window.page_stack.currentWidget() is _editor(window)
    assert _m(window).text == ""


def test_deleting_the_draft_being_written_stops_the_model_and_undo_brings_it_back(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    _new_draft(qtbot, window, tokens=100_000)
    editor = _editor(window)
    m = _m(window)
    conv_id = window.workspace_ui.workspace.current.id  # type: ignore[union-attr]
    rec = Recorder(window.host.worker)
    qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    rec.wait_first_token(qtbot, window.generation.request_id)

    window.workspace_ui.sidebar.delete_requested.emit(conv_id)

    assert not window.workspace_ui.streaming() and not window.generation.busy
    assert m.streaming() == [] and m.text.startswith(START)
    written = m.text
    window.workspace_ui.undo_delete_button.click()
    window.workspace_ui.select(conv_id)
    assert _editor(window).manuscript is m and editor.toPlainText() == written
    _put_cursor(editor, len(m.text))
    qtbot.keyClicks(editor, "!")  # not stuck read-only
    assert m.text == written + "!"


def test_a_failed_continuation_says_so_once_and_keeps_the_text(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    _new_draft(qtbot, window)
    editor = _editor(window)
    m = _m(window)
    qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    # The worker's failure report (a real one cannot be provoked on the tiny model),
    # before any of its text arrived.
    window.host.worker.generation_failed.emit(window.generation.request_id, "Generation failed: x")
    assert not window.workspace_ui.streaming()
    assert window.status_line.stats_label.text() == "Generation failed: x"
    assert m.text == START and editor.toPlainText() == START
    assert m.continuations == {} and not m.can_redo()  # no empty continuation left behind
    _idle(qtbot, window)  # the worker's own end of that request is dropped
    assert m.text == START
    qtbot.keyClicks(editor, "!")
    assert m.text == START + "!"
