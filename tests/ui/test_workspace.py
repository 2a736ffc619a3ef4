"""The writing workspace as a user drives it: saved, restored, regenerated, exported."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QTextCursor, QWheelEvent
from PySide6.QtWidgets import QApplication

from gpt2desk.core.store.database import Store
from gpt2desk.ui.conversation.edit_dialog import EditTurnDialog
from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.helpers import GEN_TIMEOUT_MS

MakeWindow = Callable[..., MainWindow]


def _idle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: not window.workspace_ui.streaming() and window.send_button.isEnabled(),
        timeout=GEN_TIMEOUT_MS,
    )


def _send(qtbot: Any, window: MainWindow, text: str) -> None:
    window.composer.setPlainText(text)
    window.send()
    _idle(qtbot, window)


def _path(window: MainWindow) -> list[str]:
    conv = window.workspace_ui.workspace.current
    assert conv is not None
    return [t.text for t in conv.path()]


def test_everything_is_restored_on_reopen(
    qtbot: Any, make_window: MakeWindow, isolated_data_dir: Path
) -> None:
    first = make_window()
    first.settings_panel.max_new_tokens.setValue(5)
    _send(qtbot, first, "First conversation")
    first.workspace_ui.new_conversation("chat")
    _send(qtbot, first, "Second conversation")
    first.workspace_ui.import_file(str(_long_file(isolated_data_dir.parent)))
    first.workspace_ui.select("long")
    qtbot.waitUntil(lambda: first.chat.verticalScrollBar().maximum() > 300)
    # Just after a conversation is shown, the bar is being put back where it was.
    qtbot.waitUntil(lambda: not first.workspace_ui.scroll.restoring)
    first.chat.verticalScrollBar().setValue(250)
    first.composer.setPlainText("not sent yet <b>")
    selected = first.workspace_ui.workspace.current
    assert selected is not None
    first.close()

    second = make_window(start=False)
    ws = second.workspace_ui.workspace
    assert ws.current is not None and ws.current.id == selected.id
    assert second.composer.toPlainText() == "not sent yet <b>"
    qtbot.waitUntil(lambda: second.chat.verticalScrollBar().value() == 250)
    titles = [c["title"] for c in ws.summaries]
    assert titles == ["long.md", "Second conversation", "First conversation"]
    assert second.workspace_ui.sidebar.list.count() == 3


def _long_file(folder: Path) -> Path:
    """A backup holding one long chat titled "long.md" (a .md file would be a draft's page)."""
    text = "\n".join(f"line {i} of a long draft" for i in range(400))
    now = time.time()
    turn = {"id": "long-t", "role": "user", "text": text, "created": now}
    conv = {"id": "long", "kind": "chat", "title": "long.md", "created": now, "updated": now}
    doc = {"format": "gpt2desk", "version": 1, "conversations": [{**conv, "turns": [turn]}]}
    path = folder / "long.json"
    path.write_text(json.dumps(doc))
    return path


def test_regenerate_keeps_alternatives_with_their_provenance(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    panel = window.settings_panel
    panel.mode.setCurrentIndex(panel.mode.findData("chat"))
    panel.max_new_tokens.setValue(8)
    panel.seed.setText("1")
    _send(qtbot, window, "hello")
    ui = window.workspace_ui
    conv = ui.workspace.current
    assert conv is not None
    first = conv.path()[-1]
    assert first.passages[0]["seed"] == 1
    assert first.passages[0]["model"] == window.generation.model_name
    assert first.passages[0]["new_tokens"] >= 1
    assert first.passages[0]["settings"]["max_new_tokens"] == 8
    panel.seed.setText("2")
    ui.regenerate(first.id)
    _idle(qtbot, window)
    second = conv.path()[-1]
    assert second.id != first.id and second.passages[0]["seed"] == 2
    assert "◀ 2/2 ▶" in window.chat.toPlainText()
    ui.turn_action("prev", second.id)
    assert conv.path()[-1].id == first.id
    assert "◀ 1/2 ▶" in window.chat.toPlainText()
    ui.undo()
    assert ui.workspace.current is not None
    assert ui.workspace.current.path()[-1].id == second.id
    ui.redo()
    assert ui.workspace.current.path()[-1].id == first.id
    # Reproduce: the same settings and seed give the same text.
    ui.turn_action("reproduce", first.id)
    _idle(qtbot, window)
    assert ui.workspace.current.path()[-1].text == first.text
    window.close()
    store = Store.open(Path(ui.workspace.folder))
    saved = store.load_conversation(conv.id)
    assert saved is not None
    assert len([t for t in saved["turns"] if t["role"] == "assistant"]) == 3


def test_continue_extends_the_last_reply_and_edit_keeps_a_branch(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(6)
    _send(qtbot, window, "Once upon a time")
    ui = window.workspace_ui
    conv = ui.workspace.current
    assert conv is not None
    reply = conv.path()[-1]
    before = reply.text
    ui.continue_(None)
    _idle(qtbot, window)
    assert len(conv.path()) == 2
    assert reply.text.startswith(before) and len(reply.text) > len(before)
    assert [p["start"] for p in reply.passages] == [0, len(before)]
    user = conv.path()[0]
    ui.edit(user.id, "A different start")
    _idle(qtbot, window)
    assert _path(window)[0] == "A different start"
    ui.turn_action("prev", conv.path()[0].id)
    assert _path(window) == ["Once upon a time", reply.text]


def test_delete_can_be_undone_for_a_few_seconds(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window(start=False)
    ui = window.workspace_ui
    ui.new_conversation("draft")
    assert ui.workspace.current is not None
    cid = ui.workspace.current.id
    ui.workspace.rename(cid, "Keep me")
    ui.delete(cid)
    assert ui.sidebar.list.count() == 0
    assert ui.undo_delete_button.isVisible()
    ui.undo_delete_button.click()
    assert [c["title"] for c in ui.workspace.summaries] == ["Keep me"]
    assert ui.sidebar.ids() == [cid]


def test_search_filters_the_sidebar(qtbot: Any, make_window: MakeWindow, tmp_path: Path) -> None:
    window = make_window(start=False)
    ui = window.workspace_ui
    for name, text in (("a.md", "about Foxes"), ("b.md", "about dogs")):
        (tmp_path / name).write_text(text)
        ui.import_file(str(tmp_path / name))
    ui.sidebar.search.setText("FOX")
    qtbot.waitUntil(lambda: len(ui.sidebar.ids()) == 1)
    assert [c["title"] for c in ui.workspace.summaries if c["id"] in ui.sidebar.ids()] == ["a.md"]
    ui.sidebar.search.clear()
    qtbot.waitUntil(lambda: len(ui.sidebar.ids()) == 2)


TRICKY = "<b>bold</b> **md** &amp; <script>x</script>\x07 nul\x00 \u202eRTL\u202c \u05e9\u05dc"


def test_exports_and_imports_round_trip(
    qtbot: Any, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = make_window(start=False)
    ui = window.workspace_ui
    source = tmp_path / "draft.md"
    source.write_text(TRICKY, encoding="utf-8")
    assert ui.import_file(str(source)) == ""
    assert TRICKY in ui.editor.toPlainText()  # on its page as text, never as markup
    assert ui.export(str(tmp_path / "out.md"), "md") == ""
    assert TRICKY in (tmp_path / "out.md").read_text(encoding="utf-8")
    assert ui.export(str(tmp_path / "out.txt"), "txt") == ""
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == TRICKY
    assert ui.export(str(tmp_path / "all.json"), "json") == ""
    doc = json.loads((tmp_path / "all.json").read_text())
    ui.workspace.delete(ui.workspace.summaries[0]["id"])
    assert ui.import_file(str(tmp_path / "all.json")) == ""
    assert ui.export(str(tmp_path / "again.json"), "json") == ""
    assert json.loads((tmp_path / "again.json").read_text()) == doc
    assert ui.export(str(tmp_path / "missing-dir" / "x.json"), "json").startswith("Cannot write")
    assert not (tmp_path / "missing-dir").exists()


def test_the_context_indicator_counts_positions_and_says_what_is_left_out(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(100)
    window.composer.setPlainText("short text")
    qtbot.waitUntil(lambda: window.workspace_ui.context_label.text().startswith("Context "))
    assert "/" in window.workspace_ui.context_label.text()
    assert "left out" not in window.workspace_ui.context_label.text()
    window.composer.setPlainText("START " + "word " * 5000)
    qtbot.waitUntil(lambda: "left out" in window.workspace_ui.context_label.text())
    assert "START" in window.workspace_ui.context_label.toolTip()


def test_lone_surrogates_are_shown_as_a_stand_in_and_stored_exactly(
    qtbot: Any, make_window: MakeWindow, tmp_path: Path
) -> None:
    # Qt silently drops lone surrogates; the panel shows U+FFFD in their place.
    window = make_window(start=False)
    ui = window.workspace_ui
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(b"caf\xe9 <i>x</i>")  # not UTF-8: read with surrogateescape
    assert ui.import_file(str(latin1)) == ""
    assert "caf\ufffd <i>x</i>" in ui.editor.toPlainText()  # a draft: its page
    assert ui.workspace.current is not None
    assert ui.workspace.current.path()[0].text == "caf\udce9 <i>x</i>"
    turn = {"id": "t", "role": "user", "text": "a\U0001f600b \ud800", "created": 1.0}
    conv = {"id": "s1", "kind": "chat", "title": "T\udfff", "created": 1.0, "updated": 1.0}
    doc = {"format": "gpt2desk", "version": 1, "conversations": [{**conv, "turns": [turn]}]}
    doc["conversations"][0]["composer"] = "x\udfffy"
    (tmp_path / "s.json").write_text(json.dumps(doc))
    assert ui.import_file(str(tmp_path / "s.json")) == ""
    ui.select("s1")
    assert "a\U0001f600b \ufffd" in window.chat.toPlainText()
    assert window.composer.toPlainText() == "x\ufffdy"
    assert ui.sidebar.list.item(ui.sidebar.ids().index("s1")).text().startswith("T\ufffd")
    # Saving what is shown keeps the exact text, not the stand-in.
    ui.workspace.composer_touched()
    window.close()
    store = Store.open(Path(ui.workspace.folder))
    saved = store.load_conversation("s1")
    assert saved is not None
    assert saved["composer"] == "x\udfffy" and saved["title"] == "T\udfff"
    assert saved["turns"][0]["text"] == "a\U0001f600b \ud800"
    store.close()


def test_showing_searching_and_exporting_never_wait_for_the_writer(
    qtbot: Any, make_window: MakeWindow, isolated_data_dir: Path, tmp_path: Path
) -> None:
    store = Store.open(isolated_data_dir)
    for cid, updated, text in (("older", 1.0, "an older needle"), ("newer", 2.0, "newer text")):
        turn = {"id": cid + "-t", "role": "user", "text": text, "created": updated}
        store.save_conversation(
            {"id": cid, "kind": "draft", "title": cid, "created": updated, "updated": updated,
             "model": "", "turns": [turn]}
        )  # fmt: skip
    store.close()
    window = make_window(start=False)
    ui = window.workspace_ui
    ws = ui.workspace
    started, release = threading.Event(), threading.Event()

    def busy_writer(_store: Store) -> bool:
        # Stands for a slow disk: the writer thread is stuck until released.
        started.set()
        return release.wait(30)

    held = ws.writer.submit(busy_writer)
    assert started.wait(10)
    try:
        ui.select("older")  # not read yet
        assert "an older needle" in ui.editor.toPlainText()  # a draft: its page
        window.composer.setPlainText("typed needle")
        ui.new_conversation("chat")
        assert ws.search("NEEDLE") == ["older"]
        assert ui.export(str(tmp_path / "all.json"), "json") == ""
        assert not held.done()  # all of it while the writer was busy
    finally:
        release.set()
    assert held.result() is True
    doc = json.loads((tmp_path / "all.json").read_text())
    composers = {c["id"]: c["composer"] for c in doc["conversations"]}
    assert composers["older"] == "typed needle" and len(composers) == 3


def test_regenerate_and_continue_are_undone_and_redone_with_the_keyboard(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    panel = window.settings_panel
    panel.mode.setCurrentIndex(panel.mode.findData("chat"))
    panel.max_new_tokens.setValue(6)
    _send(qtbot, window, "hello")
    ui = window.workspace_ui
    first = _path(window)
    reply = ui.workspace.current.path()[-1]  # type: ignore[union-attr]
    ui.regenerate(reply.id)
    _idle(qtbot, window)
    assert "◀ 2/2 ▶" in window.chat.toPlainText()
    window.chat.setFocus()  # the composer's own Ctrl+Z undoes typing
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.chat, Qt.Key.Key_Z, ctrl)
    assert "2/2" not in window.chat.toPlainText() and _path(window) == first
    qtbot.keyClick(window.chat, Qt.Key.Key_Z, ctrl | shift)
    assert "◀ 2/2 ▶" in window.chat.toPlainText()
    regenerated = _path(window)
    ui.continue_(None)
    _idle(qtbot, window)
    assert len(_path(window)[-1]) > len(regenerated[-1])
    qtbot.keyClick(window.chat, Qt.Key.Key_Z, ctrl)
    assert _path(window) == regenerated
    qtbot.keyClick(window.chat, Qt.Key.Key_Z, ctrl)
    assert _path(window) == first


def test_editing_a_model_turn_in_the_middle_generates_from_the_edit(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    panel = window.settings_panel
    panel.mode.setCurrentIndex(panel.mode.findData("chat"))
    panel.max_new_tokens.setValue(6)
    _send(qtbot, window, "hello")
    _send(qtbot, window, "and then")
    ui = window.workspace_ui
    conv = ui.workspace.current
    assert conv is not None
    old_path = _path(window)
    assert len(old_path) == 4
    sent: list[tuple[Any, ...]] = []
    window.host.generate_requested.connect(lambda *args: sent.append(args))
    ui.turn_action("edit", conv.path()[1].id)
    dialog = window.findChild(EditTurnDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.generate_button.text() == "Save and continue"
    dialog.editor.setPlainText("An EDITED reply")
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    _idle(qtbot, window)
    # The prompt ends with the edited text and nothing of the later turns.
    assert len(sent) == 1
    prompt = sent[0][1]
    assert prompt.endswith("An EDITED reply") and "hello" in prompt and "and then" not in prompt
    edited = conv.path()[-1]
    assert len(conv.path()) == 2 and edited.role == "assistant"
    assert edited.text.startswith("An EDITED reply") and len(edited.text) > len("An EDITED reply")
    assert edited.passages[-1]["start"] == len("An EDITED reply")
    assert "◀ 2/2 ▶" in window.chat.toPlainText()
    # The old reply and the turns after it are the other branch.
    ui.turn_action("prev", edited.id)
    assert _path(window) == old_path
    assert "◀ 1/2 ▶" in window.chat.toPlainText()
    ui.turn_action("next", conv.path()[1].id)
    assert _path(window) == ["hello", edited.text]


def test_scrolling_right_after_a_conversation_is_shown_is_kept(
    qtbot: Any, make_window: MakeWindow, isolated_data_dir: Path
) -> None:
    first = make_window(start=False)
    ui = first.workspace_ui
    # However long the saved position is being put back, the user's scrolling wins.
    ui.scroll._timer.setInterval(600_000)
    ui.import_file(str(_long_file(isolated_data_dir.parent)))
    ui.select("long")
    bar = first.chat.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 300)
    assert ui.scroll.restoring
    first.chat.setFocus()
    qtbot.keyClick(first.chat, Qt.Key.Key_PageDown)
    viewport = first.chat.viewport()
    centre = QPointF(viewport.rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(viewport.mapToGlobal(centre.toPoint())),
        QPoint(),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, wheel)
    scrolled = bar.value()
    assert scrolled > bar.pageStep()
    qtbot.wait(100)  # later layout passes do not put the bar back
    assert bar.value() == scrolled and not ui.scroll.restoring
    first.close()

    second = make_window(start=False)
    qtbot.waitUntil(lambda: second.chat.verticalScrollBar().value() == scrolled)


def _menu(window: MainWindow, turn_id: str) -> dict[str, QAction]:
    """The chat panel's context menu over a turn, as a user would open it: text -> action."""
    chat = window.chat
    frame = next(f for f, t in chat._frames if t.id == turn_id)
    cursor = QTextCursor(chat.document())
    cursor.setPosition(frame.firstPosition() + 2)
    menu = chat.turn_menu(chat.cursorRect(cursor).center())
    return {a.text(): a for a in menu.actions() if a.text()}


def test_continue_is_offered_on_the_last_turn_of_a_draft_and_of_a_chat(
    qtbot: Any, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(4)
    ui = window.workspace_ui
    (tmp_path / "draft.md").write_text("A draft that goes on")
    assert ui.import_file(str(tmp_path / "draft.md")) == ""
    # A draft is one page (issue 12): Continue writes at the cursor, after the text here.
    m = ui.editor.manuscript
    assert m is not None and m.text == "A draft that goes on"
    ui.editor.moveCursor(QTextCursor.MoveOperation.End)
    ui.menu.continue_action.trigger()
    _idle(qtbot, window)
    assert m.text.startswith("A draft that goes on") and len(m.text) > len("A draft that goes on")
    assert m.is_model_text(len("A draft that goes on"))

    panel = window.settings_panel
    panel.mode.setCurrentIndex(panel.mode.findData("chat"))
    ui.new_conversation("chat")
    _send(qtbot, window, "hello")
    _send(qtbot, window, "and then")
    chat = ui.workspace.current
    assert chat is not None
    user, middle, _, last = chat.path()
    assert "Continue" not in _menu(window, user.id)
    middle_actions = _menu(window, middle.id)
    assert "Regenerate" in middle_actions and "Continue" not in middle_actions
    assert {"Continue", "Regenerate"} <= _menu(window, last.id).keys()
