"""Workspace benchmark: 10,000 conversations and a 1 MB draft.

Usage: python bench/workspace_bench.py [FOLDER]
Prints JSON: seconds to build the database, to open the store and list
every conversation, to load the 1 MB draft, to build the sidebar list, and
the search time (median of several queries). Not part of ``make test``.
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

from gpt2desk.core.conversation import Conversation, draft_from_text
from gpt2desk.core.store import Store


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

    from PySide6.QtWidgets import QApplication

    from gpt2desk.ui.sidebar import Sidebar

    app = QApplication(sys.argv[:1])
    t0 = time.perf_counter()
    store = Store.open(folder)
    summaries = store.list_conversations()
    loaded = store.load_conversation(big.id)
    sidebar = Sidebar()
    sidebar.show_conversations(summaries, big.id)
    open_s = time.perf_counter() - t0
    assert loaded is not None and len(summaries) == 10_001
    times = []
    for query in ("topic 42", "NUMBER 9999", "nothing like this", "long draft", "answer"):
        t = time.perf_counter()
        store.search(query)
        times.append(time.perf_counter() - t)
    result = {
        "conversations": len(summaries),
        "draft_chars": len(loaded["turns"][0]["text"]),
        "build_s": round(build, 2),
        "open_list_load_sidebar_s": round(open_s, 3),
        "search_median_ms": round(statistics.median(times) * 1000, 1),
        "search_max_ms": round(max(times) * 1000, 1),
    }
    print(json.dumps(result))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
