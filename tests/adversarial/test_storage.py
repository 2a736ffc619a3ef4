"""Adversarial storage cases: a full disk at startup, foreign and odd files at the
database path, our own SQL bugs, two instances on one data folder, crashes.

Real SQLite files, real processes and real windows throughout. A full disk is
made with a file size limit (``RLIMIT_FSIZE``) in a child process: SQLite then
fails to grow its files exactly as on a full disk, as root and in CI alike.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gpt2desk.core.store import files as store_files
from gpt2desk.core.store.database import DB_NAME, Store
from gpt2desk.core.store.writer import Writer
from gpt2desk.ui.conversation.workspace import LOCK_NAME, Workspace
from gpt2desk.ui.window.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
ROOT = Path(__file__).resolve().parents[2]


def _conv(cid: str, text: str, title: str = "Saved before") -> dict[str, Any]:
    return {
        "id": cid,
        "kind": "draft",
        "title": title,
        "title_set": True,
        "created": 1.0,
        "updated": 1.0,
        "model": "",
        "active_child": "t-" + cid,
        "composer": "unsent " + cid,
        "turns": [
            {"id": "t-" + cid, "parent_id": None, "role": "user", "text": text, "created": 1.0}
        ],
    }


def _healthy(folder: Path, count: int = 3) -> bytes:
    """A closed, healthy database with ``count`` conversations; returns its bytes."""
    store = Store.open(folder)
    assert store.notices == []
    for i in range(count):
        store.save_conversation(_conv(f"c{i}", f"precious text {i} " * 200))
    store.close()
    assert not (folder / (DB_NAME + "-wal")).exists()
    return (folder / DB_NAME).read_bytes()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _child(code: str, *args: str, timeout: float = 120, **env: str) -> dict[str, Any]:
    """Runs ``code`` in a fresh Python; returns the JSON of its last stdout line."""
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# -- a full disk at startup (item 5) ---------------------------------------------

OPEN_ON_A_FULL_DISK = """
import json, resource, sys
limit = int(sys.argv[2])
# Python ignores SIGXFSZ: a write past the limit fails like one on a full disk.
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from gpt2desk.core.store.database import Store
store = Store.open(sys.argv[1])
notices = [str(n) for n in store.notices]
shown = len(store.list_conversations())
store.save_conversation({"id": "new", "kind": "draft", "title": "t", "created": 2,
    "updated": 2, "model": "", "active_child": None, "turns": []})
store.close()
print(json.dumps({"notices": notices, "shown": shown, "in_memory": store.in_memory}))
"""


@pytest.mark.parametrize("limit", [0, 8192], ids=["nothing-fits", "one-page-fits"])
def test_a_full_disk_at_startup_leaves_the_database_in_place_and_the_next_start_shows_all(
    tmp_path: Path, limit: int
) -> None:
    folder = tmp_path / "data"
    saved = _healthy(folder)
    seen = _child(OPEN_ON_A_FULL_DISK, str(folder), str(limit))
    text = " ".join(seen["notices"])
    assert seen["in_memory"] and "memory" in text
    assert "damaged" not in text and "corrupt" not in text
    assert "disk" in text.lower()
    # Nothing set aside, nothing changed (SQLite may leave an empty -wal and a -shm):
    # the next start, with space again, shows everything.
    assert not [p for p in folder.iterdir() if ".corrupt-" in p.name]
    assert (folder / DB_NAME).read_bytes() == saved
    wal = folder / (DB_NAME + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    store = Store.open(folder)
    assert store.notices == []
    assert sorted(c["id"] for c in store.list_conversations()) == ["c0", "c1", "c2"]
    store.close()


def test_a_new_data_folder_on_a_full_disk_works_in_memory_and_the_next_start_is_clean(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    seen = _child(OPEN_ON_A_FULL_DISK, str(folder), "0")
    text = " ".join(seen["notices"])
    assert seen["in_memory"] and "memory" in text and "damaged" not in text
    assert not [p for p in folder.iterdir() if ".corrupt-" in p.name]
    store = Store.open(folder)
    assert store.notices == [] and not store.in_memory
    store.close()


IO_ERROR_MID_SESSION = """
import json, resource, sys
from gpt2desk.core.store.writer import Writer
told = []
writer = Writer(sys.argv[1], on_error=lambda e: told.append(str(e)))
assert writer.notices() == []
writer.flush()
# From now on no file may grow: SQLite gets EFBIG, an I/O error (SQLITE_IOERR_WRITE).
resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
turn = {"id": "t-big", "parent_id": None, "role": "user", "text": "x" * 200_000, "created": 3}
writer.call(lambda s: s.put_turns("c0", [turn]))
writer.call(lambda s: s.update_conversation("c1", title="renamed after the error"))
seen = {"told": told, "in_memory": writer.call(lambda s: s.in_memory),
        "titles": sorted(c["title"] for c in writer.call(lambda s: s.list_conversations()))}
writer.close()
print(json.dumps(seen))
"""


def test_an_io_error_mid_session_is_told_as_such_and_the_file_keeps_what_was_saved(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    _healthy(folder)
    seen = _child(IO_ERROR_MID_SESSION, str(folder))
    assert len(seen["told"]) == 1
    told = seen["told"][0]
    assert "could not read or write" in told and "memory" in told
    assert "damaged" not in told and "bug" not in told
    assert str(folder / DB_NAME) in told
    # The session went on in memory (the rename is there) ...
    assert seen["in_memory"] and "renamed after the error" in seen["titles"]
    # ... and the file holds what was saved before, undamaged, nothing set aside.
    assert not [p for p in folder.iterdir() if ".corrupt-" in p.name]
    store = Store.open(folder)
    assert store.notices == []
    assert [c["title"] for c in store.list_conversations()] == ["Saved before"] * 3
    conv = store.load_conversation("c0")
    assert conv is not None and [t["id"] for t in conv["turns"]] == ["t-c0"]
    store.close()


def test_a_locked_database_at_startup_is_told_as_in_use_not_damaged_and_left_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # How long SQLite waits for a lock before giving up (5 s in the app).
    monkeypatch.setattr(store_files, "BUSY_TIMEOUT_S", 0.2)
    folder = tmp_path / "data"
    _healthy(folder)
    other = sqlite3.connect(folder / DB_NAME, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        store = Store.open(folder)
        text = " ".join(map(str, store.notices))
        assert "Another program is using" in text and str(folder / DB_NAME) in text
        assert "memory" in text and "damaged" not in text and "bug" not in text
        assert store.in_memory
        # What was saved is shown all the same (read without taking the lock).
        assert sorted(c["id"] for c in store.list_conversations()) == ["c0", "c1", "c2"]
        store.close()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not [p for p in folder.iterdir() if ".corrupt-" in p.name]
    store = Store.open(folder)
    assert store.notices == [] and not store.in_memory
    assert len(store.list_conversations()) == 3
    store.close()


def test_a_database_locked_by_another_program_mid_session_is_told_and_work_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_files, "BUSY_TIMEOUT_S", 0.2)
    folder = tmp_path / "data"
    _healthy(folder)
    told: list[str] = []
    writer = Writer(folder, on_error=lambda e: told.append(str(e)))
    assert writer.notices() == []
    other = sqlite3.connect(folder / DB_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writes and holds the lock
    try:
        writer.call(lambda s: s.update_conversation("c0", title="renamed while locked"))
        titles = writer.call(lambda s: [c["title"] for c in s.list_conversations()])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(told) == 1 and "Another program is using" in told[0]
    assert str(folder / DB_NAME) in told[0] and "damaged" not in told[0]
    assert "renamed while locked" in titles  # the session went on in memory
    writer.close()
    assert not [p for p in folder.iterdir() if ".corrupt-" in p.name]
    store = Store.open(folder)
    assert store.notices == [] and len(store.list_conversations()) == 3
    store.close()


def test_a_folder_where_the_lock_file_goes_does_not_lock_the_user_out(
    qapp: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    (folder / LOCK_NAME).mkdir(parents=True)
    ws = Workspace(folder)
    try:
        assert not ws.read_only and ws.notices == []
        conv = ws.new_conversation("draft", composer="saved without a lock file")
        ws.writer.flush()
    finally:
        ws.close()
    assert (folder / LOCK_NAME).is_dir()
    store = Store.open(folder)
    assert [c["id"] for c in store.list_conversations()] == [conv.id]
    store.close()


READ_ONLY_FOLDER = """
import json, sys
from gpt2desk.core.store.database import Store
store = Store.open(sys.argv[1])
seen = {"notices": [str(n) for n in store.notices], "in_memory": store.in_memory,
        "ids": sorted(c["id"] for c in store.list_conversations())}
store.update_conversation("c0", title="renamed while read-only")
store.close()
print(json.dumps(seen))
"""


def test_a_read_only_data_folder_is_named_and_told_as_such_and_left_untouched(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    _healthy(folder)
    before = _files(folder)
    folder.chmod(0o555)
    code = [sys.executable, "-c", READ_ONLY_FOLDER, str(folder)]
    if os.geteuid() == 0:
        # root ignores file modes: drop the capabilities that let it.
        code = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *code]
    try:
        proc = subprocess.run(
            code,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    text = " ".join(seen["notices"])
    assert "cannot be written" in text and str(folder) in text and "memory" in text
    assert "damaged" not in text
    assert seen["in_memory"] and seen["ids"] == ["c0", "c1", "c2"]
    assert _files(folder) == before


def test_a_database_with_a_damaged_page_is_set_aside_byte_for_byte_and_a_new_one_started(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    saved = _healthy(folder, count=10)
    page = 4096
    assert len(saved) > 6 * page
    # A table page's b-tree header scrambled: SQLite reports SQLITE_CORRUPT.
    damaged = saved[: 3 * page] + b"\x0d\xff\xff\xff" * (page // 4) + saved[4 * page :]
    (folder / DB_NAME).write_bytes(damaged)
    store = Store.open(folder)
    text = " ".join(map(str, store.notices))
    aside = [p for p in folder.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].name in text and "damaged" in text
    assert aside[0].read_bytes() == damaged
    assert not store.in_memory and store.list_conversations() == []
    store.save_conversation(_conv("fresh", "a fresh start"))
    store.close()
    store = Store.open(folder)
    assert store.notices == [] and [c["id"] for c in store.list_conversations()] == ["fresh"]
    store.close()


def test_a_database_from_a_newer_gpt2desk_is_left_untouched_and_the_session_goes_on(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    _healthy(folder)
    db = sqlite3.connect(folder / DB_NAME)
    db.execute("ALTER TABLE conversations ADD COLUMN colour TEXT")
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    before = _files(folder)
    store = Store.open(folder)
    text = " ".join(map(str, store.notices))
    assert "newer gpt2desk" in text and "untouched" in text and "memory" in text
    assert store.in_memory
    store.save_conversation(_conv("new", "written in memory"))
    assert [c["id"] for c in store.list_conversations()] == ["new"]
    store.close()
    assert _files(folder) == before


# -- foreign and odd files at the database path (item 12) --------------------------


@pytest.mark.parametrize(
    "schema",
    [
        "CREATE TABLE conversations (id INTEGER PRIMARY KEY, body TEXT);"
        "INSERT INTO conversations VALUES (1, 'another app''s chat');",
        "CREATE TABLE moz_bookmarks (id INTEGER PRIMARY KEY, url TEXT);"
        "INSERT INTO moz_bookmarks VALUES (1, 'https://example.org');",
    ],
    ids=["own-table-names", "other-tables"],
)
def test_a_foreign_sqlite_database_is_refused_untouched_with_a_message_naming_it(
    tmp_path: Path, schema: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = sqlite3.connect(folder / DB_NAME)
    db.executescript(schema)
    db.close()
    before = _files(folder)
    store = Store.open(folder)
    text = " ".join(map(str, store.notices))
    assert "not a gpt2desk database" in text and str(folder / DB_NAME) in text
    assert "already exists" not in text and "memory" in text
    assert store.in_memory
    store.save_conversation(_conv("new", "the session goes on"))
    assert [c["id"] for c in store.list_conversations()] == ["new"]
    store.close()
    assert _files(folder) == before


def test_a_folder_at_the_database_path_is_named_as_such_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    (folder / DB_NAME / "inside").mkdir(parents=True)
    store = Store.open(folder)
    text = " ".join(map(str, store.notices))
    assert "is a folder" in text and str(folder / DB_NAME) in text
    assert "cannot be written" not in text and "memory" in text
    assert store.in_memory
    store.close()
    assert sorted(p.name for p in folder.iterdir()) == [DB_NAME]
    assert [p.name for p in (folder / DB_NAME).iterdir()] == ["inside"]


def test_a_data_folder_that_is_a_file_is_named_as_such_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.write_bytes(b"my notes, not a folder")
    store = Store.open(folder)
    text = " ".join(map(str, store.notices))
    assert "is a file" in text and str(folder) in text and "memory" in text
    assert "Errno" not in text
    store.close()
    assert folder.read_bytes() == b"my notes, not a folder"


OPEN_AND_REPORT = """
import json, sys
from gpt2desk.core.store.database import Store
store = Store.open(sys.argv[1])
store.save_conversation({"id": "new", "kind": "draft", "title": "t", "created": 2,
    "updated": 2, "model": "", "active_child": None, "turns": []})
print(json.dumps({"notices": [str(n) for n in store.notices], "in_memory": store.in_memory}))
store.close()
"""


@pytest.mark.parametrize("special", ["fifo", "/dev/null"])
def test_a_pipe_or_device_at_the_database_path_is_refused_without_hanging_or_losing_work(
    tmp_path: Path, special: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / DB_NAME
    if special == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(special)
    seen = _child(OPEN_AND_REPORT, str(folder), timeout=60)
    text = " ".join(seen["notices"])
    # Told, working in memory: nothing "saved" into a device that keeps nothing.
    assert seen["in_memory"] and "not a regular file" in text and str(path) in text
    assert sorted(p.name for p in folder.iterdir()) == [DB_NAME]


def test_a_text_file_at_the_database_path_is_set_aside_byte_for_byte_and_a_new_one_started(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    notes = b"Dear diary,\nthis is not a database.\n" * 100
    (folder / DB_NAME).write_bytes(notes)
    store = Store.open(folder)
    text = " ".join(map(str, store.notices))
    assert "damaged" in text and not store.in_memory
    store.close()
    aside = [p for p in folder.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == notes


# -- our own SQL bugs are bugs (item 13) -------------------------------------------


def _syntax(store: Store) -> None:
    store.conn.execute("UPDATE conversations SET title = ? WHER id = ?", (b"x", "c0"))


def _constraint(store: Store) -> None:
    store.put_turns("no-such-conversation", [_conv("x", "orphan")["turns"][0]])


def _binding(store: Store) -> None:
    store.conn.execute("UPDATE conversations SET title = ? WHERE id = ?", (b"only one",))


@pytest.mark.parametrize("bug", [_syntax, _constraint, _binding], ids=lambda f: f.__name__[1:])
def test_an_sql_bug_is_logged_with_its_statement_and_saving_goes_on_to_the_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, bug: Callable[[Store], None]
) -> None:
    folder = tmp_path / "data"
    _healthy(folder, count=1)
    told: list[object] = []
    writer = Writer(folder, on_error=told.append)
    assert writer.notices() == []
    with caplog.at_level(logging.ERROR, logger="gpt2desk"), pytest.raises(sqlite3.Error):
        writer.call(bug)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "bug" in errors[0].getMessage().lower()
    assert "conversations" in errors[0].getMessage() or "turns" in errors[0].getMessage()
    # Not the user's disk: no message, no switch to memory, the next change is saved.
    assert told == []
    assert not writer.call(lambda s: s.in_memory)
    writer.call(lambda s: s.update_conversation("c0", title="saved after the bug"))
    writer.close()
    store = Store.open(folder)
    assert store.list_conversations()[0]["title"] == "saved after the bug"
    store.close()


# -- two instances on one data folder (item 6) -------------------------------------

SECOND_WINDOW = """
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QApplication
from gpt2desk.ui.window.main_window import MainWindow
from gpt2desk.ui.conversation.workspace import LOCK_NAME, Workspace
QStandardPaths.setTestModeEnabled(True)
QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, sys.argv[1])
app = QApplication(sys.argv[:1])
window = MainWindow("gpt2", offline=True)
window.show()
app.processEvents()
ui = window.workspace_ui
ws = ui.workspace
seen = {"message": ui.storage_label.text(), "visible": ui.storage_label.isVisible(),
        "titles": [c["title"] for c in ws.summaries], "window": window.windowTitle()}
# The user works in the second window anyway: none of it may reach the file.
ws.rename(ws.summaries[0]["id"], "renamed in the second window")
window.composer.setPlainText("typed in the second window")
ui.new_conversation("draft")
ws.flush_pending()
ws.writer.flush()
window.close()
app.processEvents()
print(json.dumps(seen), flush=True)
"""


def _saved_draft(window: MainWindow, text: str) -> str:
    ui = window.workspace_ui
    ui.new_conversation("draft")
    window.composer.setPlainText(text)
    ui.workspace.flush_pending()
    ui.workspace.writer.flush()
    assert ui.workspace.current is not None
    return ui.workspace.current.id


def _read(folder: Path) -> list[dict[str, Any]]:
    """Every conversation on disk, read without writing (the other instance is running)."""
    uri = f"{(folder / DB_NAME).resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT id, title, composer FROM conversations")]
    conn.close()
    return rows


def test_a_second_window_on_the_same_data_folder_is_read_only_says_so_and_writes_nothing(
    make_window: MakeWindow, isolated_data_dir: Path, tmp_path: Path
) -> None:
    first = make_window(start=False)
    saved = _saved_draft(first, "the first window's draft")
    first.workspace_ui.workspace.rename(saved, "The first window's draft")
    first.workspace_ui.workspace.writer.flush()
    on_disk = _read(isolated_data_dir)
    # An old lock file is no reason to take it: its owner is alive.
    os.utime(isolated_data_dir / LOCK_NAME, (1_000_000_000, 1_000_000_000))
    seen = _child(SECOND_WINDOW, str(tmp_path / "qs2"), GPT2DESK_DATA_DIR=str(isolated_data_dir))
    assert "Another gpt2desk window is using the data folder" in seen["message"]
    assert str(isolated_data_dir) in seen["message"]
    assert "read-only" in seen["message"] and seen["visible"]
    assert "read-only" in seen["window"]
    assert seen["titles"] == ["The first window's draft"]
    assert _read(isolated_data_dir) == on_disk
    # The first window still saves, and its lock is still there.
    first.composer.setPlainText("the first window goes on")
    ws = first.workspace_ui.workspace
    ws.flush_pending()
    ws.writer.flush()
    assert [r["id"] for r in _read(isolated_data_dir)] == [saved]
    assert _read(isolated_data_dir)[0]["composer"] == b"the first window goes on"
    assert (isolated_data_dir / LOCK_NAME).exists()


HOLD_THE_FOLDER = """
import sys, time
from PySide6.QtCore import QCoreApplication
from gpt2desk.ui.conversation.workspace import Workspace
app = QCoreApplication(sys.argv[:1])
ws = Workspace(sys.argv[1])
conv = ws.new_conversation("draft")
ws.rename(conv.id, "written by the killed instance")
ws.flush_pending()
ws.writer.flush()
print("ready", flush=True)
time.sleep(600)
"""


def test_a_lock_left_by_a_killed_instance_is_taken_over_and_saving_works(
    make_window: MakeWindow, isolated_data_dir: Path
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_FOLDER, str(isolated_data_dir)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert (isolated_data_dir / LOCK_NAME).exists()
    window = make_window(start=False)
    ui = window.workspace_ui
    assert ui.storage_label.text() == "" and window.windowTitle() == "gpt2desk"
    assert [c["title"] for c in ui.workspace.summaries] == ["written by the killed instance"]
    saved = _saved_draft(window, "written after taking the lock over")
    assert saved in [r["id"] for r in _read(isolated_data_dir)]


def test_an_old_lock_file_full_of_garbage_does_not_lock_the_user_out(
    make_window: MakeWindow, isolated_data_dir: Path
) -> None:
    isolated_data_dir.mkdir(parents=True)
    lock = isolated_data_dir / LOCK_NAME
    lock.write_bytes(b"\x00\xffnot a pid\n" * 10)
    os.utime(lock, (1_000_000_000, 1_000_000_000))
    window = make_window(start=False)
    assert window.workspace_ui.storage_label.text() == ""
    saved = _saved_draft(window, "saved despite the garbage lock")
    assert [r["id"] for r in _read(isolated_data_dir)] == [saved]


def test_a_rename_changes_only_the_title_not_text_written_since_by_another_writer(
    make_window: MakeWindow, isolated_data_dir: Path
) -> None:
    window = make_window(start=False)
    ws = window.workspace_ui.workspace
    conv = ws.new_conversation("draft")
    turn = conv.add_turn(None, "user", "a short reply")
    ws.add_turns(conv, turn)
    ws.flush_pending()
    ws.writer.flush()
    # Another writer (an older gpt2desk without the lock) saves a long reply meanwhile.
    other = sqlite3.connect(isolated_data_dir / DB_NAME)
    other.execute("UPDATE turns SET text = ? WHERE id = ?", (b"a long reply " * 1000, turn.id))
    other.commit()
    other.close()
    ws.rename(conv.id, "A new title")
    ws.writer.flush()
    db = sqlite3.connect(isolated_data_dir / DB_NAME)
    title = db.execute("SELECT title FROM conversations WHERE id = ?", (conv.id,)).fetchone()[0]
    text = db.execute("SELECT text FROM turns WHERE id = ?", (turn.id,)).fetchone()[0]
    db.close()
    assert title == b"A new title"
    assert text == b"a long reply " * 1000


def test_a_second_workspace_on_the_folder_cannot_overwrite_the_first_ones_long_reply(
    qapp: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    first = Workspace(folder)
    assert first.notices == [] and not first.read_only
    conv = first.new_conversation("chat")
    ask = conv.add_turn(None, "user", "Tell a long story")
    reply = conv.add_turn(ask.id, "assistant", "")
    reply.status = "streaming"
    first.add_turns(conv, ask, reply)
    first.stream_into(conv, reply, "once upon a time " * 343)  # 5,831 characters
    first.flush_pending()
    first.writer.flush()
    # A second launch while the first is streaming: it reads a copy that is soon stale.
    second = Workspace(folder)
    try:
        assert second.read_only
        assert any("Another gpt2desk window" in str(n) for n in second.notices)
        stale = second.get(conv.id)
        assert stale is not None and len(stale.turns[reply.id].text) == 5831
        first.stream_into(conv, reply, "and then " * 1087)  # now 15,614 characters
        reply.status = "done"
        first.finish_turn(conv, reply)
        first.writer.flush()
        # Everything the user does in the second window stays in its memory.
        second.rename(conv.id, "renamed in the second window")
        second.delete(conv.id)
        second.undo()
        other = second.new_conversation("draft", composer="typed in the second window")
        second.flush_pending()
        second.writer.flush()
        assert other.id in [c["id"] for c in second.summaries]
    finally:
        second.close()
    assert (folder / LOCK_NAME).exists()  # still the first window's
    first.close()
    assert not (folder / LOCK_NAME).exists()
    store = Store.open(folder)
    assert [c["id"] for c in store.list_conversations()] == [conv.id]
    saved = store.load_conversation(conv.id)
    assert saved is not None and saved["title"] != "renamed in the second window"
    texts = {t["id"]: t for t in saved["turns"]}
    assert len(texts[reply.id]["text"]) == 15614 and texts[reply.id]["status"] == "done"
    store.close()
    # With the first window closed, the next one writes again.
    third = Workspace(folder)
    assert not third.read_only and third.notices == []
    third.close()


def test_undo_of_a_rename_restores_the_title_not_text_written_since_by_another_writer(
    qapp: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    ws = Workspace(folder)
    conv = ws.new_conversation("draft")
    turn = conv.add_turn(None, "user", "a short reply")
    ws.add_turns(conv, turn)
    ws.rename(conv.id, "A new title")
    ws.writer.flush()
    other = sqlite3.connect(folder / DB_NAME)
    other.execute("UPDATE turns SET text = ? WHERE id = ?", (b"a long reply " * 1000, turn.id))
    other.commit()
    other.close()
    assert ws.undo() == "Rename"
    ws.writer.flush()
    ws.close()
    store = Store.open(folder)
    saved = store.load_conversation(conv.id)
    store.close()
    assert saved is not None and saved["title"] != "A new title"
    assert saved["turns"][0]["text"] == "a long reply " * 1000


# -- crashes (item 14) --------------------------------------------------------------


def test_streamed_text_reaches_the_file_on_the_writers_own_clock_without_any_flush(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    _healthy(folder, count=1)
    writer = Writer(folder)
    writer.notices()
    text = "streamed while the window is too busy to save " * 50
    writer.defer(lambda s: s.update_turn("t-c0", text=text, status="streaming"), key="t-c0")
    # Nothing else is queued or flushed: the writer thread saves it on its own.
    deadline = time.monotonic() + 10
    found = b""
    while time.monotonic() < deadline and found != text.encode():
        time.sleep(0.05)
        found = _read_turn(folder, "t-c0")
    assert found == text.encode()
    writer.close()


def _read_turn(folder: Path, turn_id: str) -> bytes:
    uri = f"{(folder / DB_NAME).resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        row = conn.execute("SELECT text FROM turns WHERE id = ?", (turn_id,)).fetchone()
    finally:
        conn.close()
    return bytes(row[0]) if row else b""
