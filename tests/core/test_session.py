"""The writing session without Qt: conversations, per-conversation undo, replies, saving.

A real Writer thread on a temp-file SQLite database; time is a counter.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gpt2desk.core.store.database import Store
from gpt2desk.core.store.writer import Writer
from gpt2desk.core.writing.session import Event, Session
from gpt2desk.core.writing.turns import Conversation, Turn


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


class Recorder:
    """What the session told its owner, and its requests for a save."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.saves = 0

    def event(self, event: Event) -> None:
        self.events.append(event)

    def schedule(self) -> None:
        self.saves += 1


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


def _open(folder: Path, rec: Recorder | None = None) -> Session:
    rec = rec or Recorder()
    return Session(Writer(folder), clock=Clock(), on_event=rec.event, schedule_save=rec.schedule)


@pytest.fixture
def session(folder: Path, rec: Recorder) -> Iterator[Session]:
    s = _open(folder, rec)
    yield s
    s.close()


def _saved(folder: Path, conversation_id: str) -> dict[str, Any] | None:
    store = Store.open(folder)
    try:
        return store.load_conversation(conversation_id)
    finally:
        store.close()


def _texts(conv: Conversation) -> list[str]:
    return [t.text for t in conv.path()]


def _exchange(session: Session, text: str, reply: str) -> Conversation:
    """A user turn and a finished model reply in the shown conversation."""
    user = session.add_message(text, "chat", "gpt2")
    conv = session.current
    assert conv is not None
    session.start_reply(conv, user, None, model="gpt2", settings={"seed": 1})
    session.stream(reply)
    session.finish_reply({"reason": "length", "seed": 1, "new_tokens": 3})
    return conv


def test_a_conversation_keeps_its_kind_whatever_a_message_asks(session: Session) -> None:
    chat = session.new_conversation("chat", "gpt2")
    session.add_message("one", "draft", "gpt2")
    assert chat.kind == "chat"
    draft = session.new_conversation("draft", "gpt2")
    session.add_message("two", "chat", "gpt2")
    assert draft.kind == "draft"
    assert [c["kind"] for c in session.summaries] == ["draft", "chat"]


def test_a_reply_streams_into_its_turn_and_is_saved_with_its_provenance(
    session: Session, folder: Path
) -> None:
    conv = _exchange(session, "hello", "world")
    assert _texts(conv) == ["hello", "world"]
    assert session.reply is None
    session.writer.flush()
    saved = _saved(folder, conv.id)
    assert saved is not None
    turns = {t["text"]: t for t in saved["turns"]}
    assert turns["world"]["status"] == "done"
    assert turns["world"]["passages"][0]["seed"] == 1
    assert turns["world"]["passages"][0]["created"] > 1_700_000_000.0
    assert saved["title"] == "hello"


def test_undo_is_per_conversation(session: Session) -> None:
    first = _exchange(session, "hello", "world")
    assert first.last() is not None
    session.rename(first.id, "Mine")
    assert session.undo_label() == "Rename"
    second = session.new_conversation("chat", "gpt2")
    assert not session.can_undo() and session.undo_label() == ""
    assert session.undo() == ""
    assert session.current is second and first.title == "Mine"
    session.select(first.id)
    assert session.undo() == "Rename"
    assert first.title == "hello" and session.current is first
    assert session.redo_label() == "Rename"


def test_undo_delete_brings_it_back_until_something_else_is_done(
    session: Session, folder: Path
) -> None:
    first = _exchange(session, "keep me", "please")
    other = session.new_conversation("draft", "gpt2")
    session.rename(other.id, "Other")
    session.delete(first.id)
    assert session.undo_label() == "Delete"
    assert session.undo() == "Delete"
    assert session.current is not None and session.current.id == first.id
    assert _texts(session.current) == ["keep me", "please"]
    assert session.redo() == "Delete"
    assert [c["id"] for c in session.summaries] == [other.id]
    assert session.current is other
    session.rename(other.id, "Other again")  # something else: Undo is Other's again
    assert session.undo_label() == "Rename"
    assert session.undo_delete(first.id)  # the status bar's button still works
    session.writer.flush()
    assert _saved(folder, first.id) is not None


def test_empty_untitled_conversations_do_not_pile_up(session: Session, folder: Path) -> None:
    first = session.new_conversation("chat", "gpt2")
    again = session.new_conversation("draft", "gpt2")
    assert again is first and first.kind == "draft"
    assert len(session.summaries) == 1
    _exchange(session, "something", "said")
    blank = session.new_conversation("chat", "gpt2")
    assert blank is not first and len(session.summaries) == 2
    session.select(first.id)  # leaving the empty one drops it
    assert [c["id"] for c in session.summaries] == [first.id]
    session.writer.flush()
    assert _saved(folder, blank.id) is None
    # Typed text is not nothing: that one stays.
    typed = session.new_conversation("chat", "gpt2", composer="a thought")
    session.select(first.id)
    assert typed.id in [c["id"] for c in session.summaries]


def test_clear_removes_the_turns_and_undo_brings_them_back(session: Session, folder: Path) -> None:
    conv = _exchange(session, "hello", "world")
    session.clear()
    assert conv.turns == {} and conv.title == "Untitled"
    assert session.current is conv and len(session.summaries) == 1
    session.writer.flush()
    saved = _saved(folder, conv.id)
    assert saved is not None and saved["turns"] == []
    # Cleared, it still has something to undo: not dropped when left.
    session.new_conversation("chat", "gpt2")
    session.select(conv.id)
    assert session.undo() == "Clear"
    assert _texts(conv) == ["hello", "world"]
    session.writer.flush()
    saved = _saved(folder, conv.id)
    assert saved is not None and {t["text"] for t in saved["turns"]} == {"hello", "world"}


def test_regenerate_undo_redo_removes_and_restores_only_the_new_version(
    session: Session, folder: Path
) -> None:
    conv = _exchange(session, "hello", "world")
    user = conv.path()[0]
    session.start_reply(conv, user, None, model="gpt2", settings={}, label="Regenerate")
    session.stream("again")
    session.finish_reply({"reason": "eos"})
    assert _texts(conv) == ["hello", "again"] and len(conv.siblings(conv.path()[1].id)) == 2
    assert session.undo() == "Regenerate"
    assert _texts(conv) == ["hello", "world"] and len(conv.turns) == 2
    session.writer.flush()
    saved = _saved(folder, conv.id)
    assert saved is not None
    assert sorted(t["text"] for t in saved["turns"]) == ["hello", "world"]
    assert session.redo() == "Regenerate"
    assert _texts(conv) == ["hello", "again"]
    session.close()
    reopened = _open(folder)
    try:
        assert reopened.current is not None and _texts(reopened.current) == ["hello", "again"]
    finally:
        reopened.close()


def test_edit_and_answer_is_one_change_that_ends_with_the_answer(session: Session) -> None:
    conv = _exchange(session, "hello", "world")
    edited = session.edit(conv.path()[0].id, "HELLO")
    assert edited is not None
    new, change = edited
    session.start_reply(conv, new, None, model="gpt2", settings={}, saved=(new,), answers=change)
    session.stream("answer")
    session.finish_reply({"reason": "eos"})
    assert _texts(conv) == ["HELLO", "answer"]
    assert session.undo() == "Edit"
    assert _texts(conv) == ["hello", "world"]
    assert session.redo() == "Edit"
    assert _texts(conv) == ["HELLO", "answer"]
    assert session.undo_label() == "Edit"  # the answer is part of the edit


def test_an_edit_copies_and_writes_only_the_turns_it_touches(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    conv = session.new_conversation("chat", "gpt2")
    parent = None
    for i in range(200):
        turn = conv.add_turn(parent, "user" if i % 2 == 0 else "assistant", f"turn {i} " * 50)
        parent = turn.id
    session.add_turns(conv, *conv.turns.values())
    copies = {"conversation": 0, "turn": 0}
    whole, one = Conversation.to_dict, Turn.to_dict

    def count_whole(self: Conversation) -> dict[str, Any]:
        copies["conversation"] += 1
        return whole(self)

    def count_turn(self: Turn) -> dict[str, Any]:
        copies["turn"] += 1
        return one(self)

    monkeypatch.setattr(Conversation, "to_dict", count_whole)
    monkeypatch.setattr(Turn, "to_dict", count_turn)
    rows_before = session.writer.call(lambda s: s.conn.total_changes)
    edited = session.edit(conv.path()[-1].id, "a new last turn")
    rows_after = session.writer.call(lambda s: s.conn.total_changes)
    assert edited is not None
    assert copies["conversation"] == 0 and copies["turn"] <= 4
    before = edited[1].before
    assert before is not None and len(before["turns"]) == 2  # the parent, the new turn
    # The conversation's row, the parent's choice, the new turn: nothing else is written.
    assert rows_after - rows_before == 3


def test_composer_and_scroll_wait_for_the_owners_flush(
    session: Session, rec: Recorder, folder: Path
) -> None:
    conv = session.new_conversation("draft", "gpt2")
    text = ["typed"]
    session.set_composer_source(lambda: text[0])
    session.composer_touched()
    session.scroll_touched(120)
    assert rec.saves == 2
    session.writer.flush()
    saved = _saved(folder, conv.id)
    assert saved is not None and saved["composer"] == "" and saved["scroll"] == 0
    session.flush_pending()
    session.writer.flush()
    saved = _saved(folder, conv.id)
    assert saved is not None and saved["composer"] == "typed" and saved["scroll"] == 120


def test_events_tell_the_owner_what_changed(session: Session, rec: Recorder) -> None:
    rec.events.clear()
    conv = session.new_conversation("chat", "gpt2")
    assert {Event.LIST, Event.CURRENT} <= set(rec.events)
    rec.events.clear()
    session.rename(conv.id, "Named")
    assert Event.UNDO in rec.events and Event.LIST in rec.events
