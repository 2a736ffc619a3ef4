"""The storage thread: owns the :class:`Store` so that typing and streaming never wait on disk.

Callers queue actions (``fn(store)``); each action is one transaction. Actions
with the same ``key`` coalesce: while one is still waiting, a newer one
replaces it (the composer's text while typing, a streaming turn's text).
Reads through the queue (``call``) see every write queued before them; the
workspace reads conversations it does not hold with a connection of its own
(:meth:`Store.reader`), so that a read never waits for queued writes.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message
from gpt2desk.core.store import Store, StoreError, classify

log = logging.getLogger(__name__)
T = TypeVar("T")
Action = Callable[[Store], Any]


class Writer:
    """A thread with the only connection to the database.

    Args:
        folder: Where the database lives; None = memory only.
        on_error: Called in the writer thread with a :class:`StoreError` when
            a write fails; the store has then moved to memory, so the app
            keeps working and the file keeps what was saved before.
    """

    def __init__(
        self,
        folder: Path | str | None,
        on_error: Callable[[StoreError], None] | None = None,
    ) -> None:
        self._folder = folder
        self._on_error = on_error
        self._cond = threading.Condition()
        self._pending: OrderedDict[object, tuple[Action, Future[Any]]] = OrderedDict()
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
        """Queues ``fn(store)``; a newer action with the same ``key`` replaces a waiting one."""
        future: Future[T] = Future()
        with self._cond:
            if self._closing:
                raise RuntimeError("the store is closed")
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
            store = Store.open(self._folder)
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
                while not self._pending and not self._closing:
                    self._cond.wait()
                if not self._pending:
                    break
                _, (fn, future) = self._pending.popitem(last=False)
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._apply(store, fn))
            except BaseException as exc:
                log.warning("storage action failed: %s", exc)
                future.set_exception(exc)
        store.close()

    def _apply(self, store: Store, fn: Action) -> Any:
        try:
            return fn(store)
        except sqlite3.Error as exc:
            error = classify(exc)
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
