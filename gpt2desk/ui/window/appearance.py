"""Theme (light, dark, follow the system) and the writing font, kept in the preferences."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from string import Template
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from gpt2desk.assets import resource_path
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


# Role name -> color; "disabled" colors the text roles of disabled controls.
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
    "BrightText": "#c01c28",
    # About 2.6:1 on the buttons: readable, and clearly not the 15:1 of enabled text.
    "disabled": "#9a9a9a",
}
# The scroll bars' colors (resources/theme.qss): the handle stands out from its groove.
_SCROLL_BARS = {
    "light": {"groove": "#e8e8e8", "handle": "#a3a3a3", "hover": "#7f7f7f"},
    "dark": {"groove": "#262626", "handle": "#6b6b6b", "hover": "#8a8a8a"},
}
_DISABLED_TEXT = ("Text", "ButtonText", "WindowText", "HighlightedText", "PlaceholderText")


def _palette(colors: dict[str, str]) -> QPalette:
    """A palette with every role and group set from ``colors``.

    It starts from the two base colors, never from ``QPalette()``: that copies
    the application's palette, so a role left unset (the disabled text colors,
    Mid, Dark) kept the colors of the theme chosen before (Light after Dark
    drew disabled buttons like enabled ones).
    """
    p = QPalette(QColor(colors["Button"]), QColor(colors["Window"]))
    roles = QPalette.ColorRole
    for name, color in colors.items():
        if name != "disabled":
            p.setColor(getattr(roles, name), QColor(color))  # every group
    for name in _DISABLED_TEXT:
        p.setColor(QPalette.ColorGroup.Disabled, getattr(roles, name), QColor(colors["disabled"]))
    return p


@functools.cache
def _scroll_bar_template() -> Template | None:
    path = resource_path("theme.qss")
    try:
        return Template(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read %s (%s); scroll bars keep the style's colors", path, exc)
        return None


def _style_sheet(theme: str) -> str:
    """The application's style sheet: scroll bars for Light and Dark, nothing otherwise."""
    template = _scroll_bar_template()
    colors = _SCROLL_BARS.get(theme)
    if template is None or colors is None:
        return ""
    return template.safe_substitute(colors)


def _set_style_sheet(app: QApplication, sheet: str) -> None:
    # Setting it again polishes every widget anew: only when it changes.
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)


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
    if theme in ("light", "dark"):
        app.setPalette(_palette(_DARK if theme == "dark" else _LIGHT))
        _set_style_sheet(app, _style_sheet(theme))
    else:
        follow_scheme(hints.colorScheme())


def follow_scheme(scheme: Qt.ColorScheme) -> None:
    """The palette of "follow the system" for the desktop's color scheme ``scheme``."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        dark = scheme == Qt.ColorScheme.Dark
        app.setPalette(_palette(_DARK) if dark else app.style().standardPalette())
        # The desktop's light look is the style's own; our dark palette gets our scroll bars.
        _set_style_sheet(app, _style_sheet("dark" if dark else "system"))


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
