"""Room to write: the text column gets most of the window; the layout is kept between launches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from gpt2desk.ui import preferences
from gpt2desk.ui.window.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def _resize(qtbot: Any, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)
    qtbot.wait(0)  # the docks and the central widget are laid out again


def _text_column(window: MainWindow) -> int:
    """The width of the chat view and composer (the central widget)."""
    return window.centralWidget().width()


def _menu_action(window: MainWindow, text: str) -> Any:
    return next(a for a in window.view_menu.actions() if a.text() == text)


def test_the_text_column_takes_most_of_a_default_window(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window(start=False)
    _resize(qtbot, window, 1000, 700)
    # The settings panel starts folded away on a window this size; the sidebar is open.
    assert not window.settings_dock.isVisible()
    assert window.workspace_ui.dock.isVisible()
    assert _text_column(window) >= 0.6 * 1000, _text_column(window)
    _resize(qtbot, window, 800, 500)
    assert _text_column(window) >= 0.6 * 800, _text_column(window)
    # The sidebar keeps a readable width, without eating the page.
    assert 170 <= window.workspace_ui.dock.width() <= 260


def test_the_settings_panel_unfolds_from_the_view_menu_and_with_ctrl_comma(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window(start=False)
    _resize(qtbot, window, 1000, 700)
    _menu_action(window, "Show settings panel").trigger()
    assert window.settings_dock.isVisible()
    # Both panels open: the page keeps almost half, the settings panel is no wider than needed.
    qtbot.waitUntil(lambda: window.settings_dock.width() <= 320)
    assert _text_column(window) >= 450, _text_column(window)
    _menu_action(window, "Show settings panel").trigger()
    assert not window.settings_dock.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert window.settings_dock.isVisible()
    qtbot.waitUntil(lambda: window.settings_panel.isAncestorOf(window.focusWidget()))


def test_a_settings_mistake_unfolds_the_panel_to_show_it(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window()
    assert not window.settings_dock.isVisible()
    window.settings_panel.seed.setText("abc")
    window.composer.setFocus()
    qtbot.keyClicks(window.composer, "keep me")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.settings_dock.isVisible()
    assert window.settings_panel.error.isVisible()


def test_window_size_and_panels_come_back_at_the_next_start(
    qtbot: Any, make_window: MakeWindow
) -> None:
    first = make_window(start=False)
    # Not the default size, and within the screen (restoreGeometry fits a window to it).
    screen = first.screen().availableGeometry()
    width, height = min(1100, screen.width() - 40), min(760, screen.height() - 40)
    _resize(qtbot, first, width, height)
    _menu_action(first, "Show settings panel").trigger()
    first.workspace_ui.dock.toggleViewAction().trigger()  # Conversation > Show conversations
    qtbot.waitUntil(lambda: not first.workspace_ui.dock.isVisible())
    first.resizeDocks([first.settings_dock], [330], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: abs(first.settings_dock.width() - 330) <= 4)
    first.close()

    second = make_window(start=False)
    qtbot.waitUntil(lambda: (second.width(), second.height()) == (width, height))
    assert second.settings_dock.isVisible()
    assert not second.workspace_ui.dock.isVisible()
    qtbot.waitUntil(lambda: abs(second.settings_dock.width() - 330) <= 4)


def test_a_damaged_stored_layout_opens_the_default_window(
    qtbot: Any, make_window: MakeWindow
) -> None:
    preferences.set_value("window/geometry", "not base64 at all ~~~")
    preferences.set_value("window/state", "AAAA/wAAAAD9AAAAAQ==")  # base64, not a state
    window = make_window(start=False)
    assert (window.width(), window.height()) == (1000, 700)
    assert window.workspace_ui.dock.isVisible()
    assert not window.settings_dock.isVisible()
    assert _text_column(window) >= 600
