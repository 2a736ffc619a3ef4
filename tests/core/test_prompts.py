"""Prompt building: continue uses the draft as typed; chat renders a transcript."""

from __future__ import annotations

import pytest

from gpt2desk.core.settings import SettingsError
from gpt2desk.core.writing.prompts import ChatTemplate, Mode, build_prompt


def test_continue_mode_uses_the_draft_verbatim() -> None:
    draft = "  Dear diary,\n\nToday I   "
    assert build_prompt(Mode.CONTINUE, draft, [("user", "ignored")]) == (draft, ())


def test_chat_transcript_ends_with_the_assistant_name() -> None:
    history = [("user", "hi"), ("assistant", "hello")]
    prompt, stops = build_prompt(Mode.CHAT, "how are you?", history)
    assert prompt == "User: hi\nAssistant: hello\nUser: how are you?\nAssistant:"
    assert stops == ("\nUser:",)


def test_chat_with_custom_names() -> None:
    template = ChatTemplate(user_name="Ana", assistant_name="Desk")
    prompt, stops = build_prompt(Mode("chat"), " Hola \n", (), template)
    assert prompt == "Ana: Hola\nDesk:"
    assert stops == ("\nAna:",) == template.stop_strings()


def test_multiline_messages_keep_their_lines() -> None:
    prompt = ChatTemplate().render([("assistant", " Roses are red,\nviolets blue.\n")], "More")
    assert prompt == "Assistant: Roses are red,\nviolets blue.\nUser: More\nAssistant:"


def test_unknown_role_is_a_bug() -> None:
    with pytest.raises(ValueError, match="system"):
        ChatTemplate().render([("system", "be nice")], "hi")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"user_name": ""}, "user_name"),
        ({"user_name": "  "}, "user_name"),
        ({"user_name": "Us\ner"}, "user_name"),
        ({"assistant_name": ""}, "assistant_name"),
        ({"assistant_name": "Bot\r"}, "assistant_name"),
    ],
)
def test_invalid_names_are_refused(kwargs: dict[str, str], field: str) -> None:
    template = ChatTemplate(**kwargs)
    with pytest.raises(SettingsError) as info:
        template.validate()
    assert info.value.field == field
    with pytest.raises(SettingsError):
        build_prompt(Mode.CHAT, "hi", (), template)
