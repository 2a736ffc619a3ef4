"""session.drafts: a draft's manuscript, saved through the real Writer thread to a temp SQLite file.

What a writer typed or the model streamed is in the database after the
session's flush (which the window's timer runs within 400 ms) and comes back
exactly in a new session on the same folder.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from gpt2desk.core.store.database import DB_NAME, Store
from gpt2desk.core.store.writer import Writer
from gpt2desk.core.writing.authorship import WRITER
from gpt2desk.core.writing.manuscript import Manuscript
from gpt2desk.core.writing.session import Event, Session
from gpt2desk.core.writing.turns import Conversation
from tests.core.test_session import Clock, Recorder

SETTINGS = {"temperature": 0.7}


def _open(folder: Path, rec: Recorder | None = None, *, read_only: bool = False) -> Session:
    rec = rec or Recorder()
    writer = Writer(folder, read_only=read_only)
    return Session(writer, clock=Clock(), on_event=rec.event, schedule_save=rec.schedule)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def session(folder: Path, rec: Recorder) -> Iterator[Session]:
    s = _open(folder, rec)
    yield s
    s.close()


def _type(session: Session, m: Manuscript, text: str, at: int | None = None) -> None:
    """Typing, as the editor reports it: one character at a time."""
    pos = len(m.text) if at is None else at
    for ch in text:
        m.edit(pos, pos, ch)
        pos += 1
        m.cursor = pos
        session.drafts.changed()


def _continue(session: Session, m: Manuscript, *tokens: str, finish: bool = True) -> str:
    cont = m.begin(len(m.text), "gpt2", SETTINGS, seed=7)
    session.drafts.changed()
    for token in tokens:
        m.stream(cont.id, token)
        session.drafts.changed()
    if finish:
        m.finish(cont.id, {"reason": "length", "seed": 7, "new_tokens": len(tokens)})
        session.drafts.changed()
    return cont.id


def _on_disk(folder: Path, cid: str) -> dict[str, object] | None:
    store = Store.open(folder)
    try:
        return store.load_manuscript(cid)
    finally:
        store.close()


def test_a_new_draft_has_an_empty_manuscript_and_chats_have_none(session: Session) -> None:
    chat = session.new_conversation("chat", "gpt2")
    chat.add_turn(None, "user", "hi")  # not blank: the draft below is a new conversation
    assert session.drafts.manuscript() is None
    draft = session.new_conversation("draft", "gpt2")
    m = session.drafts.manuscript()
    assert m is not None and m.text == "" and m.id == draft.id
    assert session.drafts.manuscript() is m
    assert session.drafts.manuscript(draft.id) is m
    assert session.drafts.manuscript(chat.id) is None
    assert session.drafts.manuscript("no such id") is None


def test_typed_text_is_saved_and_comes_back_with_its_cursor_and_scroll(
    folder: Path, rec: Recorder
) -> None:
    session = _open(folder, rec)
    draft = session.new_conversation("draft", "gpt2")
    m = session.drafts.manuscript()
    assert m is not None
    saves_before = rec.saves
    _type(session, m, "Rain on the roof \U0001f327 again")
    assert rec.saves > saves_before  # the window's save timer is asked for
    # The sidebar follows: the title is the first words, at once.
    assert draft.title == "Rain on the roof \U0001f327 again"
    assert session.summaries[0]["title"] == draft.title
    assert Event.LIST in rec.events
    m.cursor, m.scroll = 5, 120
    session.drafts.changed()
    session.flush_pending()  # returns at once: the writer thread saves
    session.writer.flush()
    saved = _on_disk(folder, draft.id)
    assert saved is not None and saved["text"] == m.text
    session.close()

    again = _open(folder)
    try:
        assert again.current is not None and again.current.id == draft.id
        assert again.current.title == "Rain on the roof \U0001f327 again"
        back = again.drafts.manuscript()
        assert back is not None
        assert back.text == "Rain on the roof \U0001f327 again"
        assert back.runs() == [(0, len(back.text), WRITER)]
        assert (back.cursor, back.scroll) == (5, 120)
    finally:
        again.close()


def test_streamed_text_alternatives_and_authorship_come_back(folder: Path) -> None:
    session = _open(folder)
    draft = session.new_conversation("draft", "gpt2")
    m = session.drafts.manuscript()
    assert m is not None
    _type(session, m, "It was late.")
    first = _continue(session, m, " The", " rain", " fell.")
    retried = m.retry("gpt2", SETTINGS, seed=8)
    assert retried is not None
    session.drafts.changed()
    m.stream(retried.id, " Snow.")
    session.drafts.changed()
    m.finish(retried.id, {"reason": "eos", "seed": 8})
    session.drafts.changed()
    _type(session, m, " She ran.")
    # Streamed but not finished when the app goes away.
    last = _continue(session, m, " Nobody", " came", finish=False)
    session.close()  # flushes

    again = _open(folder)
    try:
        back = again.drafts.manuscript(draft.id)
        assert back is not None
        assert back.text == "It was late. Snow. She ran. Nobody came"
        spans = [(back.text[s:e], a) for s, e, a in back.runs()]
        assert spans == [
            ("It was late.", WRITER),
            (" Snow.", retried.id),
            (" She ran.", WRITER),
            (" Nobody came", last),
        ]
        assert back.continuations[last].status == "stopped"
        assert back.continuations[retried.id].seed == 8
        assert back.continuations[first].settings == SETTINGS
        place = back.place_at(len("It was late. "))
        assert place is not None and back.alternatives(place.id) == (1, 2)
        assert back.choose(place.id, 0) is not None
        assert back.text == "It was late. The rain fell. She ran. Nobody came"
    finally:
        again.close()


def test_flush_pending_saves_every_changed_draft_not_only_the_shown_one(folder: Path) -> None:
    session = _open(folder)
    one = session.new_conversation("draft", "gpt2")
    m1 = session.drafts.manuscript()
    assert m1 is not None
    _type(session, m1, "first draft")
    two = session.new_conversation("draft", "gpt2")
    m2 = session.drafts.manuscript()
    assert m2 is not None and m2 is not m1
    m1.edit(len(m1.text), len(m1.text), " grows")  # e.g. a stream into a draft not shown
    session.drafts.changed(one.id)
    _type(session, m2, "second")
    session.flush_pending()
    session.writer.flush()
    a, b = _on_disk(folder, one.id), _on_disk(folder, two.id)
    assert a is not None and a["text"] == "first draft grows"
    assert b is not None and b["text"] == "second"
    session.close()


def test_a_draft_with_text_only_in_its_manuscript_is_not_dropped_as_empty(
    session: Session,
) -> None:
    draft = session.new_conversation("draft", "gpt2")
    m = session.drafts.manuscript()
    assert m is not None
    _type(session, m, "x")
    other = session.new_conversation("chat", "gpt2")
    assert other is not draft
    session.select(draft.id)
    assert session.drafts.manuscript() is m
    assert [c["id"] for c in session.summaries].count(draft.id) == 1


def test_an_imported_draft_without_a_manuscript_gets_one_from_its_turns(folder: Path) -> None:
    session = _open(folder)
    old = Conversation.new("draft", "gpt2")
    u = old.add_turn(None, "user", "Once upon a time")
    a = old.add_turn(u.id, "assistant", " there was a fox.")
    session.add_conversations([old])
    m = session.drafts.manuscript(old.id)
    assert m is not None
    assert m.text == "Once upon a time there was a fox."
    assert m.runs() == [(0, 16, WRITER), (16, 33, a.id)]
    session.close()
    saved = _on_disk(folder, old.id)
    assert saved is not None and saved["text"] == "Once upon a time there was a fox."


def test_search_finds_text_that_is_only_in_a_manuscript(folder: Path) -> None:
    session = _open(folder)
    draft = session.new_conversation("draft", "gpt2")
    m = session.drafts.manuscript()
    assert m is not None
    _type(session, m, "The Zebra crossing")
    assert session.search("zebra") == [draft.id]  # in memory
    session.close()
    again = _open(folder)
    try:
        assert again.search("zebra") == [draft.id]  # on disk
    finally:
        again.close()


def test_deleting_a_draft_and_undoing_it_keeps_its_manuscript(folder: Path) -> None:
    session = _open(folder)
    draft = session.new_conversation("draft", "gpt2")
    m = session.drafts.manuscript()
    assert m is not None
    _type(session, m, "Keep me.")
    _continue(session, m, " Please.")
    keep = session.new_conversation("chat", "gpt2")
    keep.add_turn(None, "user", "here")
    session.delete(draft.id)
    assert session.drafts.manuscript(draft.id) is None
    session.writer.flush()
    assert _on_disk(folder, draft.id) is None
    assert session.undo() == "Delete"
    back = session.drafts.manuscript(draft.id)
    assert back is not None and back.text == "Keep me. Please."
    assert back.undo_label() == "Continue"  # its own undo history came back with it
    session.close()
    saved = _on_disk(folder, draft.id)
    assert saved is not None and saved["text"] == "Keep me. Please."
    assert len(saved["continuations"]) == 1  # type: ignore[arg-type]


def test_a_damaged_manuscript_row_falls_back_to_the_turns_and_is_kept_aside(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    session = _open(folder)
    old = Conversation.new("draft", "gpt2")
    old.add_turn(None, "user", "Saved in turns.")
    session.add_conversations([old])
    m = session.drafts.manuscript(old.id)
    assert m is not None
    session.close()
    db = sqlite3.connect(folder / DB_NAME)
    db.execute("UPDATE manuscripts SET runs = 'not json' WHERE id = ?", (old.id,))
    db.commit()
    db.close()

    with caplog.at_level(logging.ERROR, logger="gpt2desk.core.writing.drafts"):
        again = _open(folder)
        try:
            back = again.drafts.manuscript(old.id)  # the start goes on
            assert back is not None and back.text == "Saved in turns."
        finally:
            again.close()
    assert any("damaged" in r.getMessage() or "failed" in r.getMessage() for r in caplog.records)
    aside = list(folder.glob(f"{DB_NAME}.damaged-*.bak"))
    assert len(aside) == 1
    kept = sqlite3.connect(aside[0])
    assert kept.execute("SELECT runs FROM manuscripts").fetchall() == [("not json",)]
    kept.close()
    saved = _on_disk(folder, old.id)
    assert saved is not None and saved["text"] == "Saved in turns."


def test_a_read_only_session_writes_nothing(folder: Path) -> None:
    first = _open(folder)
    draft = first.new_conversation("draft", "gpt2")
    m = first.drafts.manuscript()
    assert m is not None
    _type(first, m, "on disk")
    first.close()
    before = (folder / DB_NAME).read_bytes()

    viewer = _open(folder, read_only=True)
    seen = viewer.drafts.manuscript(draft.id)
    assert seen is not None and seen.text == "on disk"
    _type(viewer, seen, " and only in memory")
    viewer.flush_pending()
    viewer.close()
    assert (folder / DB_NAME).read_bytes() == before
    saved = _on_disk(folder, draft.id)
    assert saved is not None and saved["text"] == "on disk"


def test_typing_refreshes_the_sidebar_for_a_new_title_not_at_every_save(
    session: Session, rec: Recorder
) -> None:
    draft = session.new_conversation("draft", "gpt2")
    m = session.drafts.manuscript()
    assert m is not None
    session.clock.now = 1_700_000_000.0  # type: ignore[attr-defined]  # a minute starts
    _type(session, m, "One two three four five six")  # the title's six words
    session.flush_pending()
    assert draft.title == "One two three four five six"
    rec.events.clear()
    for word in (" seven", " eight", " nine"):  # saves in the same minute, the same title
        _type(session, m, word)
        session.flush_pending()
    assert Event.LIST not in rec.events
    assert session.summaries[0]["updated"] == draft.updated  # its date still follows
    m.edit(0, 0, "Zero ")
    session.drafts.changed()  # a new title: at once
    assert Event.LIST in rec.events
    assert session.summaries[0]["title"] == "Zero One two three four five"
    rec.events.clear()
    session.clock.now += 120  # type: ignore[attr-defined]
    _type(session, m, " ten")
    session.flush_pending()  # another minute: the row's time changes
    assert Event.LIST in rec.events
