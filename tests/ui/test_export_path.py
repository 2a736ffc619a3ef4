"""Export proposes the conversation's title in the Documents folder, then the last folder used."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QStandardPaths, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog

from gpt2desk.ui.conversation import conversation_files
from gpt2desk.ui.window.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))  # no user-dirs.dirs there
    folder = Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    )
    assert folder == home / "Documents"
    return folder


def _export_as_markdown(qtbot: Any, window: MainWindow, save_as: Path | None) -> str:
    """Chooses Export as Markdown; returns the file the dialog proposed; saves as ``save_as``."""
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.selectedFiles()[0])
        if save_as is None:
            dialog.reject()
        else:
            dialog.selectFile(str(save_as))
            dialog.accept()

    QTimer.singleShot(0, answer)
    action = next(a for a in window.findChildren(QAction) if a.text() == "Export as Markdown…")
    action.trigger()
    assert seen
    return seen[0]


def test_export_proposes_the_title_in_documents_then_the_last_folder(
    qtbot: Any, make_window: MakeWindow, documents: Path, tmp_path: Path
) -> None:
    window = make_window(start=False)
    (tmp_path / "notes.txt").write_text("my notes", encoding="utf-8")
    assert window.workspace_ui.import_file(str(tmp_path / "notes.txt")) == ""
    ws = window.workspace_ui.workspace
    conv = ws.current
    assert conv is not None
    ws.rename(conv.id, 'Plans: a/b "draft"?')
    assert _export_as_markdown(qtbot, window, None) == str(documents / "Plans_ a_b _draft__.md")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _export_as_markdown(qtbot, window, elsewhere / "mine.md")
    qtbot.waitUntil(lambda: (elsewhere / "mine.md").exists())
    ws.rename(conv.id, "第二章")
    assert _export_as_markdown(qtbot, window, None) == str(elsewhere / "第二章.md")


def test_safe_file_names() -> None:
    assert conversation_files.safe_file_name("Plans: a/b") == "Plans_ a_b"
    assert conversation_files.safe_file_name("  ..hidden.  ") == "hidden"
    assert conversation_files.safe_file_name("CON") == "CON_"
    assert conversation_files.safe_file_name("line\none\ttab") == "line one tab"
    assert conversation_files.safe_file_name("") == ""
    long = conversation_files.safe_file_name("字" * 300)
    assert len(long.encode("utf-8")) <= 200 and long == "字" * len(long)
