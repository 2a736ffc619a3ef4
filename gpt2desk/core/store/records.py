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
        """Ids of conversations whose title, turns, manuscript or unsent text contain ``query``.

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
            "AND instr(CAST(lower(t.text) AS BLOB), ?1)) "
            "OR EXISTS (SELECT 1 FROM manuscripts m WHERE m.id = c.id "
            "AND instr(CAST(lower(m.text) AS BLOB), ?1)) ORDER BY updated DESC",
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

    def save_many(
        self, convs: Sequence[dict[str, Any]], manuscripts: Sequence[dict[str, Any]] = ()
    ) -> None:
        """Writes several conversations, and manuscripts of them, in one transaction (an import)."""
        with self.transaction():
            for conv in convs:
                self._upsert(conv)
            for manuscript in manuscripts:
                self._put_manuscript(manuscript)

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

    # -- manuscripts (see gpt2desk.core.writing.manuscript_rows for the rows) -------

    def load_manuscript(self, manuscript_id: str) -> dict[str, Any] | None:
        """A manuscript as ``manuscript_rows.to_dict`` makes it, or None if there is none."""
        row = self.conn.execute(
            "SELECT text, runs, cursor, scroll FROM manuscripts WHERE id = ?", (manuscript_id,)
        ).fetchone()
        if row is None:
            return None
        places = []
        for r in self.conn.execute(
            "SELECT id, parent_id, parent_alt, span_start, span_end, shown, visible "
            "FROM manuscript_places WHERE manuscript_id = ? ORDER BY rowid",
            (manuscript_id,),
        ).fetchall():
            alts = self.conn.execute(
                "SELECT continuation_id, text, runs FROM manuscript_alternatives "
                "WHERE place_id = ? ORDER BY idx",
                (r[0],),
            ).fetchall()
            places.append(
                {
                    "id": r[0],
                    "parent_id": r[1],
                    "parent_alt": r[2],
                    "start": r[3],
                    "end": r[4],
                    "shown": r[5],
                    "visible": bool(r[6]),
                    "alternatives": [
                        {"continuation_id": a[0], "text": dec(a[1]), "runs": json.loads(a[2])}
                        for a in alts
                    ],
                }
            )
        conts = [
            {
                "id": r[0],
                "place_id": r[1],
                "offset": r[2],
                "model": dec(r[3]),
                "settings": json.loads(r[4]),
                "seed": r[5],
                "prompt_tokens": r[6],
                "new_tokens": r[7],
                "created": r[8],
                "status": r[9],
                "reason": r[10],
            }
            for r in self.conn.execute(
                "SELECT id, place_id, inserted_at, model, settings, seed, prompt_tokens, "
                "new_tokens, created, status, reason FROM manuscript_continuations "
                "WHERE manuscript_id = ? ORDER BY created, rowid",
                (manuscript_id,),
            )
        ]
        return {
            "id": manuscript_id,
            "text": dec(row[0]),
            "runs": json.loads(row[1]),
            "cursor": row[2],
            "scroll": row[3],
            "places": places,
            "continuations": conts,
        }

    def drafts_without_manuscript(self) -> list[str]:
        """Ids of draft conversations that have no manuscript yet (made before schema 3)."""
        rows = self.conn.execute(
            "SELECT c.id FROM conversations c WHERE c.kind = 'draft' "
            "AND NOT EXISTS (SELECT 1 FROM manuscripts m WHERE m.id = c.id) ORDER BY c.updated"
        ).fetchall()
        return [r[0] for r in rows]

    def save_manuscript(self, manuscript: dict[str, Any]) -> None:
        """Writes a whole manuscript (its conversation row must exist), dropping rows it lacks."""
        with self.transaction():
            self._put_manuscript(manuscript)

    def _put_manuscript(self, manuscript: dict[str, Any]) -> None:
        mid = manuscript["id"]
        fields = {k: manuscript.get(k) for k in ("text", "runs", "cursor", "scroll")}
        self._put_manuscript_fields(mid, fields)
        keep_places = [p["id"] for p in manuscript.get("places", ())]
        keep_conts = [c["id"] for c in manuscript.get("continuations", ())]
        self.conn.execute(
            "DELETE FROM manuscript_places WHERE manuscript_id = ? "
            "AND id NOT IN (SELECT value FROM json_each(?))",
            (mid, json.dumps(keep_places)),
        )
        self.conn.execute(
            "DELETE FROM manuscript_continuations WHERE manuscript_id = ? "
            "AND id NOT IN (SELECT value FROM json_each(?))",
            (mid, json.dumps(keep_conts)),
        )
        for place in manuscript.get("places", ()):
            self._put_place(mid, place)
        for cont in manuscript.get("continuations", ()):
            self._put_continuation(mid, cont)

    def apply_manuscript_changes(
        self,
        manuscript_id: str,
        changes: dict[str, Any],
        conversation_fields: dict[str, Any] | None = None,
    ) -> None:
        """Writes only the rows ``Manuscript.take_changes()`` names, in one transaction.

        ``changes``: ``fields`` (text, runs, cursor, scroll: those present),
        ``places`` and ``continuations`` (whole rows), ``removed_places`` and
        ``removed_continuations`` (ids). ``conversation_fields``: columns of
        the draft's conversation (its title, its date) written with them.
        """
        with self.transaction():
            if conversation_fields:
                self._update("conversations", manuscript_id, conversation_fields)
            if changes.get("fields"):
                self._put_manuscript_fields(manuscript_id, changes["fields"])
            for pid in changes.get("removed_places", ()):
                self.conn.execute(
                    "DELETE FROM manuscript_places WHERE id = ? AND manuscript_id = ?",
                    (pid, manuscript_id),
                )
            for cid in changes.get("removed_continuations", ()):
                self.conn.execute(
                    "DELETE FROM manuscript_continuations WHERE id = ? AND manuscript_id = ?",
                    (cid, manuscript_id),
                )
            for place in changes.get("places", ()):
                self._put_place(manuscript_id, place)
            for cont in changes.get("continuations", ()):
                self._put_continuation(manuscript_id, cont)

    def _put_manuscript_fields(self, manuscript_id: str, fields: dict[str, Any]) -> None:
        known = {"text", "runs", "cursor", "scroll"}
        values = {k: v for k, v in fields.items() if k in known and v is not None}
        if set(fields) - known:
            raise ValueError(f"unknown columns {sorted(set(fields) - known)} of manuscripts")
        if "text" in values:
            values["text"] = enc(values["text"])
        if "runs" in values:
            values["runs"] = json.dumps(values["runs"])
        self.conn.execute(
            "INSERT INTO manuscripts(id, text) VALUES (?, x'') ON CONFLICT(id) DO NOTHING",
            (manuscript_id,),
        )
        if values:
            sets = ", ".join(f"{k} = ?" for k in values)
            self.conn.execute(
                f"UPDATE manuscripts SET {sets} WHERE id = ?", [*values.values(), manuscript_id]
            )

    def _put_place(self, manuscript_id: str, place: dict[str, Any]) -> None:
        cols = (
            "id",
            "manuscript_id",
            "parent_id",
            "parent_alt",
            "span_start",
            "span_end",
            "shown",
            "visible",
        )
        values = (
            place["id"],
            manuscript_id,
            place.get("parent_id"),
            int(place.get("parent_alt") or 0),
            int(place["start"]),
            int(place["end"]),
            int(place.get("shown") or 0),
            int(bool(place.get("visible", True))),
        )
        self.conn.execute(_upsert_sql("manuscript_places", cols), values)
        self.conn.execute("DELETE FROM manuscript_alternatives WHERE place_id = ?", (place["id"],))
        self.conn.executemany(
            "INSERT INTO manuscript_alternatives(place_id, idx, continuation_id, text, runs) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (
                    place["id"],
                    i,
                    str(a.get("continuation_id") or ""),
                    enc(a.get("text") or ""),
                    json.dumps(a.get("runs") or []),
                )
                for i, a in enumerate(place.get("alternatives") or [])
            ],
        )

    def _put_continuation(self, manuscript_id: str, cont: dict[str, Any]) -> None:
        cols = (
            "id",
            "manuscript_id",
            "place_id",
            "inserted_at",
            "model",
            "settings",
            "seed",
            "prompt_tokens",
            "new_tokens",
            "created",
            "status",
            "reason",
        )
        values = (
            cont["id"],
            manuscript_id,
            cont["place_id"],
            int(cont["offset"]),
            enc(cont.get("model") or ""),
            json.dumps(cont.get("settings") or {}),
            cont.get("seed"),
            cont.get("prompt_tokens"),
            cont.get("new_tokens"),
            float(cont["created"]),
            str(cont.get("status") or "done"),
            cont.get("reason"),
        )
        self.conn.execute(_upsert_sql("manuscript_continuations", cols), values)

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
