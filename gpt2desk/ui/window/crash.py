"""Exceptions nobody caught: logged with their traceback, said to the user in one message.

``gpt2desk.app`` routes ``sys.excepthook`` (an exception in a slot or event
handler) and ``threading.excepthook`` (any other thread) here. The message
names the error in one line and where the details are; no traceback reaches
the user, and a second crash while the message is open is only logged.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox

log = logging.getLogger(__name__)


class CrashReporter(QObject):
    """Lives in the GUI thread; :meth:`report` may be called from any thread.

    Signals:
        crashed(error): one line naming the error, for the message (queued to the GUI thread).
    """

    crashed = Signal(str)

    def __init__(self, log_path: Path | None) -> None:
        super().__init__()
        self.log_path = log_path
        self.box: QMessageBox | None = None
        self.crashed.connect(self._show)

    def report(
        self,
        kind: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        thread: str,
    ) -> None:
        log.critical("unhandled %s in thread %s", kind.__name__, thread, exc_info=(kind, exc, tb))
        error = str(exc).strip().split("\n", 1)[0][:200] or kind.__name__
        self.crashed.emit(error)

    @Slot(str)
    def _show(self, error: str) -> None:
        if self.box is not None and self.box.isVisible():
            return  # one message at a time; the log has every crash
        text = QCoreApplication.translate(
            "Crash", "Something went wrong in gpt2desk: {error}"
        ).format(error=error)
        if self.log_path is not None:
            text += "\n" + QCoreApplication.translate("Crash", "Details are in {path}.").format(
                path=self.log_path
            )
        if self.box is None:
            self.box = QMessageBox(QMessageBox.Icon.Critical, "gpt2desk", "")
            self.box.setObjectName("crashBox")
            self.box.setTextFormat(Qt.TextFormat.PlainText)  # the error may quote anything
            self.box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.box.setText(text)
        self.box.show()
        self.box.raise_()
