"""Export and import: Markdown, plain text, and the JSON of all data.

Each import or export is work for a :class:`~gpt2desk.ui.conversation.file_job.FileJob`
(a thread of its own, with progress and Cancel): :func:`import_work` and
:func:`export_work` are called in the GUI thread and take what they need from
the workspace there; the work itself touches only the file and the store's
writer. An export is whole or absent (QSaveFile); an import of a JSON export
is checked whole against :mod:`gpt2desk.core.writing.transfer` and saved in one
transaction, or not at all.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QSaveFile, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from gpt2desk.core.store.database import Store
from gpt2desk.core.store.writer import Writer
from gpt2desk.core.writing import manuscript_files
from gpt2desk.core.writing import transfer as import_schema
from gpt2desk.core.writing.drafts import saved_row
from gpt2desk.core.writing.manuscript import Manuscript
from gpt2desk.core.writing.turns import (
    Conversation,
    ImportFailed,
    draft_from_text,
    export_all,
    to_markdown,
    to_plain_text,
)
from gpt2desk.ui import preferences
from gpt2desk.ui.conversation.file_job import Control, FileProblem, Finish, Work

if TYPE_CHECKING:
    from gpt2desk.ui.conversation.workspace import Workspace

log = logging.getLogger(__name__)

#: Larger files are refused before being read (and a device is never read).
MAX_IMPORT_BYTES = 1 << 30
CHUNK_BYTES = 1 << 20


def import_cancelled() -> str:
    return QCoreApplication.translate(
        "ConversationFiles", "Import cancelled: nothing was imported."
    )


def export_cancelled() -> str:
    return QCoreApplication.translate("ConversationFiles", "Export cancelled: no file was written.")


# -- export -----------------------------------------------------------------------


def export_work(
    workspace: Workspace, path: str, fmt: str, convs: list[dict[str, Any]] | None = None
) -> Work:
    """Writes the current conversation (md, txt) or everything (json) to ``path``.

    Args:
        convs: Every conversation, when the caller has them already
            (:meth:`Workspace.all_conversations`); else the work reads them
            from the database once the writer has saved what is queued.
    """
    if fmt != "json":
        conv = workspace.current
        if conv is None:
            return _nothing_to_export
        m = workspace.session.drafts.manuscript(conv.id)
        if m is not None:  # a draft: the text alone, as the writer sees it
            text = (
                manuscript_files.to_markdown if fmt == "md" else manuscript_files.to_plain_text
            )(m)
        else:
            you = QCoreApplication.translate("WorkspaceController", "You")
            text = to_markdown(conv, you) if fmt == "md" else to_plain_text(conv, you)

        return _logged("export", path, _write_one(path, text, conv.title))
    # Everything the window holds goes through the writer's queue: once it has
    # done what is queued now, the database holds what the window shows.
    workspace.flush_pending()
    writer = workspace.writer

    def work(control: Control) -> Finish:
        docs = convs if convs is not None else _saved(writer, control)
        control.tick(60)
        data = json.dumps(export_all(docs), ensure_ascii=True, indent=1)
        finish = _write(path, data, control, start=70)
        log.info("exported %d conversations to %s", len(docs), path)
        return finish

    return _logged("export", path, work)


def _write_one(path: str, text: str, title: str) -> Work:
    # A module-level function: lupdate loses the class context of later tr() calls
    # after a def nested in an if block.
    def write(control: Control) -> Finish:
        finish = _write(path, text, control)
        log.info("exported the conversation “%s” to %s", title, path)
        return finish

    return write


def _logged(what: str, path: str, work: Work) -> Work:
    """``work`` whose failure or cancelling is written to the log file (with the file's name)."""

    def logged(control: Control) -> Finish:
        try:
            return work(control)
        except import_schema.Cancelled:
            log.info("%s of %s cancelled", what, path)
            raise
        except Exception as exc:  # file_job.attempt says it; a bug's traceback is logged there
            log.warning("%s of %s failed: %s", what, path, exc)
            raise

    return logged


def _saved(writer: Writer, control: Control) -> list[dict[str, Any]]:
    """Every conversation as saved once the writer is done with what is queued."""
    reader = writer.call(Store.reader)
    if reader is None:  # working in memory: only the writer's connection has it
        docs: list[dict[str, Any]] = writer.call(lambda s: s.load_all())
        for doc in docs:
            row = saved_row(writer.call, doc["id"]) if doc["kind"] == "draft" else None
            if row is not None:
                doc["manuscript"] = row
        return docs
    try:
        ids = [c["id"] for c in reversed(reader.list_conversations())]  # oldest change first
        out = []
        for i, cid in enumerate(ids):
            conv = reader.load_conversation(cid)
            if conv is not None:
                row = saved_row(_direct(reader), cid) if conv["kind"] == "draft" else None
                if row is not None:
                    conv["manuscript"] = row
                out.append(conv)
            control.tick(60 * (i + 1) // len(ids))
        return out
    finally:
        reader.close()


def _direct(store: Store) -> Callable[[Callable[[Store], Any]], Any]:
    return lambda fn: fn(store)


def _nothing_to_export(control: Control) -> Finish:
    raise FileProblem(
        QCoreApplication.translate("ConversationFiles", "There is no conversation to export.")
    )


def _write(path: str, text: str, control: Control, start: int = 0) -> Finish:
    """Writes ``text`` whole or not at all (QSaveFile: a temporary file, renamed when complete)."""
    data = text.encode("utf-8", "surrogatepass")
    out = QSaveFile(path)
    if not out.open(QSaveFile.OpenModeFlag.WriteOnly):
        raise FileProblem(
            QCoreApplication.translate("ConversationFiles", "Cannot write {path}: {error}").format(
                path=path, error=out.errorString()
            )
        )
    try:
        for at in range(0, len(data), CHUNK_BYTES):
            control.tick(start + (100 - start) * at // len(data))
            if out.write(data[at : at + CHUNK_BYTES]) < 0:
                break
    except BaseException:
        out.cancelWriting()
        raise
    if not out.commit():
        raise FileProblem(
            QCoreApplication.translate(
                "ConversationFiles", "Writing {path} failed: {error}"
            ).format(path=path, error=out.errorString())
        )
    return lambda: QCoreApplication.translate("ConversationFiles", "Exported to {path}").format(
        path=path
    )


# -- import -----------------------------------------------------------------------


def import_work(workspace: Workspace, path: str) -> Work:
    """A .json export comes back whole (conversations already here are skipped);
    any other file becomes a new draft, shown."""
    writer = workspace.writer
    name = Path(path).name

    def work(control: Control) -> Finish:
        text = _read(path, control)
        if not path.lower().endswith(".json"):
            draft = draft_from_text(text, name)
            # The file's text is the manuscript, all of it the writer's.
            manuscript = manuscript_files.from_text(text, draft.id)
            log.info("imported %s as a new draft", path)
            return lambda: _add_draft(workspace, draft, manuscript, path)
        try:
            doc = import_schema.parse(text)
            del text
            control.tick(35)
            convs = import_schema.read_export(
                doc, progress=lambda done, total: control.tick(35 + 50 * done // total)
            )
            manuscripts = import_schema.read_manuscripts(doc)
        except ImportFailed as exc:
            raise FileProblem(
                QCoreApplication.translate(
                    "ConversationFiles", "Cannot import {file}: {error}"
                ).format(file=name, error=exc)
            ) from exc
        control.tick(85)
        cancelled = control.cancelled
        saved, skipped = writer.submit(
            lambda s: import_schema.store_new(s, convs, cancelled, manuscripts)
        ).result()
        log.info(
            "imported %d conversations from %s (%d already here, skipped)",
            len(saved),
            path,
            skipped,
        )
        return lambda: _list_imported(workspace, saved, skipped, name)

    return _logged("import", path, work)


def _read(path: str, control: Control) -> str:
    """The text of a regular file of at most ``MAX_IMPORT_BYTES`` (never a device or pipe)."""
    file = Path(path)
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(
                QCoreApplication.translate(
                    "ConversationFiles", "Cannot import {path}: it is not a file."
                ).format(path=path)
            )
        if info.st_size > MAX_IMPORT_BYTES:
            raise _too_big(path)
        chunks: list[bytes] = []
        size = 0
        with file.open("rb") as f:
            while chunk := f.read(CHUNK_BYTES):
                size += len(chunk)
                if size > MAX_IMPORT_BYTES:  # it grew while being read
                    raise _too_big(path)
                chunks.append(chunk)
                control.tick(30 * size // max(info.st_size, size))
    except OSError as exc:
        raise FileProblem(
            QCoreApplication.translate("ConversationFiles", "Cannot read {path}: {error}").format(
                path=path, error=exc.strerror or exc
            )
        ) from exc
    return b"".join(chunks).decode("utf-8", "surrogateescape")


def _too_big(path: str) -> FileProblem:
    return FileProblem(
        QCoreApplication.translate(
            "ConversationFiles", "Cannot import {path}: it is larger than 1 GB."
        ).format(path=path)
    )


def _add_draft(workspace: Workspace, draft: Conversation, manuscript: Manuscript, path: str) -> str:
    workspace.add_conversations([draft])
    workspace.session.drafts.adopt(manuscript)
    workspace.select(draft.id)
    return QCoreApplication.translate("ConversationFiles", "Imported {path}").format(path=path)


def _list_imported(workspace: Workspace, saved: list[Conversation], skipped: int, name: str) -> str:
    workspace.add_saved(saved)
    return ConversationFiles().imported(len(saved), skipped, name)


class ConversationFiles(QObject):
    """The translation context of the counted messages (lupdate finds "%n" only in self.tr)."""

    def imported(self, saved: int, skipped: int, name: str) -> str:
        if not saved and skipped:
            return self.tr(
                "Nothing new in {file}: its %n conversations are already here (same id).",
                "",
                skipped,
            ).format(file=name)
        message = self.tr("Imported %n conversations from {file}.", "", saved).format(file=name)
        if skipped:
            message += " " + self.tr(
                "%n conversations were already here (same id) and were skipped.", "", skipped
            )
        return message


# -- asking for a file --------------------------------------------------------------


def ask_export_path(parent: QWidget, fmt: str, conversation: Conversation | None = None) -> str:
    """Where to export ("" if the user cancelled).

    Proposes the conversation's title as the file name (all data: "gpt2desk
    conversations"), in the folder of the last export or import, else Documents.
    """
    filters = {
        "md": QCoreApplication.translate("ConversationFiles", "Markdown (*.md)"),
        "txt": QCoreApplication.translate("ConversationFiles", "Text (*.txt)"),
        "json": QCoreApplication.translate("ConversationFiles", "JSON (*.json)"),
    }
    if fmt == "json" or conversation is None:
        name = QCoreApplication.translate("ConversationFiles", "gpt2desk conversations")
    else:
        name = safe_file_name(conversation.title) or QCoreApplication.translate(
            "ConversationFiles", "Untitled"
        )
    path, _ = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("ConversationFiles", "Export"),
        str(Path(start_folder()) / f"{name}.{fmt}"),
        filters[fmt],
    )
    _remember_folder(path)
    return path


def ask_import_path(parent: QWidget) -> str:
    """Which file to import ("" if the user cancelled)."""
    filters = QCoreApplication.translate(
        "ConversationFiles", "Text, Markdown or JSON (*.txt *.md *.markdown *.json);;All files (*)"
    )
    path, _ = QFileDialog.getOpenFileName(
        parent, QCoreApplication.translate("ConversationFiles", "Import"), start_folder(), filters
    )
    _remember_folder(path)
    return path


def start_folder() -> str:
    """The folder of the last export or import if it is still there, else Documents (or home).

    Only ``os.path.isdir`` calls: cheap enough for the GUI thread.
    """
    last = preferences.get_str("files/last_folder")
    if last and os.path.isdir(last):
        return last
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and os.path.isdir(documents) else str(Path.home())


def _remember_folder(path: str) -> None:
    if path:
        preferences.set_value("files/last_folder", str(Path(path).parent))


#: Characters no file name may hold on Windows or macOS (and "/" nowhere).
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?", re.IGNORECASE)
#: Bytes of a file name, leaving room for ".json" and a " (2)" under the usual 255.
MAX_NAME_BYTES = 200


def safe_file_name(title: str) -> str:
    """``title`` made usable as a file name on any system ("" if nothing is left)."""
    name = " ".join(title.split())  # newlines and tabs too
    name = _UNSAFE.sub("_", name).strip(" .")
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    name = name.rstrip(" .")
    return f"{name}_" if _RESERVED.fullmatch(name) else name
