"""The storage thread: owns the :class:`Store` so that typing and streaming never wait on disk.

Callers queue actions (``fn(store)``); each action is one transaction. Actions
with the same ``key`` coalesce: while one is still waiting, a newer one
replaces it (the composer's text while typing). Text that changes many times a
second (a streaming turn) is handed over with :meth:`Writer.defer`: the writer
thread saves the latest of it on its own clock, every ``interval`` seconds, so
saving never depends on a busy GUI thread's timer (a kill -9 loses at most
about that much).

A failed write is the user's disk problem only when SQLite's result code says
so (full, read-only, I/O, locked): the session then goes on in memory. Any
other error is a bug in gpt2desk: logged with its statement, and the next
actions still go to the file.
Reads through the queue (``call``) see every write queued before them; the
workspace reads conversations it does not hold with a connection of its own
(:meth:`Store.reader`), so that a read never waits for queued writes.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message
from gpt2desk.core.store.database import Store, StoreError, classify
from gpt2desk.core.store.files import Connection

log = logging.getLogger(__name__)
T = TypeVar("T")
Action = Callable[[Store], Any]
FLUSH_INTERVAL_S = 0.4


class Writer:
    """A thread with the only connection to the database.

    Args:
        folder: Where the database lives; None = memory only.
        on_error: Called in the writer thread with a :class:`StoreError` when
            a write fails; the store has then moved to memory, so the app
            keeps working and the file keeps what was saved before.
        read_only: Another instance writes this folder: read it into memory,
            never write it.
        interval: Seconds between saves of deferred writes.
    """

    def __init__(
        self,
        folder: Path | str | None,
        on_error: Callable[[StoreError], None] | None = None,
        *,
        read_only: bool = False,
        interval: float = FLUSH_INTERVAL_S,
    ) -> None:
        self._folder = folder
        self._on_error = on_error
        self._read_only = read_only
        self._interval = interval
        self._cond = threading.Condition()
        self._pending: OrderedDict[object, tuple[Action, Future[Any]]] = OrderedDict()
        self._deferred: dict[object, Action] = {}
        self._due = 0.0
        self._seq = 0
        self._closing = False
        self._store: Store | None = None
        self._opened: Future[list[Message]] = Future()
        self._thread = threading.Thread(target=self._run, name="gpt2desk-store", daemon=True)
        self._thread.start()

    def notices(self) -> list[Message]:
        """Messages from opening the database (waits until it is open)."""
        return self._opened.result()

    def submit(self, fn: Callable[[Store], T], key: object = None) -> Future[T]:
        """Queues ``fn(store)``; a newer action with the same ``key`` replaces a waiting one.

        Deferred writes handed over before it run before it.
        """
        future: Future[T] = Future()
        with self._cond:
            if self._closing:
                raise RuntimeError("the store is closed")
            self._queue_deferred()
            if key is None:
                self._seq += 1
                key = ("seq", self._seq)
            else:
                old = self._pending.pop(key, None)
                if old is not None:
                    old[1].set_result(None)
            self._pending[key] = (fn, future)
            self._cond.notify()
        return future

    def defer(self, fn: Action, key: object) -> None:
        """Hands over the latest write for ``key``; saved within ``interval`` seconds.

        Thread-safe and cheap (called for every streamed token): a newer write
        for the same key replaces one not saved yet.
        """
        with self._cond:
            if self._closing:
                raise RuntimeError("the store is closed")
            if not self._deferred:
                self._due = time.monotonic() + self._interval
                self._cond.notify()
            self._deferred[key] = fn

    def send_deferred(self) -> None:
        """Queues the deferred writes now instead of at the next tick."""
        with self._cond:
            if self._queue_deferred():
                self._cond.notify()

    def _queue_deferred(self) -> bool:
        """Moves deferred writes to the queue (the condition's lock is held)."""
        if not self._deferred:
            return False
        for key, fn in self._deferred.items():
            old = self._pending.pop(key, None)
            if old is not None:
                old[1].set_result(None)
            self._pending[key] = (fn, Future())
        self._deferred.clear()
        return True

    def call(self, fn: Callable[[Store], T]) -> T:
        """Runs ``fn(store)`` after everything queued so far and returns its result."""
        return self.submit(fn).result()

    def flush(self) -> None:
        """Waits until every queued action is done."""
        self.call(lambda store: None)

    def close(self) -> None:
        """Writes what is queued, closes the database and ends the thread."""
        with self._cond:
            if self._closing:
                return
            self._closing = True
            self._cond.notify()
        self._thread.join()

    def _run(self) -> None:
        try:
            store = Store.open(self._folder, read_only=self._read_only)
        except Exception as exc:  # a bug: keep the app usable in memory
            log.exception("opening the database failed")
            store = Store.open(None)
            failed = QT_TRANSLATE_NOOP(
                "Store", "Opening the database failed ({error}); working in memory."
            )
            store.notices.append(Message(failed, error=exc))
        self._store = store
        self._opened.set_result(list(store.notices))
        while True:
            with self._cond:
                while True:
                    if self._deferred and (self._closing or time.monotonic() >= self._due):
                        self._queue_deferred()
                    if self._pending or self._closing:
                        break
                    wait = self._due - time.monotonic() if self._deferred else None
                    self._cond.wait(wait)
                if not self._pending:
                    break
                _, (fn, future) = self._pending.popitem(last=False)
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._apply(store, fn))
            except BaseException as exc:
                if not isinstance(exc, sqlite3.Error):  # a bug in SQL is logged already
                    log.warning("storage action failed: %s", exc)
                future.set_exception(exc)
        store.close()

    def _apply(self, store: Store, fn: Action) -> Any:
        try:
            return fn(store)
        except sqlite3.Error as exc:
            error = classify(exc, store.path)
            if error.kind == "bug":
                # Our SQL, not the user's disk: say so loudly, keep saving to the file.
                conn = store.conn
                statement = conn.failed_statement if isinstance(conn, Connection) else "?"
                log.error("bug in gpt2desk's SQL: %s; statement: %r", exc, statement)
                raise
        if store.in_memory:
            raise error
        # Nothing more goes to the file (it keeps what was saved); the action
        # is done again in memory so the session goes on.
        log.warning("write failed, continuing in memory: %s", error)
        store.move_to_memory()
        if self._on_error is not None:
            self._on_error(error)
        return fn(store)


__all__ = ["StoreError", "Writer"]
