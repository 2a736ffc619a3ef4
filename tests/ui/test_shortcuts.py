"""Keyboard: the spec's shortcuts, and Help > Keyboard shortcuts generated from the actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from gpt2desk.ui.window.help_menu import action_label, shortcut_actions
from gpt2desk.ui.window.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


class _Triggered(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    @Slot()
    def hit(self) -> None:
        self.count += 1


def _keys_of(window: MainWindow, label: str) -> list[str]:
    for action in shortcut_actions(window):
        if action_label(action) == label:
            return [s.toString() for s in action.shortcuts()]
    raise AssertionError(f"no action {label!r} with a shortcut")


def _target(window: MainWindow, action: QAction) -> QWidget:
    """Where the key goes: the window, or the focused widget of a widget-only shortcut (Tab)."""
    if action.shortcutContext() != Qt.ShortcutContext.WidgetShortcut:
        return window
    widget = next(
        o for o in action.associatedObjects() if isinstance(o, QWidget) and not isinstance(o, QMenu)
    )
    widget.setFocus()
    return widget


def test_the_spec_shortcuts(make_window: MakeWindow) -> None:
    window = make_window(start=False)
    assert "Ctrl+Return" in _keys_of(window, "Send")
    assert "Ctrl+Enter" in _keys_of(window, "Send")
    assert _keys_of(window, "Stop") == ["Esc"]
    assert _keys_of(window, "Regenerate last reply") == ["Ctrl+R"]
    assert _keys_of(window, "New chat") == ["Ctrl+N"]
    assert _keys_of(window, "Find conversations") == ["Ctrl+F"]
    assert _keys_of(window, "Go to settings") == ["Ctrl+,"]


def test_shortcut_list_shows_every_action_with_a_key(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window(start=False)
    # An action added later appears too: the list is built from the actions.
    extra = QAction("Something new", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+J"))
    window.addAction(extra)
    window.help_menu.shortcuts_action.trigger()
    dialog = window.help_menu.shortcuts_dialog
    assert dialog is not None and dialog.isVisible()
    rows = dict(dialog.rows())
    native = QKeySequence.SequenceFormat.NativeText
    for action in window.findChildren(QAction):
        if action.shortcut().isEmpty():
            continue
        label = action_label(action)
        assert label in rows, label
        for seq in action.shortcuts():
            assert seq.toString(native) in rows[label]
    assert rows["Something new"] == QKeySequence("Ctrl+Alt+J").toString(native)
    dialog.close()


def test_every_listed_key_triggers_its_action(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window(start=False)
    actions = shortcut_actions(window)
    assert len(actions) >= 10
    # Quit last: it closes the window.
    actions.sort(key=lambda a: a.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit))
    for action in actions:
        if not action.isEnabled():  # e.g. Redo with nothing to redo: the key does nothing
            continue
        for seq in action.shortcuts():
            recorder = _Triggered()
            action.triggered.connect(recorder.hit)
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow)
            combo = seq[0]
            qtbot.keyClick(_target(window, action), combo.key(), combo.keyboardModifiers())
            action.triggered.disconnect(recorder.hit)
            assert recorder.count == 1, (action_label(action), seq.toString())
            # Dialogs opened by a key (Models, shortcut list, About) go away again.
            for widget in QApplication.topLevelWidgets():
                if widget is not window and widget.isVisible():
                    widget.hide()
