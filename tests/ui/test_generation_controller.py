"""The generation controller as the user meets it: the composer, the status bar, the log."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget

from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.helpers import GEN_TIMEOUT_MS, LOAD_TIMEOUT_MS, wait_ready

MakeWindow = Callable[..., MainWindow]


def _send(qtbot: Any, window: MainWindow, text: str) -> None:
    window.composer.setFocus()
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def _idle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: not window.chat.streaming() and window.send_button.isEnabled(),
        timeout=GEN_TIMEOUT_MS,
    )


def _break_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's next reply fails inside the engine (as a TensorFlow error would)."""
    from gpt2desk.core.engine import decode

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(decode, "generate", broken)


def test_a_failed_regenerate_leaves_the_empty_composer_empty(
    qtbot: Any, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(3)
    _send(qtbot, window, "already sent")
    _idle(qtbot, window)
    assert window.composer.toPlainText() == ""
    _break_generation(monkeypatch)
    qtbot.keyClick(window.composer, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "the engine broke" in window.stats_label.text(), timeout=GEN_TIMEOUT_MS)
    _idle(qtbot, window)
    # The message was sent long ago: nothing comes back into the composer.
    assert window.composer.toPlainText() == ""
    # A Send whose reply fails before any text gives the unsent text back.
    _send(qtbot, window, "not answered")
    assert window.composer.toPlainText() == ""
    qtbot.waitUntil(lambda: window.composer.toPlainText() == "not answered", timeout=GEN_TIMEOUT_MS)


def test_the_last_replys_statistics_go_when_the_next_starts_or_another_conversation_shows(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(3)
    _send(qtbot, window, "one")
    _idle(qtbot, window)
    assert "tokens/s" in window.stats_label.text()
    window.settings_panel.max_new_tokens.setValue(100_000)
    _send(qtbot, window, "two")
    # The reply under way is not the one those numbers were about.
    assert "tokens/s" not in window.stats_label.text()
    qtbot.keyClick(window.composer, Qt.Key.Key_Escape)
    _idle(qtbot, window)
    assert "tokens/s" in window.stats_label.text()
    qtbot.keyClick(window.composer, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.chat.toPlainText().strip() == "")
    assert "tokens/s" not in window.stats_label.text()


def test_send_with_a_model_that_failed_to_load_says_so_and_what_to_do(
    qtbot: Any, tmp_path: Path
) -> None:
    missing = tmp_path / "no-model-here"
    window = MainWindow(str(missing), offline=True)
    try:
        window.show()
        window.start()
        qtbot.waitUntil(lambda: "failed" in window.model_label.text(), timeout=LOAD_TIMEOUT_MS)
        _send(qtbot, window, "keep me")
        status = window.model_label.text()
        assert "not ready yet" not in status
        assert "could not be loaded" in status
        assert str(missing) in status  # why
        assert "Models…" in status  # what to do
        assert window.composer.toPlainText() == "keep me"
    finally:
        window.close()


def _box(widget: QWidget, outer: QWidget) -> QRect:
    return QRect(widget.mapTo(outer, QPoint(0, 0)), widget.size())


def _shows_all_or_says_so(label: Any) -> bool:
    """The whole text fits, or the label shows it cut with "…" and a tooltip holds it all."""
    needed = label.fontMetrics().horizontalAdvance(label.text())
    if label.contentsRect().width() >= needed:
        return True
    return bool(label.text() in label.toolTip())


def test_status_bar_texts_are_cut_visibly_and_never_overlap(
    qtbot: Any, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = make_window()
    window.resize(800, 700)
    missing = tmp_path / ("a-folder-with-a-rather-long-name-" * 3)
    window.load_model(str(missing))
    qtbot.waitUntil(lambda: "still using" in window.model_label.text(), timeout=LOAD_TIMEOUT_MS)
    window.settings_panel.max_new_tokens.setValue(3)
    _send(qtbot, window, "count")
    _idle(qtbot, window)
    qtbot.wait(0)  # the status bar lays out again
    bar = window.statusBar()
    model, stats = window.model_label, window.stats_label
    assert "tokens/s" in stats.text()
    for label in (model, stats):
        assert label.isVisible()
        assert _shows_all_or_says_so(label), (label.text(), label.width())
    assert not _box(model, bar).intersects(_box(stats, bar))
    # The tokens count is shown whole, never as its last digits.
    assert stats.contentsRect().width() >= stats.fontMetrics().horizontalAdvance("3 tokens")
    # A long notice (the read-only one of a second window) stays one line.
    ws = window.workspace_ui
    ws.show_storage_message(
        "Another gpt2desk window is saving conversations in this folder, so this one is "
        "read-only: your changes here are not saved. Close the other window and start "
        "gpt2desk again to write here. " * 2
    )
    qtbot.wait(0)
    line = ws.storage_label.fontMetrics().lineSpacing()
    assert ws.storage_label.height() < 2 * line + 8
    assert _shows_all_or_says_so(ws.storage_label)


def test_continue_with_another_model_names_both_on_the_turn(
    qtbot: Any, make_window: MakeWindow, tiny_model_dir: Path, tmp_path: Path
) -> None:
    other = tmp_path / "second-model"
    shutil.copytree(tiny_model_dir, other)
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(3)
    _send(qtbot, window, "Begin")
    _idle(qtbot, window)
    window.load_model(str(other))
    qtbot.waitUntil(
        lambda: window.model_label.text() == f"Ready — {other}", timeout=LOAD_TIMEOUT_MS
    )
    wait_ready(qtbot, window)
    qtbot.keyClick(
        window.composer,
        Qt.Key.Key_Return,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.chat.streaming() or window.stop_button.isEnabled())
    _idle(qtbot, window)
    conv = window.workspace_ui.workspace.current
    assert conv is not None
    last = conv.last()
    assert last is not None
    headings = [t.heading for t in _shown_turns(window)]
    assert [p.get("model") for p in last.passages] == [str(tiny_model_dir), str(other)], headings
    assert headings[-1] == f"{tiny_model_dir.name} + second-model", headings


def _shown_turns(window: MainWindow) -> list[Any]:
    chat = window.chat
    turns = []
    position = 0
    end = chat.document().characterCount()
    seen: set[str] = set()
    while position < end:
        turn = chat.turn_at(position)
        if turn is not None and turn.id not in seen:
            seen.add(turn.id)
            turns.append(turn)
        position += 1
    return turns


def test_the_log_says_which_model_loaded_how_fast_and_what_failed(
    qtbot: Any,
    make_window: MakeWindow,
    tiny_model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="gpt2desk")
    window = make_window()
    loaded = [r.getMessage() for r in caplog.records if "loaded" in r.getMessage()]
    assert loaded and str(tiny_model_dir) in loaded[0], loaded
    assert " s" in loaded[0]  # the time it took
    missing = tmp_path / "missing-model"
    window.load_model(str(missing))
    qtbot.waitUntil(lambda: "still using" in window.model_label.text(), timeout=LOAD_TIMEOUT_MS)
    assert any(
        r.levelno == logging.WARNING and str(missing) in r.getMessage() for r in caplog.records
    )
    _break_generation(monkeypatch)
    _send(qtbot, window, "fail")
    qtbot.waitUntil(lambda: "the engine broke" in window.stats_label.text(), timeout=GEN_TIMEOUT_MS)
    assert any(
        r.levelno == logging.WARNING
        and "the engine broke" in r.getMessage()
        and "reply" in r.getMessage()
        for r in caplog.records
    )
