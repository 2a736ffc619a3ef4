"""One import or export in a thread of its own, with progress and Cancel.

The slow part of an import or export (reading, checking, writing a file
that may be a hundred megabytes) is *work*: a function that runs in the job's
thread and returns a *finish* step, which runs in the GUI thread and returns
the sentence for the status bar. Work touches only thread-safe things (files,
the store's writer); finish touches the widgets and the workspace.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from gpt2desk.core.i18n import UserError
from gpt2desk.core.writing.transfer import Cancelled

log = logging.getLogger(__name__)

Finish = Callable[[], str]
#: Shown after this long, so that a quick job never flashes a dialog.
SHOW_AFTER_MS = 400


class FileProblem(Exception):
    """A file cannot be read or written; ``str()`` is the sentence, already translated."""


class Control:
    """What work sees of its job: ``tick(percent)`` reports progress and raises
    :class:`Cancelled` once the user has cancelled."""

    def __init__(self, cancelled_text: str, progress: Callable[[int], None] | None = None) -> None:
        self.cancelled = threading.Event()
        self.cancelled_text = cancelled_text
        self._progress = progress

    def tick(self, percent: int) -> None:
        if self.cancelled.is_set():
            raise Cancelled
        if self._progress is not None:
            self._progress(max(0, min(100, percent)))


Work = Callable[[Control], Finish]


def attempt(work: Work, control: Control) -> Finish | str:
    """Runs ``work``: its finish step, or the sentence saying why there is none."""
    try:
        return work(control)
    except Cancelled:
        return control.cancelled_text
    except (FileProblem, UserError) as exc:
        return str(exc)
    except Exception as exc:  # a bug: said in one sentence, the details go to the log
        log.exception("import or export failed")
        return _bug(exc)


def _bug(exc: Exception) -> str:
    return QCoreApplication.translate(
        "FileJob", "That failed because of a bug in gpt2desk ({error}); the log has the details."
    ).format(error=type(exc).__name__)


def run_now(work: Work, cancelled_text: str) -> tuple[bool, str]:
    """Runs ``work`` and its finish step in this thread (scripts and tests)."""
    result = attempt(work, Control(cancelled_text))
    return (True, result()) if callable(result) else (False, result)


class _Runner(QObject):
    progressed = Signal(int)
    finished = Signal(object)  # a Finish, or a str saying why it failed

    def __init__(self, work: Work, control: Control) -> None:
        super().__init__()
        self._work = work
        self.control = control

    @Slot()
    def run(self) -> None:
        self.finished.emit(attempt(self._work, self.control))


class FileJob(QObject):
    """Runs ``work`` in a QThread; a progress dialog with Cancel shows while it runs.

    The dialog is not modal: the window stays usable while a big file is read.

    Signals:
        done(ok, message): The finish step has run (ok) or the work failed or
            was cancelled; ``message`` is for the status bar.
    """

    done = Signal(bool, str)

    def __init__(self, work: Work, label: str, cancelled_text: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.runner = _Runner(work, Control(cancelled_text, self._report))
        self.job_thread = QThread()
        self.job_thread.setObjectName("gpt2desk-file-job")
        self.runner.moveToThread(self.job_thread)
        self.job_thread.started.connect(self.runner.run)
        self.runner.progressed.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
        cancel = QCoreApplication.translate("FileJob", "Cancel")
        self.dialog = QProgressDialog(label, cancel, 0, 100, parent)
        shown = QLabel(label)
        shown.setTextFormat(Qt.TextFormat.PlainText)  # names a file: never markup
        self.dialog.setLabel(shown)
        self.dialog.setWindowTitle(QCoreApplication.translate("FileJob", "gpt2desk"))
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.canceled.connect(self.cancel)
        self.finished = False
        self._abandoned = False

    def start(self) -> None:
        self.dialog.setValue(0)
        self.job_thread.start()

    def cancel(self) -> None:
        """Stops the work at its next step; nothing it did is kept."""
        self.runner.control.cancelled.set()

    def wait(self) -> None:
        """Cancels and waits for the thread (the window is closing); nothing is finished after."""
        self._abandoned = True
        self.cancel()
        self.job_thread.quit()
        self.job_thread.wait()
        self.dialog.close()

    def _report(self, percent: int) -> None:
        # The job's thread: only a signal crosses to the dialog.
        self.runner.progressed.emit(percent)

    @Slot(int)
    def _on_progress(self, percent: int) -> None:
        if not self.finished:
            self.dialog.setValue(percent)

    @Slot(object)
    def _on_finished(self, result: Finish | str) -> None:
        if self._abandoned:
            return
        self.finished = True
        self.job_thread.quit()
        self.job_thread.wait()
        self.dialog.close()
        self.dialog.setParent(None)  # goes with this job, not with the window
        if not callable(result):
            self.done.emit(False, result)
            return
        try:
            message = result()
        except Exception as exc:  # a bug in a finish step: one sentence, the log has it
            log.exception("finishing an import or export failed")
            self.done.emit(False, _bug(exc))
            return
        self.done.emit(True, message)
