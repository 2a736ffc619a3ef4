"""Fixtures for the UI tests: private QSettings, a worker host, a main window.

Fixtures:
    isolated_qsettings (autouse): QSettings of this test only, in its tmp_path.
    host: a ``WorkerHost`` with no model, shut down after the test.
    loaded_host: the same with the tiny model loaded.
    make_window: builds ``MainWindow`` objects that are closed (and their
        worker threads stopped) after the test; ``ready=True`` waits for the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths

from gpt2desk.ui.conversation.workspace import DATA_DIR_ENV
from gpt2desk.ui.generation.worker import WorkerHost
from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.helpers import Recorder, wait_ready


@pytest.fixture(autouse=True)
def isolated_qsettings(qapp: Any, tmp_path: Path) -> Iterator[Path]:
    """Points every QSettings of this test at its own folder, never the user's."""
    old_test_mode = QStandardPaths.isTestModeEnabled()
    QStandardPaths.setTestModeEnabled(True)
    old_names = QCoreApplication.organizationName(), QCoreApplication.applicationName()
    folder = tmp_path / "qsettings"
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    QCoreApplication.setOrganizationName("gpt2desk-tests")
    QCoreApplication.setApplicationName(f"gpt2desk-{tmp_path.name}")
    yield folder
    QSettings().clear()
    QCoreApplication.setOrganizationName(old_names[0])
    QCoreApplication.setApplicationName(old_names[1])
    QStandardPaths.setTestModeEnabled(old_test_mode)


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The conversations database of this test only (subprocesses inherit it too)."""
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def host() -> Iterator[WorkerHost]:
    """A worker thread with no model loaded yet."""
    h = WorkerHost()
    yield h
    h.shutdown()


@pytest.fixture
def loaded_host(host: WorkerHost, qtbot: Any, tiny_model_dir: Path) -> WorkerHost:
    """A worker thread that has loaded the tiny model."""
    rec = Recorder(host.worker)
    host.load(str(tiny_model_dir), True)
    assert rec.wait_loaded(qtbot)[0] == "ready", rec.states()
    return host


@pytest.fixture
def make_window(qtbot: Any, tiny_model_dir: Path) -> Iterator[Callable[..., MainWindow]]:
    """Builds main windows on the tiny model; all are closed after the test."""
    windows: list[MainWindow] = []

    def make(*, start: bool = True, ready: bool = True) -> MainWindow:
        window = MainWindow(str(tiny_model_dir), offline=True)
        windows.append(window)
        window.show()
        window.activateWindow()
        # The window's shortcuts (Ctrl+Return, Esc) only fire in the active window.
        qtbot.waitUntil(window.isActiveWindow)
        if start:
            window.start()
            if ready:
                wait_ready(qtbot, window)
        return window

    yield make
    for window in windows:
        window.close()
        assert not window.host.model_thread.isRunning()
