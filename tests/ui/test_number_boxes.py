"""Number boxes never change what the user typed behind their back.

A bad number (out of range, empty, a minus sign in Top-k) stays in the box
as typed, with a message under the form that names the allowed range, until
the user fixes it; Send then refuses with that message. A keystroke that can
never be part of a number (a letter) is refused, and says so too.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox

from gpt2desk.core.settings import SettingsError
from gpt2desk.ui.composer.settings_panel import SettingsPanel

# Box, a bad text, and the range the message names (as the box writes its bounds).
BAD = [
    ("max_new_tokens", "0", ("1", "100000")),
    ("max_new_tokens", "", ("1", "100000")),
    ("temperature", "99", ("0", "5")),
    ("temperature", "", ("0", "5")),
    ("temperature", "-1", ("0", "5")),
    ("top_k", "-3", ("0", "100000")),
    ("top_p", "0", ("0.01", "1")),
    ("top_p", "1.5", ("0.01", "1")),
    ("repetition_penalty", "9", ("0.1", "5")),
    ("repetition_penalty", "-", ("0.1", "5")),
]


@pytest.fixture
def panel(qtbot: Any) -> SettingsPanel:
    widget = SettingsPanel()
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def _type_into(qtbot: Any, box: QAbstractSpinBox, text: str) -> None:
    """Replaces the box's text by typing, then leaves it with Tab as a user would."""
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(box, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not box.hasFocus())


@pytest.mark.parametrize(("name", "text", "bounds"), BAD)
def test_a_bad_number_stays_as_typed_with_a_message_naming_the_range(
    qtbot: Any, panel: SettingsPanel, name: str, text: str, bounds: tuple[str, str]
) -> None:
    box = getattr(panel, name)
    _type_into(qtbot, box, text)
    assert box.text() == text  # not 3, not the old 0.80
    assert panel.error.isVisible()
    message = panel.error.text()
    for bound in bounds:
        assert bound in message, message
    with pytest.raises(SettingsError) as raised:
        panel.settings()
    assert raised.value.field == name
    assert panel.error.isVisible()


def test_fixing_the_number_clears_the_message_and_uses_the_value(
    qtbot: Any, panel: SettingsPanel
) -> None:
    _type_into(qtbot, panel.temperature, "99")
    assert panel.error.isVisible()
    _type_into(qtbot, panel.temperature, "1.5")
    assert not panel.error.isVisible()
    assert panel.settings().temperature == 1.5
    _type_into(qtbot, panel.top_k, "-3")
    _type_into(qtbot, panel.top_k, "7")
    assert not panel.error.isVisible()
    assert panel.settings().top_k == 7


def test_a_letter_is_refused_and_says_why(qtbot: Any, panel: SettingsPanel) -> None:
    box = panel.top_k
    _type_into(qtbot, box, "12")
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClick(box, Qt.Key.Key_End)
    qtbot.keyClicks(box, "x")
    assert box.text() == "12"
    assert panel.error.isVisible()
    assert "0" in panel.error.text()
    assert "100000" in panel.error.text()
    assert panel.settings().top_k == 12  # the number itself is fine
    qtbot.keyClicks(box, "3")
    assert box.text() == "123"
    assert not panel.error.isVisible()


def test_arrow_keys_still_step_a_good_number(qtbot: Any, panel: SettingsPanel) -> None:
    box = panel.top_k
    _type_into(qtbot, box, "5")
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert box.text() == "6"
    assert panel.settings().top_k == 6
    # From a number out of range, a step starts at the nearest end of the range.
    _type_into(qtbot, panel.temperature, "99")
    panel.temperature.setFocus()
    qtbot.waitUntil(panel.temperature.hasFocus)
    qtbot.keyClick(panel.temperature, Qt.Key.Key_Down)
    assert panel.temperature.value() == 4.95
    assert not panel.error.isVisible()
