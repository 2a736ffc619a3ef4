"""Storage errors the user can act on, told apart from bugs (STYLE.md, Persistence)."""

from __future__ import annotations

import sqlite3

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Template, UserError

READ_ONLY_MESSAGE = QT_TRANSLATE_NOOP(
    "Store",
    "The data folder cannot be written to. Your work is kept in memory only and will not be saved.",
)


class StoreError(UserError):
    """A storage problem the user can act on; ``str()`` says what to do (core/i18n.py).

    Attributes:
        kind: "full" (disk or quota), "readonly", "locked", "corrupt",
            "newer" (written by a newer gpt2desk) or "io".
    """

    def __init__(self, kind: str, template: Template | str, /, **values: object) -> None:
        super().__init__(template, **values)
        self.kind = kind


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


def _open_error(exc: sqlite3.DatabaseError) -> StoreError:
    """Reading a file failed: damaged, or only unreadable here (read-only folder, locked)."""
    error = classify(exc)
    if error.kind in ("readonly", "locked", "full"):
        return error
    return StoreError("corrupt", str(exc))
