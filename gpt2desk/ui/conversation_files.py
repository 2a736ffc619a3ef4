"""Export and import: Markdown, plain text, and the JSON of all data.

Each function returns "" or a sentence saying why it could not be done.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSaveFile
from PySide6.QtWidgets import QFileDialog, QWidget

from gpt2desk.core.conversation import (
    draft_from_text,
    export_all,
    import_all,
    to_markdown,
    to_plain_text,
)

if TYPE_CHECKING:
    from gpt2desk.ui.workspace import Workspace


def export(workspace: Workspace, path: str, fmt: str) -> str:
    """Writes the current conversation (md, txt) or everything (json)."""
    if fmt == "json":
        convs = workspace.all_conversations()
        data = json.dumps(export_all(convs), ensure_ascii=True, indent=1)
    else:
        conv = workspace.current
        if conv is None:
            return "There is no conversation to export."
        data = to_markdown(conv) if fmt == "md" else to_plain_text(conv)
    # QSaveFile: the file appears whole or not at all.
    out = QSaveFile(path)
    if not out.open(QSaveFile.OpenModeFlag.WriteOnly):
        return f"Cannot write {path}: {out.errorString()}"
    out.write(data.encode("utf-8", "surrogatepass"))
    if not out.commit():
        return f"Writing {path} failed: {out.errorString()}"
    return ""


def import_file(workspace: Workspace, path: str) -> str:
    """A .json export comes back whole; any other file becomes a new draft, shown."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return f"Cannot read {path}: {exc.strerror}"
    text = raw.decode("utf-8", "surrogateescape")
    if path.lower().endswith(".json"):
        try:
            convs = import_all(json.loads(text), {c["id"] for c in workspace.summaries})
        except ValueError as exc:
            return f"Cannot import {Path(path).name}: {exc}"
        workspace.add_conversations(convs)
        return ""
    conv = draft_from_text(text, Path(path).name)
    workspace.add_conversations([conv])
    workspace.select(conv.id)
    return ""


def ask_export(parent: QWidget, workspace: Workspace, fmt: str) -> str:
    """Asks where to export; returns the sentence for the status bar ("" if cancelled)."""
    filters = {"md": "Markdown (*.md)", "txt": "Text (*.txt)", "json": "JSON (*.json)"}
    path, _ = QFileDialog.getSaveFileName(parent, "Export", f"export.{fmt}", filters[fmt])
    if not path:
        return ""
    return export(workspace, path, fmt) or f"Exported to {path}"


def ask_import(parent: QWidget, workspace: Workspace) -> str:
    """Asks for a file to import; returns the sentence for the status bar ("" if cancelled)."""
    path, _ = QFileDialog.getOpenFileName(
        parent, "Import", "", "Text, Markdown or JSON (*.txt *.md *.markdown *.json);;All (*)"
    )
    if not path:
        return ""
    return import_file(workspace, path) or f"Imported {path}"
