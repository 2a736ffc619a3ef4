"""The main window: conversation, composer, settings, status bar."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gpt2desk.core.settings import SettingsError
from gpt2desk.core.writing.prompts import Mode
from gpt2desk.ui.announcer import Announcer
from gpt2desk.ui.composer.autocomplete import Autocomplete
from gpt2desk.ui.composer.settings_panel import SettingsPanel
from gpt2desk.ui.conversation.chat_view import ChatView
from gpt2desk.ui.conversation.parts import WindowParts
from gpt2desk.ui.conversation.workspace_ui import WorkspaceController
from gpt2desk.ui.generation.controller import GenerationController
from gpt2desk.ui.generation.load_cancel import DownloadCancelButton
from gpt2desk.ui.generation.model_state import ModelState
from gpt2desk.ui.generation.worker import WorkerHost
from gpt2desk.ui.models.convert import ReplyConverter
from gpt2desk.ui.models.hub_prefs import HubPrefs
from gpt2desk.ui.preferences import get_json, set_json
from gpt2desk.ui.window.help_menu import HelpMenu
from gpt2desk.ui.window.status_line import StatusLine
from gpt2desk.ui.window.view_menu import AppearanceMenu
from gpt2desk.ui.window.window_layout import DEFAULT_SIZE, WindowLayout

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Sends prompts to the worker thread and shows the streamed reply.

    Args:
        model: a Hub id or a folder, loaded as soon as the window is shown.
        offline: never use the network when loading.
    """

    def __init__(
        self, model: str, *, offline: bool = False, host: WorkerHost | None = None
    ) -> None:
        super().__init__()
        self.setWindowTitle("gpt2desk")
        self.resize(*DEFAULT_SIZE)
        self._offline = offline
        # Offline mode and Hub endpoint (mirror) from the Models dialog, kept between launches.
        self.hub_prefs = HubPrefs.load()
        self.models_dialog: Any = None
        # The model, its thread and the reply being written; Simplified-Chinese
        # models' replies in Taiwan Traditional, if the user chose so.
        self.generation = GenerationController(
            model, converter=ReplyConverter(), host=host, parent=self
        )
        self.host = self.generation.host

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

        self.status_line = StatusLine(self.generation)
        self.model_label = self.status_line.model_label
        self.stats_label = self.status_line.stats_label
        self.statusBar().addWidget(self.status_line, 1)
        # Cancel, next to the progress, while the worker downloads the model it loads.
        self.download_cancel = DownloadCancelButton(self.host, self)
        self.status_line.insert_after_model(self.download_cancel)
        g = self.generation
        g.model_state_changed.connect(self._update_buttons)
        g.busy_changed.connect(self._update_buttons)
        g.token_received.connect(self.announcer.feed)
        g.reply_finished.connect(self.announcer.finish)
        g.reply_failed.connect(self._give_back)
        self._restore_preferences()
        self.settings_panel.changed.connect(self._save_preferences)
        # Conversations, saved in SQLite: sidebar, turn actions, export (conversation/).
        parts = WindowParts(
            self, self.chat, self.composer, self.settings_panel, g, self.status_line.say
        )
        self.workspace_ui = WorkspaceController(parts)
        self.page_stack.addWidget(self.workspace_ui.editor)
        self.workspace_ui.draft_shown.connect(self._show_page)
        self._show_page(self.workspace_ui.draft_is_shown())
        # Another conversation shown: the last reply's statistics were about the old one.
        self.workspace_ui.conversation_shown.connect(self.status_line.clear_stats)
        # Clear conversation only where there is something to clear.
        for changed in (
            self.workspace_ui.conversation_shown,
            self.workspace_ui.workspace.current_changed,
            self.workspace_ui.workspace.undo_changed,
            self.workspace_ui.manuscript.undo_changed,
            self.generation.busy_changed,
        ):
            changed.connect(self._update_clear)
        self._update_clear()
        # Tab in a draft's page: three short continuations at the cursor
        # (composer/autocomplete.py); the prompt is the page's text before the cursor.
        self.autocomplete = Autocomplete(
            self, self.workspace_ui.editor, self.settings_panel, g, lambda: None
        )
        self.generate_menu.addAction(self.autocomplete.action)
        self._build_window_actions()
        self._update_buttons()
        # Size, dock sizes and open docks of the last launch (all docks exist now).
        self.layout_keeper = WindowLayout(self, self.workspace_ui.dock, self.settings_dock)
        self.layout_keeper.restore()

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
        self.bottom = bottom
        # The chat's transcript, or a draft's manuscript (added with the workspace).
        self.page_stack = QStackedWidget()
        self.page_stack.addWidget(self.chat)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.page_stack)
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
        self.clear_action = clear_action = QAction(self.tr("Clear conversation"), self)
        clear_action.triggered.connect(self.clear_conversation)
        for action in (self.send_action, self.stop_action, clear_action):
            gen_menu.addAction(action)
            self.addAction(action)
        gen_menu.aboutToShow.connect(self._update_clear)
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
        self.appearance_menu = AppearanceMenu(
            self,
            self.view_menu,
            self.chat,
            self.composer,
            self.workspace_ui.render,
            self.workspace_ui.editor,
        )
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
        self.load_model(self.generation.model_name)

    def open_models(self) -> None:
        """Shows the Models dialog (created once; its downloads go on when it is hidden)."""
        from gpt2desk.ui.models.dialog import ModelsDialog

        if self.models_dialog is None:
            self.models_dialog = ModelsDialog(self.host, self.hub_prefs, self)
            self.models_dialog.use_requested.connect(self.load_model)
        g = self.generation
        self.models_dialog.set_active_model(g.model_name if g.model_ready else "")
        self.models_dialog.show()
        self.models_dialog.raise_()
        self.models_dialog.activateWindow()

    def send(self) -> None:
        """Sends the composer's text (or says why not, keeping it); in a draft, the model
        continues the manuscript from its end."""
        if self.workspace_ui.draft_is_shown():
            self.workspace_ui.manuscript.continue_end()
            return
        if self.generation.busy:
            return
        if not self.generation.check_ready():
            return
        text = self.composer.toPlainText()
        try:
            settings = self.settings_panel.settings()
            mode = self.settings_panel.current_mode()
            template = self.settings_panel.template() if mode is Mode.CHAT else None
        except SettingsError as exc:
            self.status_line.say(self.settings_panel.error_text(exc))
            # The field to fix is in the settings panel: unfold it if it was folded away.
            self.settings_dock.show()
            return
        # Adds the turns, shows them, clears the composer and starts the request.
        self.workspace_ui.send(text, mode, template, settings)

    def stop(self) -> None:
        self.generation.stop()

    def clear_conversation(self) -> None:
        """Removes the shown conversation's turns (undoable); a reply being written stops."""
        self.workspace_ui.clear_conversation()

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
        self.generation.load(model, offline, self.hub_prefs.endpoint)

    # -- the controller's news -----------------------------------------------------

    def _update_buttons(self) -> None:
        busy = self.generation.busy
        self.send_button.setEnabled(not busy and self.generation.state is ModelState.READY)
        self.stop_button.setEnabled(busy)

    def _update_clear(self, *_: object) -> None:
        self.clear_action.setEnabled(self.workspace_ui.can_clear())

    def _show_page(self, draft: bool) -> None:
        """A draft's manuscript takes the whole writing area (no composer); a chat the
        transcript with the composer below."""
        editor = self.workspace_ui.editor
        had_focus = self.composer.hasFocus() or editor.hasFocus()
        self.page_stack.setCurrentWidget(editor if draft else self.chat)
        # A draft keeps the Stop and Continue buttons below its page, not the composer.
        self.composer.setVisible(not draft)
        self.bottom.setMaximumHeight(self.send_button.sizeHint().height() if draft else 16777215)
        if draft:
            self.send_action.setText(self.tr("Continue from the end"))
            self.send_action.setToolTip(self.tr("The model continues the draft from its end"))
            self.send_button.setText(self.tr("Continue"))
            self.send_button.setToolTip(
                self.tr("The model continues the draft from its end (Ctrl+Enter)")
            )
        else:
            self.send_action.setText(self.tr("Send"))
            self.send_action.setToolTip("")
            self.send_button.setText(self.tr("Send"))
            self.send_button.setToolTip(self.tr("Sends your text to the model (Ctrl+Enter)"))
        if had_focus:
            (editor if draft else self.composer).setFocus()

    def _give_back(self, _message: str, unsent: str) -> None:
        """A Send that failed before any reply: its text goes back into an empty composer."""
        if unsent and not self.composer.toPlainText():
            self.composer.setPlainText(unsent)

    # -- preferences ---------------------------------------------------------

    def _restore_preferences(self) -> None:
        self.settings_panel.restore(get_json("generation", dict))

    def _save_preferences(self) -> None:
        set_json("generation", self.settings_panel.state())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.layout_keeper.shown()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.isVisible():  # closed once already: that close kept the layout
            self.layout_keeper.save()
        self.hide()
        if self.models_dialog is not None:
            self.models_dialog.shutdown()
        self.generation.shutdown()
        self.workspace_ui.close()
        super().closeEvent(event)
