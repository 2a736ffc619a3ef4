"""SQLite persistence of conversations: schema, migrations, reads and writes.

One ``Store`` owns one ``sqlite3`` connection and is used from one thread
(the UI runs it in :class:`gpt2desk.core.writer.Writer`). Every method that
changes data is one transaction. Text is stored as UTF-8 with
``surrogatepass`` in BLOBs, so anything a Python ``str`` can hold (NUL, lone
surrogates) comes back exactly.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message, Template, UserError

DB_NAME = "gpt2desk.sqlite3"

# Each entry upgrades the schema from version i to i + 1 (``MIGRATIONS[0]``
# creates version 1). Never edit a released entry: append a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: conversations and the tree of their turns.
    """
    CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title BLOB NOT NULL,
        title_set INTEGER NOT NULL DEFAULT 0,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        model BLOB NOT NULL,
        active_child TEXT
    );
    CREATE INDEX conversations_by_updated ON conversations(updated);
    CREATE TABLE turns (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        parent_id TEXT,
        role TEXT NOT NULL,
        text BLOB NOT NULL,
        created REAL NOT NULL,
        active_child TEXT,
        passages TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL DEFAULT 'done'
    );
    CREATE INDEX turns_by_conversation ON turns(conversation_id);
    """,
    # 2: the workspace as it was left: unsent composer text, scroll, selection.
    """
    ALTER TABLE conversations ADD COLUMN composer BLOB NOT NULL DEFAULT x'';
    ALTER TABLE conversations ADD COLUMN scroll INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE app_state (key TEXT PRIMARY KEY, value BLOB NOT NULL);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

_CONV_COLUMNS = (
    "id",
    "kind",
    "title",
    "title_set",
    "created",
    "updated",
    "model",
    "active_child",
    "composer",
    "scroll",
)
_TURN_COLUMNS = (
    "id",
    "parent_id",
    "role",
    "text",
    "created",
    "active_child",
    "passages",
    "status",
)
_TEXT_FIELDS = frozenset({"title", "model", "composer", "text"})
READ_ONLY_MESSAGE = QT_TRANSLATE_NOOP(
    "Store",
    "The data folder cannot be written to. Your work is kept in memory only and will not be saved.",
)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold_case(text: str) -> str:
    """Lower case for ASCII letters only, as SQLite's ``lower`` (and :meth:`Store.search`) does."""
    return text.translate(_ASCII_LOWER)


class StoreError(UserError):
    """A storage problem the user can act on; ``str()`` says what to do (core/i18n.py).

    Attributes:
        kind: "full" (disk or quota), "readonly", "locked", "corrupt",
            "newer" (written by a newer gpt2desk) or "io".
    """

    def __init__(self, kind: str, template: Template | str, /, **values: object) -> None:
        super().__init__(template, **values)
        self.kind = kind


def enc(text: str) -> bytes:
    """Text to bytes without loss (lone surrogates included)."""
    return text.encode("utf-8", "surrogatepass")


def dec(data: bytes | str | None) -> str:
    """Inverse of :func:`enc`."""
    if data is None:
        return ""
    if isinstance(data, str):
        return data
    return bytes(data).decode("utf-8", "surrogatepass")


def classify(exc: sqlite3.Error) -> StoreError:
    """Turns an sqlite3 error into one the user can act on, with a message saying what to do."""
    text = str(exc).lower()
    if "full" in text:
        full = QT_TRANSLATE_NOOP(
            "Store", "The disk is full: free some space. Your work is kept in memory."
        )
        return StoreError("full", full)
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StoreError("readonly", READ_ONLY_MESSAGE)
    if "locked" in text or "busy" in text:
        locked = QT_TRANSLATE_NOOP("Store", "Another program is using the database; try again.")
        return StoreError("locked", locked)
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return StoreError("corrupt", QT_TRANSLATE_NOOP("Store", "The database file is damaged."))
    return StoreError("io", QT_TRANSLATE_NOOP("Store", "Saving failed: {error}"), error=exc)


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: transactions are explicit (BEGIN ... COMMIT), one per action.
    conn = sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _open_error(exc: sqlite3.DatabaseError) -> StoreError:
    """Reading a file failed: damaged, or only unreadable here (read-only folder, locked)."""
    error = classify(exc)
    if error.kind in ("readonly", "locked", "full"):
        return error
    return StoreError("corrupt", str(exc))


def _stamp() -> str:
    return datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")


class Store:
    """The database of one user, opened (and migrated) by :meth:`open`.

    Attributes:
        path: The database file, or None when working in memory.
        notices: Messages for the user from opening (corrupt file set
            aside, refused newer file, read-only folder, backup taken).
        in_memory: True once nothing is written to disk any more.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path
        self.notices: list[Message] = []
        self.in_memory = path is None

    # -- opening -----------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path | str | None) -> Store:
        """Opens the database in ``folder`` (created if missing); None = memory only.

        Never raises for a problem with the file: a corrupt file is set aside
        and a fresh one created; a newer or unwritable file is read into
        memory and left untouched. ``notices`` says what happened.
        """
        if folder is None:
            store = cls(_connect(":memory:"), None)
            store._migrate()
            return store
        folder = Path(folder)
        path = folder / DB_NAME
        notices: list[Message] = []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            store = cls._open_file(path, notices)
        except StoreError as exc:
            if exc.kind == "corrupt":
                try:
                    aside = _set_aside(path)
                except OSError as move_error:
                    stuck = QT_TRANSLATE_NOOP(
                        "Store", "The database is damaged and could not be moved: {error}"
                    )
                    notices.append(Message(stuck, error=move_error))
                    store = cls._memory_copy(None)
                    store.notices = notices
                    return store
                moved = QT_TRANSLATE_NOOP(
                    "Store",
                    "The database was damaged; it was kept as {file} and a new one started.",
                )
                notices.append(Message(moved, file=aside.name))
                try:
                    store = cls._open_file(path, notices)
                except (StoreError, OSError, sqlite3.Error) as again:
                    failed = QT_TRANSLATE_NOOP(
                        "Store", "A new database could not be created either: {error}"
                    )
                    notices.append(Message(failed, error=again))
                    store = cls._memory_copy(None)
            else:
                notices.append(exc.message)
                store = cls._memory_copy(path if path.exists() else None)
        except (OSError, sqlite3.Error) as exc:
            if isinstance(exc, sqlite3.Error):
                notices.append(classify(exc).message)
            else:
                failed = QT_TRANSLATE_NOOP("Store", "Opening the database failed: {error}")
                notices.append(Message(failed, error=exc))
            if not any("kept in memory" in n.english() for n in notices):
                notices.append(
                    Message(
                        QT_TRANSLATE_NOOP(
                            "Store", "Your work is kept in memory only and will not be saved."
                        )
                    )
                )
            store = cls._memory_copy(path if path.exists() else None)
        store.notices = notices + store.notices
        return store

    @classmethod
    def _open_file(cls, path: Path, notices: list[Message]) -> Store:
        existed = path.exists() and path.stat().st_size > 0
        for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if not _writable(part):
                # SQLite would quietly open it read-only (it even reads a WAL with a -shm).
                raise StoreError("readonly", READ_ONLY_MESSAGE)
        conn = _connect(str(path))
        try:
            try:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise _open_error(exc) from exc
            if version > SCHEMA_VERSION:
                # Refuse before anything (even the WAL switch) touches the file.
                newer = QT_TRANSLATE_NOOP(
                    "Store",
                    "The database was written by a newer gpt2desk (schema {version}, this "
                    "version knows {known}). It was left untouched; update gpt2desk "
                    "to see it. Your work here is kept in memory only.",
                )
                raise StoreError("newer", newer, version=version, known=SCHEMA_VERSION)
            if existed:
                try:
                    check = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
                except sqlite3.DatabaseError as exc:
                    raise _open_error(exc) from exc
                if check != ["ok"]:
                    raise StoreError("corrupt", "; ".join(map(str, check[:3])))
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise classify(exc) from exc
            if str(mode).lower() != "wal":
                # A read-only folder cannot hold the -wal file.
                raise StoreError("readonly", READ_ONLY_MESSAGE)
            conn.execute("PRAGMA synchronous = NORMAL")
            store = cls(conn, path)
            if 0 < version < SCHEMA_VERSION:
                backup = store.backup_to(path.with_name(f"{path.name}.v{version}-{_stamp()}.bak"))
                upgraded = QT_TRANSLATE_NOOP(
                    "Store", "The database was upgraded; the old one is kept as {file}."
                )
                notices.append(Message(upgraded, file=backup.name))
            try:
                store._migrate()
            except sqlite3.Error as exc:
                if version == 0:
                    raise classify(exc) from exc
                failed = QT_TRANSLATE_NOOP(
                    "Store",
                    "Upgrading the database failed ({error}); the file was left as it was. "
                    "Your work here is kept in memory only.",
                )
                raise StoreError("migration", failed, error=exc) from exc
            return store
        except BaseException:
            conn.close()
            raise

    @classmethod
    def _memory_copy(cls, path: Path | None) -> Store:
        """A memory database holding a copy of ``path`` (read without changing it)."""
        mem = _connect(":memory:")
        version = 0
        if path is not None:
            try:
                with _read_only_source(path) as src:
                    version = src.execute("PRAGMA user_version").fetchone()[0]
                    if version <= SCHEMA_VERSION:
                        src.backup(mem)
            except (sqlite3.Error, OSError):
                version = 0
        store = cls(mem, None)
        if version > SCHEMA_VERSION:
            # Its schema is unknown here: start empty rather than misread it.
            mem.close()
            store = cls(_connect(":memory:"), None)
        try:
            store._migrate()
        except sqlite3.Error:
            store.close()
            store = cls(_connect(":memory:"), None)
            store._migrate()
        return store

    def reader(self) -> Store | None:
        """A second, read-only connection to the same file, for another thread.

        In WAL mode a reader never waits for the writer (nor the writer for
        it): it sees the last committed state. None when working in memory.
        """
        if self.in_memory or self.path is None:
            return None
        try:
            conn = _connect(str(self.path))
            conn.execute("PRAGMA query_only = ON")
        except sqlite3.Error:
            return None
        return Store(conn, self.path)

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version >= SCHEMA_VERSION:
            return
        with self.transaction():
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _statements(MIGRATIONS[target - 1]):
                    self.conn.execute(statement)
            # PRAGMA user_version is transactional: rolled back with the rest.
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def backup_to(self, target: Path) -> Path:
        """A consistent copy of the database with the sqlite3 backup API."""
        dst = sqlite3.connect(str(target))
        try:
            self.conn.backup(dst)
        finally:
            dst.close()
        return target

    def move_to_memory(self) -> None:
        """Continue in a memory copy: after a failed write nothing more touches the file."""
        if self.in_memory:
            return
        mem = _connect(":memory:")
        self.conn.backup(mem)
        self.conn.close()
        self.conn = mem
        self.in_memory = True

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One user action: everything inside commits together or not at all."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- reads -------------------------------------------------------------------

    def list_conversations(self) -> list[dict[str, Any]]:
        """Summaries (no turns, no composer), newest first."""
        rows = self.conn.execute(
            "SELECT id, kind, title, title_set, created, updated, model FROM conversations "
            "ORDER BY updated DESC"
        ).fetchall()
        return [
            {
                "id": r[0],
                "kind": r[1],
                "title": dec(r[2]),
                "title_set": bool(r[3]),
                "created": r[4],
                "updated": r[5],
                "model": dec(r[6]),
            }
            for r in rows
        ]

    def load_conversation(self, conversation_id: str) -> dict[str, Any] | None:
        """The whole conversation as a JSON-safe dict, or None if there is none."""
        cols = ", ".join(_CONV_COLUMNS)
        row = self.conn.execute(
            f"SELECT {cols} FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        if row is None:
            return None
        conv = _from_row(_CONV_COLUMNS, row)
        conv["title_set"] = bool(conv["title_set"])
        tcols = ", ".join(_TURN_COLUMNS)
        conv["turns"] = [
            _from_row(_TURN_COLUMNS, r)
            for r in self.conn.execute(
                f"SELECT {tcols} FROM turns WHERE conversation_id = ? ORDER BY created, rowid",
                (conversation_id,),
            )
        ]
        return conv

    def load_all(self) -> list[dict[str, Any]]:
        ids = [r[0] for r in self.conn.execute("SELECT id FROM conversations ORDER BY updated")]
        return [c for c in (self.load_conversation(i) for i in ids) if c is not None]

    def search(self, query: str) -> list[str]:
        """Ids of conversations whose title, turns or unsent text contain ``query``.

        Case is ignored for ASCII letters only (SQLite's ``lower``), other
        characters match exactly.
        """
        needle = fold_case(query)
        if not needle:
            return [c["id"] for c in self.list_conversations()]
        arg = enc(needle)
        rows = self.conn.execute(
            "SELECT id FROM conversations c WHERE "
            "instr(CAST(lower(c.title) AS BLOB), ?1) OR instr(CAST(lower(c.composer) AS BLOB), ?1) "
            "OR EXISTS (SELECT 1 FROM turns t WHERE t.conversation_id = c.id "
            "AND instr(CAST(lower(t.text) AS BLOB), ?1)) ORDER BY updated DESC",
            (arg,),
        ).fetchall()
        return [r[0] for r in rows]

    def get_state(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM app_state WHERE key = ?", (key,)).fetchone()
        return default if row is None else dec(row[0])

    # -- writes (each one transaction) ------------------------------------------

    def save_conversation(self, conv: dict[str, Any]) -> None:
        """Replaces a whole conversation (its row and all its turns)."""
        with self.transaction():
            self._delete(conv["id"])
            self._insert(conv)

    def save_many(self, convs: Sequence[dict[str, Any]]) -> None:
        """Replaces several conversations in one transaction (an import)."""
        with self.transaction():
            for conv in convs:
                self._delete(conv["id"])
                self._insert(conv)

    def update_conversation(self, conversation_id: str, **fields: Any) -> None:
        """Changes some columns of one conversation (title, composer, scroll…)."""
        with self.transaction():
            self._update("conversations", conversation_id, fields)

    def put_turns(
        self, conversation_id: str, turns: Sequence[dict[str, Any]], **conv_fields: Any
    ) -> None:
        """Inserts or replaces turns, and updates the conversation's columns with them."""
        with self.transaction():
            for turn in turns:
                self._put_turn(conversation_id, turn)
            if conv_fields:
                self._update("conversations", conversation_id, conv_fields)

    def update_turn(self, turn_id: str, **fields: Any) -> None:
        with self.transaction():
            self._update("turns", turn_id, fields)

    def delete_conversation(self, conversation_id: str) -> None:
        with self.transaction():
            self._delete(conversation_id)

    def set_state(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO app_state(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, enc(value)),
            )

    def _delete(self, conversation_id: str) -> None:
        self.conn.execute("DELETE FROM turns WHERE conversation_id = ?", (conversation_id,))
        self.conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    def _insert(self, conv: dict[str, Any]) -> None:
        values = [_to_db(c, conv.get(c, _DEFAULTS.get(c))) for c in _CONV_COLUMNS]
        marks = ", ".join("?" * len(_CONV_COLUMNS))
        self.conn.execute(
            f"INSERT INTO conversations({', '.join(_CONV_COLUMNS)}) VALUES ({marks})", values
        )
        for turn in conv.get("turns", ()):
            self._put_turn(conv["id"], turn)

    def _put_turn(self, conversation_id: str, turn: dict[str, Any]) -> None:
        cols = (*_TURN_COLUMNS, "conversation_id")
        values = [_to_db(c, turn.get(c, _DEFAULTS.get(c))) for c in _TURN_COLUMNS]
        values.append(conversation_id)
        marks = ", ".join("?" * len(cols))
        self.conn.execute(
            f"INSERT OR REPLACE INTO turns({', '.join(cols)}) VALUES ({marks})", values
        )

    def _update(self, table: str, row_id: str, fields: dict[str, Any]) -> None:
        allowed = _CONV_COLUMNS if table == "conversations" else _TURN_COLUMNS
        for key in fields:
            if key not in allowed or key == "id":
                raise ValueError(f"unknown column {key!r} of {table}")
        if not fields:
            return
        sets = ", ".join(f"{k} = ?" for k in fields)
        values = [_to_db(k, v) for k, v in fields.items()]
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values, row_id])


_DEFAULTS: dict[str, Any] = {
    "title_set": False,
    "model": "",
    "active_child": None,
    "composer": "",
    "scroll": 0,
    "passages": [],
    "status": "done",
    "parent_id": None,
}


def _to_db(column: str, value: Any) -> Any:
    if column in _TEXT_FIELDS:
        return enc(value or "")
    if column == "passages":
        return json.dumps(value or [])
    if column == "title_set":
        return int(bool(value))
    return value


def _from_row(columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col, value in zip(columns, row, strict=True):
        if col in _TEXT_FIELDS:
            out[col] = dec(value)
        elif col == "passages":
            out[col] = json.loads(value) if value else []
        else:
            out[col] = value
    return out


def _writable(path: Path) -> bool:
    """False if ``path`` exists and this process may not write it (modes, a read-only mount)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    os.close(fd)
    return True


@contextlib.contextmanager
def _read_only_source(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that reads ``path`` as it is, including a -wal left by a crash.

    ``immutable=1`` would ignore the -wal (the newest writes). A read-only
    open reads it when the -shm exists too; without one, SQLite cannot build
    the WAL index in a read-only folder, so the files are read from a copy.
    """
    wal = path.with_name(path.name + "-wal")
    conn: sqlite3.Connection | None = None
    if not (wal.exists() and wal.stat().st_size > 0):
        conn = _connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    else:
        try:
            conn = _connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error:
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        try:
            yield conn
        finally:
            conn.close()
        return
    with tempfile.TemporaryDirectory(prefix="gpt2desk-ro-") as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        conn = _connect(str(copy))
        try:
            yield conn
        finally:
            conn.close()


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _set_aside(path: Path) -> Path:
    """Renames a damaged database (and its -wal/-shm) to a timestamped name."""
    aside = path.with_name(f"{path.name}.corrupt-{_stamp()}")
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + suffix))
    return aside
