"""The main window as a user drives it: keys, streamed text, status bar, settings."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.conftest import SharedModel
from tests.ui.helpers import GEN_TIMEOUT_MS, Recorder, wait_ready

MakeWindow = Callable[..., MainWindow]
ROOT = Path(__file__).resolve().parents[2]


def _send_with_keys(qtbot: Any, window: MainWindow, text: str) -> None:
    """Types ``text`` into the composer and presses Ctrl+Return."""
    window.composer.setFocus()
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def _chat_text(window: MainWindow) -> str:
    """The conversation as plain text, without the blocks around the turn frames.

    A QTextDocument keeps an empty block before the first frame and after
    the last one; they show as the frames' margins, not as text.
    """
    return window.chat.toPlainText().removeprefix("\n").removesuffix("\n")


def _as_shown(text: str) -> str:
    """``text`` as ``toPlainText()`` gives it back: line breaks as "\\n", nbsp as space."""
    for ch in ("\r\n", "\r", "\u2028", "\u2029"):
        text = text.replace(ch, "\n")
    return text.replace("\xa0", " ")


def _model_turn(window: MainWindow, tiny_model_dir: Path) -> str:
    """The text after the last model turn header."""
    text = _chat_text(window)
    header = f"\n{tiny_model_dir.name}\n"
    assert header in text, text
    return text.rsplit(header, 1)[1]


def _wait_idle(qtbot: Any, window: MainWindow) -> None:
    """Waits until the reply is over and the window accepts the next message."""
    qtbot.waitUntil(
        lambda: not window.chat.streaming() and window.send_button.isEnabled(),
        timeout=GEN_TIMEOUT_MS,
    )


def test_the_window_paints_before_tensorflow_loads(tiny_model_dir: Path, tmp_path: Path) -> None:
    # A child process: this one imported TensorFlow long ago.
    proc = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("first_paint.py")),
            str(tiny_model_dir),
            str(tmp_path / "settings"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["visible"]
    assert result["tf_at_import"] is False
    assert result["tf_after_show"] is False
    assert result["status_after_show"].startswith("Loading")
    assert result["status_final"].startswith("Ready"), result
    assert result["tf_when_ready"] is True
    assert result["thread_running_after_close"] is False


def test_ctrl_return_sends_and_the_reply_streams_in(
    qtbot: Any, make_window: MakeWindow, tiny_model_dir: Path
) -> None:
    window = make_window()
    window.settings_panel.seed.setText("3")
    window.settings_panel.max_new_tokens.setValue(60)
    rec = Recorder(window.host.worker)
    lengths: list[int] = []
    # Connected after the window's own slot, so each length includes the token.
    rec.token_generated.connect(lambda _rid, _text: lengths.append(len(window.chat.toPlainText())))
    _send_with_keys(qtbot, window, "Once upon a time")
    request_id = window.generation.request_id
    assert window.composer.toPlainText() == ""
    assert not window.send_button.isEnabled()
    assert window.stop_button.isEnabled()
    stats = rec.wait_finished(qtbot, request_id)
    _wait_idle(qtbot, window)

    assert _chat_text(window).startswith("You\nOnce upon a time\n")
    reply = _model_turn(window, tiny_model_dir)
    assert reply == _as_shown("".join(rec.tokens(request_id)))
    assert reply.strip()
    # Streaming: the panel grew token by token, not once at the end.
    assert len(lengths) >= 5
    assert all(b > a for a, b in itertools.pairwise(lengths))
    stats_text = window.stats_label.text()
    assert f"{stats['new_tokens']} tokens" in stats_text
    assert "first token" in stats_text
    assert "tokens/s" in stats_text
    assert "seed 3" in stats_text
    assert window.model_label.text().startswith("Ready")
    assert not window.stop_button.isEnabled()


def test_escape_stops_a_long_reply(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(100_000)
    rec = Recorder(window.host.worker)
    _send_with_keys(qtbot, window, "Tell me everything")
    request_id = window.generation.request_id
    rec.wait_first_token(qtbot, request_id)
    qtbot.keyClick(window.composer, Qt.Key.Key_Escape)
    stats = rec.wait_finished(qtbot, request_id)
    assert stats["reason"] == "cancelled"
    assert stats["new_tokens"] < 5_000
    _wait_idle(qtbot, window)
    assert _chat_text(window).endswith("\n(stopped)")
    assert window.send_button.isEnabled()
    assert not window.stop_button.isEnabled()


def test_an_invalid_seed_sends_nothing_and_says_why(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    sent: list[Any] = []
    window.host.generate_requested.connect(lambda *args: sent.append(args))
    window.settings_panel.seed.setText("abc")
    _send_with_keys(qtbot, window, "keep me")
    qtbot.wait(50)
    assert sent == []
    assert window.chat.toPlainText() == ""
    assert window.composer.toPlainText() == "keep me"
    assert window.settings_panel.error.isVisible()
    assert "Seed" in window.settings_panel.error.text()
    assert "Seed" in window.stats_label.text()
    assert window.send_button.isEnabled()


def test_chat_mode_sends_a_transcript_with_the_names(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    panel = window.settings_panel
    sent: list[tuple[int, str, dict[str, Any]]] = []
    window.host.generate_requested.connect(lambda *args: sent.append(args))
    panel.mode.setCurrentIndex(panel.mode.findData("chat"))
    panel.stop.setPlainText("THE END")
    panel.max_new_tokens.setValue(20)
    assert "User:" in panel.template_preview.text()
    assert "Assistant:" in panel.template_preview.text()

    _send_with_keys(qtbot, window, "hello")
    _wait_idle(qtbot, window)
    assert len(sent) == 1
    _, prompt, settings = sent[0]
    assert prompt == "User: hello\nAssistant:"
    assert "\nUser:" in settings["stop"]
    assert "THE END" in settings["stop"]

    # The next message carries the first exchange along; the Send button works too.
    qtbot.keyClicks(window.composer, "and now?")
    qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, window)
    prompt2 = sent[1][1]
    assert prompt2.startswith("User: hello\nAssistant:")
    assert prompt2.endswith("\nUser: and now?\nAssistant:")

    panel.user_name.setText("Reader")
    assert "Reader:" in panel.template_preview.text()
    assert "User:" not in panel.template_preview.text()


def test_markup_is_shown_as_typed(
    qtbot: Any, make_window: MakeWindow, tiny_model_dir: Path
) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(5)
    rec = Recorder(window.host.worker)
    markup = "<b>bold</b> & <script>alert(1)</script> &amp;"
    _send_with_keys(qtbot, window, markup)
    rec.wait_finished(qtbot, window.generation.request_id)
    assert _chat_text(window).startswith(f"You\n{markup}\n")


def test_send_while_loading_keeps_the_text_and_says_so_once(
    qtbot: Any, make_window: MakeWindow, shared_model: SharedModel
) -> None:
    # Not started yet: the status bar says "Loading" for as long as we need.
    window = make_window(start=False)
    sent: list[Any] = []
    window.host.generate_requested.connect(lambda *args: sent.append(args))
    _send_with_keys(qtbot, window, "early bird")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sent == []
    assert window.composer.toPlainText() == "early bird"
    assert _chat_text(window) == ""
    status = window.model_label.text()
    assert "not ready" in status
    assert "Loading" in status
    # Pressing again does not pile up the notice.
    assert status.count("not ready") == 1, status
    shared_model.start(window)  # window.start(), on the session's compiled model
    wait_ready(qtbot, window)
    # Once ready, the kept text goes out with one more Ctrl+Return.
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(sent) == 1
    assert sent[0][1] == "User: early bird\nAssistant:"  # the composer is a chat's (issue 12)
    _wait_idle(qtbot, window)


def test_settings_are_restored_in_a_new_window(
    make_window: MakeWindow, isolated_qsettings: Path
) -> None:
    first = make_window(start=False)
    first.settings_panel.temperature.setValue(1.35)
    first.settings_panel.seed.setText("99")
    first.settings_panel.mode.setCurrentIndex(first.settings_panel.mode.findData("chat"))
    first.close()
    second = make_window(start=False)
    assert second.settings_panel.temperature.value() == 1.35
    assert second.settings_panel.seed.text() == "99"
    assert second.settings_panel.current_mode().value == "chat"
    # ...from this test's own settings file, not the user's.
    assert list(isolated_qsettings.rglob("*.conf"))


def test_tokens_of_an_older_request_are_dropped(
    qtbot: Any, make_window: MakeWindow, tiny_model_dir: Path
) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(20)
    rec = Recorder(window.host.worker)
    # Request 1 is started behind the window's back; before its first signal
    # arrives the window sends request 2, so request 1's tokens are stale.
    old = window.host.generate("Old request", {"max_new_tokens": 100_000, "seed": 5})
    window.composer.setPlainText("New request")
    window.send()
    new = window.generation.request_id
    assert new == old + 1
    rec.wait_first_token(qtbot, old)
    window.host.worker.stop(old)
    rec.wait_finished(qtbot, new)
    _wait_idle(qtbot, window)
    assert rec.tokens(old)
    assert _model_turn(window, tiny_model_dir) == _as_shown("".join(rec.tokens(new)))
    assert _chat_text(window).startswith("You\nNew request\n")
    assert "Old request" not in _chat_text(window)


def test_clearing_during_a_reply_forgets_that_exchange(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    panel = window.settings_panel
    panel.mode.setCurrentIndex(panel.mode.findData("chat"))
    panel.max_new_tokens.setValue(100_000)
    rec = Recorder(window.host.worker)
    sent: list[tuple[int, str, dict[str, Any]]] = []
    window.host.generate_requested.connect(lambda *args: sent.append(args))
    _send_with_keys(qtbot, window, "my secret")
    rec.wait_first_token(qtbot, sent[0][0])
    window.clear_conversation()
    assert _chat_text(window) == ""
    rec.wait_finished(qtbot, sent[0][0])
    _wait_idle(qtbot, window)
    # The cancelled reply's end does not bring anything back.
    assert _chat_text(window) == ""
    panel.max_new_tokens.setValue(5)
    _send_with_keys(qtbot, window, "hello")
    _wait_idle(qtbot, window)
    assert sent[1][1] == "User: hello\nAssistant:"


def test_a_failed_model_switch_keeps_the_old_model_usable(
    qtbot: Any, make_window: MakeWindow, tmp_path: Path, tiny_model_dir: Path
) -> None:
    window = make_window()
    rec = Recorder(window.host.worker)
    missing = tmp_path / "not-a-model"
    window.load_model(str(missing))
    assert rec.wait_loaded(qtbot)[0] == "failed"
    status = window.model_label.text()
    assert str(missing) in status
    assert f"still using {tiny_model_dir}" in status
    assert window.send_button.isEnabled()
    window.settings_panel.max_new_tokens.setValue(5)
    _send_with_keys(qtbot, window, "still here?")
    _wait_idle(qtbot, window)
    assert _model_turn(window, tiny_model_dir).strip()


def test_closing_during_a_reply_stops_the_model_thread_promptly(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    window.settings_panel.max_new_tokens.setValue(100_000)
    rec = Recorder(window.host.worker)
    _send_with_keys(qtbot, window, "Go on forever")
    rec.wait_first_token(qtbot, window.generation.request_id)
    started = time.monotonic()
    assert window.close()
    assert time.monotonic() - started < 10
    assert not window.isVisible()
    assert not window.host.model_thread.isRunning()


def test_app_main_shows_the_window_and_loads_the_model(qtbot: Any, tiny_model_dir: Path) -> None:
    from gpt2desk import app

    seen: dict[str, Any] = {}

    def windows() -> list[MainWindow]:
        return [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]

    def poll() -> None:
        if "returned" in seen:
            return
        shown = windows()
        if shown and shown[0].model_label.text().startswith("Ready"):
            seen["status"] = shown[0].model_label.text()
            seen["host"] = shown[0].host
            shown[0].close()  # the last window: app.exec() returns
        else:
            QTimer.singleShot(20, poll)

    def give_up() -> None:
        for w in windows():
            w.close()

    QTimer.singleShot(0, poll)
    # Never hang the test run; stopped afterwards, or it would close a later test's windows.
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(give_up)
    guard.start(GEN_TIMEOUT_MS)
    try:
        assert app.main(["--model", str(tiny_model_dir), "--offline"]) == 0
    finally:
        guard.stop()
        seen["returned"] = True
    assert seen["status"] == f"Ready — {tiny_model_dir}"
    assert not seen["host"].model_thread.isRunning()
