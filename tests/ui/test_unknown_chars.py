"""A WordPiece model in the window: the status bar names the characters it does not know."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gpt2desk.ui.window.main_window import MainWindow
from tests.core.test_wordpiece import UNKNOWN_PROMPT, build_biased
from tests.ui.helpers import Recorder, wait_ready


def test_the_status_bar_names_unknown_characters_and_the_reply_comes(
    qtbot: Any, tmp_path: Path
) -> None:
    folder = build_biased(tmp_path / "uer-like", "invalid")
    window = MainWindow(str(folder), offline=True)
    try:
        window.show()
        window.start()
        wait_ready(qtbot, window)
        window.settings_panel.max_new_tokens.setValue(3)
        rec = Recorder(window.host.worker)
        window.composer.setPlainText(UNKNOWN_PROMPT)
        window.send()
        stats = rec.wait_finished(qtbot, window.generation.request_id)
        assert stats["new_tokens"] == 3
        qtbot.waitUntil(lambda: "does not know" in window.stats_label.text())
        assert "3 characters this model does not know: 「龍😀é」" in window.stats_label.text()
        assert "3 tokens" in window.stats_label.text()
    finally:
        window.close()
    assert not window.host.model_thread.isRunning()
