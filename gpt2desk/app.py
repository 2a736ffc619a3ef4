"""Starting the desktop app: arguments, QApplication, the main window."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from gpt2desk import __version__
from gpt2desk.core.models import DEFAULT_MODEL


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="gpt2desk", description="Offline GPT-2 writing assistant")
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help=f"Hugging Face Hub id or model folder (default: {DEFAULT_MODEL})",
    )
    parser.add_argument("--offline", action="store_true", help="never use the network")
    parser.add_argument("--version", action="version", version=f"gpt2desk {__version__}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from gpt2desk.assets import resource_path
    from gpt2desk.ui.appearance import pref
    from gpt2desk.ui.logfile import install_log_file
    from gpt2desk.ui.main_window import MainWindow
    from gpt2desk.ui.translations import install_translations

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("gpt2desk")
    app.setOrganizationName("gpt2desk")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resource_path("icons/gpt2desk.svg"))))
    # The .desktop file's name: lets Wayland and taskbars match the window to its icon.
    app.setDesktopFileName("gpt2desk")
    log_path = install_log_file()
    install_translations(str(pref("appearance/language")))
    logging.getLogger(__name__).info("gpt2desk %s starting; log file %s", __version__, log_path)
    window = MainWindow(args.model, offline=args.offline)
    window.show()
    # Load after the first paint: TensorFlow is imported in the worker thread.
    QTimer.singleShot(0, window.start)
    return int(app.exec())
