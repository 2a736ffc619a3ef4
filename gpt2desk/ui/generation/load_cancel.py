"""The status bar's Cancel for a download the model worker runs while loading.

The worker downloads a Hub model that is not on disk before loading it
(first start on gpt2 with an empty cache, or ``--model user/name``). This
button shows only while that download runs; it sets the worker's cancel flag
(a plain thread-safe call, like Stop) and the worker then reports the state
"cancelled" with what stays on disk. The wording is the Models window's.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QPushButton, QWidget

from gpt2desk.ui.generation.model_state import ModelState
from gpt2desk.ui.generation.worker import WorkerHost


class DownloadCancelButton(QPushButton):
    """Cancel, shown next to the download progress in the status bar."""

    def __init__(self, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cancelModelDownload")
        self._host = host
        self._model = ""
        self._downloading = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Cancel download"))
        self.setToolTip(self.tr("Stops the download; what arrived is kept"))
        self._reset()
        self.hide()
        self.clicked.connect(self.cancel)
        host.worker.state_changed.connect(self._on_state)

    def cancel(self) -> None:
        """Asks the worker to stop the download before its next chunk."""
        if not self._downloading:
            return
        self._host.cancel_download()
        self.setEnabled(False)
        self.setText(self.tr("Cancelling…"))

    def _reset(self) -> None:
        self.setEnabled(True)
        self.setText(self.tr("Cancel"))
        self.setAccessibleDescription(
            self.tr("Stops downloading {model}; what arrived is kept for Resume").format(
                model=self._model or self.tr("the model")
            )
        )

    @Slot(str, str)
    def _on_state(self, state: str, detail: str) -> None:
        if state == ModelState.LOADING:
            self._model = detail
        downloading = state == ModelState.DOWNLOADING
        if downloading and not self._downloading:
            self._reset()
        self._downloading = downloading
        self.setVisible(downloading)
