"""What the Hugging Face cache holds, read off the GUI thread.

Walking the cache (its total size, each model's files) is blocking I/O that
grows with the cache (other tools' models and data sets share it), so it runs
in a short-lived thread and the answer comes back to the GUI thread as a
signal, as for folders (folder_facts.py).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from PySide6.QtCore import QEventLoop, QObject, Signal, Slot

from gpt2desk.core.hub import cache
from gpt2desk.core.hub.cache import CacheStatus
from gpt2desk.core.model_source import ModelLoadError

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class CacheFacts:
    """The cache as read once.

    ``statuses`` holds the ids asked for and every model in the cache;
    ``gpt2_ids`` are the cache's GPT-2 models (``cache.cached_gpt2_ids``).
    """

    total_bytes: int
    gpt2_ids: tuple[str, ...] = ()
    statuses: dict[str, CacheStatus] = field(default_factory=dict)

    def best_status(self, repo_ids: tuple[str, ...]) -> CacheStatus | None:
        """As ``cache.best_status``; None if one of the ids was not read."""
        if not repo_ids or any(r not in self.statuses for r in repo_ids):
            return None
        order = {"complete": 0, "partial": 1, "absent": 2}
        return min((self.statuses[r] for r in repo_ids), key=lambda s: order[s.state])


def read_cache_facts(repo_ids: Iterable[str]) -> CacheFacts:
    """Reads the statuses of ``repo_ids`` and of every model in the cache, and the
    cache's total size (blocking: call it off the GUI thread)."""
    statuses = {r: cache.status(r) for r in repo_ids}
    found = []
    for repo_id in cache.cached_model_ids():
        if repo_id not in statuses:
            statuses[repo_id] = cache.status(repo_id)
        snapshot = statuses[repo_id].snapshot
        try:
            if snapshot is not None:
                cache.check_gpt2_folder(snapshot)
                found.append(repo_id)
        except ModelLoadError:
            pass
    return CacheFacts(cache.total_bytes(), tuple(found), statuses)


class CacheFactsReader(QObject):
    """Reads the cache in a thread; ``read(facts)`` arrives in the GUI thread.

    A request while a read runs is read again after it (with the ids of both),
    so the last answer is never older than the last request.

    Signals:
        read(facts): a :class:`CacheFacts`.
    """

    read = Signal(object)
    _done = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running = False
        self._again: set[str] | None = None
        # Emitted from the reading thread: queued to this object's (the GUI) thread.
        self._done.connect(self._on_done)

    def busy(self) -> bool:
        """True from a request until its answer (and any later request's) arrived."""
        return self._running

    def request(self, repo_ids: Iterable[str]) -> None:
        """Reads the statuses of ``repo_ids``, the cache's models and its total size."""
        ids = set(repo_ids)
        if self._running:
            self._again = (self._again or set()) | ids
            return
        self._running = True
        threading.Thread(
            target=self._work, args=(sorted(ids),), name="gpt2desk-cache-facts", daemon=True
        ).start()

    def _work(self, repo_ids: list[str]) -> None:
        facts: CacheFacts | None
        try:
            facts = read_cache_facts(repo_ids)
        except OSError:  # the cache cannot be read: the dialog keeps what it showed
            log.warning("Could not read the Hugging Face cache", exc_info=True)
            facts = None
        with contextlib.suppress(RuntimeError):  # the dialog was closed and deleted meanwhile
            self._done.emit(facts)

    @Slot(object)
    def _on_done(self, facts: CacheFacts | None) -> None:
        self._running = False
        again, self._again = self._again, None
        if again is not None:
            self.request(again)
        if facts is not None:
            self.read.emit(facts)


class _Finished(QObject):
    finished = Signal()


def run_waiting(work: Callable[[], T]) -> T:
    """Runs ``work`` in a thread while the GUI thread's events run; returns what it
    returned or raises what it raised. For the cache's blocking I/O on a click,
    when the dialog needs the answer before it goes on."""
    outcome: list[tuple[bool, Any]] = []
    loop = QEventLoop()

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:  # handed to the caller, in the GUI thread
            outcome.append((False, exc))
        finally:
            done.emit()

    notifier = _Finished()
    done = notifier.finished
    done.connect(loop.quit)
    thread = threading.Thread(target=run, name="gpt2desk-cache-io", daemon=True)
    thread.start()
    loop.exec()
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    return cast(T, value)


def read_status_waiting(repo_id: str) -> CacheStatus:
    """``cache.status(repo_id)`` read in a thread while the GUI thread's events run."""
    try:
        return run_waiting(lambda: cache.status(repo_id))
    except OSError:
        log.warning("Could not read the Hugging Face cache", exc_info=True)
        return CacheStatus(repo_id, "absent", 0)
