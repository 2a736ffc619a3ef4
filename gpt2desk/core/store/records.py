"""Reads and writes of conversations, turns and app state over one connection.

Every method that changes data is one transaction (:meth:`Records.transaction`).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from gpt2desk.core.store.schema import (
    _CONV_COLUMNS,
    _DEFAULTS,
    _TURN_COLUMNS,
    _from_row,
    _to_db,
    dec,
    enc,
    fold_case,
)


class Records:
    """The queries of :class:`gpt2desk.core.store.database.Store`, which opens the connection."""

    conn: sqlite3.Connection

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One user action: everything inside commits together or not at all."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            # SQLite may have rolled back already (a full disk, an I/O error): then
            # ROLLBACK itself fails and would hide the error that says what happened.
            if self.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error:
            if self.conn.in_transaction:  # e.g. SQLITE_BUSY: the transaction is still open
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            raise

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
        """Writes a whole conversation row by row (upserts), dropping turns it no longer has.

        For a new conversation, or one restored from a snapshot (undo). A change
        to a conversation already saved goes through :meth:`apply_changes`.
        """
        with self.transaction():
            self._upsert(conv)

    def save_many(self, convs: Sequence[dict[str, Any]]) -> None:
        """Writes several conversations in one transaction (an import)."""
        with self.transaction():
            for conv in convs:
                self._upsert(conv)

    def apply_changes(
        self,
        conversation_id: str,
        fields: dict[str, Any],
        new_turns: Sequence[dict[str, Any]] = (),
        turn_fields: Sequence[tuple[str, dict[str, Any]]] = (),
        removed: Sequence[str] = (),
    ) -> None:
        """One change, as targeted row updates in one transaction.

        Only the columns named are written: a rename touches the title, never
        the text of a turn another writer may have saved since.

        Args:
            fields: Changed columns of the conversation.
            new_turns: Whole rows of turns it did not have.
            turn_fields: ``(turn id, changed columns)`` of turns it had.
            removed: Ids of turns it no longer has.
        """
        with self.transaction():
            self._update("conversations", conversation_id, fields)
            for turn in new_turns:
                self._put_turn(conversation_id, turn)
            for turn_id, changed in turn_fields:
                self._update("turns", turn_id, changed)
            for turn_id in removed:
                self.conn.execute(
                    "DELETE FROM turns WHERE id = ? AND conversation_id = ?",
                    (turn_id, conversation_id),
                )

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

    def _upsert(self, conv: dict[str, Any]) -> None:
        values = [_to_db(c, conv.get(c, _DEFAULTS.get(c))) for c in _CONV_COLUMNS]
        self.conn.execute(_upsert_sql("conversations", _CONV_COLUMNS), values)
        turns = list(conv.get("turns", ()))
        for turn in turns:
            self._put_turn(conv["id"], turn)
        keep = [str(t["id"]) for t in turns]
        self.conn.execute(
            "DELETE FROM turns WHERE conversation_id = ? "
            "AND id NOT IN (SELECT value FROM json_each(?))",
            (conv["id"], json.dumps(keep)),
        )

    def _put_turn(self, conversation_id: str, turn: dict[str, Any]) -> None:
        cols = (*_TURN_COLUMNS, "conversation_id")
        values = [_to_db(c, turn.get(c, _DEFAULTS.get(c))) for c in _TURN_COLUMNS]
        values.append(conversation_id)
        self.conn.execute(_upsert_sql("turns", cols), values)

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


def _upsert_sql(table: str, columns: Sequence[str]) -> str:
    """Inserts a row, or updates the one with its id in place (no delete and re-insert)."""
    marks = ", ".join("?" * len(columns))
    sets = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    return (
        f"INSERT INTO {table}({', '.join(columns)}) VALUES ({marks}) "
        f"ON CONFLICT(id) DO UPDATE SET {sets}"
    )
