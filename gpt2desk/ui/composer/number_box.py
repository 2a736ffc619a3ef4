"""A number field that keeps what the user typed, and says what is wrong with it.

QSpinBox and QDoubleSpinBox rewrite text they cannot accept: a refused "-"
turned "-3" into 3, and on leaving the box "99" or an empty Temperature
became the old 0.80 again, all without a word. This box is a bare
``QAbstractSpinBox`` (whose base class never rewrites the text): bad text
stays as typed and ``problem()`` says which range is allowed (a letter is
refused as a keystroke, with the same notice); ``value()`` is the last good
number. Arrows, the wheel and Up/Down still step.
"""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QFocusEvent, QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QStyle, QStyleOptionSpinBox, QWidget

# What can be part of a number being typed: a sign, digits, one decimal separator.
_NUMBERISH = re.compile(r"\s*[+-]?\d*(?:[.,]\d*)?\s*")


class NumberBox(QAbstractSpinBox):
    """A whole number (``decimals=0``) or a decimal in ``[low, high]``.

    Signals:
        valueChanged(value): the text became a new good number (int or float).
        message_changed(message): what to tell the user (a bad number, a refused
            keystroke); "" once there is nothing to say.
    """

    valueChanged = Signal(object)
    message_changed = Signal(str)

    def __init__(
        self,
        label: str,
        low: float,
        high: float,
        value: float,
        *,
        decimals: int = 0,
        step: float = 1,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.label = label
        self.low, self.high = low, high
        self.decimals = decimals
        self.step = step
        self._value = self._number(value)
        self._problem = ""
        self._refused = ""  # the notice of a refused keystroke, until the next edit
        self.setAccelerated(True)
        self.lineEdit().setText(self.format(self._value))
        self.lineEdit().textChanged.connect(self._on_text)

    # The value

    def value(self) -> float:
        """The last good number (an int for whole numbers)."""
        return self._value

    def setValue(self, value: float) -> None:
        """Sets a number from code; it is brought into the range, as QSpinBox does."""
        number = self._number(min(max(value, self.low), self.high))
        self.lineEdit().setText(self.format(number))

    def text(self) -> str:
        return self.lineEdit().text()

    def problem(self) -> str:
        """What is wrong with the text, naming the allowed range; "" if it is a good number."""
        return self._problem

    def message(self) -> str:
        """What the form should say about this box: its problem, or why a key was refused."""
        return self._problem or self._refused

    def format(self, value: float) -> str:
        return (
            self.locale().toString(float(value), "f", self.decimals)
            if self.decimals
            else str(int(value))
        )

    def range_text(self) -> str:
        """The allowed range as the message shows it: "0 to 5", "0.01 to 1"."""
        return self.tr("{low} to {high}").format(low=_short(self.low), high=_short(self.high))

    # QAbstractSpinBox

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if not _NUMBERISH.fullmatch(text):
            # The keystroke is refused (the text stays as it was): say why.
            self._set_messages(self._problem, self._rule())
            return QValidator.State.Invalid, text, pos
        good = self._parse(text) is not None
        state = QValidator.State.Acceptable if good else QValidator.State.Intermediate
        return state, text, pos

    def fixup(self, text: str) -> str:
        return text  # never change what the user typed

    def stepBy(self, steps: int) -> None:
        # Asked for by the user (arrows, wheel, Up/Down): from the number typed, if any.
        self.setValue(self._step_start() + steps * self.step)
        self.selectAll()

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self.isReadOnly():
            return flags
        start = self._step_start()
        if start < self.high:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        if start > self.low:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        return flags

    def sizeHint(self) -> QSize:
        # The base class measures no text: as wide as the longest bound, like QSpinBox.
        metrics = self.fontMetrics()
        widest = max(metrics.horizontalAdvance(self.format(v) + " ") for v in (self.low, self.high))
        option = QStyleOptionSpinBox()
        self.initStyleOption(option)
        height = self.lineEdit().sizeHint().height()
        content = QSize(widest + 4, height)
        return self.style().sizeFromContents(QStyle.ContentsType.CT_SpinBox, option, content, self)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._set_messages(self._problem, "")  # a refused key is old news
        super().focusOutEvent(event)

    # Inside

    def _on_text(self, text: str) -> None:
        number = self._parse(text)
        if number is None:
            self._set_messages(self._rule(text), "")
            return
        self._set_messages("", "")
        if number != self._value:
            self._value = number
            self.valueChanged.emit(number)

    def _raw(self, text: str) -> float | None:
        """The number written in ``text``, in or out of range; None if there is none."""
        text = text.strip()
        if not text:
            return None
        number, ok = self.locale().toDouble(text)
        if not ok:
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                return None
        return number if math.isfinite(number) else None

    def _parse(self, text: str) -> float | None:
        """The number in ``text`` if it is a good one (right kind, in range), else None."""
        number = self._raw(text)
        if number is None or not self.low <= number <= self.high:
            return None
        if self.decimals == 0:
            whole = number.is_integer() and _NO_POINT.fullmatch(text.strip())
            return int(number) if whole else None
        return round(number, self.decimals)

    def _step_start(self) -> float:
        raw = self._raw(self.text())
        return self._value if raw is None else min(max(raw, self.low), self.high)

    def _number(self, value: float) -> float:
        return int(value) if self.decimals == 0 else round(float(value), self.decimals)

    def _rule(self, text: str | None = None) -> str:
        if self.decimals == 0:
            rule = self.tr("{field} takes a whole number from {range}.")
        else:
            rule = self.tr("{field} takes a number from {range}.")
        message = rule.format(field=self.label, range=self.range_text())
        if text is not None:
            typed = self.tr("“{text}” is not one.").format(text=text) if text.strip() else ""
            message = f"{message} {typed}".strip()
        return message

    def _set_messages(self, problem: str, refused: str) -> None:
        before = self.message()
        self._problem, self._refused = problem, refused
        if self.message() != before:
            self.message_changed.emit(self.message())


_NO_POINT = re.compile(r"[+-]?\d+")


def _short(value: float) -> str:
    """A bound as people write it: 5, 0.01, 100000 (no trailing zeros)."""
    return f"{value:.10g}" if not float(value).is_integer() else str(int(value))
