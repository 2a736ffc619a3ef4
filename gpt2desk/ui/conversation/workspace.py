"""The window's writing session: a :class:`~gpt2desk.core.writing.session.Session`
with Qt's timer, lock file and signals around it.

The session (no Qt) owns the conversations, undo and what to save; this adds
what needs Qt: the composer and scroll position are saved at most
``SAVE_INTERVAL_MS`` after they change (a timer), storage errors from the
writer thread arrive as a queued signal, and the session's events become
signals.

One window writes a data folder: the workspace holds a lock file there
(``LOCK_NAME``; one left by a crashed process is taken over). A second
window on the same folder reads it into memory, says so, and writes nothing.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer, Signal, Slot

from gpt2desk.core.store.database import StoreError
from gpt2desk.core.store.writer import Writer
from gpt2desk.core.writing.session import Event, Session
from gpt2desk.core.writing.turns import Conversation, Turn

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
    """The session of one data folder, for the GUI thread.

    ``session`` does the work; the methods here are its most used ones.

    Signals:
        list_changed(): titles, dates, kinds or order changed.
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
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_INTERVAL_MS)
        self._timer.timeout.connect(self.flush_pending)
        self.session = Session(self.writer, on_event=self._on_event, schedule_save=self._schedule)
        self.notices = self.session.notices

    def _on_event(self, event: Event) -> None:
        signal = {
            Event.LIST: self.list_changed,
            Event.CURRENT: self.current_changed,
            Event.UNDO: self.undo_changed,
        }[event]
        signal.emit()

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    # -- storage errors ---------------------------------------------------------

    def _report_from_writer(self, error: StoreError) -> None:
        # Writer thread: only a queued signal may cross into the GUI thread.
        self._store_failed.emit(str(error))

    @Slot(str)
    def _on_store_failed(self, text: str) -> None:
        self.message.emit(text)

    # -- the session's most used parts --------------------------------------------

    @property
    def current(self) -> Conversation | None:
        return self.session.current

    @property
    def summaries(self) -> list[dict[str, Any]]:
        return self.session.summaries

    def get(self, conversation_id: str) -> Conversation | None:
        return self.session.get(conversation_id)

    def select(self, conversation_id: str) -> None:
        self.session.select(conversation_id)

    def new_conversation(self, kind: str, model: str = "", composer: str = "") -> Conversation:
        return self.session.new_conversation(kind, model, composer)

    def rename(self, conversation_id: str, title: str) -> None:
        self.session.rename(conversation_id, title)

    def delete(self, conversation_id: str) -> str:
        return self.session.delete(conversation_id)

    def undo(self) -> str:
        return self.session.undo()

    def redo(self) -> str:
        return self.session.redo()

    def search(self, query: str) -> list[str]:
        return self.session.search(query)

    def add_turns(self, conv: Conversation, *turns: Turn) -> None:
        self.session.add_turns(conv, *turns)

    def stream_into(self, conv: Conversation, turn: Turn, text: str) -> None:
        self.session.stream_into(conv, turn, text)

    def finish_turn(self, conv: Conversation, turn: Turn) -> None:
        self.session.finish_turn(conv, turn)

    def add_conversations(self, convs: list[Conversation]) -> None:
        self.session.add_conversations(convs)

    def add_saved(self, convs: list[Conversation]) -> None:
        self.session.add_saved(convs)

    def all_conversations(self) -> list[dict[str, Any]]:
        return self.session.all_conversations()

    def composer_touched(self) -> None:
        self.session.composer_touched()

    @Slot()
    def flush_pending(self) -> None:
        """Queues every write that is waiting for the timer (returns at once)."""
        self._timer.stop()
        self.session.flush_pending()

    def close(self) -> None:
        """Saves what is pending and closes the database (twice is harmless)."""
        self._timer.stop()
        self.session.close()
        if self._lock is not None:
            self._lock.unlock()  # only now: everything is written
            self._lock = None


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


def format_date(timestamp: float) -> str:
    """Today as a time, older dates as a date."""
    t = time.localtime(timestamp)
    if time.strftime("%Y%m%d", t) == time.strftime("%Y%m%d"):
        return time.strftime("%H:%M", t)
    return time.strftime("%Y-%m-%d", t)
