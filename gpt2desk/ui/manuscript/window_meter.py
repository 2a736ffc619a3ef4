"""The status bar's counts of a draft, and where the model's window starts in it.

Words and characters come from the page (``ManuscriptEditor.counts``); the
tokens and the window's start from the worker, which owns the tokenizer
(``measure_context``, as the chat's context label asks it): the GUI thread
never tokenizes. The prompt measured is the whole text (Ctrl+Enter continues
from the end); the marker goes where the text the model reads begins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel

from gpt2desk.core.settings import GenerationSettings, SettingsError
from gpt2desk.ui.generation.controller import GenerationController
from gpt2desk.ui.manuscript.editor import ManuscriptEditor

#: How long the counts and the window's start wait for typing to pause.
MEASURE_MS = 400


class SettingsForm(Protocol):
    """The settings panel (composer/settings_panel.py's SettingsPanel)."""

    def settings(self) -> GenerationSettings: ...

    def error_text(self, exc: SettingsError) -> str: ...


class WindowMeter(QObject):
    """Keeps ``label`` ("812 words · 4,100 characters · 1000/1024 tokens · …") and the
    page's window marker up to date.

    Args:
        busy: whether a continuation is being written (nothing is measured then).
    """

    def __init__(
        self,
        page: ManuscriptEditor,
        generation: GenerationController,
        panel: SettingsForm,
        busy: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.page = page
        self.generation = generation
        self.panel = panel
        self._busy = busy
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(MEASURE_MS)
        self._timer.timeout.connect(self.measure)
        self._request_id = 0
        self._counts = ""
        self._window = ""  # tokens and where the window starts, once measured
        self.label = QLabel()
        self.label.setObjectName("manuscriptCounts")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.hide()
        generation.model_state_changed.connect(lambda *_: self.schedule())
        generation.host.worker.context_measured.connect(self._on_measured)

    def schedule(self) -> None:
        """Counts and measures again shortly (changes in a burst ask only once)."""
        if self.page.manuscript is not None:
            self._timer.start()

    def clear(self) -> None:
        """Another manuscript is shown: nothing measured yet."""
        self.page.set_window_start(None)
        self._counts = self._window = ""
        self.label.setText("")
        self.label.setToolTip("")

    def measure(self) -> None:
        """Counts words and characters; asks the worker where the model's window starts."""
        m = self.page.manuscript
        if m is None or self._busy():
            return
        words, chars = self.page.counts()
        self._counts = " · ".join(
            (self.tr("%n words", "", words), self.tr("%n characters", "", chars))
        )
        self._show_label()
        try:
            settings = self.panel.settings()
        except SettingsError:
            return
        if not self.generation.model_ready:
            return
        self._request_id = self.generation.host.measure_context(m.text, settings.max_new_tokens)

    @Slot(int, dict)
    def _on_measured(self, request_id: int, info: dict[str, Any]) -> None:
        m = self.page.manuscript
        if request_id != self._request_id or m is None or self._busy():
            return
        used, n_ctx, cut = int(info["tokens"]), int(info["n_ctx"]), int(info["left_out_chars"])
        cut = min(cut, len(m.text))
        self.page.set_window_start(cut if cut > 0 else None)
        tokens = self.tr("{used}/{n_ctx} tokens").format(used=used, n_ctx=n_ctx)
        if cut:
            where = self.tr("the model reads from character {start}").format(start=cut + 1)
            self._window = f"{tokens} · {where}"
            tip = self.tr(
                "The model reads the last {used} tokens of its {n_ctx}, from the marker in the "
                "text on; the {cut} characters above it are outside its window."
            ).format(used=used, n_ctx=n_ctx, cut=cut)
        else:
            self._window = tokens
            tip = self.tr("The model reads the whole draft: {used} of its {n_ctx} tokens.").format(
                used=used, n_ctx=n_ctx
            )
        self.label.setToolTip(tip)
        self._show_label()

    def _show_label(self) -> None:
        self.label.setText(" · ".join(part for part in (self._counts, self._window) if part))
