"""The writing workspace: every conversation, the one shown, saving, undo.

Lives in the GUI thread and owns the in-memory conversations; the database
is written by a :class:`~gpt2desk.core.store.writer.Writer` thread, so typing and
streaming never wait on the disk. Streamed text is handed to the writer,
which saves the latest of it on its own clock (a busy GUI thread delays
nothing); the composer and scroll position are saved at most
``SAVE_INTERVAL_MS`` after they change. A change is saved as the rows and
columns it changed, never as a rewrite of the whole conversation.

One window writes a data folder: the workspace holds a lock file there
(``LOCK_NAME``; one left by a crashed process is taken over). A second
window on the same folder reads it into memory, says so, and writes nothing.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer, Signal, Slot

from gpt2desk.core.store.database import Store, StoreError, fold_case
from gpt2desk.core.store.writer import Writer
from gpt2desk.core.writing.turns import Change, Conversation, Turn, UndoStack, auto_title

SAVE_INTERVAL_MS = 400
DATA_DIR_ENV = "GPT2DESK_DATA_DIR"
LOCK_NAME = "gpt2desk.lock"
log = logging.getLogger(__name__)


def data_dir() -> Path:
    """Where the database lives: ``$GPT2DESK_DATA_DIR``, else Qt's app-data folder."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    location = QStandardPaths.StandardLocation.AppDataLocation
    return Path(QStandardPaths.writableLocation(location))


class Workspace(QObject):
    """Conversations in memory, mirrored to SQLite by the writer thread.

    Signals:
        list_changed(): titles, dates or order changed.
        current_changed(): another conversation is shown, or its turns changed.
        message(text): something the user should know (storage problems).
        undo_changed(): what Undo/Redo would do changed.
    """

    list_changed = Signal()
    current_changed = Signal()
    message = Signal(str)
    undo_changed = Signal()
    _store_failed = Signal(str)

    def __init__(self, folder: Path | str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store_failed.connect(self._on_store_failed)
        self.folder = Path(folder) if folder is not None else data_dir()
        self._lock = _take_lock(self.folder)
        #: Another window writes this folder: nothing here is saved.
        self.read_only = self._lock is None
        self.writer = Writer(
            self.folder, on_error=self._report_from_writer, read_only=self.read_only
        )
        self.notices = self.writer.notices()
        self.summaries: list[dict[str, Any]] = self.writer.call(Store.list_conversations)
        # Reads of conversations not in memory yet go through a connection of
        # their own (WAL: it never waits for the writer thread).
        self._reader: Store | None = self.writer.call(Store.reader)
        self._loaded: dict[str, Conversation] = {}
        self.current: Conversation | None = None
        self.undo_stack = UndoStack()
        self._composer_source: Any = None
        self._composer_dirty = False
        self._scroll_dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_INTERVAL_MS)
        self._timer.timeout.connect(self.flush_pending)
        self._closed = False
        selected = self.writer.call(lambda s: s.get_state("selected"))
        if selected and any(c["id"] == selected for c in self.summaries):
            self.select(selected, remember=False)
        elif self.summaries:
            self.select(self.summaries[0]["id"], remember=False)

    # -- storage errors ---------------------------------------------------------

    def _report_from_writer(self, error: StoreError) -> None:
        # Writer thread: only a queued signal may cross into the GUI thread.
        self._store_failed.emit(str(error))

    @Slot(str)
    def _on_store_failed(self, text: str) -> None:
        self.message.emit(text)

    # -- conversations ----------------------------------------------------------

    def _read(self, fn: Callable[[Store], Any]) -> Any:
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
            raw = self._read(lambda s: s.load_conversation(conversation_id))
            if raw is None:
                return None
            conv = Conversation.from_dict(raw)
            self._loaded[conv.id] = conv
        return conv

    def select(self, conversation_id: str, *, remember: bool = True) -> None:
        if self.current is not None and self.current.id == conversation_id:
            return
        self.flush_pending()
        conv = self.get(conversation_id)
        if conv is None:
            return
        self.current = conv
        if remember:
            self.writer.submit(lambda s: s.set_state("selected", conversation_id), key="selected")
        self.current_changed.emit()

    def new_conversation(self, kind: str, model: str = "", composer: str = "") -> Conversation:
        self.flush_pending()
        conv = Conversation.new(kind, model)
        conv.composer = composer
        self._loaded[conv.id] = conv
        self._save_whole(conv)
        self.summaries.insert(0, _summary(conv))
        self.current = conv
        self.writer.submit(lambda s: s.set_state("selected", conv.id), key="selected")
        self.list_changed.emit()
        self.current_changed.emit()
        return conv

    def add_conversations(self, convs: list[Conversation]) -> None:
        """Conversations from a file: saved in one transaction and listed (none is shown)."""
        rows = [c.to_dict() for c in convs]
        self.writer.submit(lambda s: s.save_many(rows))
        for conv in convs:
            self._loaded[conv.id] = conv
            self._refresh_summary(conv)

    def add_saved(self, convs: list[Conversation]) -> None:
        """Lists conversations the writer has saved already (an import); none is shown."""
        for conv in convs:
            self._loaded[conv.id] = conv
        ids = {conv.id for conv in convs}
        self.summaries = [c for c in self.summaries if c["id"] not in ids]
        self.summaries += [_summary(conv) for conv in convs]
        self.summaries.sort(key=lambda c: c["updated"], reverse=True)
        self.list_changed.emit()

    def ensure_current(self, kind: str, model: str) -> Conversation:
        return self.current or self.new_conversation(kind, model)

    def rename(self, conversation_id: str, title: str) -> None:
        conv = self.get(conversation_id)
        if conv is None or not title.strip():
            return
        before = conv.to_dict()
        conv.title, conv.title_set = title, True
        self._commit_change("Rename", conv, before)

    def delete(self, conversation_id: str) -> str:
        """Deletes a conversation (undoable); returns its title."""
        conv = self.get(conversation_id)
        if conv is None:
            return ""
        self.flush_pending()
        before = conv.to_dict()
        self.undo_stack.push(Change("Delete", conv.id, before, None))
        self._remove(conv.id)
        self.undo_changed.emit()
        return conv.title

    def search(self, query: str) -> list[str]:
        """Ids of the conversations matching ``query``, newest first."""
        self.flush_pending()
        needle = fold_case(query)
        if not needle:
            return [c["id"] for c in self.summaries]
        on_disk = set(self._read(lambda s: s.search(query)))
        # What is in memory may have changes still queued: it answers for itself.
        hits = (on_disk - self._loaded.keys()) | {
            cid for cid, conv in self._loaded.items() if _contains(conv, needle)
        }
        return [c["id"] for c in self.summaries if c["id"] in hits]

    def all_conversations(self) -> list[dict[str, Any]]:
        """Every conversation as saved or about to be, oldest change first (for export)."""
        self.flush_pending()
        listed = {c["id"] for c in self.summaries}
        out = [c.to_dict() for c in self._loaded.values() if c.id in listed]
        out += [
            c
            for c in self._read(lambda s: s.load_all())
            if c["id"] in listed and c["id"] not in self._loaded
        ]
        out.sort(key=lambda c: c["updated"])
        return out

    # -- turns --------------------------------------------------------------------

    def add_turns(self, conv: Conversation, *turns: Turn) -> None:
        """Saves new turns (and the conversation's title, order, choice) in one transaction."""
        fields = _conv_fields(conv)
        parents = [conv.turns[t.parent_id].to_dict() for t in turns if t.parent_id in conv.turns]
        rows = [*(t.to_dict() for t in turns), *parents]
        self.writer.submit(lambda s: s.put_turns(conv.id, rows, **fields))
        self._refresh_summary(conv)

    def stream_into(self, conv: Conversation, turn: Turn, text: str) -> None:
        """Appends streamed text; the writer thread saves it on its own clock."""
        turn.text += text
        if not self._closed:
            self.writer.defer(_turn_text_writer(turn.id, turn.text, turn.status), key=turn.id)

    def finish_turn(self, conv: Conversation, turn: Turn) -> None:
        """Saves the finished turn right away (after the streamed text handed over before)."""
        row = turn.to_dict()
        self.writer.submit(lambda s: s.put_turns(conv.id, [row], updated=conv.updated))

    def change(self, label: str, conv: Conversation, before: dict[str, Any]) -> Change:
        """Records an undoable change of ``conv`` made since ``before`` and saves it."""
        return self._commit_change(label, conv, before)

    def amend(self, change: Change, conv: Conversation) -> None:
        """``change`` now ends with ``conv`` as it is (a reply to the edit has been saved)."""
        self.undo_stack.amend(change, conv.to_dict())

    def record(self, label: str, conv: Conversation, before: dict[str, Any]) -> None:
        """Makes a change that is already saved (a finished reply) undoable."""
        self.undo_stack.push(Change(label, conv.id, before, conv.to_dict()))
        self.undo_changed.emit()

    def set_composer_source(self, source: Any) -> None:
        """``source()`` gives the composer's text; read only when saving."""
        self._composer_source = source

    def composer_touched(self) -> None:
        self._composer_dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def scroll_touched(self, value: int) -> None:
        if self.current is not None and self.current.scroll != value:
            self.current.scroll = value
            self._scroll_dirty = True
            if not self._timer.isActive():
                self._timer.start()

    @Slot()
    def flush_pending(self) -> None:
        """Queues every write that is waiting for the timer (returns at once)."""
        self._timer.stop()
        if self._closed:
            return
        self.writer.send_deferred()
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
        if self._lock is not None:
            self._lock.unlock()  # only now: everything is written
            self._lock = None

    # -- undo -------------------------------------------------------------------

    def undo(self) -> str:
        change = self.undo_stack.undo()
        if change is not None:
            self._restore(change.conversation_id, change.before)
        self.undo_changed.emit()
        return change.label if change else ""

    def redo(self) -> str:
        change = self.undo_stack.redo()
        if change is not None:
            self._restore(change.conversation_id, change.after)
        self.undo_changed.emit()
        return change.label if change else ""

    def _restore(self, conversation_id: str, snapshot: dict[str, Any] | None) -> None:
        self.flush_pending()
        if snapshot is None:
            self._remove(conversation_id)
            return
        conv = Conversation.from_dict(snapshot)
        # Keep what was typed since: the composer is not part of undo.
        old = self._loaded.get(conversation_id)
        if old is not None:
            conv.composer, conv.scroll = old.composer, old.scroll
        self._loaded[conv.id] = conv
        if old is not None and any(c["id"] == conv.id for c in self.summaries):
            self._save_changes(old.to_dict(), conv.to_dict())
        else:
            self._save_whole(conv)  # a deleted conversation comes back
        self._refresh_summary(conv)
        self.current = conv
        self.writer.submit(lambda s: s.set_state("selected", conv.id), key="selected")
        self.current_changed.emit()

    def _commit_change(self, label: str, conv: Conversation, before: dict[str, Any]) -> Change:
        conv.touch()
        if not conv.title_set:
            first = conv.path()[:1]
            conv.title = auto_title(first[0].text) if first else "Untitled"
        change = Change(label, conv.id, before, conv.to_dict())
        self.undo_stack.push(change)
        self._save_changes(before, conv.to_dict())
        self._refresh_summary(conv)
        self.undo_changed.emit()
        if self.current is conv:
            self.current_changed.emit()
        return change

    def _save_whole(self, conv: Conversation) -> None:
        snapshot = conv.to_dict()
        self.writer.submit(lambda s: s.save_conversation(snapshot))

    def _save_changes(self, before: dict[str, Any], after: dict[str, Any]) -> None:
        """Saves only the columns and turns that differ between two snapshots."""
        fields = {k: v for k, v in after.items() if k not in ("id", "turns") and before.get(k) != v}
        old = {t["id"]: t for t in before.get("turns", ())}
        new_turns = [t for t in after["turns"] if t["id"] not in old]
        turn_fields = [
            (t["id"], {k: v for k, v in t.items() if k != "id" and old[t["id"]].get(k) != v})
            for t in after["turns"]
            if t["id"] in old and old[t["id"]] != t
        ]
        kept = {t["id"] for t in after["turns"]}
        removed = [tid for tid in old if tid not in kept]
        if fields or new_turns or turn_fields or removed:
            cid = after["id"]
            self.writer.submit(
                lambda s: s.apply_changes(cid, fields, new_turns, turn_fields, removed)
            )

    def _remove(self, conversation_id: str) -> None:
        self._loaded.pop(conversation_id, None)
        self.summaries = [c for c in self.summaries if c["id"] != conversation_id]
        self.writer.submit(lambda s: s.delete_conversation(conversation_id))
        if self.current is not None and self.current.id == conversation_id:
            self.current = None
            if self.summaries:
                self.select(self.summaries[0]["id"])
            else:
                self.current_changed.emit()
        self.list_changed.emit()

    def _refresh_summary(self, conv: Conversation) -> None:
        self.summaries = [c for c in self.summaries if c["id"] != conv.id]
        self.summaries.append(_summary(conv))
        self.summaries.sort(key=lambda c: c["updated"], reverse=True)
        self.list_changed.emit()


def _take_lock(folder: Path) -> QLockFile | None:
    """The data folder's lock, or None when another live instance holds it.

    A lock left by a crashed process (its PID is gone) is stale and taken
    over. When no lock file can be made at all (a read-only folder), the
    store finds out and says so itself: that is not "another window".
    """
    lock = QLockFile(str(folder / LOCK_NAME))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return lock  # the store reports the folder; nothing can be written anyway
    if lock.tryLock(0):
        return lock
    path = folder / LOCK_NAME
    if path.exists() and not path.is_file():
        # A folder (or device) where the lock goes: no gpt2desk made that.
        log.warning("%s is not a lock file; going on without one", path)
        return lock
    if lock.error() == QLockFile.LockError.LockFailedError:
        log.warning("the data folder %s is in use by another gpt2desk", folder)
        return None
    log.warning("no lock file in %s (%s); going on without one", folder, lock.error())
    return lock


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


def format_date(timestamp: float) -> str:
    """Today as a time, older dates as a date."""
    t = time.localtime(timestamp)
    if time.strftime("%Y%m%d", t) == time.strftime("%Y%m%d"):
        return time.strftime("%H:%M", t)
    return time.strftime("%Y-%m-%d", t)
