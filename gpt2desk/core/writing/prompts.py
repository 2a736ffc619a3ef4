"""Prompt building for the two modes: continue a draft, or chat as a transcript.

GPT-2 is not instruction-tuned, so chat is a plain-text transcript that ends
with the assistant's name; the model writes the reply and a stop string cuts
it off when it starts the user's next turn.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
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
