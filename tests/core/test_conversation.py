"""The conversation tree: alternatives, branches, prompts, export and import."""

from __future__ import annotations

import json
from pathlib import Path

from gpt2desk.core.store.database import Store
from gpt2desk.core.writing.prompts import ChatTemplate, Mode
from gpt2desk.core.writing.transfer import read_export, store_new
from gpt2desk.core.writing.turns import (
    Change,
    Conversation,
    UndoStack,
    draft_from_text,
    export_all,
    to_markdown,
    to_plain_text,
)
from tests.core.test_store import NASTY


def _chat() -> Conversation:
    conv = Conversation.new("chat", "gpt2")
    u1 = conv.add_turn(None, "user", "hi there friend")
    a1 = conv.add_turn(u1.id, "assistant", " hello")
    u2 = conv.add_turn(a1.id, "user", "how are you?")
    conv.add_turn(u2.id, "assistant", " fine")
    return conv


def test_title_is_the_first_words_until_renamed() -> None:
    conv = _chat()
    assert conv.title == "hi there friend"
    conv.title, conv.title_set = "Mine", True
    conv.add_turn(None, "user", "other words")
    assert conv.title == "Mine"


def test_regenerated_replies_are_alternatives_and_the_chosen_one_is_built_on() -> None:
    conv = _chat()
    a1 = conv.path()[1]
    alt = conv.add_turn(a1.parent_id, "assistant", " hey")
    assert [t.text for t in conv.siblings(alt.id)] == [" hello", " hey"]
    # The new alternative has no later turns yet: the path ends with it.
    assert [t.text for t in conv.path()] == ["hi there friend", " hey"]
    conv.choose(a1.id)
    assert [t.text for t in conv.path()][-1] == " fine"
    prompt, stops = conv.prompt(conv.path()[2], Mode.CHAT, ChatTemplate())
    assert prompt == "User: hi there friend\nAssistant: hello\nUser: how are you?\nAssistant:"
    assert stops == ("\nUser:",)


def test_editing_a_turn_keeps_the_later_turns_as_a_branch() -> None:
    conv = _chat()
    first = conv.path()[0]
    edited = conv.add_turn(None, "user", "edited question")
    assert [t.text for t in conv.path()] == ["edited question"]
    conv.choose(first.id)
    assert len(conv.path()) == 4
    assert {t.id for t in conv.siblings(edited.id)} == {first.id, edited.id}


def test_continue_prompts_end_with_the_model_text() -> None:
    conv = _chat()
    last = conv.path()[-1]
    prompt, _ = conv.prompt(last, Mode.CHAT, ChatTemplate())
    assert prompt.endswith("User: how are you?\nAssistant: fine")
    draft = draft_from_text("Once upon a time", "story.md")
    more = draft.add_turn(draft.path()[0].id, "assistant", " there was")
    assert draft.prompt(more, Mode.CONTINUE)[0] == "Once upon a time there was"
    assert draft.title == "story.md"


def test_exports_show_the_text_verbatim() -> None:
    conv = Conversation.new("chat", "gpt2")
    u = conv.add_turn(None, "user", NASTY)
    conv.add_turn(u.id, "assistant", "# not a heading")
    md = to_markdown(conv)
    assert NASTY in md and "## gpt2\n\n# not a heading" in md
    assert NASTY in to_plain_text(conv)


def test_json_round_trip_through_a_database_loses_nothing(tmp_path: Path) -> None:
    conv = _chat()
    conv.composer = "unsent " + NASTY
    conv.add_turn(conv.path()[0].id, "assistant", NASTY)
    conv.turns[conv.path()[-1].id].passages = [{"start": 0, "end": 3, "seed": 5}]
    text = json.dumps(export_all([conv]))
    store = Store.open(tmp_path)
    saved, skipped = store_new(store, read_export(json.loads(text)))
    assert ([c.id for c in saved], skipped) == ([conv.id], 0)
    again = json.dumps(export_all(store.load_all()))
    assert json.loads(again) == json.loads(text)
    # A second import adds nothing: the conversation is already here.
    assert store_new(store, read_export(json.loads(text))) == ([], 1)
    assert len(store.list_conversations()) == 1


def test_an_imported_copy_whose_turn_ids_are_taken_gets_new_turn_ids(tmp_path: Path) -> None:
    conv = _chat()
    store = Store.open(tmp_path)
    store.save_conversation(conv.to_dict())
    doc = export_all([conv])
    doc["conversations"][0]["id"] = "another"  # the same turns under another conversation id
    saved, _ = store_new(store, read_export(doc))
    assert set(saved[0].turns).isdisjoint(conv.turns)
    assert [t.text for t in saved[0].path()] == [t.text for t in conv.path()]
    loaded = store.load_conversation(conv.id)
    assert loaded is not None and len(loaded["turns"]) == len(conv.turns)


def test_undo_and_redo_walk_the_changes() -> None:
    stack = UndoStack()
    stack.push(Change("Rename", "c", {"title": "a"}, {"title": "b"}))
    stack.push(Change("Delete", "c", {"title": "b"}, None))
    undone = stack.undo()
    assert undone is not None and undone.label == "Delete"
    assert stack.redo_label() == "Delete"
    assert stack.undo() is not None and stack.undo() is None
    redone = stack.redo()
    assert redone is not None and redone.after == {"title": "b"}
