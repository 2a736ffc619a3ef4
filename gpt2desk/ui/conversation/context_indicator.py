"""The "Context N/1024" label: how much of the model's window the next prompt takes.

The worker measures (it owns the tokenizer); this asks it again, debounced,
whenever the composer, the settings, the conversation or the model change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel

from gpt2desk.core.settings import SettingsError
from gpt2desk.core.writing.prompts import Mode
from gpt2desk.core.writing.turns import Conversation
from gpt2desk.ui.conversation.parts import ConversationOwner
from gpt2desk.ui.displayable import displayable, literal
from gpt2desk.ui.generation.model_state import ModelState

DEBOUNCE_MS = 400


class ContextIndicator(QObject):
    """The status bar's context label and its tooltip (what is left out, if anything)."""

    def __init__(self, controller: ConversationOwner, parent: QObject) -> None:
        super().__init__(parent)
        self.ui = controller
        self.w = parts = controller.w
        self.model = model = parts.generation
        self.label = QLabel()
        self.label.setObjectName("contextLabel")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self._request: tuple[int, str] = (0, "")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.update)
        parts.composer.textChanged.connect(self._timer.start)
        parts.settings_panel.changed.connect(self._timer.start)
        model.model_state_changed.connect(self._on_model_state)
        model.host.worker.context_measured.connect(self._on_measured)

    def schedule(self) -> None:
        """Measures again shortly (changes in a burst ask only once)."""
        self._timer.start()

    def show_writing(self) -> None:
        self.label.setText(self.tr("Context: writing…"))

    @Slot(object, str)
    def _on_model_state(self, state: ModelState, _text: str) -> None:
        if state is ModelState.READY:
            self._timer.start()

    def update(self) -> None:
        """Asks the worker how much of the model's window the next prompt uses."""
        conv = self.ui.workspace.current
        # A draft's page counts its own words and window (ui/manuscript/flow.py).
        draft = conv is not None and conv.kind == "draft"
        self.label.setVisible(not draft)
        if draft or not self.model.model_ready or self.ui.streaming():
            return
        panel = self.w.settings_panel
        try:
            settings = panel.settings()
            mode = panel.current_mode()
            template = panel.template() if mode is Mode.CHAT else None
        except SettingsError:
            return
        text = self.w.composer.toPlainText()
        conv = conv or Conversation.new()
        prompt, _ = conv.next_prompt(text, mode, template)
        request_id = self.model.host.measure_context(prompt, settings.max_new_tokens)
        self._request = (request_id, prompt)

    @Slot(int, dict)
    def _on_measured(self, request_id: int, info: dict[str, Any]) -> None:
        """Shows the count and, when the prompt does not fit, what is left out."""
        asked, prompt = self._request
        if request_id != asked or self.ui.streaming():
            return  # an older request, or the model is writing
        used, n_ctx, cut = int(info["tokens"]), int(info["n_ctx"]), int(info["left_out_chars"])
        label = self.tr("Context {used}/{n_ctx}").format(used=used, n_ctx=n_ctx)
        tip = self.tr(
            "The next prompt uses {used} of the model's {n_ctx} positions; "
            "up to %n remain for the reply.",
            "",
            n_ctx - used,
        ).format(used=used, n_ctx=n_ctx)
        if cut:
            left = displayable(prompt[:cut])
            label += " · " + self.tr("%Ln earlier characters left out", "", cut)
            preview = left if len(left) <= 300 else left[:150] + " … " + left[-150:]
            tip += "\n" + self.tr("Left out because it no longer fits (oldest first):")
            tip += f"\n“{preview}”"
        self.label.setText(label)
        self.label.setToolTip(literal(tip))  # quotes the user's text: never markup
