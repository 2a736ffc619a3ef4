"""SQLite persistence of conversations: schema, migrations, reads and writes.

One ``Store`` owns one ``sqlite3`` connection and is used from one thread
(the UI runs it in :class:`gpt2desk.core.store.writer.Writer`). Every method that
changes data is one transaction. Text is stored as UTF-8 with
``surrogatepass`` in BLOBs, so anything a Python ``str`` can hold (NUL, lone
surrogates) comes back exactly.

The parts live in modules of their own in this package and are importable
from here: ``schema`` (migrations, columns, text as BLOBs), ``errors``,
``files`` (connecting, read-only copies, setting a damaged file aside) and
``records`` (the reads and writes); ``writer`` is the storage thread.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message
from gpt2desk.core.store.errors import (
    MEMORY_ONLY_MESSAGE,
    READ_ONLY_FOLDER_MESSAGE,
    READ_ONLY_MESSAGE,
    StoreError,
    _open_error,
    classify,
    error_kind,
)
from gpt2desk.core.store.files import (
    _connect,
    _not_a_file,
    _read_only_source,
    _set_aside,
    _stamp,
    _writable,
)
from gpt2desk.core.store.records import Records
from gpt2desk.core.store.schema import (
    DB_NAME,
    MIGRATIONS,
    SCHEMA_VERSION,
    _statements,
    dec,
    enc,
    fold_case,
)

log = logging.getLogger(__name__)

IN_USE_MESSAGE = QT_TRANSLATE_NOOP(
    "Store",
    "Another gpt2desk window is using the data folder {folder}, so this window is "
    "read-only: nothing you do here is saved. Close the other window and start gpt2desk "
    "again to save your work.",
)

__all__ = [
    "DB_NAME",
    "IN_USE_MESSAGE",
    "MIGRATIONS",
    "READ_ONLY_MESSAGE",
    "SCHEMA_VERSION",
    "Store",
    "StoreError",
    "classify",
    "dec",
    "enc",
    "error_kind",
    "fold_case",
]


class Store(Records):
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
        #: The copy taken before this open upgraded the schema (None: no upgrade).
        self.upgrade_backup: Path | None = None

    # -- opening -----------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path | str | None, *, read_only: bool = False) -> Store:
        """Opens the database in ``folder`` (created if missing); None = memory only.

        Never raises for a problem with the file. Only a file SQLite calls
        corrupt (SQLITE_CORRUPT, SQLITE_NOTADB) is set aside and a fresh one
        created; a full disk, an I/O error, a lock, a read-only, newer or
        foreign file is read into memory (when it can be) and left where it
        is. ``read_only``: another instance writes the folder; its database
        is read into memory and nothing is ever written. ``notices`` says
        what happened.
        """
        if folder is None:
            store = cls(_connect(":memory:"), None)
            store._migrate()
            return store
        folder = Path(folder)
        path = folder / DB_NAME
        refused = _refused_path(folder, path)
        if refused is not None:
            store = cls._memory_copy(None)
            store.notices = [refused, Message(MEMORY_ONLY_MESSAGE)]
            return store
        if read_only:
            store = cls._memory_copy(path if path.is_file() else None, live=True)
            store.notices = [Message(IN_USE_MESSAGE, folder=folder)]
            return store
        notices: list[Message] = []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            store = cls._open_file(path, notices)
        except StoreError as exc:
            if exc.kind == "corrupt":
                store = cls._replace_corrupt(path, notices)
            else:
                if exc.kind == "bug":
                    log.error("opening %s hit a bug in gpt2desk: %s", path, exc)
                notices.append(exc.message)
                readable = exc.kind != "foreign" and path.is_file()
                store = cls._memory_copy(path if readable else None)
        except (OSError, sqlite3.Error) as exc:
            if isinstance(exc, sqlite3.Error):
                notices.append(classify(exc, path).message)
            else:
                failed = QT_TRANSLATE_NOOP("Store", "Opening the database failed: {error}")
                notices.append(Message(failed, error=exc))
            store = cls._memory_copy(path if path.is_file() else None)
        if store.in_memory and not any("kept in memory" in n.english() for n in notices):
            notices.append(Message(MEMORY_ONLY_MESSAGE))
        store.notices = notices + store.notices
        return store

    @classmethod
    def _replace_corrupt(cls, path: Path, notices: list[Message]) -> Store:
        """Sets a file SQLite calls corrupt aside (kept byte for byte) and starts a new one."""
        try:
            aside = _set_aside(path)
        except OSError as move_error:
            stuck = QT_TRANSLATE_NOOP(
                "Store", "The database is damaged and could not be moved: {error}"
            )
            notices.append(Message(stuck, error=move_error))
            return cls._memory_copy(None)
        moved = QT_TRANSLATE_NOOP(
            "Store",
            "The database was damaged; it was kept as {file} and a new one started.",
        )
        notices.append(Message(moved, file=aside.name))
        try:
            return cls._open_file(path, notices)
        except (StoreError, OSError, sqlite3.Error) as again:
            failed = QT_TRANSLATE_NOOP(
                "Store", "A new database could not be created either: {error}"
            )
            notices.append(Message(failed, error=again))
            return cls._memory_copy(None)

    @classmethod
    def _open_file(cls, path: Path, notices: list[Message]) -> Store:
        existed = path.exists() and path.stat().st_size > 0
        for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if not _writable(part):
                # SQLite would quietly open it read-only (it even reads a WAL with a -shm).
                raise StoreError("readonly", READ_ONLY_FOLDER_MESSAGE, folder=path.parent)
        conn = _connect(str(path))
        try:
            try:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise _open_error(exc, path) from exc
            if version == 0 and existed and _has_tables(conn, path):
                # Another program's database: even the WAL switch would change it.
                foreign = QT_TRANSLATE_NOOP(
                    "Store",
                    "{file} is not a gpt2desk database (it holds another program's tables). "
                    "It was left untouched; move it away to start a new database. Your work "
                    "here is kept in memory only.",
                )
                raise StoreError("foreign", foreign, file=path)
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
                    raise _open_error(exc, path) from exc
                if check != ["ok"]:
                    raise StoreError("corrupt", "; ".join(map(str, check[:3])))
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise classify(exc, path) from exc
            if str(mode).lower() != "wal":
                # A read-only folder cannot hold the -wal file.
                raise StoreError("readonly", READ_ONLY_FOLDER_MESSAGE, folder=path.parent)
            conn.execute("PRAGMA synchronous = NORMAL")
            store = cls(conn, path)
            if 0 < version < SCHEMA_VERSION:
                backup = store.backup_to(path.with_name(f"{path.name}.v{version}-{_stamp()}.bak"))
                store.upgrade_backup = backup
                upgraded = QT_TRANSLATE_NOOP(
                    "Store", "The database was upgraded; the old one is kept as {file}."
                )
                notices.append(Message(upgraded, file=backup.name))
            try:
                store._migrate()
            except sqlite3.Error as exc:
                if version == 0:
                    raise classify(exc, path) from exc
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
    def _memory_copy(cls, path: Path | None, *, live: bool = False) -> Store:
        """A memory database holding a copy of ``path`` (read without changing it)."""
        mem = _connect(":memory:")
        version = 0
        if path is not None:
            try:
                with _read_only_source(path, live=live) as src:
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


def _has_tables(conn: sqlite3.Connection, path: Path) -> bool:
    """Whether a database without our version stamp holds any tables (another program's)."""
    try:
        return bool(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise _open_error(exc, path) from exc


def _refused_path(folder: Path, path: Path) -> Message | None:
    """Why nothing can be stored at ``path`` (a folder or a device there), else None."""
    if folder.exists() and not folder.is_dir():
        is_file = QT_TRANSLATE_NOOP(
            "Store", "The data folder {folder} is a file, not a folder; it was left untouched."
        )
        return Message(is_file, folder=folder)
    kind = _not_a_file(path)
    if kind == "folder":
        is_folder = QT_TRANSLATE_NOOP(
            "Store",
            "The database {file} is a folder, not a database file; it was left untouched.",
        )
        return Message(is_folder, file=path)
    if kind == "special":
        special = QT_TRANSLATE_NOOP(
            "Store",
            "The database {file} is not a regular file (a pipe, device or socket); "
            "it was left untouched.",
        )
        return Message(special, file=path)
    return None
