"""Starting the desktop app: arguments, QApplication, the main window."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from gpt2desk import __version__
from gpt2desk.core.escaping import OneLineFormatter
from gpt2desk.core.model_source import DEFAULT_MODEL

EXIT_CANNOT_START = 2


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="gpt2desk", description="Offline GPT-2 writing assistant")
    parser.add_argument(
        "--model",
        default=None,
        help=(
            f"Hugging Face Hub id or model folder (default: {DEFAULT_MODEL}, or the model "
            "chosen at the first start)"
        ),
    )
    parser.add_argument("--offline", action="store_true", help="never use the network")
    parser.add_argument("--version", action="version", version=f"gpt2desk {__version__}")
    return parser.parse_args(argv)


def run() -> int:
    """The ``gpt2desk`` entry point: :func:`main`, then the end of the process
    (at once if a model's compile is still running; everything is saved by then)."""
    from gpt2desk.core.engine.compile_thread import end_process

    return end_process(main())


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # The terminal: one line per warning; tracebacks go to the log file. The
    # handler's own level: gpt2desk's logger takes INFO for the log file.
    terminal = logging.StreamHandler()
    terminal.setFormatter(OneLineFormatter(logging.BASIC_FORMAT))
    terminal.setLevel(logging.WARNING)
    logging.basicConfig(level=logging.WARNING, handlers=[terminal])  # unless already set up
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from gpt2desk.assets import resource_path
    from gpt2desk.ui.models.first_start import start_model
    from gpt2desk.ui.preferences import get_str
    from gpt2desk.ui.translations import install_translations
    from gpt2desk.ui.window.logfile import install_log_file
    from gpt2desk.ui.window.main_window import MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("gpt2desk")
    app.setOrganizationName("gpt2desk")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resource_path("icons/gpt2desk.svg"))))
    # The .desktop file's name: lets Wayland and taskbars match the window to its icon.
    app.setDesktopFileName("gpt2desk")
    log_path = install_log_file()
    install_translations(get_str("appearance/language"))
    uninstall = install_crash_handlers(log_path)
    logging.getLogger(__name__).info("gpt2desk %s starting; log file %s", __version__, log_path)
    try:
        # The first start in a Traditional Chinese UI offers a Traditional Chinese model.
        model = start_model(args.model, offline=args.offline)
        window = MainWindow(model, offline=args.offline)
    except Exception as exc:  # a bug: a message for the user, the traceback in the log
        return _cannot_start(exc, log_path)
    window.show()
    # Load after the first paint: TensorFlow is imported in the worker thread.
    QTimer.singleShot(0, window.start)
    try:
        return int(app.exec())
    finally:
        uninstall()


def _cannot_start(exc: Exception, log_path: Path | None) -> int:
    """Says in a message box that the window could not be built; returns the exit code.

    The log file gets the traceback; the terminal (if any) one line.
    """
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QMessageBox

    error = str(exc).strip().split("\n", 1)[0][:200] or type(exc).__name__
    logging.getLogger(__name__).error("gpt2desk could not start: %s", error, exc_info=exc)
    text = QCoreApplication.translate("App", "gpt2desk could not start: {error}").format(
        error=error
    )
    if log_path is not None:
        text += "\n" + QCoreApplication.translate("App", "Details are in {path}.").format(
            path=log_path
        )
    box = QMessageBox(QMessageBox.Icon.Critical, "gpt2desk", text)
    box.setObjectName("cannotStartBox")
    box.setTextFormat(Qt.TextFormat.PlainText)  # the error may quote anything
    box.exec()
    return EXIT_CANNOT_START


_reporter: list[object] = []  # the one CrashReporter, kept alive


def install_crash_handlers(log_path: Path | None) -> Callable[[], None]:
    """Any exception nobody caught, in the GUI thread (a slot) or any other thread, is
    logged with its traceback and said to the user in one plain message (ui/window/crash.py).

    Returns what puts the previous hooks back (``main`` calls it when the app quits).
    """
    from gpt2desk.ui.window.crash import CrashReporter

    reporter = CrashReporter(log_path)
    _reporter[:] = [reporter]
    previous_hook, previous_thread_hook = sys.excepthook, threading.excepthook

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous_hook(kind, exc, tb)
            return
        reporter.report(kind, exc, tb, threading.current_thread().name)

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "?"
        reporter.report(args.exc_type, args.exc_value, args.exc_traceback, name)

    def uninstall() -> None:
        sys.excepthook, threading.excepthook = previous_hook, previous_thread_hook
        _reporter.clear()

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
    return uninstall
