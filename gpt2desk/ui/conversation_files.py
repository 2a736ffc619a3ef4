"""Export and import: Markdown, plain text, and the JSON of all data.

Each function returns "" or a sentence saying why it could not be done.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSaveFile
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
            return QCoreApplication.translate(
                "ConversationFiles", "There is no conversation to export."
            )
        you = QCoreApplication.translate("WorkspaceController", "You")
        data = to_markdown(conv, you) if fmt == "md" else to_plain_text(conv, you)
    # QSaveFile: the file appears whole or not at all.
    out = QSaveFile(path)
    if not out.open(QSaveFile.OpenModeFlag.WriteOnly):
        return QCoreApplication.translate(
            "ConversationFiles", "Cannot write {path}: {error}"
        ).format(path=path, error=out.errorString())
    out.write(data.encode("utf-8", "surrogatepass"))
    if not out.commit():
        return QCoreApplication.translate(
            "ConversationFiles", "Writing {path} failed: {error}"
        ).format(path=path, error=out.errorString())
    return ""


def import_file(workspace: Workspace, path: str) -> str:
    """A .json export comes back whole; any other file becomes a new draft, shown."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return QCoreApplication.translate(
            "ConversationFiles", "Cannot read {path}: {error}"
        ).format(path=path, error=exc.strerror)
    text = raw.decode("utf-8", "surrogateescape")
    if path.lower().endswith(".json"):
        try:
            convs = import_all(json.loads(text), {c["id"] for c in workspace.summaries})
        except ValueError as exc:
            # Our own reasons are translated (core/i18n.py); a JSON parser's stays a detail.
            return QCoreApplication.translate(
                "ConversationFiles", "Cannot import {file}: {error}"
            ).format(file=Path(path).name, error=exc)
        workspace.add_conversations(convs)
        return ""
    conv = draft_from_text(text, Path(path).name)
    workspace.add_conversations([conv])
    workspace.select(conv.id)
    return ""


def ask_export(parent: QWidget, workspace: Workspace, fmt: str) -> str:
    """Asks where to export; returns the sentence for the status bar ("" if cancelled)."""
    filters = {
        "md": QCoreApplication.translate("ConversationFiles", "Markdown (*.md)"),
        "txt": QCoreApplication.translate("ConversationFiles", "Text (*.txt)"),
        "json": QCoreApplication.translate("ConversationFiles", "JSON (*.json)"),
    }
    path, _ = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("ConversationFiles", "Export"),
        f"export.{fmt}",
        filters[fmt],
    )
    if not path:
        return ""
    return export(workspace, path, fmt) or QCoreApplication.translate(
        "ConversationFiles", "Exported to {path}"
    ).format(path=path)


def ask_import(parent: QWidget, workspace: Workspace) -> str:
    """Asks for a file to import; returns the sentence for the status bar ("" if cancelled)."""
    filters = QCoreApplication.translate(
        "ConversationFiles", "Text, Markdown or JSON (*.txt *.md *.markdown *.json);;All files (*)"
    )
    path, _ = QFileDialog.getOpenFileName(
        parent, QCoreApplication.translate("ConversationFiles", "Import"), "", filters
    )
    if not path:
        return ""
    return import_file(workspace, path) or QCoreApplication.translate(
        "ConversationFiles", "Imported {path}"
    ).format(path=path)
