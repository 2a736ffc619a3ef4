"""Tab autocomplete in drafts: three short continuations at the cursor.

Tab in the composer (in a draft) asks the worker for three suggestions of a
few words, each with its own seed; they fill a popup as they stream. Up and
Down choose, Enter inserts the chosen one at the cursor as one undo step, Esc
dismisses. Any other key, a click or a move of the cursor stops the request at
once and goes on as usual. The composer keeps the keyboard focus throughout.

In a chat, Tab types a tab as before. Shift+Tab and Ctrl+Tab leave the
composer (backwards, forwards) in both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QMainWindow, QPlainTextEdit

from gpt2desk.core.settings import SettingsError
from gpt2desk.core.writing.prompts import Mode
from gpt2desk.core.writing.turns import Conversation
from gpt2desk.ui.announcer import Announcer
from gpt2desk.ui.composer.settings_panel import SettingsPanel
from gpt2desk.ui.composer.suggestion_popup import SuggestionPopup
from gpt2desk.ui.generation.controller import GenerationController

COUNT = 3
# Tokens per suggestion: "a few words".
MAX_TOKENS = 8
MESSAGE_MS = 8000
_PLACEHOLDER = "…"
_POPUP_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Tab, Qt.Key.Key_Return}
_POPUP_KEYS |= {Qt.Key.Key_Enter, Qt.Key.Key_Escape}
_MODIFIERS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta}
_MODIFIERS |= {Qt.Key.Key_AltGr, Qt.Key.Key_CapsLock}


def utf16_prefix(text: str, position: int) -> str:
    """``text`` up to a Qt cursor position (counted in UTF-16 units, as Qt does)."""
    data = text.encode("utf-16-le", "surrogatepass")[: 2 * position]
    return data.decode("utf-16-le", "surrogatepass")


class Autocomplete(QObject):
    """The "Suggest continuation" action (Tab) and its popup, for ``composer``.

    Args:
        window: holds the popup; its status bar says why there are no suggestions.
        composer: where Tab asks and the chosen suggestion goes.
        settings_panel: the sampling settings the suggestions use.
        generation: the model (suggestions are asked of its worker).
        current_conversation: the conversation shown (None before the first).

    Attributes:
        max_tokens: tokens per suggestion at most.
        action: "Suggest continuation" (Tab), for a menu.
    """

    def __init__(
        self,
        window: QMainWindow,
        composer: QPlainTextEdit,
        settings_panel: SettingsPanel,
        generation: GenerationController,
        current_conversation: Callable[[], Conversation | None],
    ) -> None:
        super().__init__(window)
        self.w = window
        self.composer = composer
        self.settings_panel = settings_panel
        self.generation = generation
        self._conversation = current_conversation
        self.max_tokens = MAX_TOKENS
        self.popup = SuggestionPopup(window)
        self.popup.chosen.connect(self.insert)
        # Screen readers hear each finished suggestion and each choice, as a sentence.
        self.announcer = Announcer(self.popup)
        self.action = QAction(self.tr("Suggest continuation"), window)
        self.action.setShortcut(QKeySequence("Tab"))
        # Only in the composer: Tab moves the focus everywhere else.
        self.action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.action.setToolTip(
            self.tr("Three short continuations at the cursor, in drafts (Tab in the composer)")
        )
        self.action.triggered.connect(self.start)
        self.composer.addAction(self.action)
        self._request_id = 0
        self._texts: list[str] = []
        self._done: list[bool] = []
        self._position = 0
        self._after_space = True
        self.composer.installEventFilter(self)
        self.composer.cursorPositionChanged.connect(self.cancel)
        self.composer.textChanged.connect(self.cancel)
        self.composer.verticalScrollBar().valueChanged.connect(self._reposition)
        worker = generation.host.worker
        worker.suggestion_generated.connect(self._on_piece)
        worker.suggestion_finished.connect(self._on_done)
        worker.generation_failed.connect(self._on_failed)

    # -- asking and ending ---------------------------------------------------------

    def is_draft(self) -> bool:
        """Whether the composer's text is a draft (the conversation's kind, else the mode)."""
        conv = self._conversation()
        if conv is not None:
            return bool(conv.kind != "chat")
        return self.settings_panel.current_mode() is Mode.CONTINUE

    def active(self) -> bool:
        """Whether the popup is shown."""
        return self.popup.isVisible()

    def rows(self) -> list[str]:
        """What the popup's rows show."""
        return self.popup.rows()

    @Slot()
    def start(self) -> None:
        """Asks for suggestions at the cursor, or says in the status bar why not."""
        self.cancel()
        model = self.generation
        if not self.is_draft():
            self._say(self.tr("Suggestions are for drafts; in a chat, Tab types a tab."))
            return
        if model.busy:
            self._say(self.tr("The model is writing; ask for suggestions once it is done."))
            return
        if not model.can_generate():
            self._say(self.tr("No model is ready for suggestions yet.") + " " + model.status_text)
            return
        try:
            settings = self.settings_panel.settings()
        except SettingsError as exc:
            self._say(self.settings_panel.error_text(exc))
            return
        self.composer.setFocus()
        cursor = self.composer.textCursor()
        self._position = cursor.position()
        before = utf16_prefix(self.composer.toPlainText(), self._position)
        conv = self._conversation()
        prompt = conv.next_prompt(before, Mode.CONTINUE)[0] if conv is not None else before
        self._after_space = not before or before[-1].isspace()
        self._texts, self._done = [""] * COUNT, [False] * COUNT
        self._request_id = model.host.suggest(prompt, settings.to_dict(), COUNT, self.max_tokens)
        self.popup.begin(COUNT, _PLACEHOLDER)
        self._reposition()

    @Slot()
    def cancel(self) -> None:
        """Stops the request (the model is free before its next token) and hides the popup."""
        if self._request_id:
            self.generation.host.cancel(self._request_id)
            self._request_id = 0
        self.popup.hide()

    @Slot(int)
    def insert(self, index: int) -> None:
        """Inserts suggestion ``index`` at the cursor, as one undo step; the draft saves it.

        A suggestion still being written is inserted as far as it got.
        """
        if not 0 <= index < len(self._texts) or not self._request_id:
            return
        text = self._texts[index]
        if not text and not self._done[index]:
            return  # nothing arrived yet: the popup stays
        self.cancel()
        if self._after_space:
            text = text.lstrip(" ")
        if not text:
            return
        cursor = QTextCursor(self.composer.document())
        cursor.setPosition(self._position)
        cursor.beginEditBlock()  # never merged with the typing before it
        cursor.insertText(text)
        cursor.endEditBlock()
        self.composer.setTextCursor(cursor)

    # -- keys ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            assert isinstance(event, QKeyEvent)
            return self._key(event, kind == QEvent.Type.KeyPress)
        if kind in (QEvent.Type.FocusOut, QEvent.Type.InputMethod):
            self.cancel()  # a click elsewhere; typing through an input method (Chinese)
        elif kind == QEvent.Type.Resize:
            self._reposition()
        return False

    def _key(self, event: QKeyEvent, press: bool) -> bool:
        """True when the key is the popup's (or Tab's); a ShortcutOverride is then accepted.

        Accepting the override keeps Esc from the window's Stop action, and
        makes Tab arrive here as a key press rather than as a shortcut.
        """
        key = Qt.Key(event.key())
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain = mods == Qt.KeyboardModifier.NoModifier
        if self.active():
            if plain and key in _POPUP_KEYS:
                if press:
                    self._popup_key(key)
                event.accept()
                return True
            if key not in _MODIFIERS:
                self.cancel()  # typing, Backspace, a shortcut: it goes on as usual
            return False
        if plain and key == Qt.Key.Key_Tab and self.is_draft():
            if press:
                self.action.trigger()
            event.accept()
            return True
        if press and key == Qt.Key.Key_Tab and mods == Qt.KeyboardModifier.ControlModifier:
            self.w.focusNextChild()  # a text edit keeps Ctrl+Tab otherwise
            return True
        return False

    def _popup_key(self, key: Qt.Key) -> None:
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Tab):
            row = self.popup.select_step(-1 if key == Qt.Key.Key_Up else 1)
            self._announce(row)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.insert(self.popup.currentRow())
        else:
            self.cancel()

    # -- the worker's answers ----------------------------------------------------------

    @Slot(int, int, str)
    def _on_piece(self, request_id: int, index: int, text: str) -> None:
        if request_id == self._request_id and 0 <= index < COUNT:
            self._texts[index] += text
            self.popup.set_row(index, self._shown(index))

    @Slot(int, int, dict)
    def _on_done(self, request_id: int, index: int, info: dict[str, Any]) -> None:
        if request_id != self._request_id or not 0 <= index < COUNT:
            return
        self._texts[index] = str(info["text"])
        self._done[index] = True
        self.popup.set_row(index, self._shown(index))
        self._announce(index)

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self._request_id:
            self.cancel()
            self._say(message)

    # -- showing -------------------------------------------------------------------------

    def _shown(self, index: int) -> str:
        text = self._texts[index].replace("\n", "⏎")
        text = text.lstrip(" ") if self._after_space else text
        if not self._done[index]:
            return f"{text} {_PLACEHOLDER}" if text else _PLACEHOLDER
        return text or self.tr("(no words)")

    def _announce(self, index: int) -> None:
        if not self._done[index]:
            return
        text = self.tr("Suggestion {n} of {count}: {text}").format(
            n=index + 1, count=COUNT, text=self._shown(index)
        )
        self.announcer.feed(text)
        self.announcer.finish()

    def _say(self, message: str) -> None:
        self.w.statusBar().showMessage(message, MESSAGE_MS)
        self.announcer.feed(message)
        self.announcer.finish()

    def _reposition(self, _scrolled: int = 0) -> None:
        if not self._request_id and not self.popup.isVisible():
            return
        rect = self.composer.cursorRect()
        viewport = self.composer.viewport()
        top_left = viewport.mapTo(self.w, rect.topLeft())
        self.popup.place(QRect(top_left, rect.size()))
