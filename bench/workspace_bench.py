"""Workspace benchmark: 10,000 conversations and a 1 MB draft.

Usage: python bench/workspace_bench.py [FOLDER]
Prints JSON: seconds to build the database; the whole app's start (the
MainWindow built on that folder, the 1 MB draft shown, to the first paint,
offscreen, without loading a model); search as the user runs it (database
plus sidebar filter; median and max of several queries); and the list update
after a send in the oldest conversation. Not part of ``make test``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from gpt2desk.core.store.database import Store
from gpt2desk.core.writing.turns import Conversation, draft_from_text


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    t0 = time.perf_counter()
    store = Store.open(folder)
    convs = []
    for i in range(10_000):
        conv = Conversation.new("chat", "gpt2")
        user = conv.add_turn(None, "user", f"Question number {i} about topic {i % 97}")
        conv.add_turn(user.id, "assistant", f" An answer of a few sentences, number {i}. " * 4)
        convs.append(conv.to_dict())
    big = draft_from_text("A long draft line of text. " * 40_000, "big.md")  # ~1.1 MB
    convs.append(big.to_dict())
    store.save_many(convs)
    store.close()
    build = time.perf_counter() - t0

    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QApplication

    os.environ["GPT2DESK_DATA_DIR"] = str(folder)
    QStandardPaths.setTestModeEnabled(True)  # QSettings away from the user's
    app = QApplication(sys.argv[:1])
    t0 = time.perf_counter()
    from gpt2desk.ui.window.main_window import MainWindow

    window = MainWindow("gpt2", offline=True)  # the model is not loaded: start() is not called
    ws = window.workspace_ui.workspace
    ws.select(big.id)
    window.show()
    window.repaint()
    app.processEvents()
    start_s = time.perf_counter() - t0
    assert window.workspace_ui.sidebar.list.count() == 10_001
    assert "A long draft line" in window.chat.toPlainText()
    times = []
    for query in ("topic 42", "NUMBER 9999", "nothing like this", "long draft", "answer"):
        t = time.perf_counter()
        window.workspace_ui.search(query)  # the database, then the sidebar filtered
        app.processEvents()
        times.append(time.perf_counter() - t)
    window.workspace_ui.search("")
    # A send's list change: one conversation moves to the top.
    oldest = ws.summaries[-1]["id"]
    t = time.perf_counter()
    ws.select(oldest)
    conv = ws.current
    assert conv is not None
    conv.add_turn(conv.last().id if conv.last() else None, "user", "one more")
    ws.add_turns(conv, conv.last())  # type: ignore[arg-type]
    app.processEvents()
    send_list_ms = (time.perf_counter() - t) * 1000
    result = {
        "conversations": len(ws.summaries),
        "draft_chars": len(big.path()[0].text),
        "build_s": round(build, 2),
        "app_start_to_first_paint_s": round(start_s, 3),
        "search_median_ms": round(statistics.median(times) * 1000, 1),
        "search_max_ms": round(max(times) * 1000, 1),
        "search_each_ms": [round(x * 1000, 1) for x in times],
        "select_and_send_list_update_ms": round(send_list_ms, 1),
    }
    window.close()
    print(json.dumps(result))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
