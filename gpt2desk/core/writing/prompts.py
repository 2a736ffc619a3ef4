"""Prompt building for the two modes: continue a draft, or chat as a transcript.

GPT-2 is not instruction-tuned, so chat is a plain-text transcript that ends
with the assistant's name; the model writes the reply and a stop string cuts
it off when it starts the user's next turn.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message
from gpt2desk.core.settings import SettingsError

ROLES = ("user", "assistant")


class Mode(enum.Enum):
    """What the prompt is: a draft to continue, or a chat message to answer."""

    CONTINUE = "continue"
    CHAT = "chat"


@dataclass(frozen=True)
class ChatTemplate:
    """Speaker names of the chat transcript.

    A turn renders as ``"{name}: {text}\\n"``; the prompt ends with
    ``"{assistant_name}:"``, so the reply usually starts with a space.

    Attributes:
        user_name: Name shown before the user's turns.
        assistant_name: Name shown before the model's turns.
    """

    user_name: str = "User"
    assistant_name: str = "Assistant"

    def validate(self) -> None:
        """Check both names.

        Raises:
            SettingsError: If a name is blank or holds a line break (field
                ``"user_name"`` or ``"assistant_name"``).
        """
        for field, label, name in (
            ("user_name", QT_TRANSLATE_NOOP("Settings", "User name"), self.user_name),
            (
                "assistant_name",
                QT_TRANSLATE_NOOP("Settings", "Assistant name"),
                self.assistant_name,
            ),
        ):
            if not name.strip():
                rule = QT_TRANSLATE_NOOP("Settings", "{field} cannot be empty.")
                raise SettingsError(field, rule, field=Message(label))
            if "\n" in name or "\r" in name:
                rule = QT_TRANSLATE_NOOP("Settings", "{field} must fit on one line; got {value}.")
                raise SettingsError(field, rule, field=Message(label), value=repr(name))

    def render(self, history: Sequence[tuple[str, str]], user_text: str) -> str:
        """Render past turns plus the new user message as a transcript prompt.

        Args:
            history: ``(role, text)`` pairs, role ``"user"`` or ``"assistant"``.
            user_text: The message to answer.

        Returns:
            E.g. ``"User: hi\\nAssistant: hello\\nUser: how are you?\\nAssistant:"``.

        Raises:
            ValueError: If a role is not ``"user"`` or ``"assistant"``.
        """
        names = {"user": self.user_name, "assistant": self.assistant_name}
        parts = []
        for role, text in history:
            if role not in names:
                raise ValueError(f"unknown chat role {role!r}; expected one of {ROLES}")
            parts.append(self._turn(names[role], text))
        parts.append(self._turn(self.user_name, user_text))
        parts.append(f"{self.assistant_name}:")
        return "".join(parts)

    def stop_strings(self) -> tuple[str, ...]:
        """Strings that mean the model has started the user's next turn."""
        return (f"\n{self.user_name}:",)

    @staticmethod
    def _turn(name: str, text: str) -> str:
        text = text.strip()
        return f"{name}: {text}\n" if text else f"{name}:\n"


# Scripts written without spaces between words: CJK ideographs, kana, CJK and
# fullwidth punctuation, Thai, Lao, Myanmar, Khmer (Hangul uses spaces).
_NO_SPACE_SCRIPTS = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3000, 0x30FF),  # CJK symbols and punctuation, Hiragana, Katakana
    (0x3100, 0x31FF),  # Bopomofo, kana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # fullwidth and halfwidth forms
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)
# A writer types these straight after the word before them...
_CLOSING = set(".,;:!?)]}…\u2019”»%")  # \u2019: right single quote
# ...and the next word straight after these (\u2018 left single quote, em and en dash).
_OPENING = set("([{\u2018“«¿¡\u2014\u2013-/")
_QUOTES = "\"'"


def _no_space_script(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _NO_SPACE_SCRIPTS)


def writer_separator(before: str, after: str) -> str:
    """What goes between a draft's text so far and the writer's next piece of it.

    A space, as a writer typing on would put one: not when either side is
    empty or already has whitespace there, not when either side is in a
    script written without spaces (Chinese, Japanese, Thai...), not before
    closing punctuation (``", she said"``) or after an opening bracket,
    dash or quote (a straight quote after a space or at the start opens).
    """
    if not before or not after:
        return ""
    last, first = before[-1], after[0]
    if last.isspace() or first.isspace():
        return ""
    if _no_space_script(last) or _no_space_script(first):
        return ""
    if first in _CLOSING or last in _OPENING:
        return ""
    if last in _QUOTES and (len(before) == 1 or before[-2].isspace()):
        return ""
    return " "


def join_draft(pieces: Iterable[tuple[str, str]]) -> str:
    """A draft's ``(role, text)`` pieces as one text: what the model reads and the writer sees.

    Model text (``"assistant"``) follows what came before verbatim: the
    model chose its own spacing. A writer's piece (``"user"``) after earlier
    text is separated from it by :func:`writer_separator`, so that new text
    is never glued to the previous continuation ("…BlendifierShe opened…").
    """
    text = ""
    for role, piece in pieces:
        if role == "user":
            text += writer_separator(text, piece)
        text += piece
    return text


def build_prompt(
    mode: Mode,
    draft_or_message: str,
    history: Sequence[tuple[str, str]] = (),
    template: ChatTemplate | None = None,
) -> tuple[str, tuple[str, ...]]:
    """Build the prompt text and the stop strings that the mode adds.

    Args:
        mode: ``Mode.CONTINUE`` uses the draft verbatim; ``Mode.CHAT`` renders
            the transcript with ``template``.
        draft_or_message: The draft (continue) or the new user message (chat).
        history: Past chat turns; ignored when continuing.
        template: Chat names; the default ``ChatTemplate()`` if None.

    Returns:
        ``(prompt, extra_stop_strings)``.

    Raises:
        SettingsError: If the chat template is invalid.
    """
    if Mode(mode) is Mode.CONTINUE:
        return draft_or_message, ()
    template = template or ChatTemplate()
    template.validate()
    return template.render(history, draft_or_message), template.stop_strings()
