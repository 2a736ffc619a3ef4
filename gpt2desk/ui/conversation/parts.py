"""What the conversation package gets from the window that assembles it.

The window builds these parts and hands them over; nothing here imports the
window (an import-linter contract says so) or the composer package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtWidgets import QComboBox, QMainWindow, QPlainTextEdit

from gpt2desk.core.settings import GenerationSettings, SettingsError
from gpt2desk.core.writing.prompts import ChatTemplate, Mode
from gpt2desk.ui.conversation.chat_view import ChatView
from gpt2desk.ui.generation.controller import GenerationController


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
