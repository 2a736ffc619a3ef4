"""The status bar's model label and statistics label, kept up to date by the controller.

Both are one line, show "…" where they are cut and the whole text as a
tooltip: a long error keeps its fix readable, and "423 tokens" never shows
as "3 tokens".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

from gpt2desk.ui.elided_label import ElidedLabel
from gpt2desk.ui.generation.controller import GenerationController
from gpt2desk.ui.generation.model_state import ModelState


class StatusLine(QWidget):
    """What the model does (left) and how the last reply went, or a message (right).

    Attributes:
        model_label: the model's state, or why a reply cannot start.
        stats_label: the last reply's statistics, or a message (``say``).
    """

    def __init__(self, generation: GenerationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_label = ElidedLabel()
        self.model_label.setObjectName("modelStatus")
        self.stats_label = ElidedLabel()
        self.stats_label.setObjectName("replyStats")
        self.stats_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for label in (self.model_label, self.stats_label):
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._layout = layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.model_label, 1)
        layout.addWidget(self.stats_label, 1)
        self.model_label.setText(generation.status_text)
        generation.model_state_changed.connect(self._on_model_state)
        generation.notice.connect(self.model_label.setText)
        generation.reply_started.connect(self.clear_stats)
        generation.reply_finished.connect(self._on_finished)
        generation.reply_failed.connect(self._on_failed)

    def insert_after_model(self, widget: QWidget) -> None:
        """Puts ``widget`` (the download's Cancel) right after the model label."""
        self._layout.insertWidget(1, widget)

    @Slot(str)
    def say(self, text: str) -> None:
        """Shows a message where the statistics go."""
        self.stats_label.setText(text)

    @Slot()
    def clear_stats(self) -> None:
        """Forgets the last reply's statistics (a new reply, another conversation)."""
        self.stats_label.setText("")

    @Slot(object, str)
    def _on_model_state(self, _state: ModelState, text: str) -> None:
        self.model_label.setText(text)

    # The other texts keep MainWindow's translation context, where they were first translated.
    @Slot(dict)
    def _on_finished(self, stats: dict[str, Any]) -> None:
        parts = [
            # self.tr: lupdate finds the plural "%n" only there.
            self.tr("%n tokens", "", int(stats["new_tokens"])),
            QCoreApplication.translate("MainWindow", "first token {ms} ms").format(
                ms=f"{stats['ttft_ms']:.0f}"
            ),
            QCoreApplication.translate("MainWindow", "{rate} tokens/s").format(
                rate=f"{stats['tokens_per_s']:.1f}"
            ),
            QCoreApplication.translate("MainWindow", "seed {seed}").format(seed=stats["seed"]),
        ]
        if stats["prompt_truncated"]:
            parts.append(
                QCoreApplication.translate(
                    "MainWindow", "the start of the prompt was left out to fit the model's window"
                )
            )
        if stats["context_shifts"]:
            parts.append(
                QCoreApplication.translate("MainWindow", "the window slid forward during the reply")
            )
        if stats.get("unknown_chars"):
            parts.append(stats["unknown_chars"])
        self.stats_label.setText(" · ".join(parts))

    @Slot(str, str)
    def _on_failed(self, message: str, _unsent: str) -> None:
        self.stats_label.setText(message)
