"""The download thread: a ``DownloadWorker`` in its own ``QThread``.

Downloads never run in the GUI thread, nor in the model thread: the current
model keeps generating while another one downloads. Requests are queued and
run one at a time. Cancel is a plain thread-safe method (the worker's event
loop is busy inside the download), as for the model worker's stop.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)


class DownloadWorker(QObject):
    """Downloads models into the Hugging Face cache and checks Hub ids.

    Signals:
        progress(request_id, repo_id, info): ``Progress.as_dict()`` plus "text".
        finished(request_id, repo_id): the model is complete in the cache.
        failed(request_id, repo_id, message, cancelled): nothing more will happen.
        checked(request_id, repo_id, message): a Hub id check; "" means usable.
    """

    progress = Signal(int, str, dict)
    finished = Signal(int, str)
    failed = Signal(int, str, str, bool)
    checked = Signal(int, str, str)

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._cancel: dict[int, threading.Event] = {}

    def cancel(self, request_id: int) -> None:
        """Stops that request before its next chunk (or before it starts)."""
        self._event(request_id).set()

    def cancel_all(self) -> None:
        with self._lock:
            events = list(self._cancel.values())
        for event in events:
            event.set()

    def _event(self, request_id: int) -> threading.Event:
        with self._lock:
            return self._cancel.setdefault(request_id, threading.Event())

    @Slot(int, str, str)
    def download(self, request_id: int, repo_id: str, endpoint: str) -> None:
        from gpt2desk.core.hub.download import DownloadCancelled, HubError, download_model

        cancel = self._event(request_id)
        try:
            if cancel.is_set():
                raise DownloadCancelled(
                    QCoreApplication.translate(
                        "DownloadWorker", "Download of “{model}” cancelled."
                    ).format(model=repo_id)
                )
            download_model(
                repo_id,
                endpoint=endpoint or None,
                cancel=cancel,
                on_progress=lambda p: self.progress.emit(
                    request_id, repo_id, {**p.as_dict(), "text": p.text()}
                ),
            )
        except DownloadCancelled as exc:
            self.failed.emit(request_id, repo_id, str(exc), True)
        except HubError as exc:
            self.failed.emit(request_id, repo_id, str(exc), False)
        except Exception as exc:  # a bug: say so, keep the app alive
            log.exception("downloading %s failed", repo_id)
            message = QCoreApplication.translate(
                "DownloadWorker", "Downloading “{model}” failed: {error}"
            )
            self.failed.emit(request_id, repo_id, message.format(model=repo_id, error=exc), False)
        else:
            self.finished.emit(request_id, repo_id)
        finally:
            with self._lock:
                self._cancel.pop(request_id, None)

    @Slot(int, str, str)
    def check(self, request_id: int, repo_id: str, endpoint: str) -> None:
        from gpt2desk.core.hub.download import HubError, close_connections, plan_download

        try:
            plan_download(repo_id, endpoint=endpoint or None)
        except HubError as exc:
            self.checked.emit(request_id, repo_id, str(exc))
        except Exception as exc:
            log.exception("checking %s failed", repo_id)
            message = QCoreApplication.translate(
                "DownloadWorker", "Checking “{model}” failed: {error}"
            )
            self.checked.emit(request_id, repo_id, message.format(model=repo_id, error=exc))
        else:
            self.checked.emit(request_id, repo_id, "")
        finally:
            close_connections()


class DownloadHost(QObject):
    """Owns the download thread; lives in the GUI thread.

    Signals:
        download_requested(id, repo_id, endpoint), check_requested(id, repo_id, endpoint):
            delivered queued to the worker.
    """

    download_requested = Signal(int, str, str)
    check_requested = Signal(int, str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.download_thread = QThread()
        self.download_thread.setObjectName("gpt2desk-downloads")
        self.worker = DownloadWorker()
        self.worker.moveToThread(self.download_thread)
        self.download_requested.connect(self.worker.download)
        self.check_requested.connect(self.worker.check)
        self._next_id = 0
        self.download_thread.start()

    def download(self, repo_id: str, endpoint: str = "") -> int:
        self._next_id += 1
        self.download_requested.emit(self._next_id, repo_id, endpoint)
        return self._next_id

    def check(self, repo_id: str, endpoint: str = "") -> int:
        self._next_id += 1
        self.check_requested.emit(self._next_id, repo_id, endpoint)
        return self._next_id

    def cancel(self, request_id: int) -> None:
        self.worker.cancel(request_id)

    def shutdown(self) -> None:
        """Cancel everything, quit, wait: no QThread is left running."""
        self.worker.cancel_all()
        self.download_thread.quit()
        self.download_thread.wait()
