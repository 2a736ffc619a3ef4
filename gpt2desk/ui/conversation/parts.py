"""What the conversation package gets from the window that assembles it.

The window builds these parts and hands them over; nothing here imports the
window (an import-linter contract says so) or the composer package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QComboBox, QDockWidget, QMainWindow, QPlainTextEdit

from gpt2desk.core.settings import GenerationSettings, SettingsError
from gpt2desk.core.writing.prompts import ChatTemplate, Mode
from gpt2desk.ui.conversation.chat_view import ChatView
from gpt2desk.ui.generation.controller import GenerationController

if TYPE_CHECKING:
    from gpt2desk.ui.conversation.workspace import Workspace


class SettingsSource(Protocol):
    """The settings form (composer/settings_panel.py's SettingsPanel)."""

    mode: QComboBox
    changed: Any  # a Signal()

    def settings(self) -> GenerationSettings: ...

    def current_mode(self) -> Mode: ...

    def template(self) -> ChatTemplate: ...

    def error_text(self, exc: SettingsError) -> str: ...


@dataclass
class WindowParts:
    """The window's widgets and services a conversation needs.

    Attributes:
        window: docks, menus, the status bar and dialogs go there.
        chat: the conversation panel.
        composer: where the user types.
        settings_panel: mode, sampling settings, chat names.
        generation: the model and the reply being written.
        say: shows a message in the status bar (why nothing happened, how a job went).
    """

    window: QMainWindow
    chat: ChatView
    composer: QPlainTextEdit
    settings_panel: SettingsSource
    generation: GenerationController
    say: Callable[[str], None]


class ContextLabel(Protocol):
    """The context label (context_indicator.py's ContextIndicator), as the reply flow uses it."""

    def show_writing(self) -> None: ...

    def schedule(self) -> None: ...


class ConversationOwner(Protocol):
    """What the menu, the reply flow and the context label get from the conversation's
    controller (workspace_ui.py's WorkspaceController), which builds them."""

    @property
    def w(self) -> WindowParts: ...

    @property
    def workspace(self) -> Workspace: ...

    @property
    def context(self) -> ContextLabel: ...

    @property
    def dock(self) -> QDockWidget: ...

    def streaming(self) -> bool: ...

    def render(self, *, stream: bool = False) -> None: ...

    def note(self, status: str) -> str: ...

    def new_conversation(self, kind: str) -> None: ...

    def undo(self) -> None: ...

    def redo(self) -> None: ...

    def continue_(self, turn_id: str | None) -> None: ...

    def on_last(self, action: str) -> None: ...

    def ask_export(self, fmt: str) -> object: ...

    def ask_import(self) -> object: ...
