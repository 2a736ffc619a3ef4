"""Tab autocomplete in drafts, with the tiny model, real widgets and real key presses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gpt2desk.core.writing.prompts import Mode
from gpt2desk.ui.generation.worker import ModelWorker, WorkerHost
from gpt2desk.ui.manuscript.editor import ManuscriptEditor
from gpt2desk.ui.window.help_menu import action_label, shortcut_text
from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.helpers import GEN_TIMEOUT_MS

MakeWindow = Callable[..., MainWindow]
EngineText = Callable[..., tuple[str, str]]
PROMPT = "Once upon a time"
# With this prompt, seed 5 writes 1000 tokens with no sentence end (checked below).
LONG_SEED = 5


class Suggestions(QObject):
    """Records the worker's suggestion signals in the GUI thread (see helpers.Recorder).

    ``rows_seen`` holds what the window's popup showed as each piece arrived.
    """

    def __init__(self, worker: ModelWorker, window: MainWindow | None = None) -> None:
        super().__init__()
        self.window = window
        self.pieces: list[tuple[int, int, str]] = []
        self.done: list[tuple[int, int, dict[str, Any]]] = []
        self.rows_seen: list[list[str]] = []
        worker.suggestion_generated.connect(self._on_piece)
        worker.suggestion_finished.connect(self._on_done)

    @Slot(int, int, str)
    def _on_piece(self, request_id: int, index: int, text: str) -> None:
        self.pieces.append((request_id, index, text))
        if self.window is not None:
            self.rows_seen.append(self.window.autocomplete.rows())

    @Slot(int, int, dict)
    def _on_done(self, request_id: int, index: int, info: dict[str, Any]) -> None:
        self.done.append((request_id, index, info))

    def infos(self, request_id: int | None = None) -> list[dict[str, Any]]:
        return [info for rid, _, info in self.done if request_id in (None, rid)]

    def wait(self, qtbot: Any, n: int = 3) -> list[dict[str, Any]]:
        qtbot.waitUntil(lambda: len(self.done) >= n, timeout=GEN_TIMEOUT_MS)
        return self.infos()


@pytest.fixture(scope="module")
def engine_text(tiny_model_dir: Path) -> Callable[..., tuple[str, str]]:
    """``engine_text(seed, max_new_tokens=8)``: text and end reason of a direct engine run."""
    from gpt2desk.core.engine.decode import Done, generate
    from gpt2desk.core.engine.loading import load_model
    from gpt2desk.core.model_source import parse_model_ref
    from gpt2desk.core.settings import GenerationSettings

    loaded = load_model(parse_model_ref(str(tiny_model_dir)), offline=True)

    def run(seed: int, max_new_tokens: int = 8) -> tuple[str, str]:
        settings = GenerationSettings(max_new_tokens=max_new_tokens, seed=seed)
        events = list(generate(loaded.runner, loaded.tokenizer, PROMPT, settings))
        assert isinstance(events[-1], Done)
        return "".join(e.text for e in events[:-1]), events[-1].reason

    return run


def needs_long_seed(engine_text: Callable[..., tuple[str, str]]) -> None:
    """The cancel tests rely on LONG_SEED writing on and on (pick another if the engine changed)."""
    assert engine_text(LONG_SEED, 1000)[1] == "length", "LONG_SEED ends early now: pick another"


def shown(text: str) -> str:
    """How the popup shows a finished suggestion."""
    return text.replace("\n", "⏎") or "(no words)"


def page(window: MainWindow) -> ManuscriptEditor:
    """A draft's page (its manuscript), where Tab asks for suggestions."""
    return window.workspace_ui.editor


def draft(qtbot: Any, window: MainWindow, text: str, position: int | None = None) -> None:
    """Types ``text`` into a new draft's page; the cursor at ``position`` (default: end)."""
    window.workspace_ui.new_conversation("draft")
    editor = page(window)
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    editor.insertPlainText(text)
    cursor = editor.textCursor()
    cursor.setPosition(len(text) if position is None else position)
    editor.setTextCursor(cursor)
    assert window.autocomplete.is_draft()


# -- the worker ----------------------------------------------------------------------


def test_the_worker_streams_three_seeded_suggestions(
    qtbot: Any, loaded_host: WorkerHost, engine_text: EngineText
) -> None:
    rec = Suggestions(loaded_host.worker)
    request_id = loaded_host.suggest(PROMPT, {"seed": 40}, 3, 8)
    infos = rec.wait(qtbot)
    qtbot.wait(50)  # anything sent after the third would arrive now
    assert [index for _, index, _ in rec.done] == [0, 1, 2]
    assert [info["seed"] for info in infos] == [40, 41, 42]
    for index, info in enumerate(infos):
        pieces = [t for rid, i, t in rec.pieces if (rid, i) == (request_id, index)]
        assert "".join(pieces) == info["text"]
        whole, _ = engine_text(info["seed"])
        assert whole.startswith(info["text"])


def test_stopping_a_suggest_request_frees_the_model_at_once(
    qtbot: Any, loaded_host: WorkerHost, engine_text: EngineText
) -> None:
    needs_long_seed(engine_text)
    rec = Suggestions(loaded_host.worker)
    request_id = loaded_host.suggest(PROMPT, {"seed": LONG_SEED}, 3, 100_000)
    qtbot.waitUntil(lambda: bool(rec.pieces), timeout=GEN_TIMEOUT_MS)
    loaded_host.cancel(request_id)
    [info] = rec.wait(qtbot, 1)
    assert info["reason"] == "cancelled"
    assert info["new_tokens"] < 1000
    qtbot.wait(100)
    assert [index for _, index, _ in rec.done] == [0]  # the other two never started


# -- the window ----------------------------------------------------------------------


def test_tab_in_a_draft_streams_three_suggestions_from_three_seeds(
    qtbot: Any, make_window: MakeWindow, engine_text: EngineText
) -> None:
    window = make_window()
    rec = Suggestions(window.host.worker, window)
    draft(qtbot, window, PROMPT)
    QTest.keyClick(page(window), Qt.Key.Key_Tab)
    assert window.autocomplete.active()
    assert window.autocomplete.rows() == ["…", "…", "…"]
    assert page(window).toPlainText() == PROMPT  # no tab typed
    infos = rec.wait(qtbot)
    # As the first piece arrived, the first row filled in; the others still waited.
    first = rec.rows_seen[0]
    assert first[0].endswith(" …") and first[0] != "…"
    assert first[1:] == ["…", "…"]
    seeds = [info["seed"] for info in infos]
    assert len(set(seeds)) == 3
    for info in infos:
        whole, _ = engine_text(info["seed"])
        assert whole.startswith(info["text"])
    assert window.autocomplete.rows() == [shown(info["text"]) for info in infos]
    assert page(window).hasFocus()
    # Screen readers hear each suggestion once it is complete.
    announced = window.autocomplete.announcer.announced
    assert any(s.startswith("Suggestion 3 of 3:") for s in announced)


def test_down_enter_inserts_the_second_at_the_cursor_as_one_undo_step(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    window.settings_panel.seed.setText("0")  # seeds 0, 1, 2: none is empty on this prompt
    rec = Suggestions(window.host.worker, window)
    text = PROMPT + ", the end."
    draft(qtbot, window, text, len(PROMPT))
    QTest.keyClicks(page(window), "!")  # typed just before: not part of the undo step
    QTest.keyClick(page(window), Qt.Key.Key_Tab)
    second = rec.wait(qtbot)[1]["text"]
    assert second
    QTest.keyClick(page(window), Qt.Key.Key_Down)
    QTest.keyClick(page(window), Qt.Key.Key_Return)
    before, after = PROMPT + "!", ", the end."
    assert page(window).toPlainText() == before + second + after
    assert not window.autocomplete.active()
    cursor = page(window).textCursor()
    assert cursor.position() == len((before + second).encode("utf-16-le")) // 2
    # In the manuscript like typed text (saved from there).
    m = page(window).manuscript
    assert m is not None and m.text == before + second + after
    QTest.keyClick(page(window), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page(window).toPlainText() == before + after


def test_esc_dismisses_and_leaves_the_text_as_it_was(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    rec = Suggestions(window.host.worker, window)
    draft(qtbot, window, PROMPT, 4)
    QTest.keyClick(page(window), Qt.Key.Key_Tab)
    rec.wait(qtbot)
    QTest.keyClick(page(window), Qt.Key.Key_Escape)
    assert not window.autocomplete.active()
    assert page(window).toPlainText() == PROMPT
    assert page(window).textCursor().position() == 4
    assert not window.workspace_ui.streaming()  # Esc did not reach the window's Stop either
    # Text typed through an input method (as Chinese is) closes it too, and is kept.
    QTest.keyClick(page(window), Qt.Key.Key_Tab)
    assert window.autocomplete.active()
    typed = QInputMethodEvent()
    typed.setCommitString("字")
    QApplication.sendEvent(page(window), typed)
    assert not window.autocomplete.active()
    assert page(window).toPlainText() == PROMPT[:4] + "字" + PROMPT[4:]


def test_typing_while_suggestions_stream_cancels_them_at_once(
    qtbot: Any, make_window: MakeWindow, engine_text: EngineText
) -> None:
    needs_long_seed(engine_text)
    window = make_window()
    window.settings_panel.seed.setText(str(LONG_SEED))
    window.autocomplete.max_tokens = 100_000  # the first suggestion would run for minutes
    rec = Suggestions(window.host.worker, window)
    draft(qtbot, window, PROMPT)
    QTest.keyClick(page(window), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: window.autocomplete.rows()[0] != "…", timeout=GEN_TIMEOUT_MS)
    QTest.keyClicks(page(window), "x")
    assert not window.autocomplete.active()
    assert page(window).toPlainText() == PROMPT + "x"
    rows = window.autocomplete.rows()
    [info] = rec.wait(qtbot, 1)
    assert info["reason"] == "cancelled"
    assert info["new_tokens"] < 1000
    qtbot.wait(100)
    assert len(rec.done) == 1  # no other suggestion was started
    assert window.autocomplete.rows() == rows
    assert not window.autocomplete.active()
    # The model is free: a continuation starts and ends right away.
    window.settings_panel.max_new_tokens.setValue(3)
    window.send()
    qtbot.waitUntil(lambda: "tokens/s" in window.stats_label.text(), timeout=GEN_TIMEOUT_MS)


def test_a_click_on_a_suggestion_inserts_it(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    window.settings_panel.seed.setText("0")
    rec = Suggestions(window.host.worker, window)
    draft(qtbot, window, PROMPT)
    QTest.keyClick(page(window), Qt.Key.Key_Tab)
    third = rec.wait(qtbot)[2]["text"]
    popup = window.autocomplete.popup
    QTest.mouseClick(
        popup.viewport(),
        Qt.MouseButton.LeftButton,
        pos=popup.visualRect(popup.model().index(2, 0)).center(),
    )
    assert page(window).toPlainText() == PROMPT + third
    assert page(window).hasFocus()


def test_tab_in_a_chat_types_a_tab(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    rec = Suggestions(window.host.worker, window)
    window.workspace_ui.new_conversation("chat")
    panel = window.settings_panel
    panel.mode.setCurrentIndex(panel.mode.findData(Mode.CHAT.value))
    window.composer.setFocus()
    qtbot.waitUntil(window.composer.hasFocus)
    QTest.keyClicks(window.composer, "Hello")
    QTest.keyClick(window.composer, Qt.Key.Key_Tab)
    assert window.composer.toPlainText() == "Hello\t"
    assert not window.autocomplete.active()
    qtbot.wait(100)
    assert rec.pieces == rec.done == []


def test_without_a_model_tab_says_so(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window(start=False)
    draft(qtbot, window, PROMPT)
    QTest.keyClick(page(window), Qt.Key.Key_Tab)
    assert not window.autocomplete.active()
    assert window.statusBar().currentMessage().startswith("No model is ready for suggestions yet.")
    assert page(window).toPlainText() == PROMPT


def test_while_the_model_writes_tab_says_so(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(100_000)
    draft(qtbot, window, PROMPT)
    window.send()  # Ctrl+Enter: the model continues the draft
    assert window.workspace_ui.streaming()
    QTest.keyClick(page(window), Qt.Key.Key_Tab)
    assert not window.autocomplete.active()
    assert "The model is writing" in window.statusBar().currentMessage()
    window.stop()


@pytest.mark.parametrize("forward", [True, False])
def test_ctrl_tab_and_shift_tab_leave_the_composer(
    qtbot: Any, make_window: MakeWindow, forward: bool
) -> None:
    window = make_window(start=False)
    draft(qtbot, window, PROMPT)
    if forward:
        QTest.keyClick(page(window), Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    else:
        QTest.keyClick(page(window), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert not page(window).hasFocus()
    assert page(window).toPlainText() == PROMPT
    assert not window.autocomplete.active()


def test_the_shortcut_list_names_tab(make_window: MakeWindow) -> None:
    window = make_window(start=False)
    action = window.autocomplete.action
    assert (action_label(action), shortcut_text(action)) == ("Suggest continuation", "Tab")
    window.help_menu.show_shortcuts()
    dialog = window.help_menu.shortcuts_dialog
    assert dialog is not None
    assert ("Suggest continuation", "Tab") in dialog.rows()
    dialog.close()
    popup = window.autocomplete.popup
    assert popup.accessibleName() and "Enter inserts" in popup.accessibleDescription()
