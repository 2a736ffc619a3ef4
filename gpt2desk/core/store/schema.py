"""The database layout: migrations, column lists, and how values are stored.

Text is stored as UTF-8 with ``surrogatepass`` in BLOBs (:func:`enc`,
:func:`dec`), so anything a Python ``str`` can hold (NUL, lone surrogates)
comes back exactly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

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
    # 3: manuscripts (a draft as one document), beside the turns of the same
    # conversation: its text with who wrote each character, the places with
    # alternative texts, and one record per continuation the model wrote.
    """
    CREATE TABLE manuscripts (
        id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        text BLOB NOT NULL,
        runs TEXT NOT NULL DEFAULT '[]',
        cursor INTEGER NOT NULL DEFAULT 0,
        scroll INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE manuscript_places (
        id TEXT PRIMARY KEY,
        manuscript_id TEXT NOT NULL REFERENCES manuscripts(id) ON DELETE CASCADE,
        parent_id TEXT,
        parent_alt INTEGER NOT NULL DEFAULT 0,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        shown INTEGER NOT NULL DEFAULT 0,
        visible INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX manuscript_places_by_manuscript ON manuscript_places(manuscript_id);
    CREATE TABLE manuscript_alternatives (
        place_id TEXT NOT NULL REFERENCES manuscript_places(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        continuation_id TEXT NOT NULL,
        text BLOB NOT NULL,
        runs TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (place_id, idx)
    );
    CREATE TABLE manuscript_continuations (
        id TEXT PRIMARY KEY,
        manuscript_id TEXT NOT NULL REFERENCES manuscripts(id) ON DELETE CASCADE,
        place_id TEXT NOT NULL,
        inserted_at INTEGER NOT NULL,
        model BLOB NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}',
        seed INTEGER,
        prompt_tokens INTEGER,
        new_tokens INTEGER,
        created REAL NOT NULL,
        status TEXT NOT NULL DEFAULT 'done',
        reason TEXT
    );
    CREATE INDEX manuscript_continuations_by_manuscript
        ON manuscript_continuations(manuscript_id);
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
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold_case(text: str) -> str:
    """Lower case for ASCII letters only, as SQLite's ``lower`` (and :meth:`Store.search`) does."""
    return text.translate(_ASCII_LOWER)


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


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
