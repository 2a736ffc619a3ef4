"""A draft's manuscript through the window's Export and Import menu items (file dialogs answered).

The text is written through ``session.drafts`` (the manuscript the draft's
page edits); what is checked is what a writer sees: the files on disk and the
draft an import makes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog

from gpt2desk.core.writing.authorship import WRITER
from gpt2desk.core.writing.manuscript import Manuscript
from gpt2desk.ui.window.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
TEXT = "Chapter 1\n\n# Not a heading of ours\nIt was late.\u00a0\U0001f319"


def _menu(qtbot: Any, window: MainWindow, label: str, path: Path | None = None) -> None:
    """Chooses the menu item ``label``; its file dialog (if any) picks ``path``."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, answer)
            return
        dialog.selectFile(str(path))
        dialog.accept()

    if path is not None:
        QTimer.singleShot(0, answer)
    action = next(a for a in window.findChildren(QAction) if a.text() == label)
    action.trigger()


def _draft(qtbot: Any, window: MainWindow) -> Manuscript:
    """A new draft (the menu's New draft): typed text, a continuation retried once, more text."""
    _menu(qtbot, window, "New draft")
    session = window.workspace_ui.workspace.session
    conv = session.current
    assert conv is not None and conv.kind == "draft"
    m = session.drafts.manuscript()
    assert m is not None
    m.edit(0, 0, TEXT)
    cont = m.begin(len(m.text), "gpt2", {"temperature": 0.5}, seed=1)
    m.stream(cont.id, " The owl")
    m.finish(cont.id, {"reason": "length", "seed": 1})
    again = m.retry("gpt2", {"temperature": 0.5}, seed=2)
    assert again is not None
    m.stream(again.id, " A wolf")
    m.finish(again.id, {"reason": "length", "seed": 2})
    m.edit(len(m.text), len(m.text), " howled.")
    session.drafts.changed()
    return m


def test_a_draft_exports_as_its_text_alone(
    qtbot: Any, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = make_window(start=False)
    m = _draft(qtbot, window)
    md, txt = tmp_path / "story.md", tmp_path / "story.txt"
    _menu(qtbot, window, "Export as Markdown…", md)
    qtbot.waitUntil(md.exists)
    _menu(qtbot, window, "Export as plain text…", txt)
    qtbot.waitUntil(txt.exists)
    expected = TEXT + " A wolf howled."
    assert m.text == expected
    assert md.read_text(encoding="utf-8") == expected  # no "# title", "## You", "## gpt2"
    assert txt.read_text(encoding="utf-8") == expected


def test_importing_text_or_markdown_makes_a_draft_of_that_text(
    qtbot: Any, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = make_window(start=False)
    ws = window.workspace_ui.workspace
    for name in ("notes.md", "notes.txt"):
        source = tmp_path / name
        source.write_bytes(("\ufeff" + TEXT).encode("utf-8"))
        before = {c["id"] for c in ws.summaries}
        _menu(qtbot, window, "Import text, Markdown or JSON…", source)

        def shown_new(before: set[str] = before) -> bool:
            return ws.current is not None and ws.current.id not in before

        qtbot.waitUntil(shown_new)
        conv = ws.current
        assert conv is not None and conv.kind == "draft"
        m = ws.session.drafts.manuscript()
        assert m is not None
        assert m.text == TEXT  # the byte order mark is not text
        assert m.runs() == [(0, len(TEXT), WRITER)]
        assert m.continuations == {}
    # on disk at once, not only when the draft changes
    assert conv is not None
    cid = conv.id
    ws.flush_pending()
    saved = ws.writer.call(lambda s: s.load_manuscript(cid))
    assert saved is not None and saved["text"] == TEXT


def test_the_json_backup_brings_a_deleted_draft_back_with_its_alternatives(
    qtbot: Any, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = make_window(start=False)
    ws = window.workspace_ui.workspace
    m = _draft(qtbot, window)
    cid = m.id
    backup = tmp_path / "all.json"
    _menu(qtbot, window, "Export all data as JSON…", backup)
    qtbot.waitUntil(backup.exists)
    doc = json.loads(backup.read_text(encoding="utf-8"))
    (saved,) = [c for c in doc["conversations"] if c["id"] == cid]
    assert saved["manuscript"]["text"] == TEXT + " A wolf howled."
    ws.delete(cid)
    ws.session._stacks.clear()  # no Undo to bring it back: only the backup can
    assert ws.session.drafts.manuscript(cid) is None

    _menu(qtbot, window, "Import text, Markdown or JSON…", backup)
    qtbot.waitUntil(lambda: any(c["id"] == cid for c in ws.summaries))
    back = ws.session.drafts.manuscript(cid)
    assert back is not None and back.text == TEXT + " A wolf howled."
    place = back.place_at(len(TEXT) + 1)
    assert place is not None and back.alternatives(place.id) == (1, 2)
    back.choose(place.id, 0)
    assert back.text == TEXT + " The owl howled."
    assert back.author_at(len(TEXT) + 1) != WRITER
    assert back.author_at(len(TEXT + " The owl ")) == WRITER
