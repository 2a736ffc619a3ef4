"""What the model worker is doing, as one enum instead of bare strings.

The worker's ``state_changed`` signal carries plain strings across the
thread boundary; :class:`ModelState` is what the GUI side compares with.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QCoreApplication


class ModelState(StrEnum):
    """A state of the model worker (the values are the worker's signal strings)."""

    LOADING = "loading"
    DOWNLOADING = "downloading"
    PREPARING = "preparing"
    READY = "ready"
    GENERATING = "generating"
    FAILED = "failed"
    #: The user cancelled the download of the model being loaded.
    CANCELLED = "cancelled"

    @classmethod
    def parse(cls, value: str) -> ModelState:
        """The state a worker string names; an unknown one counts as loading."""
        try:
            return cls(value)
        except ValueError:
            return cls.LOADING


def state_text(state: ModelState) -> str:
    """The status bar's sentence for a state; ``{detail}`` is the model or the reason."""
    texts = {
        ModelState.LOADING: QCoreApplication.translate("MainWindow", "Loading {detail}…"),
        ModelState.PREPARING: QCoreApplication.translate(
            "MainWindow", "Preparing {detail} (compiling the decode step)…"
        ),
        ModelState.READY: QCoreApplication.translate("MainWindow", "Ready — {detail}"),
        ModelState.GENERATING: QCoreApplication.translate(
            "MainWindow", "Generating with {detail}…"
        ),
        ModelState.FAILED: QCoreApplication.translate("MainWindow", "Model failed: {detail}"),
    }
    # Downloading and cancelled: the worker's own sentence (progress; what stays on disk).
    return texts.get(state, "{detail}")
