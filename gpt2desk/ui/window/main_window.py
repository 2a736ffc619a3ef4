"""The main window: conversation, composer, settings, status bar."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gpt2desk.core.settings import SettingsError
from gpt2desk.core.writing.prompts import Mode
from gpt2desk.ui.announcer import Announcer
from gpt2desk.ui.composer.autocomplete import Autocomplete
from gpt2desk.ui.composer.settings_panel import SettingsPanel
from gpt2desk.ui.conversation.chat_view import ChatView
from gpt2desk.ui.conversation.workspace_ui import WorkspaceController
from gpt2desk.ui.generation.load_cancel import DownloadCancelButton
from gpt2desk.ui.generation.worker import WorkerHost
from gpt2desk.ui.models.convert import ReplyConverter
from gpt2desk.ui.models.hub_prefs import HubPrefs
from gpt2desk.ui.preferences import get_json, set_json
from gpt2desk.ui.window.help_menu import HelpMenu
from gpt2desk.ui.window.view_menu import AppearanceMenu

log = logging.getLogger(__name__)


def state_text(state: str) -> str:
    """The status bar's sentence for a worker state; ``{detail}`` is the model or the reason."""
    texts = {
        "loading": QCoreApplication.translate("MainWindow", "Loading {detail}…"),
        "preparing": QCoreApplication.translate(
            "MainWindow", "Preparing {detail} (compiling the decode step)…"
        ),
        "ready": QCoreApplication.translate("MainWindow", "Ready — {detail}"),
        "generating": QCoreApplication.translate("MainWindow", "Generating with {detail}…"),
        "failed": QCoreApplication.translate("MainWindow", "Model failed: {detail}"),
        # The worker's own sentence: the download was cancelled and what stays on disk.
        "cancelled": "{detail}",
    }
    return texts.get(state, "{detail}")


def display_name(model: str) -> str:
    """A Hub id as is; a folder by its last part."""
    return Path(model).name if os.path.isabs(model) else model


class MainWindow(QMainWindow):
    """Sends prompts to the worker thread and shows the streamed reply.

    Args:
        model: a Hub id or a folder, loaded as soon as the window is shown.
        offline: never use the network when loading.
    """

    def __init__(self, model: str, *, offline: bool = False) -> None:
        super().__init__()
        self.setWindowTitle("gpt2desk")
        self.resize(1000, 700)
        self._offline = offline
        # Offline mode and Hub endpoint (mirror) from the Models dialog, kept between launches.
        self.hub_prefs = HubPrefs.load()
        self.models_dialog: Any = None
        self._model_name = model
        self._state = "loading"
        self._status_text = ""
        self._model_ready = False
        self._request_id = 0
        self._pending_user_text = ""
        self._pending_mode = Mode.CONTINUE

        self.chat = ChatView()
        # Screen readers hear the reply a sentence at a time, not token by token.
        self.announcer = Announcer(self.chat)
        self.composer = QPlainTextEdit()
        self.composer.setObjectName("composer")
        self.composer.setAccessibleName(self.tr("Message or draft"))
        self.composer.setPlaceholderText(
            self.tr("Type a draft or a message — Ctrl+Enter sends, Esc stops")
        )
        self.composer.setToolTip(self.tr("Your text; the model continues it or answers it"))
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setToolTip(self.tr("Sends your text to the model (Ctrl+Enter)"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stops the reply being written (Esc)"))
        self.settings_panel = SettingsPanel()
        self._build_layout()
        self._build_actions()

        self.model_label = QLabel()
        self.stats_label = QLabel()
        # Both show outside text (model names, folder names, error texts): never markup.
        self.model_label.setTextFormat(Qt.TextFormat.PlainText)
        self.stats_label.setTextFormat(Qt.TextFormat.PlainText)
        self.stats_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.statusBar().addWidget(self.model_label)
        self.statusBar().addWidget(self.stats_label, 1)

        # Simplified-Chinese models' replies in Taiwan Traditional, if the user chose so.
        self.script = ReplyConverter()
        self.host = WorkerHost(self)
        w = self.host.worker
        w.state_changed.connect(self._on_state)
        w.token_generated.connect(self._on_token)
        w.generation_finished.connect(self._on_finished)
        w.generation_failed.connect(self._on_failed)
        # Cancel, next to the progress, while the worker downloads the model it loads.
        self.download_cancel = DownloadCancelButton(self.host, self)
        self.statusBar().insertWidget(1, self.download_cancel)
        self._restore_preferences()
        self.settings_panel.changed.connect(self._save_preferences)
        # Conversations, saved in SQLite: sidebar, turn actions, export (ui/workspace_ui.py).
        self.workspace_ui = WorkspaceController(self)
        # Tab in a draft: three short continuations at the cursor (ui/autocomplete.py).
        self.autocomplete = Autocomplete(self)
        self._build_window_actions()
        self._on_state("loading", model)

    # -- construction --------------------------------------------------------

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.send_button)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.composer)
        bottom_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chat)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)
        dock = QDockWidget(self.tr("Settings"), self)
        dock.setObjectName("settingsDock")
        dock.setWidget(self.settings_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.settings_dock = dock
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        open_folder = QAction(self.tr("Open model folder…"), self)
        open_folder.triggered.connect(self._choose_folder)
        file_menu.addAction(open_folder)
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        self.generate_menu = gen_menu = self.menuBar().addMenu(self.tr("&Generate"))
        self.send_action = QAction(self.tr("Send"), self)
        self.send_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.send_action.triggered.connect(self.send)
        self.stop_action = QAction(self.tr("Stop"), self)
        self.stop_action.setShortcut(QKeySequence.StandardKey.Cancel)
        self.stop_action.triggered.connect(self.stop)
        clear_action = QAction(self.tr("Clear conversation"), self)
        clear_action.triggered.connect(self.clear_conversation)
        for action in (self.send_action, self.stop_action, clear_action):
            gen_menu.addAction(action)
            self.addAction(action)
        self.view_menu = view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.settings_dock.toggleViewAction().setText(self.tr("Show settings panel"))
        view_menu.addAction(self.settings_dock.toggleViewAction())
        self.models_action = QAction(self.tr("Models…"), self)
        self.models_action.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.models_action.setToolTip(
            self.tr("Download, delete and switch models; offline mode; mirror")
        )
        self.models_action.triggered.connect(self.open_models)
        self.menuBar().addMenu(self.tr("&Models")).addAction(self.models_action)
        toolbar = self.addToolBar(self.tr("Models"))
        toolbar.setObjectName("modelsToolbar")
        toolbar.addAction(self.models_action)

    def _build_window_actions(self) -> None:
        """Find, Settings and Help: they need the sidebar, built by the workspace."""
        self.find_action = QAction(self.tr("Find conversations"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_search)
        self.settings_action = QAction(self.tr("Go to settings"), self)
        # Linux desktops have no standard Preferences key; Ctrl+, is what editors use there.
        preferences = QKeySequence(QKeySequence.StandardKey.Preferences)
        self.settings_action.setShortcut(preferences if not preferences.isEmpty() else "Ctrl+,")
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.focus_settings)
        for action in (self.find_action, self.settings_action):
            self.view_menu.addAction(action)
            self.addAction(action)
        self.appearance_menu = AppearanceMenu(self, self.view_menu)
        self.help_menu = HelpMenu(self)

    # -- user actions --------------------------------------------------------

    def focus_search(self) -> None:
        """Shows the conversation list and puts the cursor in its search field."""
        self.workspace_ui.dock.show()
        search = self.workspace_ui.sidebar.search
        search.setFocus()
        search.selectAll()

    def focus_settings(self) -> None:
        """Shows the settings panel and moves the keyboard focus into it."""
        self.settings_dock.show()
        self.settings_dock.raise_()
        self.settings_panel.mode.setFocus()

    def start(self) -> None:
        """Loads the model in the worker; call once the window is shown."""
        self.load_model(self._model_name)

    def open_models(self) -> None:
        """Shows the Models dialog (created once; its downloads go on when it is hidden)."""
        from gpt2desk.ui.models.dialog import ModelsDialog

        if self.models_dialog is None:
            self.models_dialog = ModelsDialog(self.host, self.hub_prefs, self)
            self.models_dialog.use_requested.connect(self.load_model)
        self.models_dialog.show()
        self.models_dialog.raise_()
        self.models_dialog.activateWindow()

    def send(self) -> None:
        if self.chat.streaming():
            return
        if self._state != "ready":
            self.model_label.setText(
                self.tr("The model is not ready yet; your text is kept.") + " " + self._status_text
            )
            return
        text = self.composer.toPlainText()
        try:
            settings = self.settings_panel.settings()
            mode = self.settings_panel.current_mode()
            template = self.settings_panel.template() if mode is Mode.CHAT else None
        except SettingsError as exc:
            self.stats_label.setText(self.settings_panel.error_text(exc))
            return
        self._pending_user_text = text
        self._pending_mode = mode
        # Adds the turns, shows them, clears the composer and starts the request.
        self.workspace_ui.send(text, mode, template, settings)

    def stop(self) -> None:
        if self.chat.streaming():
            self.host.stop()

    def clear_conversation(self) -> None:
        """Starts a new, empty conversation; the old one stays in the sidebar."""
        # A reply being written is stopped and kept; its late signals are stale.
        kind = "chat" if self.settings_panel.current_mode() is Mode.CHAT else "draft"
        self.workspace_ui.new_conversation(kind)
        self.set_busy(False)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose a Hugging Face model folder")
        )
        if folder:
            self.load_model(folder)

    def load_model(self, model: str) -> None:
        """Switches model in the worker; the old one stays if this one fails."""
        # hub_prefs is the object the Models dialog edits: its settings apply to the next load.
        offline = self._offline or self.hub_prefs.offline
        self.host.load(model, offline, self.hub_prefs.endpoint)

    # -- what the window's parts read and do (ui/generation_flow.py and others) --

    @property
    def model_name(self) -> str:
        """The model that writes (the last one ready, else the one asked for)."""
        return self._model_name

    @property
    def model_state(self) -> str:
        """The worker's state, but "ready" while a model can write (after a failed switch too)."""
        return self._state

    @property
    def model_ready(self) -> bool:
        """Whether any model has been loaded in this session."""
        return self._model_ready

    @property
    def status_text(self) -> str:
        """The model's state as the status bar says it."""
        return self._status_text

    def start_reply(self, prompt: str, values: dict[str, Any]) -> None:
        """Asks the model for a reply; its tokens stream in until it ends."""
        self._request_id = self.host.generate(prompt, values)
        self.set_busy(True)

    def abandon_reply(self) -> None:
        """Shows the text a script conversion still holds; later signals of the reply are stale."""
        self._show_reply_text(self.script.finish(self._request_id))
        self._request_id = 0

    # -- worker signals ------------------------------------------------------

    def _on_state(self, state: str, detail: str) -> None:
        text = state_text(state).format(detail=detail)
        if state == "failed":
            log.warning("loading a model failed: %s", detail)  # for Help > Open log file
        if state == "ready":
            self._model_ready = True
            self._model_name = detail
        elif state in ("failed", "cancelled") and self._model_ready:
            # A failed or cancelled switch keeps the old model, which is still usable.
            text += self.tr(" — still using {model}").format(model=self._model_name)
            state = "ready"
        self._state = state
        self._status_text = text
        self.model_label.setText(text)
        self.send_button.setEnabled(state == "ready" and not self.chat.streaming())

    def _on_token(self, request_id: int, text: str) -> None:
        if request_id == self._request_id:
            self._show_reply_text(self.script.feed(request_id, self._model_name, text))

    def _show_reply_text(self, text: str) -> None:
        if text:
            self.chat.append_model_text(text)
            self.announcer.feed(text)
            self.workspace_ui.on_token(text)

    def _on_finished(self, request_id: int, stats: dict[str, Any]) -> None:
        if request_id != self._request_id:
            return
        self._show_reply_text(self.script.finish(request_id))
        self.announcer.finish()
        self.chat.end_model_turn(self.tr("(stopped)") if stats["reason"] == "cancelled" else "")
        self.workspace_ui.finished(stats)
        parts = [
            self.tr("%n tokens", "", int(stats["new_tokens"])),
            self.tr("first token {ms} ms").format(ms=f"{stats['ttft_ms']:.0f}"),
            self.tr("{rate} tokens/s").format(rate=f"{stats['tokens_per_s']:.1f}"),
            self.tr("seed {seed}").format(seed=stats["seed"]),
        ]
        if stats["prompt_truncated"]:
            parts.append(self.tr("the start of the prompt was left out to fit the model's window"))
        if stats["context_shifts"]:
            parts.append(self.tr("the window slid forward during the reply"))
        if stats.get("unknown_chars"):
            parts.append(stats["unknown_chars"])
        self.stats_label.setText(" · ".join(parts))
        self.set_busy(False)

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id != self._request_id:
            return
        self._show_reply_text(self.script.finish(request_id))
        self.chat.end_model_turn(f"[{message}]")
        self.workspace_ui.failed(message)
        self.stats_label.setText(message)
        # Nothing lost: an unsent draft goes back into an empty composer.
        if not self.composer.toPlainText():
            self.composer.setPlainText(self._pending_user_text)
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy and self._state == "ready")
        self.stop_button.setEnabled(busy)

    # -- preferences ---------------------------------------------------------

    def _restore_preferences(self) -> None:
        self.settings_panel.restore(get_json("generation", dict))

    def _save_preferences(self) -> None:
        set_json("generation", self.settings_panel.state())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.hide()
        if self.models_dialog is not None:
            self.models_dialog.shutdown()
        self.host.shutdown()
        self.workspace_ui.close()
        super().closeEvent(event)
