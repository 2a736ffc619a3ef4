"""Sends N ``token_generated`` signals from the model thread to the GUI thread.

Run as a script by ``test_signal_flood.py``: PySide6 6.12.0 aborts Python 3.11
after a few hundred ``Signal.emit()`` calls ('bool_dealloc'), and an abort
must fail that test rather than kill pytest. Prints one JSON line:
{"count": tokens received, "in_order": bool, "finished": bool}.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from gpt2desk.ui.generation.worker import ModelWorker


class Flooder(ModelWorker):
    """The real worker's signals, emitted as fast as a loop can."""

    @Slot(int)
    def flood(self, n: int) -> None:
        for i in range(n):
            # A str that needs UTF-8 and surrogate pairs, as model text does.
            self.token_generated.emit(1, f"{i} 字🙂")
        self.generation_finished.emit(1, {"reason": "length", "new_tokens": n})


class Receiver(QObject):
    """Lives in the GUI thread, like the main window."""

    flood_requested = Signal(int)

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__()
        self.app = app
        self.numbers: list[int] = []
        self.finished = False

    @Slot(int, str)
    def on_token(self, request_id: int, text: str) -> None:
        number, rest = text.split(" ", 1)
        if request_id == 1 and rest == "字🙂":
            self.numbers.append(int(number))

    @Slot(int, dict)
    def on_finished(self, request_id: int, stats: dict[str, Any]) -> None:
        self.finished = stats["new_tokens"] == len(self.numbers)
        self.app.quit()


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    app = QCoreApplication(sys.argv[:1])
    thread = QThread()
    worker = Flooder()
    worker.moveToThread(thread)
    receiver = Receiver(app)
    worker.token_generated.connect(receiver.on_token)
    worker.generation_finished.connect(receiver.on_finished)
    receiver.flood_requested.connect(worker.flood)
    thread.start()
    QTimer.singleShot(0, lambda: receiver.flood_requested.emit(n))
    QTimer.singleShot(120_000, app.quit)  # never hang the test run
    app.exec()
    thread.quit()
    thread.wait()
    result = {
        "count": len(receiver.numbers),
        "in_order": receiver.numbers == list(range(len(receiver.numbers))),
        "finished": receiver.finished,
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
