"""Sentences for the user, translatable without Qt (nothing in core imports PySide6).

Core code marks every sentence a user can see with ``QT_TRANSLATE_NOOP(context,
text)``: pyside6-lupdate finds calls by that name, so ``make translations``
puts the text into the ``.ts`` files like any ``tr()`` string. The text is an
English template with ``{name}`` fields; a :class:`Message` keeps it with its
values, and an error class built on :class:`UserError` carries one.

``str(message)`` fills the values into the template, translated by the
function the UI installs with :func:`set_translator` (Qt's
``QCoreApplication.translate``). With none (the CLI, scripts, core tests) it
is the English template. Values are shown as they are: a name, a path, a
number, a nested Message (translated too), or the text of another library's
exception, which stays a detail after the translated sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: ``translate(context, text) -> text in the UI's language``; thread-safe in Qt.
Translate = Callable[[str, str], str]
_translator: list[Translate | None] = [None]


@dataclass(frozen=True)
class Template:
    """An English sentence with ``{name}`` fields, and the context lupdate files it under."""

    context: str
    text: str


def QT_TRANSLATE_NOOP(context: str, text: str) -> Template:
    """Marks ``text`` for translation in ``context`` (lupdate looks for this name)."""
    return Template(context, text)


def set_translator(translate: Translate | None) -> None:
    """Installs the function that translates templates (None: English)."""
    _translator[0] = translate


class Message:
    """A template and the values of its fields; ``str()`` is the sentence in the UI's language.

    A plain ``str`` instead of a template is shown as it is (text that is
    already in the user's language, or not ours to translate).
    """

    __slots__ = ("template", "values")

    def __init__(self, template: Template | str, /, **values: object) -> None:
        self.template = template
        self.values = values

    def render(self, translate: Translate | None) -> str:
        if isinstance(self.template, str):
            return self.template
        english = self.template.text
        text = translate(self.template.context, english) if translate else english
        values = {
            k: v.render(translate) if isinstance(v, Message) else v for k, v in self.values.items()
        }
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            # A translation whose fields do not match the template: better English than nothing.
            log.warning("bad translation of %r: %r", english, text)
            return english.format(**values)

    def english(self) -> str:
        return self.render(None)

    def __str__(self) -> str:
        return self.render(_translator[0])

    def __repr__(self) -> str:
        return f"Message({self.english()!r})"


class UserError(Exception):
    """An error a user can act on; ``str()`` is its message in the UI's language.

    Raise it with a template and the values of its fields, a ready
    :class:`Message`, or plain text. ``args`` hold the English text.
    """

    def __init__(self, template: Template | Message | str, /, **values: object) -> None:
        message = template if isinstance(template, Message) else Message(template, **values)
        super().__init__(message.english())
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
