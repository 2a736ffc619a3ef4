"""The log file holds exports, imports and crashes; Help > Open log file says where it is."""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from gpt2desk import app
from gpt2desk.ui.conversation.file_job import FileJob
from gpt2desk.ui.window.help_menu import HelpMenu
from gpt2desk.ui.window.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def _run(qtbot: Any, job: FileJob | None) -> tuple[bool, str]:
    assert job is not None
    with qtbot.waitSignal(job.done, timeout=20_000) as blocker:
        pass
    return blocker.args[0], blocker.args[1]


def test_exports_and_imports_are_logged_with_file_and_count(
    qtbot: Any, make_window: MakeWindow, log_file: Path, tmp_path: Path
) -> None:
    window = make_window(start=False)
    ui = window.workspace_ui
    source = tmp_path / "two.json"
    ok, message = _run(qtbot, ui.start_import(str(tmp_path / "missing.json")))
    assert not ok
    (tmp_path / "notes.txt").write_text("a draft of mine", encoding="utf-8")
    assert _run(qtbot, ui.start_import(str(tmp_path / "notes.txt")))[0]
    out = tmp_path / "all.json"
    assert _run(qtbot, ui.start_export(str(out), "json"))[0]
    count = len(json.loads(out.read_text(encoding="utf-8"))["conversations"])
    assert count >= 1
    source.write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
    assert _run(qtbot, ui.start_import(str(source)))[0]  # everything is already here
    md = tmp_path / "draft.md"
    assert _run(qtbot, ui.start_export(str(md), "md"))[0]
    lines = log_file.read_text(encoding="utf-8").splitlines()
    mine = [line.split(": ", 1)[1] for line in lines if "conversation_files" in line]
    assert mine == [
        f"import of {tmp_path / 'missing.json'} failed: {message}",
        f"imported {tmp_path / 'notes.txt'} as a new draft",
        f"exported {count} conversations to {out}",
        f"imported 0 conversations from {source} ({count} already here, skipped)",
        f"exported the conversation “notes.txt” to {md}",
    ]


@pytest.mark.qt_no_exception_capture
def test_a_crash_anywhere_is_logged_with_its_traceback_and_said_once(
    qtbot: Any, log_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    before = sys.excepthook, threading.excepthook
    uninstall = app.install_crash_handlers(log_file)

    def fail_in_a_slot() -> None:
        raise ZeroDivisionError("in a slot")

    QTimer.singleShot(0, fail_in_a_slot)
    qtbot.waitUntil(lambda: _crash_box() is not None)
    box = _crash_box()
    assert box is not None
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert "in a slot" in box.text() and str(log_file) in box.text()
    assert "Traceback" not in box.text()

    def fail_in_a_thread() -> None:
        raise ValueError("in a thread")

    worker = threading.Thread(target=fail_in_a_thread)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: "in a thread" in log_file.read_text(encoding="utf-8"))
    QApplication.processEvents()
    # One message at a time: the second crash is logged, not stacked on the first box.
    shown = [w for w in QApplication.topLevelWidgets() if w.objectName() == "crashBox"]
    assert [w.isVisible() for w in shown] == [True]
    box.close()
    text = log_file.read_text(encoding="utf-8")
    assert "ZeroDivisionError: in a slot" in text and "ValueError: in a thread" in text
    assert text.count("Traceback") == 2
    assert "fail_in_a_slot" in text and "fail_in_a_thread" in text
    uninstall()  # when the app quits
    assert (sys.excepthook, threading.excepthook) == before


def _crash_box() -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "crashBox" and widget.isVisible():
            assert isinstance(widget, QMessageBox)
            return widget
    return None


def test_open_log_file_without_a_file_opener_says_where_the_file_is(
    qtbot: Any, log_file: Path
) -> None:
    logging.getLogger("gpt2desk.test").warning("something to read")
    window = QMainWindow()
    qtbot.addWidget(window)
    menu = HelpMenu(window)
    window.show()
    # The offscreen platform, like a desktop without xdg-open, has nothing to open files with.
    menu.log_action.trigger()
    box = window.findChild(QMessageBox, "logFileBox")
    assert box is not None and box.isVisible()
    assert str(log_file) in box.text()
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    copy = next(b for b in box.buttons() if b.text() == "Copy path")
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == str(log_file)
