"""Fixtures for the UI tests: private QSettings, a worker host, a main window.

Fixtures:
    isolated_qsettings (autouse): QSettings of this test only, in its tmp_path.
    host: a ``WorkerHost`` with no model, shut down after the test.
    loaded_host: the same with the tiny model (the session's compiled one).
    shared_model: hands the session's compiled tiny model to a worker host
        (``give(host)``) or to a window made with ``start=False`` (``start(window)``).
    make_window: builds ``MainWindow`` objects that are closed (and their
        worker threads stopped) after the test; ``start=True`` gives the
        window the tiny model, ``ready=True`` waits until it is ready.

Loading and compiling the tiny model takes seconds; most tests only need a
model that writes. Their windows and hosts get the session's compiled model
(``WorkerHost.adopt``: the worker reports "loading" then "ready", as a load
does). A test about loading itself loads for real: ``make_window(real_load=True)``,
the ``host`` fixture with ``host.load(...)``, or ``window.load_model(...)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths

from gpt2desk.ui.conversation.workspace import DATA_DIR_ENV
from gpt2desk.ui.generation.worker import WorkerHost
from gpt2desk.ui.window.logfile import install_log_file
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
def log_file(isolated_data_dir: Path) -> Iterator[Path]:
    """gpt2desk's log file in this test's data folder, as the app installs it."""
    path = install_log_file()
    assert path is not None
    yield path
    logger = logging.getLogger("gpt2desk")
    for handler in logger.handlers[:]:
        if getattr(handler, "baseFilename", None) == str(path):
            logger.removeHandler(handler)
            handler.close()


@pytest.fixture
def host() -> Iterator[WorkerHost]:
    """A worker thread with no model loaded yet."""
    h = WorkerHost()
    yield h
    h.shutdown()


class SharedModel:
    """The session's compiled tiny model, for one worker at a time.

    A model's runner writes its cache in place, so two workers must never run
    it at once: while an earlier taker's thread still runs, ``give`` loads
    for real instead.
    """

    def __init__(self, request: pytest.FixtureRequest, tiny_model_dir: Path) -> None:
        self._request = request
        self._model_text = str(tiny_model_dir)
        self._takers: list[WorkerHost] = []

    def _free(self) -> bool:
        for taker in self._takers:
            try:
                if taker.model_thread.isRunning():
                    return False
            except RuntimeError:  # the C++ object is gone, so is its thread
                pass
        return True

    def give(self, host: WorkerHost) -> bool:
        """Queues the compiled model to ``host`` (as ``host.load`` of the tiny folder would
        end); False when another worker holds it (then the caller loads)."""
        if not self._free():
            return False
        loaded = self._request.getfixturevalue("tiny_loaded")
        self._takers.append(host)
        host.adopt(loaded, self._model_text)
        return True

    def start(self, window: MainWindow) -> None:
        """``window.start()`` on the compiled model (a real load while another worker has it)."""
        if not self.give(window.host):
            window.start()


@pytest.fixture
def shared_model(request: pytest.FixtureRequest, tiny_model_dir: Path) -> SharedModel:
    """Gives the session's compiled tiny model to a host (it is compiled on first use)."""
    return SharedModel(request, tiny_model_dir)


@pytest.fixture
def loaded_host(
    host: WorkerHost, qtbot: Any, tiny_model_dir: Path, shared_model: SharedModel
) -> WorkerHost:
    """A worker thread with the tiny model ready (the session's compiled one)."""
    rec = Recorder(host.worker)
    if not shared_model.give(host):
        host.load(str(tiny_model_dir), True)
    assert rec.wait_loaded(qtbot)[0] == "ready", rec.states()
    return host


@pytest.fixture
def make_window(
    qtbot: Any, tiny_model_dir: Path, shared_model: SharedModel
) -> Iterator[Callable[..., MainWindow]]:
    """Builds main windows on the tiny model; all are closed after the test."""
    windows: list[MainWindow] = []

    def make(*, start: bool = True, ready: bool = True, real_load: bool = False) -> MainWindow:
        """``start``: give it the model (the session's compiled one, or loaded from the
        folder with ``real_load``); ``ready``: wait until Send works."""
        window = MainWindow(str(tiny_model_dir), offline=True)
        windows.append(window)
        window.show()
        window.activateWindow()
        # The window's shortcuts (Ctrl+Return, Esc) only fire in the active window.
        qtbot.waitUntil(window.isActiveWindow)
        if start:
            if real_load:
                window.start()
            else:
                shared_model.start(window)
            if ready:
                wait_ready(qtbot, window)
        return window

    yield make
    for window in windows:
        window.close()
        assert not window.host.model_thread.isRunning()
