"""Connects the workspace to the main window: sidebar, turn actions, generation, files.

The main window keeps the composer, the worker and the status bar; this
controller decides what a send, a regenerate, a continue or an edit puts
into the conversation and remembers what produced every passage.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSaveFile, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QPushButton,
)

from gpt2desk.core.conversation import (
    Conversation,
    Turn,
    draft_from_text,
    export_all,
    import_all,
    to_markdown,
    to_plain_text,
)
from gpt2desk.core.prompts import ChatTemplate, Mode
from gpt2desk.core.settings import GenerationSettings, SettingsError
from gpt2desk.ui.chat_view import ShownTurn
from gpt2desk.ui.displayable import displayable, shown_or_original
from gpt2desk.ui.edit_dialog import EditTurnDialog
from gpt2desk.ui.sidebar import Sidebar
from gpt2desk.ui.workspace import Workspace

if TYPE_CHECKING:
    from gpt2desk.ui.main_window import MainWindow

UNDO_DELETE_MS = 8000
NOTES = {"stopped": "(stopped)", "failed": "(failed)", "streaming": "(interrupted)"}


@dataclass
class _Generation:
    conv: Conversation
    turn: Turn
    start: int
    settings: dict[str, Any]
    model: str
    label: str = ""  # an undoable change ("Regenerate", "Continue"), recorded when it ends
    before: dict[str, Any] | None = None


def _mode_of(conv: Conversation) -> Mode:
    return Mode.CHAT if conv.kind == "chat" else Mode.CONTINUE


class WorkspaceController(QObject):
    """The window's conversations: what is shown, saved, regenerated, exported."""

    def __init__(self, window: MainWindow, folder: Path | str | None = None) -> None:
        super().__init__(window)
        self.w = window
        self.workspace = Workspace(folder, self)
        self.sidebar = Sidebar()
        self._gen: _Generation | None = None
        self._rendering = False
        self._pending_scroll: int | None = None
        self._edit_dialog: EditTurnDialog | None = None
        self._shown_id: str | None = ""  # the conversation whose composer text is shown
        self._context_request: tuple[int, str] = (0, "")
        dock = QDockWidget("Conversations", window)
        dock.setObjectName("conversationsDock")
        dock.setWidget(self.sidebar)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.dock = dock
        self.context_label = QLabel()
        self.context_label.setObjectName("contextLabel")
        self.storage_label = QLabel()
        self.storage_label.setStyleSheet("color: #b00020")
        self.storage_label.setWordWrap(True)
        self.undo_delete_button = QPushButton("Undo")
        self.undo_delete_button.hide()
        self.undo_delete_button.clicked.connect(self._undo_delete)
        self._undo_delete_timer = QTimer(self)
        self._undo_delete_timer.setSingleShot(True)
        self._undo_delete_timer.timeout.connect(self._hide_undo_delete)
        bar = window.statusBar()
        bar.addPermanentWidget(self.storage_label)
        bar.addPermanentWidget(self.undo_delete_button)
        bar.addPermanentWidget(self.context_label)
        self._scroll_timer = QTimer(self)  # ends the restore of a shown conversation's position
        self._scroll_timer.setSingleShot(True)
        self._scroll_timer.setInterval(1500)
        self._scroll_timer.timeout.connect(self._give_up_scroll)
        self._context_timer = QTimer(self)
        self._context_timer.setSingleShot(True)
        self._context_timer.setInterval(400)
        self._context_timer.timeout.connect(self.update_context)
        self._build_actions()

        ws = self.workspace
        ws.list_changed.connect(self._refresh_list)
        ws.current_changed.connect(self._on_current_changed)
        ws.message.connect(self.show_storage_message)
        ws.undo_changed.connect(self._update_undo_actions)
        ws.set_composer_source(self._composer_text)
        window.composer.textChanged.connect(self._on_composer_changed)
        window.composer.textChanged.connect(self._context_timer.start)
        window.settings_panel.changed.connect(self._context_timer.start)
        window.host.worker.state_changed.connect(self._on_model_state)
        window.host.worker.context_measured.connect(self._on_context_measured)
        scroll_bar = window.chat.verticalScrollBar()
        scroll_bar.valueChanged.connect(self._on_scroll)
        scroll_bar.rangeChanged.connect(lambda _lo, _hi: self._apply_pending_scroll())
        # Wheel, keys (Page Up/Down), clicks and drags on the bar all trigger an
        # action before they move it: the user's own scrolling ends the restore.
        scroll_bar.actionTriggered.connect(self._on_user_scroll)
        window.chat.turn_action.connect(self.turn_action)
        self.sidebar.selected.connect(self.select)
        self.sidebar.new_requested.connect(self.new_conversation)
        self.sidebar.rename_requested.connect(ws.rename)
        self.sidebar.delete_requested.connect(self.delete)
        self.sidebar.search_changed.connect(self.search)
        if ws.notices:
            self.show_storage_message(" ".join(ws.notices))
        self._refresh_list()
        self._on_current_changed()
        self._update_undo_actions()

    # -- construction -------------------------------------------------------------

    def _build_actions(self) -> None:
        w = self.w
        conv_menu = w.menuBar().addMenu("&Conversation")

        def add(text: str, slot: Any, shortcut: str = "") -> QAction:
            action = QAction(text, w)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _=False: slot())
            conv_menu.addAction(action)
            w.addAction(action)
            return action

        add("New chat", lambda: self.new_conversation("chat"), "Ctrl+N")
        add("New draft", lambda: self.new_conversation("draft"), "Ctrl+Shift+N")
        conv_menu.addSeparator()
        self.undo_action = add("Undo", self.undo, "Ctrl+Z")
        self.redo_action = add("Redo", self.redo, "Ctrl+Shift+Z")
        conv_menu.addSeparator()
        add("Regenerate last reply", lambda: self._on_last("regenerate"), "Ctrl+R")
        add("Continue", lambda: self.continue_(None), "Ctrl+Shift+Return")
        add("Edit last turn…", lambda: self._on_last("edit"))
        add("Previous version", lambda: self._on_last("prev"), "Alt+Left")
        add("Next version", lambda: self._on_last("next"), "Alt+Right")
        conv_menu.addSeparator()
        add("Import text, Markdown or JSON…", self._ask_import)
        add("Export as Markdown…", lambda: self._ask_export("md"))
        add("Export as plain text…", lambda: self._ask_export("txt"))
        add("Export all data as JSON…", lambda: self._ask_export("json"))
        conv_menu.addSeparator()
        conv_menu.addAction(self.dock.toggleViewAction())

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
        if conv is not None and conv.turns:
            panel = self.w.settings_panel
            panel.mode.setCurrentIndex(max(0, panel.mode.findData(_mode_of(conv).value)))
        self._refresh_list()
        self._context_timer.start()

    def render(self, *, stream: bool = False) -> None:
        conv = self.workspace.current
        self._rendering = True
        shown: list[ShownTurn] = []
        if conv is not None:
            from gpt2desk.ui.main_window import display_name

            for turn in conv.path():
                siblings = conv.siblings(turn.id)
                if turn.role == "user":
                    heading = "You"
                else:
                    model = turn.passages[0].get("model") if turn.passages else None
                    heading = display_name(str(model or conv.model or "Model"))
                live = stream and self._gen is not None and self._gen.turn is turn
                shown.append(
                    ShownTurn(
                        turn.id,
                        turn.role,
                        heading,
                        turn.text,
                        siblings.index(turn) + 1,
                        len(siblings),
                        "" if live else NOTES.get(turn.status, ""),
                    )
                )
        self.w.chat.show_turns(shown, stream_last=stream)
        scroll = conv.scroll if conv is not None else 0
        bar = self.w.chat.verticalScrollBar()

        if stream:
            bar.setValue(bar.maximum())
            self._rendering = False
            self._pending_scroll = None
            return
        # The document is laid out lazily (and again when the window is shown and
        # resized): for a moment the saved position is applied again whenever the
        # scroll range changes, and the moves of the bar meanwhile are not saved,
        # until the user scrolls (_on_user_scroll).
        self._pending_scroll = scroll
        self._apply_pending_scroll()
        QTimer.singleShot(0, self._apply_pending_scroll)
        self._scroll_timer.start()

    def _apply_pending_scroll(self) -> None:
        target = self._pending_scroll
        if target is None:
            return
        bar = self.w.chat.verticalScrollBar()
        if bar.maximum() >= target:
            bar.setValue(target)

    def _give_up_scroll(self) -> None:
        if self._pending_scroll is not None:
            self._pending_scroll = None
            self._rendering = False

    def _on_user_scroll(self, _action: int) -> None:
        # Emitted before the value changes, so that change is saved (_on_scroll).
        self._give_up_scroll()

    def _composer_text(self) -> str:
        """The composer's text to save: the stored one while it shows just that."""
        shown = self.w.composer.toPlainText()
        conv = self.workspace.current
        return shown if conv is None else shown_or_original(shown, conv.composer)

    def _on_composer_changed(self) -> None:
        # Text typed before any conversation exists still needs a place on disk.
        if self.workspace.current is None and not self.w.composer.document().isEmpty():
            mode = self.w.settings_panel.current_mode()
            kind = "chat" if mode is Mode.CHAT else "draft"
            text = self.w.composer.toPlainText()
            self.workspace.new_conversation(kind, self.w._model_name, composer=text)
        self.workspace.composer_touched()

    def _on_scroll(self, value: int) -> None:
        # A hidden window's relayout (closing) moves the bar too: not the user's position.
        if not self._rendering and self.w.isVisible():
            self.workspace.scroll_touched(value)

    def show_storage_message(self, text: str) -> None:
        self.storage_label.setText(text)
        self.storage_label.setToolTip(text)

    # -- conversations --------------------------------------------------------------

    def select(self, conversation_id: str) -> None:
        if self._gen is not None:
            return  # one conversation at a time while the model writes
        self.workspace.select(conversation_id)

    def new_conversation(self, kind: str) -> None:
        self.stop_and_keep()
        self.workspace.new_conversation(kind, self.w._model_name)

    def delete(self, conversation_id: str) -> None:
        if self._gen is not None and self._gen.conv.id == conversation_id:
            self.stop_and_keep()
        title = self.workspace.delete(conversation_id)
        self.undo_delete_button.setText(f"Undo delete of “{title[:30]}”")
        self.undo_delete_button.show()
        self._undo_delete_timer.start(UNDO_DELETE_MS)

    def _undo_delete(self) -> None:
        if self.workspace.undo_stack.undo_label() == "Delete":
            self.undo()
        self._hide_undo_delete()

    def _hide_undo_delete(self) -> None:
        self.undo_delete_button.hide()

    def search(self, text: str) -> None:
        self.sidebar.set_filter(self.workspace.search(text) if text else None)

    def undo(self) -> None:
        if self._gen is None:
            self.workspace.undo()

    def redo(self) -> None:
        if self._gen is None:
            self.workspace.redo()

    def _update_undo_actions(self) -> None:
        stack = self.workspace.undo_stack
        self.undo_action.setEnabled(stack.can_undo())
        self.redo_action.setEnabled(stack.can_redo())
        self.undo_action.setText(f"Undo {stack.undo_label()}".strip())
        self.redo_action.setText(f"Redo {stack.redo_label()}".strip())

    # -- generation -------------------------------------------------------------------

    def send(
        self, text: str, mode: Mode, template: ChatTemplate | None, settings: GenerationSettings
    ) -> None:
        """The composer's text becomes a user turn; the model's reply streams in below."""
        kind = "chat" if mode is Mode.CHAT else "draft"
        conv = self.workspace.ensure_current(kind, self.w._model_name)
        conv.kind = kind
        last = conv.last()
        user = conv.add_turn(last.id if last else None, "user", text)
        prompt, stops = conv.prompt(user, mode, template)
        self.w.composer.clear()
        self._begin(conv, user, None, prompt, stops, settings)

    def _begin(
        self,
        conv: Conversation,
        parent: Turn | None,
        extend: Turn | None,
        prompt: str,
        stops: tuple[str, ...],
        settings: GenerationSettings,
        *,
        saved: tuple[Turn, ...] = (),
        label: str = "",
    ) -> None:
        model = self.w._model_name
        before = conv.to_dict() if label else None
        conv.model = model
        if extend is None:
            turn = conv.add_turn(parent.id if parent else None, "assistant", "")
            new = [t for t in (parent, turn) if t is not None and t.id not in {s.id for s in saved}]
            turn.status = "streaming"
            self.workspace.add_turns(conv, *new)
        else:
            turn = extend
            turn.status = "streaming"
            conv.touch()
            self.workspace.add_turns(conv, turn)
        values = settings.to_dict()
        self._gen = _Generation(conv, turn, len(turn.text), dict(values), model, label, before)
        values["stop"] = list(settings.stop) + list(stops)
        self.render(stream=True)
        self.w._request_id = self.w.host.generate(prompt, values)
        self.w._set_busy(True)
        self.context_label.setText("Context: writing…")

    def on_token(self, text: str) -> None:
        gen = self._gen
        if gen is not None:
            self.workspace.stream_into(gen.conv, gen.turn, text)

    def finished(self, stats: dict[str, Any]) -> None:
        gen = self._gen
        if gen is None:
            return
        self._gen = None
        turn = gen.turn
        turn.status = "stopped" if stats.get("reason") == "cancelled" else "done"
        turn.passages.append(
            {
                "start": gen.start,
                "end": len(turn.text),
                "model": gen.model,
                "settings": gen.settings,
                "seed": stats.get("seed"),
                "prompt_tokens": stats.get("prompt_tokens"),
                "new_tokens": stats.get("new_tokens"),
                "reason": stats.get("reason"),
                "prompt_truncated": stats.get("prompt_truncated"),
                "context_shifts": stats.get("context_shifts"),
                "created": time.time(),
            }
        )
        self.workspace.finish_turn(gen.conv, turn)
        if gen.before is not None:
            self.workspace.record(gen.label, gen.conv, gen.before)
        self._context_timer.start()

    def failed(self, message: str) -> None:
        gen = self._gen
        if gen is None:
            return
        self._gen = None
        gen.turn.status = "failed"
        gen.turn.passages.append({"start": gen.start, "model": gen.model, "error": message})
        self.workspace.finish_turn(gen.conv, gen.turn)

    def stop_and_keep(self) -> None:
        """Stops the reply being written; what was written is kept, marked stopped."""
        if self._gen is None:
            return
        self.w.host.stop()
        self.w._request_id = 0  # its late signals are stale now
        self.finished({"reason": "cancelled"})
        self.w.chat.end_model_turn("(stopped)")
        self.w._set_busy(False)

    def streaming(self) -> bool:
        return self._gen is not None

    # -- turn actions ---------------------------------------------------------------------

    def _on_last(self, action: str) -> None:
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
        if conv is None or turn_id not in conv.turns or self._gen is not None:
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
        dialog = EditTurnDialog(displayable(turn.text), turn.role, self.w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def apply() -> None:
            text = shown_or_original(dialog.text(), turn.text)
            if self.edit(turn_id, text, generate=dialog.generate) is None and dialog.generate:
                self.w.stats_label.setText(self.tr("The text is unchanged: nothing to generate."))

        dialog.accepted.connect(apply)
        self._edit_dialog = dialog
        dialog.open()
        return dialog

    def choose_version(self, turn_id: str, step: int) -> None:
        conv = self.workspace.current
        if conv is None:
            return
        siblings = conv.siblings(turn_id)
        index = siblings.index(conv.turns[turn_id]) + step
        if 0 <= index < len(siblings):
            before = conv.to_dict()
            conv.choose(siblings[index].id)
            self.workspace.change("Choose version", conv, before)

    def _settings(self) -> GenerationSettings | None:
        try:
            return self.w.settings_panel.settings()
        except SettingsError as exc:
            self.w.stats_label.setText(str(exc))
            return None

    def _template(self, conv: Conversation) -> ChatTemplate | None:
        if conv.kind != "chat":
            return None
        try:
            return self.w.settings_panel.template()
        except SettingsError as exc:
            self.w.stats_label.setText(str(exc))
            raise

    def _can_generate(self) -> bool:
        if self.w._state != "ready" or self._gen is not None:
            self.w.model_label.setText("The model is not ready yet. " + self.w._status_text)
            return False
        return True

    def regenerate(self, turn_id: str, *, same_seed: bool = False) -> None:
        """A new version of a model turn, beside the old ones."""
        conv = self.workspace.current
        if conv is None or not self._can_generate():
            return
        turn = conv.turns[turn_id]
        if turn.role != "assistant":
            return
        settings = self._settings()
        if settings is None:
            return
        if same_seed and turn.passages and turn.passages[0].get("settings"):
            first = turn.passages[0]
            settings = GenerationSettings.from_dict({**first["settings"], "seed": first["seed"]})
        parent = conv.turns.get(turn.parent_id or "")
        try:
            prompt, stops = conv.prompt(parent, _mode_of(conv), self._template(conv))
        except SettingsError:
            return
        saved = (parent,) if parent else ()
        self._begin(conv, parent, None, prompt, stops, settings, saved=saved, label="Regenerate")

    def continue_(self, turn_id: str | None) -> None:
        """More text at the end of the last model turn (or after the draft) — no new user turn.

        Only the last turn shown goes on (``turn_id`` None means that one); an
        earlier turn is continued by editing it ("Save and continue").
        """
        conv = self.workspace.current
        if conv is None or not conv.turns or not self._can_generate():
            return
        last = conv.last()
        if last is None or turn_id not in (None, last.id):
            return
        settings = self._settings()
        if settings is None:
            return
        try:
            prompt, stops = conv.prompt(last, _mode_of(conv), self._template(conv))
        except SettingsError:
            return
        if last.role == "assistant":
            self._begin(conv, None, last, prompt, stops, settings, label="Continue")
        else:
            self._begin(conv, last, None, prompt, stops, settings, saved=(last,), label="Continue")

    def edit(self, turn_id: str, text: str, *, generate: bool = True) -> Turn | None:
        """A new version of a turn with ``text``; later turns stay on the old version's branch.

        With ``generate``, the model answers an edited user turn, or goes on
        writing from the end of an edited model turn (an undoable "Continue").
        """
        conv = self.workspace.current
        if conv is None:
            return None
        old = conv.turns[turn_id]
        if text == old.text:
            return None
        before = conv.to_dict()
        new = conv.add_turn(old.parent_id, old.role, text)
        new.passages = [{"edited_from": old.id, "created": time.time()}]
        self.workspace.change("Edit", conv, before)
        if generate and self.w._state == "ready":
            settings = self._settings()
            if settings is not None:
                try:
                    prompt, stops = conv.prompt(new, _mode_of(conv), self._template(conv))
                except SettingsError:
                    return new
                if old.role == "user":
                    self._begin(conv, new, None, prompt, stops, settings, saved=(new,))
                else:
                    self._begin(conv, None, new, prompt, stops, settings, label="Continue")
        return new

    @Slot(str, str)
    def _on_model_state(self, state: str, _detail: str) -> None:
        if state == "ready":
            self._context_timer.start()

    # -- context --------------------------------------------------------------------------

    def update_context(self) -> None:
        """Asks the worker how much of the model's window the next prompt uses (debounced)."""
        if not self.w._model_ready or self._gen is not None:
            return
        try:
            settings = self.w.settings_panel.settings()
            mode = self.w.settings_panel.current_mode()
            template = self.w.settings_panel.template() if mode is Mode.CHAT else None
        except SettingsError:
            return
        text = self.w.composer.toPlainText()
        conv = self.workspace.current or Conversation.new()
        prompt, _ = conv.next_prompt(text, mode, template)
        request_id = self.w.host.measure_context(prompt, settings.max_new_tokens)
        self._context_request = (request_id, prompt)

    @Slot(int, dict)
    def _on_context_measured(self, request_id: int, info: dict[str, Any]) -> None:
        """Shows the count and, when the prompt does not fit, what is left out."""
        asked, prompt = self._context_request
        if request_id != asked or self._gen is not None:
            return  # an older request, or the model is writing
        used, n_ctx, cut = int(info["tokens"]), int(info["n_ctx"]), int(info["left_out_chars"])
        label = f"Context {used}/{n_ctx}"
        tip = (
            f"The next prompt uses {used} of the model's {n_ctx} positions; "
            f"up to {n_ctx - used} remain for the reply."
        )
        if cut:
            left = displayable(prompt[:cut])
            label += f" · {cut:,} earlier characters left out"
            preview = left if len(left) <= 300 else left[:150] + " … " + left[-150:]
            tip += f"\nLeft out because it no longer fits (oldest first):\n“{preview}”"
        self.context_label.setText(label)
        self.context_label.setToolTip(tip)

    # -- files ------------------------------------------------------------------------------

    def export(self, path: str, fmt: str) -> str:
        """Writes the current conversation (md, txt) or everything (json); returns "" or why not."""
        if fmt == "json":
            convs = self.workspace.all_conversations()
            data = json.dumps(export_all(convs), ensure_ascii=True, indent=1)
        else:
            conv = self.workspace.current
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

    def import_file(self, path: str) -> str:
        """A .json export comes back whole; any other file becomes a new draft."""
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            return f"Cannot read {path}: {exc.strerror}"
        text = raw.decode("utf-8", "surrogateescape")
        ws = self.workspace
        if path.lower().endswith(".json"):
            try:
                convs = import_all(json.loads(text), {c["id"] for c in ws.summaries})
            except ValueError as exc:
                return f"Cannot import {Path(path).name}: {exc}"
            ws.writer.submit(lambda s: s.save_many([c.to_dict() for c in convs]))
            for conv in convs:
                ws._loaded[conv.id] = conv
                ws._refresh_summary(conv)
            return ""
        conv = draft_from_text(text, Path(path).name)
        ws._loaded[conv.id] = conv
        ws._save_whole(conv)
        ws._refresh_summary(conv)
        ws.select(conv.id)
        return ""

    def _ask_export(self, fmt: str) -> None:
        filters = {"md": "Markdown (*.md)", "txt": "Text (*.txt)", "json": "JSON (*.json)"}
        path, _ = QFileDialog.getSaveFileName(self.w, "Export", f"export.{fmt}", filters[fmt])
        if path:
            self.w.stats_label.setText(self.export(path, fmt) or f"Exported to {path}")

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.w, "Import", "", "Text, Markdown or JSON (*.txt *.md *.markdown *.json);;All (*)"
        )
        if path:
            self.w.stats_label.setText(self.import_file(path) or f"Imported {path}")

    def close(self) -> None:
        if self._gen is not None:
            # Keep what was written; the model thread is stopped by the window.
            self.finished({"reason": "cancelled"})
        self.workspace.close()
