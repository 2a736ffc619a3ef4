"""Themes and the writing font: applied at once, kept between launches, bad values harmless."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QScrollBar,
    QStyle,
    QStyleOptionSlider,
    QWidget,
)

from gpt2desk.ui.conversation.sidebar import Sidebar
from gpt2desk.ui.manuscript.formats import contrast
from gpt2desk.ui.window.appearance import Appearance, is_dark
from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.helpers import GEN_TIMEOUT_MS

MakeWindow = Callable[..., MainWindow]


@pytest.fixture(autouse=True)
def _back_to_system_theme() -> Any:
    yield
    from gpt2desk.ui.window.appearance import apply_theme

    apply_theme("system")


def _background(window: MainWindow) -> Any:
    return window.chat.palette().color(QPalette.ColorRole.Base)


def test_dark_and_light_themes_apply_at_once_and_persist(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window(start=False)
    window.appearance_menu.theme_actions["dark"].trigger()
    assert is_dark(QApplication.palette())
    qtbot.waitUntil(lambda: _background(window).lightness() < 128)
    assert window.appearance_menu.theme_actions["dark"].isChecked()
    window.close()
    reopened = make_window(start=False)
    assert Appearance.load().theme == "dark"
    assert reopened.appearance_menu.theme_actions["dark"].isChecked()
    assert is_dark(QApplication.palette())
    reopened.appearance_menu.theme_actions["light"].trigger()
    assert not is_dark(QApplication.palette())
    assert QSettings().value("appearance/theme") == "light"


def test_follow_the_system_uses_the_style_palette(make_window: MakeWindow) -> None:
    window = make_window(start=False)
    window.appearance_menu.set_theme("dark")
    window.appearance_menu.theme_actions["system"].trigger()
    expected = QApplication.style().standardPalette()
    if QGuiApplication.styleHints().colorScheme().name == "Dark":
        assert is_dark(QApplication.palette())
    else:
        assert QApplication.palette().color(QPalette.ColorRole.Base) == expected.color(
            QPalette.ColorRole.Base
        )


def test_dark_theme_turns_are_dark_too(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    window.composer.setPlainText("a draft")
    window.send()
    qtbot.waitUntil(lambda: not window.chat.streaming(), timeout=GEN_TIMEOUT_MS)
    window.appearance_menu.set_theme("dark")
    frames = window.chat.document().rootFrame().childFrames()
    assert frames
    for frame in frames:
        assert frame.frameFormat().background().color().lightness() < 128


def test_writing_font_and_size_apply_to_composer_and_conversation_and_persist(
    make_window: MakeWindow,
) -> None:
    family = QFontDatabase.families()[0]
    window = make_window(start=False)
    window.appearance_menu.set_font(family, 17)
    for widget in (window.composer, window.chat):
        assert widget.font().family() == family
        assert widget.font().pointSize() == 17
    window.close()
    reopened = make_window(start=False)
    assert reopened.composer.font().family() == family
    assert reopened.chat.font().pointSize() == 17


def test_a_missing_font_falls_back_to_the_default(
    make_window: MakeWindow, caplog: pytest.LogCaptureFixture
) -> None:
    QSettings().setValue("appearance/font_family", "No Such Font 4711")
    QSettings().setValue("appearance/font_size", "not a number")
    QSettings().setValue("appearance/theme", "purple")
    window = make_window(start=False)
    default = QApplication.font()
    assert window.composer.font().family() == default.family()
    assert window.composer.font().pointSize() == default.pointSize()
    assert window.appearance_menu.theme_actions["system"].isChecked()
    assert "No Such Font 4711" in caplog.text


def test_follow_the_system_follows_a_live_change_of_the_desktop_scheme(
    qtbot: Any, make_window: MakeWindow
) -> None:
    """The desktop switching to dark (or back) while the app runs changes the window at once."""
    window = make_window(start=False)
    window.appearance_menu.theme_actions["system"].trigger()
    hints = QGuiApplication.styleHints()
    # What Qt emits when the desktop's color scheme changes (the offscreen platform never does).
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert is_dark(QApplication.palette())
    qtbot.waitUntil(lambda: _background(window).lightness() < 128)
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not is_dark(QApplication.palette())
    qtbot.waitUntil(lambda: _background(window).lightness() >= 128)
    # A theme chosen by the user stays, whatever the desktop does.
    window.appearance_menu.theme_actions["light"].trigger()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not is_dark(QApplication.palette())


def _ink(widget: QWidget, *, dark: bool) -> int:
    """The lightness of a button's text: its darkest pixel on a light theme, lightest on dark."""
    image = widget.grab().toImage()
    values = [
        image.pixelColor(x, y).lightness()
        for x in range(image.width())
        for y in range(image.height())
    ]
    return max(values) if dark else min(values)


def _handle_and_groove(bar: QScrollBar) -> tuple[QColor, QColor]:
    """The colors drawn in the middle of the scroll bar's handle and of its empty groove."""
    option = QStyleOptionSlider()
    bar.initStyleOption(option)
    style = bar.style()
    control = QStyle.ComplexControl.CC_ScrollBar
    handle = style.subControlRect(control, option, QStyle.SubControl.SC_ScrollBarSlider, bar)
    groove = style.subControlRect(control, option, QStyle.SubControl.SC_ScrollBarGroove, bar)
    image = bar.grab().toImage()
    below = (handle.bottom() + groove.bottom()) // 2
    return image.pixelColor(handle.center()), image.pixelColor(handle.center().x(), below)


@pytest.mark.parametrize("order", [("dark", "light"), ("light", "dark"), ("light",)])
def test_disabled_controls_and_scroll_bars_are_visible_in_every_chosen_theme(
    qtbot: Any, make_window: MakeWindow, order: tuple[str, ...]
) -> None:
    """Stop while idle looks disabled (not like New chat), and a scroll bar's handle stands out."""
    window = make_window(start=False)
    for theme in order:
        window.appearance_menu.theme_actions[theme].trigger()
    dark = order[-1] == "dark"
    sidebar = window.findChild(Sidebar)
    assert sidebar is not None
    new_chat = sidebar.new_chat
    assert new_chat.isEnabled()
    assert not window.stop_button.isEnabled()
    for widget in (new_chat, window.stop_button):  # palette changes arrive as events
        qtbot.waitUntil(lambda w=widget: w.palette() == QApplication.palette())
    enabled = _ink(new_chat, dark=dark)
    disabled = _ink(window.stop_button, dark=dark)
    assert abs(enabled - disabled) >= 60, (enabled, disabled)
    # Menu items (Undo with nothing to undo) and labels use these roles.
    palette = QApplication.palette()
    for role in (
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
    ):
        active = palette.color(QPalette.ColorGroup.Active, role)
        off = palette.color(QPalette.ColorGroup.Disabled, role)
        assert abs(active.lightness() - off.lightness()) >= 60, (role, active.name(), off.name())
    bar = QScrollBar(Qt.Orientation.Vertical)
    qtbot.addWidget(bar)
    bar.setRange(0, 300)
    bar.setPageStep(100)
    bar.setFixedSize(bar.sizeHint().width(), 300)
    bar.show()
    handle, groove = _handle_and_groove(bar)
    assert contrast(handle, groove) >= 1.8, (handle.name(), groove.name())
