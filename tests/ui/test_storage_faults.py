"""What the window tells the user when the database cannot be used, and that work goes on.

Real temp-file SQLite databases throughout; the read-only folder is tested in
a real subprocess that may not override file modes (root could otherwise write).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gpt2desk.core.store.database import DB_NAME, Store
from gpt2desk.ui.window.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
ROOT = Path(__file__).resolve().parents[2]


def _saved_draft(window: MainWindow, text: str) -> str:
    """A draft with ``text`` in the composer, written to disk; returns its id."""
    ui = window.workspace_ui
    ui.new_conversation("draft")
    window.composer.setPlainText(text)
    ui.workspace.flush_pending()
    ui.workspace.writer.flush()
    assert ui.workspace.current is not None
    return ui.workspace.current.id


def _fill_disk(store: Store) -> None:
    # The file may not grow by more than one page: the next big write fails with SQLITE_FULL.
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 1}")


def test_disk_full_is_shown_and_the_session_goes_on_in_memory(
    qtbot: Any, make_window: MakeWindow, isolated_data_dir: Path, tmp_path: Path
) -> None:
    window = make_window(start=False)
    ui = window.workspace_ui
    saved = _saved_draft(window, "saved before the disk filled up")
    assert ui.storage_label.text() == ""
    ui.workspace.writer.call(_fill_disk)
    big = tmp_path / "big.txt"
    big.write_text("a long pasted draft " * 20_000)
    assert ui.import_file(str(big)) == ""
    qtbot.waitUntil(lambda: "disk is full" in ui.storage_label.text())
    assert "memory" in ui.storage_label.text()
    assert ui.storage_label.isVisible()
    # Everything goes on: the big draft is shown, more work, switching back and forth.
    assert "a long pasted draft" in window.workspace_ui.editor.toPlainText()  # its page
    ui.new_conversation("chat")
    window.composer.setPlainText("typed after the disk filled up")
    ui.select(saved)
    assert window.composer.toPlainText() == "saved before the disk filled up"
    assert ui.sidebar.list.count() == 3
    assert ui.workspace.search("after the disk") != []
    window.close()
    # The file holds exactly what was saved before, undamaged.
    db = sqlite3.connect(isolated_data_dir / DB_NAME)
    assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    db.close()
    store = Store.open(isolated_data_dir)
    assert store.notices == []
    assert [c["id"] for c in store.list_conversations()] == [saved]
    loaded = store.load_conversation(saved)
    assert loaded is not None and loaded["composer"] == "saved before the disk filled up"
    store.close()


def test_a_corrupt_database_is_set_aside_shown_and_a_fresh_one_used(
    qtbot: Any, make_window: MakeWindow, isolated_data_dir: Path
) -> None:
    isolated_data_dir.mkdir(parents=True)
    damaged = b"SQLite format 3\x00" + b"\xde\xad" * 3000
    (isolated_data_dir / DB_NAME).write_bytes(damaged)
    window = make_window(start=False)
    ui = window.workspace_ui
    message = ui.storage_label.text()
    assert "damaged" in message and "corrupt-" in message and ui.storage_label.isVisible()
    aside = [p for p in isolated_data_dir.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].name in message
    assert aside[0].read_bytes() == damaged
    # The fresh database works: what is written now is there after a restart.
    saved = _saved_draft(window, "a fresh start")
    window.close()
    again = make_window(start=False)
    assert again.workspace_ui.storage_label.text() == ""
    assert again.workspace_ui.workspace.current is not None
    assert again.workspace_ui.workspace.current.id == saved
    assert again.composer.toPlainText() == "a fresh start"


WRITE_THEN_KILL = """
import os, signal, sys
from gpt2desk.core.store.database import Store
store = Store.open(sys.argv[1])
store.save_conversation({"id": "old", "kind": "draft", "title": "Saved long ago",
    "created": 1, "updated": 1, "model": "", "active_child": "t1", "composer": "",
    "turns": [{"id": "t1", "parent_id": None, "role": "user", "text": "old text",
               "created": 1}]})
store.close()  # checkpointed: in the main file
store = Store.open(sys.argv[1])
store.save_conversation({"id": "new", "kind": "draft", "title": "Written just before",
    "created": 2, "updated": 2, "model": "", "active_child": "t2", "composer": "",
    "turns": [{"id": "t2", "parent_id": None, "role": "user", "text": "only in the WAL",
               "created": 2}]})
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("shm", ["kept", "lost"])
def test_a_read_only_folder_after_a_crash_shows_everything_and_is_left_alone(
    tmp_path: Path, shm: str
) -> None:
    folder = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GPT2DESK_DATA_DIR": str(folder)}
    killed = subprocess.run([sys.executable, "-c", WRITE_THEN_KILL, str(folder)], env=env)
    assert killed.returncode == -9
    wal = folder / (DB_NAME + "-wal")
    assert wal.stat().st_size > 0  # the newest conversation is only in the WAL
    if shm == "lost":
        (folder / (DB_NAME + "-shm")).unlink()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    for path in folder.iterdir():
        path.chmod(0o444)
    folder.chmod(0o555)
    command = [sys.executable, str(ROOT / "tests/ui/readonly_child.py"), str(tmp_path / "qs")]
    if os.geteuid() == 0:
        # root ignores file modes: drop the capabilities that let it.
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot make a folder read-only")
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    try:
        proc = subprocess.run(
            command, capture_output=True, text=True, timeout=120, cwd=ROOT, env=env
        )
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "cannot be written" in seen["message"] and "memory" in seen["message"]
    assert seen["message_visible"]
    assert [line.split("\n")[0] for line in seen["sidebar"]] == [
        "Written just before",
        "Saved long ago",
    ]
    assert "only in the WAL" in seen["shown"]
    assert seen["after"] == ["In memory", "Written just before", "Saved long ago"]
    assert seen["found"] == 1
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
