"""The View menu: each item has its own name, and each does what its name says."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from gpt2desk.ui.window.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def item_texts(window: MainWindow) -> list[str]:
    return [a.text().replace("&", "") for a in window.view_menu.actions() if a.text()]


def test_no_two_view_items_share_a_name(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window(start=False)
    texts = item_texts(window)
    assert [t for t, n in Counter(texts).items() if n > 1] == []
    assert "Show settings panel" in texts and "Go to settings" in texts


def test_show_settings_panel_hides_it_and_go_to_settings_brings_it_back(
    qtbot: Any, make_window: MakeWindow
) -> None:
    window = make_window(start=False)
    actions = {a.text(): a for a in window.view_menu.actions()}
    toggle, go = actions["Show settings panel"], actions["Go to settings"]
    # Folded away by default on a 1000-pixel window (test_room_to_write.py).
    assert not toggle.isChecked() and not window.settings_dock.isVisible()
    toggle.trigger()
    assert toggle.isChecked() and window.settings_dock.isVisible()
    toggle.trigger()
    assert not window.settings_dock.isVisible()
    go.trigger()
    assert window.settings_dock.isVisible() and toggle.isChecked()
    qtbot.waitUntil(lambda: window.settings_panel.isAncestorOf(window.focusWidget()))
