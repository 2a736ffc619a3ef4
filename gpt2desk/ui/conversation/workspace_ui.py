"""Connects the workspace to the main window: sidebar, shown conversation, turn actions.

The main window keeps the composer, the worker and the status bar. This
controller shows the current conversation and routes what the user does to
its parts: the Conversation menu (ui/conversation_menu.py), the replies
(conversation/generation_flow.py), the context label
(conversation/context_indicator.py) and export/import (conversation/conversation_files.py).
It gets the window's parts it needs (conversation/parts.py), never the window.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QDockWidget, QPushButton

from gpt2desk.core.settings import GenerationSettings
from gpt2desk.core.writing.manuscript import Manuscript
from gpt2desk.core.writing.prompts import ChatTemplate, Mode
from gpt2desk.core.writing.turns import Turn
from gpt2desk.ui.conversation import conversation_files
from gpt2desk.ui.conversation.chat_view import ShownTurn
from gpt2desk.ui.conversation.context_indicator import ContextIndicator
from gpt2desk.ui.conversation.conversation_menu import ConversationMenu
from gpt2desk.ui.conversation.conversation_menu import UndoNames as UndoNamesSource
from gpt2desk.ui.conversation.edit_dialog import EditTurnDialog
from gpt2desk.ui.conversation.file_job import FileJob, Work, run_now
from gpt2desk.ui.conversation.generation_flow import GenerationFlow, mode_of
from gpt2desk.ui.conversation.parts import WindowParts
from gpt2desk.ui.conversation.scroll_position import ScrollPosition
from gpt2desk.ui.conversation.sidebar import Sidebar
from gpt2desk.ui.conversation.workspace import Workspace
from gpt2desk.ui.displayable import displayable, shown_or_original
from gpt2desk.ui.elided_label import ElidedLabel
from gpt2desk.ui.generation.controller import display_name
from gpt2desk.ui.manuscript.editor import ManuscriptEditor
from gpt2desk.ui.manuscript.flow import ManuscriptFlow

UNDO_DELETE_MS = 8000


class WorkspaceController(QObject):
    """The window's conversations: what is shown, saved, regenerated, exported.

    A draft is shown as its manuscript in ``editor`` (``manuscript`` continues
    it); a chat as turns in the chat view.

    Signals:
        conversation_shown(conversation_id): another conversation is shown
            ("" for none); not sent when the one shown changes.
        draft_shown(bool): the page changed between a draft's manuscript (True)
            and the chat view (False).
    """

    conversation_shown = Signal(str)
    draft_shown = Signal(bool)

    def __init__(self, parts: WindowParts, folder: Path | str | None = None) -> None:
        window = parts.window
        super().__init__(window)
        self.w = parts
        self.workspace = Workspace(folder, self)
        self.sidebar = Sidebar()
        self._edit_dialog: EditTurnDialog | None = None
        #: The import or export under way (one at a time).
        self.file_job: FileJob | None = None
        self._shown_id: str | None = ""  # the conversation whose composer text is shown
        dock = QDockWidget(self.tr("Conversations"), window)
        dock.setObjectName("conversationsDock")
        dock.setWidget(self.sidebar)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.dock = dock
        self.generation = GenerationFlow(self, self)
        self._draft_page = False
        self.editor = ManuscriptEditor()
        self.manuscript = ManuscriptFlow(
            self.editor,
            parts.generation,
            self.workspace.session.drafts,
            parts.settings_panel,
            parts.say,
            self,
        )
        self.context = ContextIndicator(self, self)
        self.context_label = self.context.label
        # Paths and error texts, one line: the whole text is its tooltip when cut.
        self.storage_label = ElidedLabel()
        self.storage_label.setStyleSheet("color: #b00020")
        self.undo_delete_button = QPushButton(self.tr("Undo"))
        self.undo_delete_button.setAccessibleName(self.tr("Undo delete"))
        self.undo_delete_button.setAccessibleDescription(
            self.tr("Brings back the conversation that was just deleted")
        )
        self.undo_delete_button.hide()
        self.undo_delete_button.clicked.connect(self._undo_delete)
        self._undo_delete_timer = QTimer(self)
        self._undo_delete_timer.setSingleShot(True)
        self._undo_delete_timer.timeout.connect(self.undo_delete_button.hide)
        bar = window.statusBar()
        bar.addPermanentWidget(self.storage_label)
        bar.addPermanentWidget(self.undo_delete_button)
        bar.addPermanentWidget(self.context_label)
        bar.addPermanentWidget(self.manuscript.label)
        self.menu = ConversationMenu(self, self)
        self.menu.add_draft_actions(self.manuscript)

        ws = self.workspace
        ws.list_changed.connect(self._refresh_list)
        ws.current_changed.connect(self._on_current_changed)
        ws.message.connect(self.show_storage_message)
        self.session = session = ws.session
        ws.undo_changed.connect(self.update_undo)
        self.w.generation.busy_changed.connect(self._on_busy)
        self.manuscript.undo_changed.connect(self.update_undo)
        session.set_composer_source(self._composer_text)
        self._deleted_id = ""  # the conversation the status bar's Undo brings back
        parts.composer.textChanged.connect(self._on_composer_changed)
        self.scroll = ScrollPosition(parts.chat.verticalScrollBar(), window, session.scroll_touched)
        parts.chat.turn_action.connect(self.turn_action)
        self.sidebar.selected.connect(self.select)
        self.sidebar.new_requested.connect(self.new_conversation)
        self.sidebar.rename_requested.connect(ws.rename)
        self.sidebar.delete_requested.connect(self.delete)
        self.sidebar.search_changed.connect(self.search)
        if ws.notices:
            self.show_storage_message(" ".join(map(str, ws.notices)))
        if ws.read_only:
            # Seen at a glance, in the taskbar too: the status bar alone is easy to miss.
            window.setWindowTitle(self.tr("gpt2desk (read-only: another window saves this folder)"))
        self._refresh_list()
        self._on_current_changed()
        self.update_undo()
        # The Mode drop-down shows the shown conversation's kind; changing it changes that.
        self.w.settings_panel.mode.currentIndexChanged.connect(self._on_mode_changed)

    # -- showing --------------------------------------------------------------------

    def _refresh_list(self) -> None:
        current = self.workspace.current
        self.sidebar.show_conversations(self.workspace.summaries, current.id if current else None)

    def _on_current_changed(self) -> None:
        conv = self.workspace.current
        self.render()
        composer = self.w.composer
        shown_id = conv.id if conv is not None else None
        # The same conversation changed (rename, undo, a new turn): what is typed stays.
        if shown_id != self._shown_id:
            self._shown_id = shown_id
            text = displayable(conv.composer) if conv is not None else ""
            if composer.toPlainText() != text:
                composer.setPlainText(text)
            self.conversation_shown.emit(shown_id or "")
        if conv is not None:
            panel = self.w.settings_panel
            panel.mode.setCurrentIndex(max(0, panel.mode.findData(mode_of(conv).value)))
        self._refresh_list()
        self.context.schedule()

    def render(self, *, stream: bool = False) -> None:
        conv = self.workspace.current
        m = self.session.drafts.manuscript(conv.id) if conv is not None else None
        self.manuscript.show(conv.id if conv is not None else "", m)
        self._set_page(m is not None)
        if m is not None:
            self.menu.update_draft_actions()
            return
        self.scroll.begin()
        shown: list[ShownTurn] = []
        gen = self.generation.current
        if conv is not None:
            for turn in conv.path():
                siblings = conv.siblings(turn.id)
                live = stream and gen is not None and gen.turn is turn
                if turn.role == "user":
                    heading = self.tr("You")
                else:
                    writing = gen.model if gen is not None and gen.turn is turn else ""
                    heading = self._model_heading(turn, writing) or display_name(
                        str(conv.model or self.tr("Model"))
                    )
                note = "" if live else self.note(turn.status)
                index = siblings.index(turn) + 1
                shown.append(
                    ShownTurn(turn.id, turn.role, heading, turn.text, index, len(siblings), note)
                )
        self.w.chat.show_turns(shown, stream_last=stream)
        self.menu.update_turn_actions(conv, busy=self.w.generation.busy)
        if stream:
            self.scroll.follow_stream()
        else:
            self.scroll.restore(conv.scroll if conv is not None else 0)

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        if not self._draft_page:
            self.menu.update_turn_actions(self.workspace.current, busy=busy)

    def _set_page(self, draft: bool) -> None:
        if draft != self._draft_page:
            self._draft_page = draft
            self.menu.set_draft(draft)
            self.context_label.setVisible(not draft)
            self.draft_shown.emit(draft)

    def draft_is_shown(self) -> bool:
        """Whether the page shows a draft's manuscript (else the chat view)."""
        return self._draft_page

    def update_undo(self) -> None:
        """Names what Undo and Redo would do: the manuscript's changes first, in a draft."""
        self.menu.update_undo(_UndoNames(self.manuscript.manuscript, self.session))

    @staticmethod
    def _model_heading(turn: Turn, writing: str = "") -> str:
        """The models that wrote ``turn`` (and ``writing``, the one writing it now), in order:
        "a + b" after Continue with another model."""
        models = [p.get("model") for p in turn.passages if not p.get("error")] + [writing]
        names: list[str] = []
        for model in models:
            if model and display_name(str(model)) not in names:
                names.append(display_name(str(model)))
        return " + ".join(names)

    def _composer_text(self) -> str:
        """The composer's text to save: the stored one while it shows just that."""
        shown = self.w.composer.toPlainText()
        conv = self.workspace.current
        return shown if conv is None else shown_or_original(shown, conv.composer)

    def _on_composer_changed(self) -> None:
        # Text typed before any conversation exists still needs a place on disk. The
        # composer is a chat's (a draft is written on its page): a chat it is.
        if self.workspace.current is None and not self.w.composer.document().isEmpty():
            text = self.w.composer.toPlainText()
            self.workspace.new_conversation("chat", self.w.generation.model_name, composer=text)
        self.workspace.composer_touched()

    def note(self, status: str) -> str:
        """The note under a turn that did not end normally ("" for the others)."""
        notes = {
            "stopped": self.tr("(stopped)"),
            "failed": self.tr("(failed)"),
            "streaming": self.tr("(interrupted)"),
        }
        return notes.get(status, "")

    def show_storage_message(self, text: str) -> None:
        self.storage_label.set_text(text, tip=text)

    # -- conversations --------------------------------------------------------------

    def select(self, conversation_id: str) -> None:
        if self.streaming():
            return  # one conversation at a time while the model writes
        self.workspace.select(conversation_id)

    def new_conversation(self, kind: str) -> None:
        self.stop_and_keep()
        self.workspace.new_conversation(kind, self.w.generation.model_name)
        if self._draft_page:
            self.editor.setFocus()

    def delete(self, conversation_id: str) -> None:
        gen = self.generation.current
        if gen is not None and gen.conv.id == conversation_id:
            self.stop_and_keep()
        if self.manuscript.streaming_draft() == conversation_id:
            self.manuscript.stop_and_keep()
        title = self.workspace.delete(conversation_id)
        self._deleted_id = conversation_id
        self.undo_delete_button.setText(
            self.tr("Undo delete of “{title}”").format(title=title[:30])
        )
        self.undo_delete_button.show()
        self._undo_delete_timer.start(UNDO_DELETE_MS)

    def _undo_delete(self) -> None:
        if not self.streaming():
            self.session.undo_delete(self._deleted_id)
        self.undo_delete_button.hide()

    def can_clear(self) -> bool:
        """The shown conversation has turns, or the shown draft has text."""
        conv = self.workspace.current
        if conv is None:
            return False
        m = self.session.drafts.loaded(conv.id) if conv.kind == "draft" else None
        return bool(m.text) if m is not None else bool(conv.turns)

    def clear_conversation(self) -> None:
        """Removes every turn of the shown conversation, or a draft's text (Undo brings
        them back)."""
        self.stop_and_keep()
        if self._draft_page:
            self.manuscript.clear()
        else:
            self.session.clear()

    def _on_mode_changed(self) -> None:
        """The Mode drop-down changes the kind of an empty conversation only: a chat's turns
        and a draft's manuscript are not turned into each other."""
        panel = self.w.settings_panel
        kind = "chat" if panel.current_mode() is Mode.CHAT else "draft"
        conv = self.workspace.current
        if conv is None or conv.kind == kind:
            return
        if not self.session.is_blank(conv):
            panel.mode.blockSignals(True)
            panel.mode.setCurrentIndex(max(0, panel.mode.findData(mode_of(conv).value)))
            panel.mode.blockSignals(False)
            self.w.say(
                self.tr(
                    "A conversation keeps its kind: New chat (Ctrl+N) or New draft "
                    "(Ctrl+Shift+N) starts one of the other kind."
                )
            )
            return
        self.session.set_kind(kind)
        self.render()

    def search(self, text: str) -> None:
        self.sidebar.set_filter(self.workspace.search(text) if text else None)

    def undo(self) -> None:
        if self._draft_page and self.manuscript.undo():
            return
        if not self.streaming():
            self.workspace.undo()

    def redo(self) -> None:
        if self._draft_page and self.manuscript.redo():
            return
        if not self.streaming():
            self.workspace.redo()

    # -- replies (ui/generation_flow.py) ------------------------------------------------

    def send(
        self, text: str, mode: Mode, template: ChatTemplate | None, settings: GenerationSettings
    ) -> None:
        self.generation.send(text, mode, template, settings)

    def on_token(self, text: str) -> None:
        self.generation.on_token(text)

    def finished(self, stats: dict[str, Any]) -> None:
        self.generation.finished(stats)

    def failed(self, message: str) -> None:
        self.generation.failed(message)

    def stop_and_keep(self) -> None:
        self.generation.stop_and_keep()
        self.manuscript.stop_and_keep()

    def streaming(self) -> bool:
        return self.generation.streaming() or self.manuscript.streaming()

    def regenerate(self, turn_id: str, *, same_seed: bool = False) -> None:
        self.generation.regenerate(turn_id, same_seed=same_seed)

    def continue_(self, turn_id: str | None) -> None:
        if self._draft_page:
            self.manuscript.continue_at_cursor()
        else:
            self.generation.continue_(turn_id)

    def edit(self, turn_id: str, text: str, *, generate: bool = True) -> Turn | None:
        return self.generation.edit(turn_id, text, generate=generate)

    # -- turn actions ---------------------------------------------------------------------

    def on_last(self, action: str) -> None:
        """``action`` on the last turn shown (regenerate: on the last reply).

        In a draft: regenerate retries the last continuation, prev/next show
        the alternatives of the continuation at the cursor.
        """
        if self._draft_page:
            if action == "regenerate":
                self.manuscript.retry()
            elif action in ("prev", "next"):
                self.manuscript.step_alternative(-1 if action == "prev" else 1)
            return
        conv = self.workspace.current
        if conv is None or not conv.turns:
            return
        path = conv.path()
        target = path[-1]
        if action == "regenerate":
            target = next((t for t in reversed(path) if t.role == "assistant"), target)
        self.turn_action(action, target.id)

    def turn_action(self, action: str, turn_id: str) -> None:
        conv = self.workspace.current
        if conv is None or turn_id not in conv.turns or self.streaming():
            return
        if action in ("prev", "next"):
            self.choose_version(turn_id, -1 if action == "prev" else 1)
        elif action == "regenerate":
            self.regenerate(turn_id)
        elif action == "reproduce":
            self.regenerate(turn_id, same_seed=True)
        elif action == "continue":
            self.continue_(turn_id)
        elif action == "edit":
            self.ask_edit(turn_id)

    def ask_edit(self, turn_id: str) -> EditTurnDialog | None:
        """Opens the edit dialog (window-modal); its buttons save, or save and generate."""
        conv = self.workspace.current
        if conv is None or turn_id not in conv.turns:
            return None
        turn = conv.turns[turn_id]
        dialog = EditTurnDialog(displayable(turn.text), turn.role, self.w.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def apply() -> None:
            text = shown_or_original(dialog.text(), turn.text)
            if self.edit(turn_id, text, generate=dialog.generate) is None and dialog.generate:
                self.w.say(self.tr("The text is unchanged: nothing to generate."))

        dialog.accepted.connect(apply)
        self._edit_dialog = dialog
        dialog.open()
        return dialog

    def choose_version(self, turn_id: str, step: int) -> None:
        self.session.choose_version(turn_id, step)

    # -- files (ui/conversation_files.py, run by ui/file_job.py) ------------------------------

    def ask_export(self, fmt: str) -> FileJob | None:
        """Asks where to export, then exports in a job thread (None if the user cancelled)."""
        path = conversation_files.ask_export_path(self.w.window, fmt, self.workspace.current)
        return self.start_export(path, fmt) if path else None

    def ask_import(self) -> FileJob | None:
        """Asks for a file, then imports it in a job thread (None if the user cancelled)."""
        path = conversation_files.ask_import_path(self.w.window)
        return self.start_import(path) if path else None

    def start_export(self, path: str, fmt: str) -> FileJob | None:
        """Exports off the GUI thread with progress and Cancel; the status bar says how it went."""
        work = conversation_files.export_work(self.workspace, path, fmt)
        label = self.tr("Exporting to {path}…").format(path=path)
        return self._start_file_job(work, label, conversation_files.export_cancelled())

    def start_import(self, path: str) -> FileJob | None:
        """Imports off the GUI thread with progress and Cancel; the status bar says how it went."""
        work = conversation_files.import_work(self.workspace, path)
        label = self.tr("Importing {path}…").format(path=path)
        return self._start_file_job(work, label, conversation_files.import_cancelled())

    def _start_file_job(self, work: Work, label: str, cancelled_text: str) -> FileJob | None:
        if self.file_job is not None:
            self.w.say(self.tr("Wait for the import or export under way."))
            return None
        job = FileJob(work, label, cancelled_text, self.w.window)
        job.done.connect(self._file_job_done)
        self.file_job = job
        job.start()
        return job

    def _file_job_done(self, ok: bool, message: str) -> None:
        job, self.file_job = self.file_job, None
        if job is not None:
            job.deleteLater()
        self.w.say(message)

    def export(self, path: str, fmt: str) -> str:
        """Exports in this thread (scripts, tests); returns "" or why it could not be done.

        Never waits for the writer: what is in memory is written as it is.
        """
        convs = self.workspace.all_conversations() if fmt == "json" else None
        work = conversation_files.export_work(self.workspace, path, fmt, convs)
        ok, message = run_now(work, conversation_files.export_cancelled())
        return "" if ok else message

    def import_file(self, path: str) -> str:
        """Imports in this thread (scripts, tests); returns "" or why it could not be done."""
        work = conversation_files.import_work(self.workspace, path)
        ok, message = run_now(work, conversation_files.import_cancelled())
        return "" if ok else message

    def close(self) -> None:
        if self.file_job is not None:
            # Cancelled, and waited for: nothing of it is half-saved when the store closes.
            self.file_job.wait()
            self.file_job = None
        if self.generation.streaming():
            # Keep what was written; the model thread is stopped by the window.
            self.finished({"reason": "cancelled"})
        self.manuscript.stop_and_keep()
        self.workspace.close()


class _UndoNames:
    """What Undo/Redo would do: the draft's manuscript first, then the session's history."""

    def __init__(self, m: Manuscript | None, session: UndoNamesSource) -> None:
        self.m = m
        self.session = session

    def can_undo(self) -> bool:
        return (self.m is not None and self.m.can_undo()) or self.session.can_undo()

    def can_redo(self) -> bool:
        return (self.m is not None and self.m.can_redo()) or self.session.can_redo()

    def undo_label(self) -> str:
        if self.m is not None and self.m.can_undo():
            return self.m.undo_label()
        return self.session.undo_label()

    def redo_label(self) -> str:
        if self.m is not None and self.m.can_redo():
            return self.m.redo_label()
        return self.session.redo_label()
