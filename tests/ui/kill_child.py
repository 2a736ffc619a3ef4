"""Runs the app until killed: ``kill_child.py MODEL_DIR type|generate``.

Prints one JSON line once it has typed or streamed for a while, with what
the user sees at that moment; the test then sends SIGKILL.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication

from gpt2desk.ui.main_window import MainWindow


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
        window.composer.setPlainText("typed but never sent \u202e<b>")
    start = time.monotonic()
    while time.monotonic() - start < 1.5:
        app.processEvents()
        time.sleep(0.005)
    ui = window.workspace_ui
    conv = ui.workspace.current
    shown = conv.path()[-1].text if conv is not None and conv.turns else ""
    print(json.dumps({"conversation": conv.id if conv else None, "shown": shown}), flush=True)
    while True:
        app.processEvents()
        time.sleep(0.005)


if __name__ == "__main__":
    sys.exit(main())
