"""Runs the app until killed: ``kill_child.py MODEL_DIR type|generate|draft-type|draft-stream``.

Once it has typed, or sent a long prompt, it prints a JSON line every 0.1 s
with what the user sees at that moment and the time (``time.monotonic()``,
one clock for every process on the machine); the test sends SIGKILL when it
likes and compares the database with what was shown a second before.

``draft-type`` keeps typing on a new draft's page (a key every 20 ms, real key
events); ``draft-stream`` types a beginning and lets the model continue it.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gpt2desk.ui.window.main_window import MainWindow

TYPED = "typed but never sent \u202e<b>"
DRAFT_START = "Once upon a time"
DRAFT_TYPING = "the quick brown fox jumps over the lazy dog "


def main() -> int:
    model_dir, what = sys.argv[1], sys.argv[2]
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv[:1])
    window = MainWindow(model_dir, offline=True)
    window.show()
    window.start()
    deadline = time.monotonic() + 120
    while not window.send_button.isEnabled() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    ui = window.workspace_ui
    if what == "generate":
        window.settings_panel.max_new_tokens.setValue(100_000)
        window.composer.setPlainText("Tell a very long story")
        window.send()
    elif what.startswith("draft"):
        QTest.keyClick(
            window,
            Qt.Key.Key_N,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        app.processEvents()
        ui.editor.setFocus()
        QTest.keyClicks(ui.editor, DRAFT_START)
        if what == "draft-stream":
            window.settings_panel.max_new_tokens.setValue(100_000)
            QTest.keyClick(ui.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    else:
        window.composer.setPlainText(TYPED)
    last = last_key = 0.0
    typed = 0
    while True:
        app.processEvents()
        now = time.monotonic()
        if what == "draft-type" and now - last_key >= 0.02:
            last_key = now
            QTest.keyClicks(ui.editor, DRAFT_TYPING[typed % len(DRAFT_TYPING)])
            typed += 1
        if now - last >= 0.1:
            last = now
            conv = ui.workspace.current
            if what == "generate":
                shown = conv.path()[-1].text if conv is not None and conv.turns else ""
            elif what.startswith("draft"):
                shown = ui.editor.toPlainText()
                if what == "draft-stream" and shown == DRAFT_START:
                    shown = ""  # nothing streamed yet
            else:
                shown = window.composer.toPlainText()
            report = {"t": time.monotonic(), "conversation": conv.id if conv else None}
            print(json.dumps({**report, "shown": shown}), flush=True)
        time.sleep(0.005)


if __name__ == "__main__":
    sys.exit(main())
