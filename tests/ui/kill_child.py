"""Runs the app until killed: ``kill_child.py MODEL_DIR type|generate``.

Once it has typed, or sent a long prompt, it prints a JSON line every 0.1 s
with what the user sees at that moment and the time (``time.monotonic()``,
one clock for every process on the machine); the test sends SIGKILL when it
likes and compares the database with what was shown a second before.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication

from gpt2desk.ui.window.main_window import MainWindow

TYPED = "typed but never sent \u202e<b>"


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
    if what == "generate":
        window.settings_panel.max_new_tokens.setValue(100_000)
        window.composer.setPlainText("Tell a very long story")
        window.send()
    else:
        window.composer.setPlainText(TYPED)
    ui = window.workspace_ui
    last = 0.0
    while True:
        app.processEvents()
        now = time.monotonic()
        if now - last >= 0.1:
            last = now
            conv = ui.workspace.current
            if what == "generate":
                shown = conv.path()[-1].text if conv is not None and conv.turns else ""
            else:
                shown = window.composer.toPlainText()
            report = {"t": time.monotonic(), "conversation": conv.id if conv else None}
            print(json.dumps({**report, "shown": shown}), flush=True)
        time.sleep(0.005)


if __name__ == "__main__":
    sys.exit(main())
