"""The database files on disk: connecting, write checks, read-only copies, setting aside."""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class Connection(sqlite3.Connection):
    """A connection that remembers the statement that failed, for the log of a bug."""

    failed_statement = ""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error:
            self.failed_statement = sql
            raise


#: How long a statement waits for another program's lock before SQLITE_BUSY.
BUSY_TIMEOUT_S = 5.0


def _connect(target: str, *, uri: bool = False) -> Connection:
    # isolation_level=None: transactions are explicit (BEGIN ... COMMIT), one per action.
    conn = sqlite3.connect(
        target,
        timeout=BUSY_TIMEOUT_S,
        uri=uri,
        isolation_level=None,
        check_same_thread=False,
        factory=Connection,
    )
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _not_a_file(path: Path) -> str | None:
    """ "folder" or "special" (pipe, device, socket) if ``path`` exists and is no regular file.

    SQLite would hang reading a pipe, and "save" into /dev/null.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError:
        return None  # unreadable: SQLite says what is wrong
    if stat.S_ISDIR(mode):
        return "folder"
    if not stat.S_ISREG(mode):
        return "special"
    return None


def _stamp() -> str:
    return datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")


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
def _read_only_source(path: Path, *, live: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection that reads ``path`` as it is, including a -wal left by a crash.

    ``immutable=1`` would ignore the -wal (the newest writes). A read-only
    open reads it when the -shm exists too; without one, SQLite cannot build
    the WAL index in a read-only folder, so the files are read from a copy.
    ``live``: another process may be writing it, so it is never read as immutable.
    """
    wal = path.with_name(path.name + "-wal")
    conn: sqlite3.Connection | None = None
    if not live and not (wal.exists() and wal.stat().st_size > 0):
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
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        conn = _connect(str(copy))
        try:
            yield conn
        finally:
            conn.close()


def _set_aside(path: Path) -> Path:
    """Renames a damaged database (and its -wal/-shm) to a timestamped name."""
    aside = path.with_name(f"{path.name}.corrupt-{_stamp()}")
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + suffix))
    return aside
