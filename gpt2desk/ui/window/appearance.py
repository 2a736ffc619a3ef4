"""Theme (light, dark, follow the system) and the writing font, kept in the preferences."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from gpt2desk.ui import preferences

log = logging.getLogger(__name__)

THEMES = ("system", "light", "dark")
FONT_SIZES = range(6, 73)


def pref(key: str) -> Any:
    """A preference, or its default; a value of the wrong type is the default."""
    return preferences.get(key)


def set_pref(key: str, value: Any) -> None:
    preferences.set_value(key, value)


@dataclass(frozen=True)
class Appearance:
    """What the user chose: a theme, and a writing font (empty family = the default)."""

    theme: str = "system"
    font_family: str = ""
    font_size: int = 0

    @classmethod
    def load(cls) -> Appearance:
        theme = str(pref("appearance/theme"))
        return cls(
            theme if theme in THEMES else "system",
            str(pref("appearance/font_family")),
            int(pref("appearance/font_size")),
        )

    def save(self) -> None:
        set_pref("appearance/theme", self.theme)
        set_pref("appearance/font_family", self.font_family)
        set_pref("appearance/font_size", self.font_size)


# Role name -> color; "disabled" colors Text, ButtonText and WindowText when disabled.
_DARK = {
    "Window": "#2b2b2b",
    "WindowText": "#e6e6e6",
    "Base": "#1e1e1e",
    "AlternateBase": "#2f2f2f",
    "Text": "#e6e6e6",
    "Button": "#353535",
    "ButtonText": "#e6e6e6",
    "ToolTipBase": "#353535",
    "ToolTipText": "#e6e6e6",
    "PlaceholderText": "#9a9a9a",
    "Highlight": "#3d6fb4",
    "HighlightedText": "#ffffff",
    "Link": "#8ab4f8",
    "BrightText": "#ff6b6b",
    "disabled": "#7a7a7a",
}
_LIGHT = {
    "Window": "#efefef",
    "WindowText": "#1a1a1a",
    "Base": "#ffffff",
    "AlternateBase": "#f5f5f5",
    "Text": "#1a1a1a",
    "Button": "#efefef",
    "ButtonText": "#1a1a1a",
    "ToolTipBase": "#ffffdc",
    "ToolTipText": "#1a1a1a",
    "PlaceholderText": "#767676",
    "Highlight": "#3072c4",
    "HighlightedText": "#ffffff",
    "Link": "#1a5fb4",
}


def _palette(colors: dict[str, str]) -> QPalette:
    p = QPalette()
    roles = QPalette.ColorRole
    for name, color in colors.items():
        if name != "disabled":
            p.setColor(getattr(roles, name), QColor(color))
    if "disabled" in colors:
        for role in (roles.Text, roles.ButtonText, roles.WindowText):
            p.setColor(QPalette.ColorGroup.Disabled, role, QColor(colors["disabled"]))
    return p


def apply_theme(theme: str) -> None:
    """Light or dark for the whole app; "system" follows the desktop's color scheme.

    The color scheme hint (Qt 6.8+) tells native styles and dialogs; the palette
    makes it hold on platforms whose theme ignores the hint.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    hints = QGuiApplication.styleHints()
    scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}
    hints.setColorScheme(scheme.get(theme, Qt.ColorScheme.Unknown))
    if theme == "dark":
        app.setPalette(_palette(_DARK))
    elif theme == "light":
        app.setPalette(_palette(_LIGHT))
    else:
        follow_scheme(hints.colorScheme())


def follow_scheme(scheme: Qt.ColorScheme) -> None:
    """The palette of "follow the system" for the desktop's color scheme ``scheme``."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        dark = scheme == Qt.ColorScheme.Dark
        app.setPalette(_palette(_DARK) if dark else app.style().standardPalette())


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def writing_font(family: str, size: int) -> QFont:
    """The font for the composer and the conversation; an unknown family is the default."""
    font = QFont(QGuiApplication.font())
    if family:
        if family in QFontDatabase.families():
            font.setFamily(family)
        else:
            log.warning("font %r is not installed; using the default font", family)
    if size in FONT_SIZES:
        font.setPointSize(size)
    return font
