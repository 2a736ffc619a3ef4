"""Cancelling the download the model worker runs, and deleting a model while it loads.

Real widgets, the real local hub server (slowed down) and the real tiny model.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from gpt2desk.core.hub import cache
from gpt2desk.core.hub import download as hub
from gpt2desk.ui.generation.worker import WorkerHost
from gpt2desk.ui.models.dialog import ModelsDialog
from gpt2desk.ui.models.hub_prefs import HubPrefs
from gpt2desk.ui.window.main_window import MainWindow
from tests.hubfixtures import TINY_ID
from tests.hubserver import HubServer
from tests.ui.helpers import LOAD_TIMEOUT_MS, Recorder, wait_ready

WEIGHTS = "tf_model.h5"
WAIT_MS = 30_000


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub, "CHUNK_SIZE", 16 * 1024)


@pytest.fixture
def first_start(
    qtbot: Any, hub_server: HubServer, tiny_repo: dict[str, bytes], hf_cache: Path
) -> Iterator[MainWindow]:
    """The window's first start on gpt2 with an empty cache, downloading slowly."""
    hub_server.add("gpt2", tiny_repo)
    # ~0.2 s per 16 kB: the download lasts several seconds even on a busy machine.
    hub_server.faults.slow[WEIGHTS] = (16 * 1024, 0.2)
    HubPrefs(endpoint=hub_server.url).save()
    window = MainWindow("gpt2")
    try:
        window.show()
        # Before any download: no Cancel. (Checked here: pytest-qt processes events
        # after the fixture, when the worker may already be downloading.)
        assert not window.download_cancel.isVisible()
        window.start()
        yield window
    finally:
        window.close()
    assert not window.host.model_thread.isRunning()


def partial_bytes(hf_cache: Path) -> int:
    """Bytes of the weights that arrived so far (huggingface_hub's .incomplete file)."""
    parts = list(hf_cache.glob("models--gpt2/blobs/*.incomplete"))
    return max((p.stat().st_size for p in parts), default=0)


def cache_read(qtbot: Any, dialog: ModelsDialog) -> None:
    """Waits until the Models window has shown what the cache holds (read in a thread)."""
    qtbot.waitUntil(
        lambda: dialog.cache_facts is not None and not dialog.cache_reader.busy(),
        timeout=WAIT_MS,
    )


def cell(dialog: ModelsDialog, name: str, column: int) -> str:
    item = dialog.table.item([r.name for r in dialog.rows].index(name), column)
    assert item is not None
    return item.text()


def agree(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answers Yes to the delete question; returns the questions asked."""
    asked: list[str] = []

    def confirm(_parent: Any, _title: str, text: str, *args: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", confirm)
    return asked


def test_cancel_the_download_of_the_first_model_then_resume_it(
    first_start: MainWindow, qtbot: Any, hub_server: HubServer, hf_cache: Path
) -> None:
    window = first_start
    button = window.download_cancel
    qtbot.waitUntil(
        lambda: button.isVisible() and " of " in window.model_label.text(), timeout=WAIT_MS
    )
    assert window.model_label.text().startswith("Downloading gpt2: ")
    assert button.text() == "Cancel"
    assert button.isEnabled() and button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert button.accessibleName() == "Cancel download"
    assert "gpt2" in button.accessibleDescription() and "kept" in button.accessibleDescription()
    assert button.toolTip() == "Stops the download; what arrived is kept"
    qtbot.waitUntil(lambda: partial_bytes(hf_cache) > 100_000, timeout=WAIT_MS)

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: "cancelled" in window.model_label.text() and not button.isVisible(),
        timeout=WAIT_MS,
    )
    label = window.model_label.text()
    assert label.startswith("Download of “gpt2” cancelled. The ")
    assert "stay on disk" in label and "Models window" in label
    assert not window.send_button.isEnabled()
    assert cache.status("gpt2").state == "partial"
    assert partial_bytes(hf_cache) > 100_000, "what arrived is kept"
    seen = len(hub_server.requests())
    qtbot.wait(500)
    assert len(hub_server.requests()) == seen, "the download went on after Cancel"

    # Still usable: the Models window resumes what arrived and switches to it.
    window.open_models()
    dialog = window.models_dialog
    assert isinstance(dialog, ModelsDialog)
    cache_read(qtbot, dialog)
    dialog.select("gpt2")
    assert cell(dialog, "gpt2", 4) == "Partly downloaded"
    assert dialog.download_button.text() == "Resume"
    hub_server.faults.slow.clear()
    dialog.use_button.click()
    qtbot.waitUntil(lambda: window.model_label.text() == "Ready — gpt2", timeout=LOAD_TIMEOUT_MS)
    wait_ready(qtbot, window)
    ranges = [r.range for r in hub_server.requests("GET", "/lfs/")]
    assert ranges[-1] is not None and ranges[-1].startswith("bytes=")
    assert not button.isVisible()


def test_deleting_the_model_being_downloaded_for_loading_is_refused(
    first_start: MainWindow, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = first_start
    # Cancel shows before the first bytes land; Delete is offered only once there
    # are files to delete, so wait for the partial download itself.
    qtbot.waitUntil(
        lambda: window.download_cancel.isVisible() and cache.status("gpt2").state == "partial",
        timeout=WAIT_MS,
    )
    window.open_models()
    dialog = window.models_dialog
    assert isinstance(dialog, ModelsDialog)
    asked = agree(monkeypatch)
    cache_read(qtbot, dialog)
    dialog.select("gpt2")
    assert dialog.delete_button.isEnabled()
    dialog.delete_button.click()
    assert asked == []
    assert "gpt2 is being loaded right now, so it cannot be deleted" in dialog.message.text()
    assert cache.status("gpt2").state == "partial"
    assert window.download_cancel.isVisible(), "the download should go on"

    window.download_cancel.click()
    qtbot.waitUntil(lambda: "cancelled" in dialog.message.text(), timeout=WAIT_MS)
    dialog.delete_button.click()
    assert asked and "gpt2" in asked[0]
    assert cache.status("gpt2").state == "absent"
    assert "freed" in dialog.message.text()


def test_a_second_download_of_the_model_being_loaded_is_refused(
    first_start: MainWindow, qtbot: Any
) -> None:
    window = first_start
    qtbot.waitUntil(window.download_cancel.isVisible, timeout=WAIT_MS)
    window.open_models()
    dialog = window.models_dialog
    assert isinstance(dialog, ModelsDialog)
    dialog.select("gpt2")
    for start in (dialog.download_selected, dialog.use_selected):
        dialog.message.clear()
        start()
        assert "gpt2 is being downloaded for loading right now" in dialog.message.text()
        # No download of the window's own started: it would have a Cancel.
        assert not dialog.cancel_button.isEnabled()
    assert window.download_cancel.isVisible(), "the first download should go on"
    window.download_cancel.click()
    qtbot.waitUntil(lambda: "cancelled" in dialog.message.text(), timeout=WAIT_MS)


def test_deleting_the_model_being_loaded_from_disk_is_refused(
    host: WorkerHost,
    qtbot: Any,
    hub_server: HubServer,
    hf_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hub.download_model(TINY_ID, endpoint=hub_server.url)
    dialog = ModelsDialog(host, HubPrefs(endpoint=hub_server.url))
    qtbot.addWidget(dialog)
    try:
        dialog.show()
        cache_read(qtbot, dialog)
        asked = agree(monkeypatch)
        rec = Recorder(host.worker)
        dialog.select(TINY_ID)
        host.load(TINY_ID, True)
        dialog.delete_button.click()
        assert asked == []
        assert f"{TINY_ID} is being loaded right now" in dialog.message.text()
        assert rec.wait_loaded(qtbot) == ("ready", TINY_ID)
        assert cache.status(TINY_ID).state == "complete"

        # Once loaded, it can be deleted (it stays in memory until the next switch).
        qtbot.waitUntil(lambda: host.loading() == [], timeout=WAIT_MS)
        dialog.delete_button.click()
        assert asked and "stays loaded" in asked[0]
        assert cache.status(TINY_ID).state == "absent"
    finally:
        dialog.shutdown()


def test_shutdown_during_a_worker_download_does_not_hang(
    first_start: MainWindow, qtbot: Any
) -> None:
    qtbot.waitUntil(first_start.download_cancel.isVisible, timeout=WAIT_MS)
    first_start.close()
    assert not first_start.host.model_thread.isRunning()
