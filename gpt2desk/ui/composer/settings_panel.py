"""Generation settings and the chat template, as a form."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gpt2desk.core.settings import (
    MAX_NEW_TOKENS_LIMIT,
    GenerationSettings,
    SettingsError,
    format_stop_strings,
    parse_stop_strings,
)
from gpt2desk.core.writing.prompts import ChatTemplate, Mode
from gpt2desk.ui.composer.number_box import NumberBox


class SettingsPanel(QWidget):
    """Mode, sampling settings, stop strings and chat names.

    Signals:
        changed(): any value changed (for saving preferences).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        d = GenerationSettings()
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        self.mode = QComboBox()
        self.mode.addItem(self.tr("Continue a draft"), Mode.CONTINUE.value)
        self.mode.addItem(self.tr("Chat"), Mode.CHAT.value)
        self.mode.setToolTip(
            self.tr(
                "Continue: the model continues your text verbatim.\n"
                "Chat: your text is a message in a User/Assistant transcript."
            )
        )
        self.max_new_tokens = NumberBox(
            self.tr("Max new tokens"), 1, MAX_NEW_TOKENS_LIMIT, d.max_new_tokens
        )
        self.max_new_tokens.setToolTip(self.tr("How many tokens the model writes at most"))
        self.temperature = NumberBox(
            self.tr("Temperature"), 0.0, 5.0, d.temperature, decimals=2, step=0.05
        )
        self.temperature.setToolTip(self.tr("0 = greedy (always the likeliest token)"))
        self.top_k = NumberBox(self.tr("Top-k"), 0, 100_000, d.top_k)
        self.top_k.setToolTip(self.tr("0 = off"))
        self.top_p = NumberBox(self.tr("Top-p"), 0.01, 1.0, d.top_p, decimals=2, step=0.01)
        self.top_p.setToolTip(self.tr("1 = off"))
        self.repetition_penalty = NumberBox(
            self.tr("Repetition penalty"), 0.1, 5.0, d.repetition_penalty, decimals=2, step=0.05
        )
        self.repetition_penalty.setToolTip(self.tr("1 = off"))
        self.numbers = {
            "max_new_tokens": self.max_new_tokens,
            "temperature": self.temperature,
            "top_k": self.top_k,
            "top_p": self.top_p,
            "repetition_penalty": self.repetition_penalty,
        }
        self.seed = QLineEdit()
        self.seed.setPlaceholderText(self.tr("random"))
        self.seed.setToolTip(
            self.tr("Empty = a new random seed each time; a fixed seed repeats the text.")
        )
        self.stop = QPlainTextEdit()
        self.stop.setPlaceholderText(self.tr("one per line; \\n = new line"))
        self.stop.setMaximumHeight(60)
        self.stop.setToolTip(self.tr("The reply ends before any of these texts"))
        self.user_name = QLineEdit(ChatTemplate().user_name)
        self.assistant_name = QLineEdit(ChatTemplate().assistant_name)
        self.template_preview = QLabel()
        self.template_preview.setObjectName("templatePreview")
        self.template_preview.setTextFormat(Qt.TextFormat.PlainText)  # names the user typed
        self.template_preview.setWordWrap(True)
        self.template_preview.setToolTip(self.tr("What the model sees in chat mode"))
        self.user_name.setToolTip(self.tr("Your name in the chat transcript the model sees"))
        self.assistant_name.setToolTip(self.tr("The model's name in the chat transcript"))
        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # quotes the bad value
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        rows: list[tuple[str, QWidget]] = [
            (self.tr("Mode"), self.mode),
            (self.tr("Max new tokens"), self.max_new_tokens),
            (self.tr("Temperature"), self.temperature),
            (self.tr("Top-k"), self.top_k),
            (self.tr("Top-p"), self.top_p),
            (self.tr("Repetition penalty"), self.repetition_penalty),
            (self.tr("Seed"), self.seed),
            (self.tr("Stop strings"), self.stop),
            (self.tr("Chat: user name"), self.user_name),
            (self.tr("Chat: assistant name"), self.assistant_name),
            (self.tr("Chat template"), self.template_preview),
        ]
        for label, widget in rows:
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        form.addRow(self.error)
        for box in self.numbers.values():
            box.valueChanged.connect(self.changed)
            box.message_changed.connect(self._show_problem)
        for line in (self.seed, self.user_name, self.assistant_name):
            line.textChanged.connect(self.changed)
        self.stop.textChanged.connect(self.changed)
        self.mode.currentIndexChanged.connect(self.changed)
        self.user_name.textChanged.connect(self._update_preview)
        self.assistant_name.textChanged.connect(self._update_preview)
        self._update_preview()

    def current_mode(self) -> Mode:
        return Mode(self.mode.currentData())

    def values(self) -> dict[str, Any]:
        """The raw form values, as GenerationSettings.from_dict takes them.

        A number box holding a bad number gives its text as typed.
        """
        values: dict[str, Any] = {
            name: box.text() if box.problem() else box.value() for name, box in self.numbers.items()
        }
        values.update(seed=self.seed.text(), stop=self.stop.toPlainText())
        return values

    def settings(self) -> GenerationSettings:
        """Validated settings; shows and re-raises a SettingsError naming the field."""
        try:
            for name, box in self.numbers.items():
                if box.problem():
                    raise SettingsError(name, box.problem())
            result = GenerationSettings.from_dict(self.values())
        except SettingsError as exc:
            self.show_error(self.error_text(exc))
            raise
        self.show_error("")
        return result

    def template(self) -> ChatTemplate:
        template = ChatTemplate(self.user_name.text(), self.assistant_name.text())
        try:
            template.validate()
        except SettingsError as exc:
            self.show_error(self.error_text(exc))
            raise
        return template

    def error_text(self, exc: SettingsError) -> str:
        """The message for a bad value, in the UI's language (core/i18n.py translates it)."""
        return str(exc)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def state(self) -> dict[str, Any]:
        """Everything in the form, for saving between launches (the last good numbers)."""
        state = self.values()
        state.update({name: box.value() for name, box in self.numbers.items()})
        state["stop"] = parse_stop_strings(self.stop.toPlainText())
        state.update(
            mode=self.mode.currentData(),
            user_name=self.user_name.text(),
            assistant_name=self.assistant_name.text(),
        )
        return state

    def restore(self, state: dict[str, Any]) -> None:
        """Fills the form from :meth:`state`; unknown or bad values are skipped."""
        setters = {
            "max_new_tokens": lambda v: self.max_new_tokens.setValue(int(v)),
            "temperature": lambda v: self.temperature.setValue(float(v)),
            "top_k": lambda v: self.top_k.setValue(int(v)),
            "top_p": lambda v: self.top_p.setValue(float(v)),
            "repetition_penalty": lambda v: self.repetition_penalty.setValue(float(v)),
            "seed": lambda v: self.seed.setText(str(v)),
            "stop": lambda v: self.stop.setPlainText(format_stop_strings(v)),
            "mode": lambda v: self.mode.setCurrentIndex(max(0, self.mode.findData(str(v)))),
            "user_name": lambda v: self.user_name.setText(str(v)),
            "assistant_name": lambda v: self.assistant_name.setText(str(v)),
        }
        for key, value in state.items():
            setter = setters.get(key)
            if setter is None:
                continue
            try:
                setter(value)
            except (TypeError, ValueError):
                continue

    def _show_problem(self, _message: str = "") -> None:
        """The first number box's problem under the form, as it is typed; gone once fixed."""
        problems = [box.message() for box in self.numbers.values() if box.message()]
        self.show_error(problems[0] if problems else "")

    def _update_preview(self) -> None:
        user = self.user_name.text() or "?"
        bot = self.assistant_name.text() or "?"
        self.template_preview.setText(
            self.tr(
                "{user}: (earlier message)\n{bot}: (earlier reply)\n{user}: (your message)\n"
                "{bot}:\n\nStops at a new line starting with “{user}:”"
            ).format(user=user, bot=bot)
        )
