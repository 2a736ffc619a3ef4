"""Storage errors the user can act on, told apart from bugs (STYLE.md, Persistence).

SQLite's own result code decides, as qutebrowser's misc/sql.py does: a full
disk, a read-only file, an I/O error or a lock is the user's to act on; only
SQLITE_CORRUPT and SQLITE_NOTADB mean the file is damaged; anything else
(syntax, constraint, misuse, a wrong binding) is a bug in gpt2desk.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Template, UserError

READ_ONLY_MESSAGE = QT_TRANSLATE_NOOP(
    "Store",
    "The data folder cannot be written to. Your work is kept in memory only and will not be saved.",
)
READ_ONLY_FOLDER_MESSAGE = QT_TRANSLATE_NOOP(
    "Store",
    "The database in {folder} cannot be written to (the folder or a file in it is read-only, "
    "or you may not write there). It was left untouched. Your work is kept in memory only "
    "and will not be saved.",
)
MEMORY_ONLY_MESSAGE = QT_TRANSLATE_NOOP(
    "Store", "Your work is kept in memory only and will not be saved."
)

# Primary result codes (the low byte of an extended code) and what they mean here.
_KINDS = {
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_READONLY: "readonly",
    sqlite3.SQLITE_CANTOPEN: "readonly",
    sqlite3.SQLITE_PERM: "readonly",
    sqlite3.SQLITE_AUTH: "readonly",
    sqlite3.SQLITE_BUSY: "locked",
    sqlite3.SQLITE_LOCKED: "locked",
    sqlite3.SQLITE_IOERR: "io",
    sqlite3.SQLITE_NOMEM: "io",
    sqlite3.SQLITE_NOLFS: "io",
    sqlite3.SQLITE_PROTOCOL: "io",
    sqlite3.SQLITE_CORRUPT: "corrupt",
    sqlite3.SQLITE_NOTADB: "corrupt",
}


class StoreError(UserError):
    """A storage problem the user can act on; ``str()`` says what to do (core/i18n.py).

    Attributes:
        kind: "full" (disk or quota), "readonly", "locked", "io", "corrupt",
            "newer" (written by a newer gpt2desk), "foreign" (another
            program's database), "notafile" (a folder or device at the path),
            "migration", or "bug" (an error in gpt2desk's own SQL).
    """

    def __init__(self, kind: str, template: Template | str, /, **values: object) -> None:
        super().__init__(template, **values)
        self.kind = kind


def error_kind(exc: sqlite3.Error) -> str:
    """What SQLite's result code says: "full", "readonly", "locked", "io", "corrupt" or "bug"."""
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return "bug"  # raised by the sqlite3 module itself: a wrong binding, a closed connection
    return _KINDS.get(code & 0xFF, "bug")


def classify(exc: sqlite3.Error, path: Path | None = None) -> StoreError:
    """Turns an sqlite3 error into one the user can act on, with a message saying what to do.

    Args:
        path: The database file, named in the message when known.
    """
    kind = error_kind(exc)
    if path is None:
        return _unnamed(kind, exc)
    if kind == "full":
        full = QT_TRANSLATE_NOOP(
            "Store",
            "The disk is full, {file} cannot grow: free some space. Your work is kept in memory.",
        )
        return StoreError("full", full, file=path)
    if kind == "readonly":
        return StoreError("readonly", READ_ONLY_FOLDER_MESSAGE, folder=path.parent)
    if kind == "locked":
        locked = QT_TRANSLATE_NOOP(
            "Store",
            "Another program is using the database {file}; close it and start gpt2desk "
            "again. Your work is kept in memory.",
        )
        return StoreError("locked", locked, file=path)
    if kind == "io":
        io = QT_TRANSLATE_NOOP(
            "Store",
            "The disk could not read or write {file} ({error}); the disk may be full or "
            "failing. Your work is kept in memory.",
        )
        return StoreError("io", io, file=path, error=exc)
    if kind == "corrupt":
        damaged = QT_TRANSLATE_NOOP("Store", "The database file {file} is damaged.")
        return StoreError("corrupt", damaged, file=path)
    return _unnamed("bug", exc)


def _unnamed(kind: str, exc: sqlite3.Error) -> StoreError:
    """An error of a database in memory: no file to name, nothing the user can do."""
    if kind == "bug":
        bug = QT_TRANSLATE_NOOP(
            "Store", "Saving failed because of a bug in gpt2desk ({error}); see the log file."
        )
        return StoreError("bug", bug, error=exc)
    return StoreError(kind, QT_TRANSLATE_NOOP("Store", "Saving failed: {error}"), error=exc)


def _open_error(exc: sqlite3.DatabaseError, path: Path) -> StoreError:
    """Reading a file failed: damaged only when SQLite says so (SQLITE_CORRUPT/NOTADB)."""
    error = classify(exc, path)
    if error.kind == "corrupt":
        return StoreError("corrupt", str(exc))
    return error
