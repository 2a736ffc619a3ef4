"""The Models window shows the model in use, and a folder's size and memory from its files."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gpt2desk.core.hub.catalog import estimate_memory, format_bytes
from gpt2desk.ui.generation.worker import WorkerHost
from gpt2desk.ui.models.dialog import ModelsDialog
from gpt2desk.ui.models.hub_prefs import HubPrefs
from gpt2desk.ui.window.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
NAME, PARAMS, SIZE, MEMORY, ON_DISK, DISK_USE = range(6)


@pytest.fixture
def make_dialog(
    qtbot: Any, host: WorkerHost, hf_cache: Path
) -> Iterator[Callable[..., ModelsDialog]]:
    """Offline Models dialogs on an empty cache; their download threads are stopped after."""
    dialogs: list[ModelsDialog] = []

    def make(added: list[tuple[str, str]] | None = None, active: str = "") -> ModelsDialog:
        prefs = HubPrefs(offline=True, added=added or [])
        dialog = ModelsDialog(host, prefs, active=active) if active else ModelsDialog(host, prefs)
        qtbot.addWidget(dialog)
        dialogs.append(dialog)
        dialog.show()
        return dialog

    yield make
    for dialog in dialogs:
        dialog.shutdown()


def _row(dialog: ModelsDialog, name: str) -> list[str]:
    names = [row.name for row in dialog.rows]
    assert name in names, names
    i = names.index(name)
    return [dialog.table.item(i, col).text() for col in range(dialog.table.columnCount())]


def _on_disk(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def _memory(folder: Path, params: int) -> int:
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    return estimate_memory(params, config["n_layer"], config["n_embd"], config["n_positions"])


def test_a_folder_in_use_is_listed_and_marked_with_size_and_memory_read_off_the_gui_thread(
    qtbot: Any, make_dialog: Callable[..., ModelsDialog], tiny_model_dir: Path
) -> None:
    folder = str(tiny_model_dir.resolve())
    dialog = make_dialog(active=folder)
    cells = _row(dialog, folder)
    assert cells[NAME] == f"{tiny_model_dir.name} (folder) — in use"
    # Not read in the GUI thread: the numbers arrive from the reading thread.
    assert cells[SIZE] == "…" and cells[MEMORY] == "…"
    qtbot.waitUntil(lambda: _row(dialog, folder)[SIZE] != "…")
    cells = _row(dialog, folder)
    assert cells[SIZE] == cells[DISK_USE] == format_bytes(_on_disk(tiny_model_dir))
    params = dialog.facts[folder].params
    assert params > 0 and cells[PARAMS] != "—"
    assert cells[MEMORY] == format_bytes(_memory(tiny_model_dir, params))
    assert cells[ON_DISK] == "Folder"
    # Shown because it is in use, not in the user's list: nothing to remove, and
    # nothing to switch to (it is the model in use).
    dialog.select(folder)
    assert not dialog.delete_button.isEnabled()
    assert not dialog.use_button.isEnabled()

    dialog.set_active_model("gpt2")
    assert folder not in [row.name for row in dialog.rows]
    assert _row(dialog, "gpt2")[NAME] == "gpt2 — in use"


def test_an_added_folder_shows_its_size_memory_or_its_problem(
    qtbot: Any, make_dialog: Callable[..., ModelsDialog], tiny_model_dir: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "not-a-model"
    broken.mkdir()
    (broken / "notes.txt").write_text("x" * 1234)
    folder = str(tiny_model_dir.resolve())
    dialog = make_dialog(added=[("local", folder), ("local", str(broken))])
    qtbot.waitUntil(lambda: "…" not in _row(dialog, folder) + _row(dialog, str(broken)))
    cells = _row(dialog, folder)
    assert cells[NAME] == f"{tiny_model_dir.name} (folder)"  # not in use
    assert cells[SIZE] == format_bytes(_on_disk(tiny_model_dir))
    assert cells[MEMORY].endswith("GB") or cells[MEMORY].endswith("MB")
    cells = _row(dialog, str(broken))
    assert cells[ON_DISK] == "Folder has a problem" and cells[SIZE] == "1.2 kB"
    dialog.select(str(broken))
    assert dialog.delete_button.isEnabled()  # "Remove from list"


def test_the_models_window_shows_the_model_folder_the_window_loaded(
    qtbot: Any, make_window: MakeWindow, tiny_model_dir: Path, hf_cache: Path
) -> None:
    window = make_window()  # --model <tiny folder>
    window.models_action.trigger()
    dialog = window.models_dialog
    folder = os.path.realpath(tiny_model_dir)
    assert _row(dialog, folder)[NAME].endswith("(folder) — in use")
    qtbot.waitUntil(lambda: _row(dialog, folder)[MEMORY] != "…")
    assert _row(dialog, folder)[SIZE] == format_bytes(_on_disk(tiny_model_dir))
