"""What the Models table says about a model folder: parameters, size on disk, memory needed.

Reading them walks the folder and reads its ``config.json``: blocking I/O that
may be slow (a big folder, a network drive), so it runs in a short-lived
thread of its own and the answer comes back to the GUI thread as a signal.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from gpt2desk.core.engine.folder_checks import check_config, parameters
from gpt2desk.core.hub import cache
from gpt2desk.core.hub.catalog import estimate_memory
from gpt2desk.core.model_source import ModelLoadError


@dataclass(frozen=True)
class FolderFacts:
    """A model folder as read once: ``problem`` is why it cannot be used ("" if it can)."""

    disk_bytes: int
    params: int = 0
    memory_bytes: int = 0
    problem: str = ""


def read_folder_facts(path: Path) -> FolderFacts:
    """Reads ``path`` (blocking: call it off the GUI thread)."""
    size = cache.folder_bytes(path) if path.is_dir() else 0
    try:
        cache.check_gpt2_folder(path)
        fields = check_config(path)
    except ModelLoadError as exc:
        return FolderFacts(size, problem=str(exc))
    params = parameters(fields)
    memory = estimate_memory(params, fields["n_layer"], fields["n_embd"], fields["n_positions"])
    return FolderFacts(size, params, memory)


class FolderFactsReader(QObject):
    """Reads folders in threads; ``read(folder, facts)`` arrives in the GUI thread.

    Signals:
        read(folder, facts): a :class:`FolderFacts` for ``folder`` (as asked).
    """

    read = Signal(str, object)
    _done = Signal(str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: set[str] = set()
        # Emitted from the reading thread: queued to this object's (the GUI) thread.
        self._done.connect(self._on_done)

    def request(self, folder: str) -> None:
        """Starts reading ``folder`` unless it is being read already."""
        if folder in self._pending:
            return
        self._pending.add(folder)
        threading.Thread(
            target=self._work, args=(folder,), name="gpt2desk-folder-facts", daemon=True
        ).start()

    def _work(self, folder: str) -> None:
        try:
            facts = read_folder_facts(Path(folder))
        except OSError as exc:  # the folder went away or cannot be read
            facts = FolderFacts(0, problem=exc.strerror or str(exc))
        with contextlib.suppress(RuntimeError):  # the dialog was closed and deleted meanwhile
            self._done.emit(folder, facts)

    @Slot(str, object)
    def _on_done(self, folder: str, facts: FolderFacts) -> None:
        self._pending.discard(folder)
        self.read.emit(folder, facts)
