"""A draft's pieces joined as a writer expects: the model reads what the writer sees."""

from __future__ import annotations

import pytest

from gpt2desk.core.writing.prompts import Mode, join_draft, writer_separator
from gpt2desk.core.writing.turns import Conversation, to_plain_text


def _draft(*pieces: tuple[str, str]) -> Conversation:
    conv = Conversation.new("draft", "gpt2")
    parent = None
    for role, text in pieces:
        parent = conv.add_turn(parent, role, text).id
    return conv


def test_new_writer_text_after_a_continuation_is_not_glued_to_it() -> None:
    conv = _draft(
        ("user", "The shop sold one thing: the"),
        ("assistant", " Blendifier"),
        ("user", "She opened the door."),
    )
    text = "The shop sold one thing: the Blendifier She opened the door."
    last = conv.path()[-1]
    assert conv.prompt(last, Mode.CONTINUE) == (text, ())
    assert to_plain_text(conv) == text
    # Sending more now, and the context meter and Tab suggestions that ask "what if".
    assert conv.next_prompt("Then", Mode.CONTINUE) == (text + " Then", ())


def test_model_text_is_never_changed_and_continuing_it_adds_nothing() -> None:
    conv = _draft(("user", "Once upon a"), ("assistant", "time"))
    # The model chose to glue its own tokens: that is what it wrote and what is shown.
    assert conv.prompt(conv.path()[-1], Mode.CONTINUE)[0] == "Once upon atime"


@pytest.mark.parametrize(
    ("before", "after", "joined"),
    [
        ("a Blendifier", "She opened", "a Blendifier She opened"),
        ("a Blendifier ", "She opened", "a Blendifier She opened"),
        ("a Blendifier\n", "She opened", "a Blendifier\nShe opened"),
        ("a Blendifier", "\n\nChapter 2", "a Blendifier\n\nChapter 2"),
        ("a Blendifier", ", she said.", "a Blendifier, she said."),
        ("a Blendifier", "… and more", "a Blendifier… and more"),
        ('he said "', "Hello", 'he said "Hello'),
        ('he said "Hi"', "and left", 'he said "Hi" and left'),
        ("it's", "'quoted' word", "it's 'quoted' word"),
        ("(see", ") and so", "(see) and so"),
        ("她打開了門", "外面下著雨。", "她打開了門外面下著雨。"),
        ("門開了。", "She ran.", "門開了。She ran."),
        ("She ran.", "外面下著雨。", "She ran.外面下著雨。"),
        ("ドアを開けた", "外は雨", "ドアを開けた外は雨"),
        ("문을 열었다.", "밖에는 비가", "문을 열었다. 밖에는 비가"),
        ("", "She opened", "She opened"),
    ],
)
def test_a_writer_piece_gets_a_space_only_where_a_writer_would_type_one(
    before: str, after: str, joined: str
) -> None:
    assert before + writer_separator(before, after) + after == joined
    pieces = [("user", before), ("assistant", ""), ("user", after)] if before else [("user", after)]
    assert join_draft(pieces) == joined


def test_a_draft_of_one_pasted_text_is_that_text_exactly() -> None:
    text = "  Dear diary,\n\nToday I   "
    conv = _draft(("user", text))
    assert conv.prompt(conv.path()[-1], Mode.CONTINUE)[0] == text
    assert to_plain_text(conv) == text
