"""The SQLite store on real temp-file databases: round trips, migrations, faults."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gpt2desk.core.store.database import (
    DB_NAME,
    MIGRATIONS,
    SCHEMA_VERSION,
    Store,
    StoreError,
    _statements,
)
from gpt2desk.core.store.writer import Writer

ROOT = Path(__file__).resolve().parents[2]

# Everything a Python str can hold that tends to break storage or display.
NASTY = (
    "<b>bold</b> <script>alert(1)</script> &amp; **md** # h\n"
    "nul:\x00 bell:\x07 esc:\x1b[31m cr:\r ff:\x0c "
    "lone:\ud800 \udfff rtl:\u202eabc\u202c \u200f\u05e9\u05dc\u05d5\u05dd emoji:\U0001f600"
)


def conv(cid: str = "c1", text: str = "hello", **extra: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": cid,
        "kind": "chat",
        "title": text[:10],
        "created": 1.0,
        "updated": 2.0,
        "model": "gpt2",
        "turns": [
            {"id": cid + "u", "parent_id": None, "role": "user", "text": text, "created": 1.0},
            {
                "id": cid + "a",
                "parent_id": cid + "u",
                "role": "assistant",
                "text": "reply " + text,
                "created": 2.0,
                "passages": [{"start": 0, "end": 6, "seed": 7, "model": "gpt2"}],
            },
        ],
    }
    d.update(extra)
    return d


def test_text_of_every_kind_comes_back_exactly(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.save_conversation(conv(text=NASTY, composer=NASTY + "unsent"))
    store.close()
    again = Store.open(tmp_path)
    loaded = again.load_conversation("c1")
    assert loaded is not None
    assert loaded["turns"][0]["text"] == NASTY
    assert loaded["turns"][1]["text"] == "reply " + NASTY
    assert loaded["composer"] == NASTY + "unsent"
    assert loaded["title"] == NASTY[:10]
    assert loaded["turns"][1]["passages"][0]["seed"] == 7
    assert again.notices == []


def test_database_is_wal_with_the_current_schema(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.path == tmp_path / DB_NAME


def test_search_ignores_ascii_case_and_finds_text_in_turns_titles_and_composer(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path)
    store.save_conversation(conv("a", "The Quick brown fox"))
    store.save_conversation(conv("b", "nothing here", composer="unsent Zebra\x00 text"))
    store.save_conversation(conv("c", "Ünïcode \ud800 text"))
    assert store.search("quick") == ["a"]
    assert store.search("REPLY THE") == ["a"]
    assert store.search("zebra\x00 T") == ["b"]
    assert store.search("\ud800") == ["c"]
    assert store.search("ünï") == []  # only ASCII letters ignore case
    assert store.search("Ünï") == ["c"]
    assert sorted(store.search("")) == ["a", "b", "c"]


def _make_version(path: Path, version: int) -> None:
    """A database as gpt2desk left it at schema ``version``, with one conversation."""
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:version]:
        for statement in _statements(script):
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {version}")
    if version >= 1:
        db.execute(
            "INSERT INTO conversations(id, kind, title, title_set, created, updated, model) "
            "VALUES ('old', 'chat', ?, 1, 1.0, 2.0, ?)",
            (b"Old title", b"gpt2"),
        )
        db.execute(
            "INSERT INTO turns(id, conversation_id, parent_id, role, text, created) "
            "VALUES ('t', 'old', NULL, 'user', ?, 1.0)",
            ("kept \ud800".encode("utf-8", "surrogatepass"),),
        )
    db.commit()
    db.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_migrates_from_every_earlier_version_and_keeps_a_backup(
    tmp_path: Path, version: int
) -> None:
    _make_version(tmp_path / DB_NAME, version)
    store = Store.open(tmp_path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    backups = sorted(tmp_path.glob(f"{DB_NAME}.v{version}-*.bak"))
    if version == 0:
        assert backups == []
        assert store.list_conversations() == []
    else:
        assert len(backups) == 1, list(tmp_path.iterdir())
        assert any(backups[0].name in n for n in map(str, store.notices))
        old = sqlite3.connect(backups[0])
        assert old.execute("PRAGMA user_version").fetchone()[0] == version
        old.close()
        loaded = store.load_conversation("old")
        assert loaded is not None
        assert loaded["title"] == "Old title"
        assert loaded["composer"] == ""
        assert loaded["turns"][0]["text"] == "kept \ud800"
    store.save_conversation(conv("new"))
    assert store.get_state("selected", "none") == "none"


def test_a_failed_migration_leaves_the_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_version(tmp_path / DB_NAME, 1)
    import gpt2desk.core.store.database as store_module

    broken = (
        *MIGRATIONS[:1],
        MIGRATIONS[1] + "; UPDATE conversations SET kind = NULL",
        *MIGRATIONS[2:],
    )
    monkeypatch.setattr(store_module, "MIGRATIONS", broken)
    store = Store.open(tmp_path)
    assert store.in_memory  # refused to continue with a half-migrated file
    db = sqlite3.connect(tmp_path / DB_NAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    cols = [r[1] for r in db.execute("PRAGMA table_info(conversations)")]
    assert "composer" not in cols
    db.close()


def test_a_newer_database_is_refused_and_not_touched(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE future (x)")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    before = path.read_bytes()
    store = Store.open(tmp_path)
    assert store.in_memory
    assert any("newer gpt2desk" in n for n in map(str, store.notices))
    store.save_conversation(conv())  # the session works, in memory
    assert store.load_conversation("c1") is not None
    store.close()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [DB_NAME]


def test_a_corrupt_database_is_set_aside_and_a_fresh_one_started(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    for i in range(50):
        store.save_conversation(conv(f"c{i}", "x" * 3000))
    store.close()
    path = tmp_path / DB_NAME
    data = bytearray(path.read_bytes())
    data[4096 : 4096 * 3] = b"\xff" * (4096 * 2)  # trash b-tree pages
    path.write_bytes(bytes(data))
    store = Store.open(tmp_path)
    aside = list(tmp_path.glob(f"{DB_NAME}.corrupt-*"))
    assert len(aside) == 1
    assert any(aside[0].name in n for n in map(str, store.notices))
    assert not store.in_memory
    assert store.list_conversations() == []
    assert store.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_a_file_that_is_not_a_database_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"this is not sqlite at all" * 100)
    store = Store.open(tmp_path)
    assert len(list(tmp_path.glob(f"{DB_NAME}.corrupt-*"))) == 1
    assert store.notices and not store.in_memory


class _Errors:
    def __init__(self) -> None:
        self.seen: list[StoreError] = []

    def __call__(self, error: StoreError) -> None:
        self.seen.append(error)


def test_disk_full_says_so_keeps_working_in_memory_and_keeps_the_file_intact(
    tmp_path: Path,
) -> None:
    errors = _Errors()
    writer = Writer(tmp_path, on_error=errors)
    writer.call(lambda s: s.save_conversation(conv("saved", "precious")))

    def fill(store: Store) -> None:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 1}")

    writer.call(fill)
    writer.call(lambda s: s.save_conversation(conv("big", "y" * 200_000)))
    assert [e.kind for e in errors.seen] == ["full"]
    assert "disk is full" in str(errors.seen[0])
    # The session goes on: both conversations are there, and later writes work.
    writer.call(lambda s: s.update_conversation("saved", composer="typed later"))
    titles = writer.call(lambda s: sorted(c["id"] for c in s.list_conversations()))
    assert titles == ["big", "saved"]
    writer.close()
    db = sqlite3.connect(tmp_path / DB_NAME)
    assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert [r[0] for r in db.execute("SELECT id FROM conversations")] == ["saved"]
    db.close()
    store = Store.open(tmp_path)
    loaded = store.load_conversation("saved")
    assert loaded is not None and loaded["turns"][0]["text"] == "precious"


READONLY_CHILD = """
import json, sys
from gpt2desk.core.store.database import Store
store = Store.open(sys.argv[1])
loaded = store.load_conversation("c1")
store.save_conversation({"id": "new", "kind": "draft", "title": "t", "created": 1,
                         "updated": 3, "model": "", "turns": []})
print(json.dumps({"notices": [str(n) for n in store.notices], "in_memory": store.in_memory,
                  "text": loaded and loaded["turns"][0]["text"],
                  "ids": [c["id"] for c in store.list_conversations()]}))
"""


def test_a_read_only_folder_is_read_into_memory_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = Store.open(folder)
    store.save_conversation(conv(text="saved before"))
    store.close()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    folder.chmod(0o555)
    (folder / DB_NAME).chmod(0o444)
    os.chmod(tmp_path, 0o755)
    command = [sys.executable, "-c", READONLY_CHILD, str(folder)]
    if os.geteuid() == 0:
        # root ignores file permissions: drop the capabilities that let it.
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot make a folder read-only")
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    try:
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["in_memory"] is True
    assert any("cannot be written" in n or "memory" in n for n in result["notices"])
    assert result["text"] == "saved before"
    assert result["ids"] == ["new", "c1"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
