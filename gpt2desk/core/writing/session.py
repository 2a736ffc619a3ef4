"""The writing session: every conversation, the one shown, undo, replies, what to save.

No Qt here. The database is written by a :class:`~gpt2desk.core.store.writer.Writer`
thread, so typing and streaming never wait on the disk: streamed text is
handed to the writer, which saves the latest of it on its own clock; the
composer and scroll position wait for :meth:`Session.flush_pending`, which
the caller runs some time after ``schedule_save()`` asks for it (the window
uses a timer). A change is saved as the rows and columns it changed, never
as a rewrite of the whole conversation, and an undoable change copies only
the turns it touches.

Each conversation has its own undo history: Undo never changes a
conversation that is not shown. The one exception is the deletion just
made, which Undo brings back until the user does something else.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from gpt2desk.core.store.database import Store, fold_case
from gpt2desk.core.store.writer import Writer
from gpt2desk.core.writing.drafts import Drafts, convert_old_drafts
from gpt2desk.core.writing.turns import Change, Conversation, Turn, UndoStack, auto_title


class Event(Enum):
    """What :class:`Session` tells its owner through ``on_event``."""

    LIST = "list"  # titles, dates, kinds or order changed
    CURRENT = "current"  # another conversation is shown, or its turns changed
    UNDO = "undo"  # what Undo/Redo would do changed


@dataclass
class Reply:
    """The reply being written: into which turn, from which offset, with what."""

    conv: Conversation
    turn: Turn
    start: int
    settings: dict[str, Any]
    model: str
    label: str = ""  # the undoable change recorded when it ends ("" = none)
    before: dict[str, Any] | None = None
    # "Save and answer": the edit's undoable change, which ends with this reply.
    answers: Change | None = None


def kind_of(conv: Conversation | None, default: str = "chat") -> str:
    return conv.kind if conv is not None else default


class Session:
    """Conversations in memory, mirrored to SQLite by the writer thread.

    Args:
        writer: The store's writer (it is closed by :meth:`close`).
        clock: Seconds since the epoch; dates of changes and passages.
        on_event: Called with an :class:`Event` when something shown changed.
        schedule_save: Asks for a :meth:`flush_pending` soon (composer, scroll).
    """

    def __init__(
        self,
        writer: Writer,
        *,
        clock: Callable[[], float] = time.time,
        on_event: Callable[[Event], None] | None = None,
        schedule_save: Callable[[], None] | None = None,
    ) -> None:
        self.writer = writer
        self.clock = clock
        self._emit = on_event or _ignore
        self._schedule_save = schedule_save or _nothing
        self.notices = writer.notices()
        writer.call(convert_old_drafts)  # once: old drafts become manuscripts
        self.summaries: list[dict[str, Any]] = writer.call(Store.list_conversations)
        # Reads of conversations not in memory yet go through a connection of
        # their own (WAL: it never waits for the writer thread).
        self._reader: Store | None = writer.call(Store.reader)
        self._loaded: dict[str, Conversation] = {}
        self._stacks: dict[str, UndoStack] = {}
        self._deleted: str | None = None  # the deletion Undo would bring back
        self.current: Conversation | None = None
        #: The reply being written, if any.
        self.reply: Reply | None = None
        self._composer_source: Callable[[], str] | None = None
        self._composer_dirty = False
        self._scroll_dirty = False
        self._closed = False
        #: The manuscripts of the drafts (see :class:`~gpt2desk.core.writing.drafts.Drafts`).
        self.drafts = Drafts(self)
        selected = writer.call(lambda s: s.get_state("selected"))
        if selected and any(c["id"] == selected for c in self.summaries):
            self.select(selected, remember=False)
        elif self.summaries:
            self.select(self.summaries[0]["id"], remember=False)

    # -- conversations ----------------------------------------------------------

    def request_save(self) -> None:
        """Something changed that the next :meth:`flush_pending` saves."""
        self._schedule_save()

    def in_memory(self, conversation_id: str) -> Conversation | None:
        """The conversation if it is in memory (never reads the database)."""
        return self._loaded.get(conversation_id)

    def read(self, fn: Callable[[Store], Any]) -> Any:
        """Reads the database without waiting for queued writes.

        Only conversations that are not in memory are read this way, and those
        are written only once they are in memory, so nothing queued concerns
        them. In memory only (no file), the writer's queue is quick.
        """
        if self._reader is not None:
            try:
                return fn(self._reader)
            except sqlite3.Error:
                pass  # e.g. busy while the file is recovered: ask the writer
        return self.writer.call(fn)

    def get(self, conversation_id: str) -> Conversation | None:
        conv = self._loaded.get(conversation_id)
        if conv is None:
            if not any(c["id"] == conversation_id for c in self.summaries):
                return None  # deleted (maybe not on disk yet)
            raw = self.read(lambda s: s.load_conversation(conversation_id))
            if raw is None:
                return None
            conv = Conversation.from_dict(raw)
            self._loaded[conv.id] = conv
        return conv

    def select(self, conversation_id: str, *, remember: bool = True) -> None:
        """Shows a conversation; an empty untitled one left behind is dropped."""
        if self.current is not None and self.current.id == conversation_id:
            return
        self.flush_pending()
        conv = self.get(conversation_id)
        if conv is None:
            return
        self._deleted = None
        self._show(conv, remember=remember)
        self._emit(Event.UNDO)

    def _show(self, conv: Conversation, *, remember: bool = True) -> None:
        left = self.current
        self.current = conv
        if left is not None and left is not conv and self.is_blank(left):
            self._drop(left)
        if remember:
            cid = conv.id
            self.writer.submit(lambda s: s.set_state("selected", cid), key="selected")
        self._emit(Event.CURRENT)

    def is_blank(self, conv: Conversation) -> bool:
        """Nothing in it, nothing to undo: an "Untitled" nobody would miss."""
        stack = self._stacks.get(conv.id)
        return (
            not conv.turns
            and not conv.title_set
            and not conv.composer
            and (self.reply is None or self.reply.conv is not conv)
            and (stack is None or not (stack.can_undo() or stack.can_redo()))
            and not self.drafts.has_content(conv.id)
        )

    def new_conversation(self, kind: str, model: str = "", composer: str = "") -> Conversation:
        """A new conversation of ``kind``, shown; an empty untitled one shown is reused."""
        self.flush_pending()
        self._deleted = None
        conv = self.current
        if conv is not None and not composer and self.is_blank(conv):
            conv.kind, conv.model = kind, model
            conv.created = conv.updated = self.clock()
            fields = {
                "kind": kind,
                "model": model,
                "created": conv.created,
                "updated": conv.updated,
            }
            cid = conv.id
            self.writer.submit(lambda s: s.update_conversation(cid, **fields))
            if kind == "draft" and self.drafts.loaded(cid) is None:
                self.drafts.created(conv)
            self.refresh_summary(conv)
            self._emit(Event.CURRENT)
            self._emit(Event.UNDO)
            return conv
        conv = Conversation.new(kind, model)
        conv.created = conv.updated = self.clock()
        conv.composer = composer
        self._loaded[conv.id] = conv
        self._save_whole(conv)
        if kind == "draft":
            self.drafts.created(conv)
        self.summaries.insert(0, _summary(conv))
        self._show(conv)
        self._emit(Event.LIST)
        self._emit(Event.UNDO)
        return conv

    def ensure_current(self, kind: str, model: str) -> Conversation:
        return self.current or self.new_conversation(kind, model)

    def set_kind(self, kind: str) -> None:
        """Makes the shown conversation a chat or a draft (saved; not an undoable change)."""
        conv = self.current
        if conv is None or conv.kind == kind:
            return
        conv.kind = kind
        cid = conv.id
        self.writer.submit(lambda s: s.update_conversation(cid, kind=kind))
        self.refresh_summary(conv)

    def add_conversations(self, convs: list[Conversation]) -> None:
        """Conversations from a file: saved in one transaction and listed (none is shown)."""
        rows = [c.to_dict() for c in convs]
        self.writer.submit(lambda s: s.save_many(rows))
        for conv in convs:
            self._loaded[conv.id] = conv
            self.refresh_summary(conv)

    def add_saved(self, convs: list[Conversation]) -> None:
        """Lists conversations the writer has saved already (an import); none is shown."""
        for conv in convs:
            self._loaded[conv.id] = conv
        ids = {conv.id for conv in convs}
        self.summaries = [c for c in self.summaries if c["id"] not in ids]
        self.summaries += [_summary(conv) for conv in convs]
        self.summaries.sort(key=lambda c: c["updated"], reverse=True)
        self._emit(Event.LIST)

    def rename(self, conversation_id: str, title: str) -> None:
        conv = self.get(conversation_id)
        if conv is None or not title.strip():
            return
        before = conv.capture()
        conv.title, conv.title_set = title, True
        self.change("Rename", conv, before)

    def delete(self, conversation_id: str) -> str:
        """Deletes a conversation (undoable); returns its title."""
        conv = self.get(conversation_id)
        if conv is None:
            return ""
        self.flush_pending()
        whole = {"whole": conv.to_dict(), "manuscript": self.drafts.snapshot(conv)}
        self.stack(conv.id).push(Change("Delete", conv.id, whole, None))
        self._remove(conv.id)
        self._deleted = conv.id
        self._emit(Event.UNDO)
        return conv.title

    def undo_delete(self, conversation_id: str) -> bool:
        """Brings back a deleted conversation, whatever was done since."""
        stack = self._stacks.get(conversation_id)
        if conversation_id in self._loaded or stack is None or stack.undo_label() != "Delete":
            return False
        self._deleted = conversation_id
        return bool(self.undo())

    def clear(self) -> None:
        """Removes every turn of the shown conversation (undoable, "Clear")."""
        conv = self.current
        if conv is None or not conv.turns:
            return
        before = conv.capture(list(conv.turns))
        conv.turns.clear()
        conv.active_child = None
        self.change("Clear", conv, before)

    def search(self, query: str) -> list[str]:
        """Ids of the conversations matching ``query``, newest first."""
        self.flush_pending()
        needle = fold_case(query)
        if not needle:
            return [c["id"] for c in self.summaries]
        on_disk = set(self.read(lambda s: s.search(query)))
        # What is in memory may have changes still queued: it answers for itself.
        hits = (on_disk - self._loaded.keys()) | {
            cid
            for cid, conv in self._loaded.items()
            if _contains(conv, needle) or needle in fold_case(self.drafts.search_text(cid))
        }
        return [c["id"] for c in self.summaries if c["id"] in hits]

    def all_conversations(self) -> list[dict[str, Any]]:
        """Every conversation as saved or about to be, oldest change first (for export).

        A draft's dict holds its manuscript (``manuscript_rows.to_dict``) under "manuscript".
        """
        self.flush_pending()
        listed = {c["id"] for c in self.summaries}
        out = [c.to_dict() for c in self._loaded.values() if c.id in listed]
        out += [
            c
            for c in self.read(lambda s: s.load_all())
            if c["id"] in listed and c["id"] not in self._loaded
        ]
        for c in out:
            row = self.drafts.row(c["id"]) if c["kind"] == "draft" else None
            if row is not None:
                c["manuscript"] = row
        out.sort(key=lambda c: c["updated"])
        return out

    # -- turns --------------------------------------------------------------------

    def add_turns(self, conv: Conversation, *turns: Turn) -> None:
        """Saves new turns (and the conversation's title, order, choice) in one transaction."""
        fields = _conv_fields(conv)
        parents = [conv.turns[t.parent_id].to_dict() for t in turns if t.parent_id in conv.turns]
        rows = [*(t.to_dict() for t in turns), *parents]
        self.writer.submit(lambda s: s.put_turns(conv.id, rows, **fields))
        self.refresh_summary(conv)

    def stream_into(self, conv: Conversation, turn: Turn, text: str) -> None:
        """Appends streamed text; the writer thread saves it on its own clock."""
        turn.text += text
        if not self._closed:
            self.writer.defer(_turn_text_writer(turn.id, turn.text, turn.status), key=turn.id)

    def finish_turn(self, conv: Conversation, turn: Turn) -> None:
        """Saves the finished turn right away (after the streamed text handed over before)."""
        row = turn.to_dict()
        self.writer.submit(lambda s: s.put_turns(conv.id, [row], updated=conv.updated))

    def edit(self, turn_id: str, text: str) -> tuple[Turn, Change] | None:
        """A new version of a turn of the shown conversation (undoable "Edit")."""
        conv = self.current
        if conv is None or turn_id not in conv.turns:
            return None
        old = conv.turns[turn_id]
        if text == old.text:
            return None
        before = conv.capture([old.parent_id] if old.parent_id else [])
        new = conv.add_turn(old.parent_id, old.role, text)
        new.passages = [{"edited_from": old.id, "created": self.clock()}]
        return new, self.change("Edit", conv, before, new.id)

    def choose_version(self, turn_id: str, step: int) -> bool:
        """Shows the version ``step`` away from ``turn_id`` (undoable "Choose version")."""
        conv = self.current
        if conv is None or turn_id not in conv.turns:
            return False
        siblings = conv.siblings(turn_id)
        index = siblings.index(conv.turns[turn_id]) + step
        if not 0 <= index < len(siblings):
            return False
        parent = conv.turns[turn_id].parent_id
        before = conv.capture([parent] if parent else [])
        conv.choose(siblings[index].id)
        self.change("Choose version", conv, before)
        return True

    # -- replies ------------------------------------------------------------------

    def add_message(self, text: str, kind: str, model: str) -> Turn:
        """The user's text as the last turn of the shown conversation (saved with its reply).

        ``kind`` is used only when there is no conversation yet: a
        conversation's kind is its own.
        """
        conv = self.ensure_current(kind, model)
        last = conv.last()
        return conv.add_turn(last.id if last else None, "user", text)

    def start_reply(
        self,
        conv: Conversation,
        parent: Turn | None,
        extend: Turn | None,
        *,
        model: str,
        settings: dict[str, Any],
        saved: Iterable[Turn] = (),
        label: str = "",
        answers: Change | None = None,
    ) -> Reply:
        """A model turn under ``parent`` (or more text in ``extend``), saved as it starts.

        Args:
            saved: Turns already saved (not written again).
            label: The undoable change the reply makes, recorded when it ends.
            answers: An edit's change that ends with this reply.
        """
        touched = [t.id for t in (parent, extend) if t is not None]
        before = conv.capture(touched) if label else None
        conv.model = model
        if extend is None:
            turn = conv.add_turn(parent.id if parent else None, "assistant", "")
            skip = {s.id for s in saved}
            new = [t for t in (parent, turn) if t is not None and t.id not in skip]
            turn.status = "streaming"
            self.add_turns(conv, *new)
        else:
            turn = extend
            turn.status = "streaming"
            conv.updated = self.clock()
            self.add_turns(conv, turn)
        self.reply = Reply(
            conv, turn, len(turn.text), dict(settings), model, label, before, answers
        )
        return self.reply

    def stream(self, text: str) -> None:
        """Text of the reply being written."""
        if self.reply is not None:
            self.stream_into(self.reply.conv, self.reply.turn, text)

    def finish_reply(self, stats: dict[str, Any]) -> Reply | None:
        """The reply ended (``stats`` from the model; reason "cancelled" = stopped)."""
        reply, self.reply = self.reply, None
        if reply is None:
            return None
        turn = reply.turn
        turn.status = "stopped" if stats.get("reason") == "cancelled" else "done"
        turn.passages.append(
            {
                "start": reply.start,
                "end": len(turn.text),
                "model": reply.model,
                "settings": reply.settings,
                "seed": stats.get("seed"),
                "prompt_tokens": stats.get("prompt_tokens"),
                "new_tokens": stats.get("new_tokens"),
                "reason": stats.get("reason"),
                "prompt_truncated": stats.get("prompt_truncated"),
                "context_shifts": stats.get("context_shifts"),
                "created": self.clock(),
            }
        )
        self.finish_turn(reply.conv, turn)
        if reply.before is not None:
            self.record(reply.label, reply.conv, reply.before, turn.id)
        if reply.answers is not None:
            self.amend(reply.answers, reply.conv, turn.id)
        return reply

    def fail_reply(self, message: str) -> Reply | None:
        """The reply failed: what was written stays, marked failed."""
        reply, self.reply = self.reply, None
        if reply is None:
            return None
        reply.turn.status = "failed"
        reply.turn.passages.append({"start": reply.start, "model": reply.model, "error": message})
        self.finish_turn(reply.conv, reply.turn)
        if reply.answers is not None:
            self.amend(reply.answers, reply.conv, reply.turn.id)
        return reply

    # -- composer and scroll ----------------------------------------------------------

    def set_composer_source(self, source: Callable[[], str]) -> None:
        """``source()`` gives the composer's text; read only when saving."""
        self._composer_source = source

    def composer_touched(self) -> None:
        self._composer_dirty = True
        self._schedule_save()

    def scroll_touched(self, value: int) -> None:
        if self.current is not None and self.current.scroll != value:
            self.current.scroll = value
            self._scroll_dirty = True
            self._schedule_save()

    def flush_pending(self) -> None:
        """Queues every write that is waiting (returns at once)."""
        if self._closed:
            return
        self.writer.send_deferred()
        self.drafts.flush()
        conv = self.current
        if conv is not None and self._composer_dirty and self._composer_source is not None:
            conv.composer = str(self._composer_source())
            text, cid = conv.composer, conv.id
            self.writer.submit(
                lambda s: s.update_conversation(cid, composer=text), key=("composer", cid)
            )
        if conv is not None and self._scroll_dirty:
            value, cid = conv.scroll, conv.id
            self.writer.submit(
                lambda s: s.update_conversation(cid, scroll=value), key=("scroll", cid)
            )
        self._composer_dirty = self._scroll_dirty = False

    def close(self) -> None:
        """Saves what is pending and closes the database (twice is harmless)."""
        self.flush_pending()
        self._closed = True
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self.writer.close()

    # -- undo -------------------------------------------------------------------

    def stack(self, conversation_id: str) -> UndoStack:
        """The undo history of one conversation."""
        return self._stacks.setdefault(conversation_id, UndoStack())

    def _target(self) -> UndoStack | None:
        """The history Undo and Redo act on: the deletion just made, else the shown one's."""
        cid = self._deleted or (self.current.id if self.current is not None else None)
        return self._stacks.get(cid) if cid is not None else None

    def can_undo(self) -> bool:
        stack = self._target()
        return stack is not None and stack.can_undo()

    def can_redo(self) -> bool:
        stack = self._target()
        return stack is not None and stack.can_redo()

    def undo_label(self) -> str:
        stack = self._target()
        return stack.undo_label() if stack is not None else ""

    def redo_label(self) -> str:
        stack = self._target()
        return stack.redo_label() if stack is not None else ""

    def undo(self) -> str:
        """Undoes the shown conversation's last change; returns its label ("" = none)."""
        stack = self._target()
        change = stack.undo() if stack is not None else None
        self._deleted = None
        if change is not None:
            self._restore(change.conversation_id, change.before)
        self._emit(Event.UNDO)
        return change.label if change else ""

    def redo(self) -> str:
        stack = self._target()
        change = stack.redo() if stack is not None else None
        self._deleted = None
        if change is not None:
            self._restore(change.conversation_id, change.after)
            if change.after is None:
                self._deleted = change.conversation_id
        self._emit(Event.UNDO)
        return change.label if change else ""

    def change(self, label: str, conv: Conversation, before: dict[str, Any], *added: str) -> Change:
        """Records and saves an undoable change of ``conv`` made since ``before``.

        Args:
            before: ``conv.capture(...)`` of the turns the change touches.
            added: Ids of turns the change added.
        """
        conv.updated = self.clock()
        if not conv.title_set:
            first = conv.path()[:1]
            conv.title = auto_title(first[0].text) if first else "Untitled"
        change = self._push(label, conv, before, added)
        assert change.after is not None
        _save_delta(self.writer, conv.id, before, change.after)
        self.refresh_summary(conv)
        self._emit(Event.UNDO)
        if self.current is conv:
            self._emit(Event.CURRENT)
        return change

    def record(self, label: str, conv: Conversation, before: dict[str, Any], *added: str) -> None:
        """Makes a change that is already saved (a finished reply) undoable."""
        self._push(label, conv, before, added)
        self._emit(Event.UNDO)

    def amend(self, change: Change, conv: Conversation, *added: str) -> None:
        """``change`` now ends with ``conv`` as it is (a reply to the edit has been saved)."""
        if change.before is None or change.after is None:
            return
        ids = [*change.after["turns"], *added]
        for tid in added:
            change.before["turns"].setdefault(tid, None)
        self.stack(conv.id).amend(change, conv.capture(ids))

    def _push(
        self, label: str, conv: Conversation, before: dict[str, Any], added: Iterable[str]
    ) -> Change:
        for tid in added:
            before["turns"].setdefault(tid, None)
        change = Change(label, conv.id, before, conv.capture(before["turns"]))
        self.stack(conv.id).push(change)
        self._deleted = None
        return change

    def _restore(self, conversation_id: str, snapshot: dict[str, Any] | None) -> None:
        self.flush_pending()
        if snapshot is None:
            self._remove(conversation_id)
            return
        conv = self._loaded.get(conversation_id)
        if "whole" in snapshot:  # a deleted conversation comes back
            conv = Conversation.from_dict(snapshot["whole"])
            self._loaded[conv.id] = conv
            self._save_whole(conv)
            self.drafts.restore(conv, snapshot.get("manuscript"))
        elif conv is not None:
            now = conv.capture(snapshot["turns"])
            conv.restore(snapshot)
            _save_delta(self.writer, conv.id, now, snapshot)
        else:
            return
        self.refresh_summary(conv)
        if self.current is conv:
            self._emit(Event.CURRENT)
        else:
            self._show(conv)

    def _save_whole(self, conv: Conversation) -> None:
        snapshot = conv.to_dict()
        self.writer.submit(lambda s: s.save_conversation(snapshot))

    def _remove(self, conversation_id: str) -> None:
        self._loaded.pop(conversation_id, None)
        self.drafts.forget(conversation_id)
        self.summaries = [c for c in self.summaries if c["id"] != conversation_id]
        self.writer.submit(lambda s: s.delete_conversation(conversation_id))
        if self.current is not None and self.current.id == conversation_id:
            self.current = None
            if self.summaries:
                self.select(self.summaries[0]["id"])
            else:
                self._emit(Event.CURRENT)
        self._emit(Event.LIST)

    def _drop(self, conv: Conversation) -> None:
        """Forgets an empty untitled conversation (no undo: there is nothing to bring back)."""
        self._stacks.pop(conv.id, None)
        self._loaded.pop(conv.id, None)
        self.drafts.forget(conv.id)
        self.summaries = [c for c in self.summaries if c["id"] != conv.id]
        cid = conv.id
        self.writer.submit(lambda s: s.delete_conversation(cid))
        self._emit(Event.LIST)

    def refresh_summary(self, conv: Conversation) -> None:
        self.summaries = [c for c in self.summaries if c["id"] != conv.id]
        self.summaries.append(_summary(conv))
        self.summaries.sort(key=lambda c: c["updated"], reverse=True)
        self._emit(Event.LIST)


def _save_delta(
    writer: Writer, conversation_id: str, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """Saves only the columns and turns that differ between two captures."""
    fields = {k: v for k, v in after["fields"].items() if before["fields"].get(k) != v}
    new_turns: list[dict[str, Any]] = []
    turn_fields: list[tuple[str, dict[str, Any]]] = []
    removed: list[str] = []
    for tid, row in after["turns"].items():
        old = before["turns"].get(tid)
        if row is None:
            if old is not None:
                removed.append(tid)
        elif old is None:
            new_turns.append(row)
        elif old != row:
            turn_fields.append((tid, {k: v for k, v in row.items() if old.get(k) != v}))
    if fields or new_turns or turn_fields or removed:
        writer.submit(
            lambda s: s.apply_changes(conversation_id, fields, new_turns, turn_fields, removed)
        )


def _ignore(_event: Event) -> None:
    pass


def _nothing() -> None:
    pass


def _turn_text_writer(turn_id: str, text: str, status: str) -> Callable[[Store], None]:
    def write(store: Store) -> None:
        store.update_turn(turn_id, text=text, status=status)

    return write


def _contains(conv: Conversation, needle: str) -> bool:
    """``needle`` (already case-folded) in the title, unsent text or any turn."""
    texts = [conv.title, conv.composer, *(t.text for t in conv.turns.values())]
    return any(needle in fold_case(text) for text in texts)


def _summary(conv: Conversation) -> dict[str, Any]:
    return {
        "id": conv.id,
        "kind": conv.kind,
        "title": conv.title,
        "title_set": conv.title_set,
        "created": conv.created,
        "updated": conv.updated,
        "model": conv.model,
    }


def _conv_fields(conv: Conversation) -> dict[str, Any]:
    return {
        "title": conv.title,
        "updated": conv.updated,
        "model": conv.model,
        "kind": conv.kind,
        "active_child": conv.active_child,
    }
