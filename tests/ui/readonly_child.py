"""Opens the window on a read-only data folder, works a little, closes.

Run by ``test_storage_faults.py`` with the rights to override file modes
dropped (``setpriv``). Usage: ``readonly_child.py SETTINGS_DIR``; the data
folder comes from ``GPT2DESK_DATA_DIR``. Prints one JSON line with what the
user saw and whether the session went on.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QApplication

from gpt2desk.ui.window.main_window import MainWindow


def main() -> int:
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, sys.argv[1])
    app = QApplication(sys.argv[:1])
    window = MainWindow("gpt2", offline=True)
    window.show()
    app.processEvents()
    ui = window.workspace_ui
    seen = {
        "message": ui.storage_label.text(),
        "message_visible": ui.storage_label.isVisible(),
        "sidebar": [ui.sidebar.list.item(i).text() for i in range(ui.sidebar.list.count())],
        "shown": window.page_stack.currentWidget().toPlainText(),  # transcript or page
    }
    # The session goes on in memory: a new draft, typed text, a rename.
    ui.new_conversation("draft")
    window.composer.setPlainText("written while read-only")
    current = ui.workspace.current
    assert current is not None
    ui.workspace.rename(current.id, "In memory")
    ui.workspace.flush_pending()
    ui.workspace.writer.flush()
    seen["after"] = [c["title"] for c in ui.workspace.summaries]
    seen["found"] = len(ui.workspace.search("read-only"))
    window.close()
    print(json.dumps(seen), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
