"""Shows the main window on a model folder and reports when TensorFlow loaded.

Run as a script by ``test_main_window.py`` (pytest's own process has long
imported TensorFlow). Usage: ``first_paint.py MODEL_DIR SETTINGS_DIR``.
Prints one JSON line: whether ``tensorflow`` was imported once the window
was shown and painted, the status bar text then, and the final status.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths
from PySide6.QtWidgets import QApplication

from gpt2desk.ui.window.main_window import MainWindow


def main() -> int:
    model_dir, settings_dir = sys.argv[1], sys.argv[2]
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, settings_dir)
    app = QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName("gpt2desk-tests")
    QCoreApplication.setApplicationName("gpt2desk-first-paint")
    tf_at_import = "tensorflow" in sys.modules
    window = MainWindow(model_dir, offline=True)
    window.show()
    window.repaint()
    app.processEvents()
    result: dict[str, object] = {
        "tf_at_import": tf_at_import,
        "tf_after_show": "tensorflow" in sys.modules,
        "visible": window.isVisible(),
        "status_after_show": window.model_label.text(),
    }
    window.start()
    deadline = time.monotonic() + 120
    while not window.model_label.text().startswith("Ready") and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    result["status_final"] = window.model_label.text()
    result["tf_when_ready"] = "tensorflow" in sys.modules
    window.close()
    result["thread_running_after_close"] = window.host.model_thread.isRunning()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
