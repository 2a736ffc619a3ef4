"""View > Theme and View > Writing font: apply at once, kept between launches.

"Follow the system" also follows a change of the desktop's color scheme while
the app runs (``QStyleHints.colorSchemeChanged``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QFont, QGuiApplication
from PySide6.QtWidgets import QFontDialog, QMainWindow, QMenu, QPlainTextEdit, QWidget

from gpt2desk.ui.conversation.chat_view import ChatView
from gpt2desk.ui.translations import LANGUAGES
from gpt2desk.ui.window.appearance import (
    Appearance,
    apply_theme,
    follow_scheme,
    pref,
    set_pref,
    writing_font,
)


class AppearanceMenu(QObject):
    """The theme and writing-font entries of the View menu.

    Args:
        window: where messages and the font dialog show.
        menu: the View menu the entries go into.
        chat, composer: the widgets that take the writing font.
        redraw: draws the conversation again (turn backgrounds follow the theme).
        page: a draft's page, which takes the writing font too.
    """

    def __init__(
        self,
        window: QMainWindow,
        menu: QMenu,
        chat: ChatView,
        composer: QPlainTextEdit,
        redraw: Callable[[], None],
        page: QWidget | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.chat = chat
        self.composer = composer
        self.redraw = redraw
        self.page = page
        self.appearance = Appearance.load()
        names = {
            "system": self.tr("Follow the system"),
            "light": self.tr("Light"),
            "dark": self.tr("Dark"),
        }
        theme_menu = menu.addMenu(self.tr("Theme"))
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for theme, name in names.items():
            action = QAction(name, window)
            action.setCheckable(True)
            action.setChecked(theme == self.appearance.theme)
            action.triggered.connect(lambda _=False, t=theme: self.set_theme(t))
            self.theme_group.addAction(action)
            theme_menu.addAction(action)
            self.theme_actions[theme] = action
        self.font_action = QAction(self.tr("Writing font…"), window)
        self.font_action.triggered.connect(self.choose_font)
        menu.addAction(self.font_action)
        language_menu = menu.addMenu(self.tr("Language"))
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        chosen = str(pref("appearance/language"))
        # Each language is named in itself, so a user who cannot read the UI can find theirs.
        languages = {"system": self.tr("System language"), **LANGUAGES}
        for code, name in languages.items():
            action = QAction(name, window)
            action.setCheckable(True)
            action.setChecked(code == chosen)
            action.triggered.connect(lambda _=False, c=code: self.set_language(c))
            self.language_group.addAction(action)
            language_menu.addAction(action)
            self.language_actions[code] = action
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_scheme_changed)
        self.apply()

    def set_language(self, code: str) -> None:
        """Saves the UI language; it applies from the next start (every text is built once)."""
        set_pref("appearance/language", code)
        self.language_actions[code].setChecked(True)
        self.window.statusBar().showMessage(
            self.tr("The new language is used from the next start of gpt2desk."), 10_000
        )

    def apply(self) -> None:
        a = self.appearance
        apply_theme(a.theme)
        font = writing_font(a.font_family, a.font_size)
        reading = self.chat.reading_position()
        self.composer.setFont(font)
        self.chat.setFont(font)
        if self.page is not None:
            self.page.setFont(font)
        self._redraw()
        self.chat.keep_reading_position(reading)

    def _redraw(self) -> None:
        if not self.chat.streaming():
            self.redraw()

    def _on_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        """The desktop switched between light and dark (also emitted for our own hint)."""
        # The saved choice, not this menu's copy: every window hears the signal.
        if Appearance.load().theme == "system":
            follow_scheme(scheme)
            if self.window.isVisible():
                self._redraw()

    def set_theme(self, theme: str) -> None:
        self.appearance = Appearance(theme, self.appearance.font_family, self.appearance.font_size)
        self.appearance.save()
        self.theme_actions[theme].setChecked(True)
        self.apply()

    def set_font(self, family: str, size: int) -> None:
        self.appearance = Appearance(self.appearance.theme, family, size)
        self.appearance.save()
        self.apply()

    def choose_font(self) -> None:
        ok, font = QFontDialog.getFont(self.composer.font(), self.window)
        if ok and isinstance(font, QFont):
            self.set_font(font.family(), font.pointSize())
