"""The JSON full backup holds manuscripts; importing it restores them; old backups still import.

Real Sessions with Writer threads on temp SQLite folders: export from one,
import into another as the Import menu's job does (parse, read_export,
read_manuscripts, store_new in the writer thread, add_saved).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from gpt2desk.core.store.writer import Writer
from gpt2desk.core.writing import transfer
from gpt2desk.core.writing.authorship import WRITER
from gpt2desk.core.writing.manuscript_rows import to_dict
from gpt2desk.core.writing.session import Session
from gpt2desk.core.writing.turns import Conversation, ImportFailed, export_all
from tests.core.test_session import Clock

SETTINGS = {"temperature": 0.7, "top_p": 0.9}


def _open(folder: Path) -> Session:
    return Session(Writer(folder), clock=Clock())


def _import(session: Session, text: str) -> tuple[list[Conversation], int]:
    doc = transfer.parse(text)
    convs = transfer.read_export(doc)
    manuscripts = transfer.read_manuscripts(doc)
    saved, skipped = session.writer.submit(
        lambda s: transfer.store_new(s, convs, None, manuscripts)
    ).result()
    session.add_saved(saved)
    return saved, skipped


def _written(session: Session) -> tuple[str, str]:
    """A draft with typed text, a continuation retried once (two alternatives), more text."""
    draft = session.new_conversation("draft", "gpt2")
    m = session.drafts.manuscript()
    assert m is not None
    m.edit(0, 0, "Night \U0001f319 fell.")
    cont = m.begin(len(m.text), "gpt2", SETTINGS, seed=3)
    m.stream(cont.id, " Owls")
    m.finish(cont.id, {"reason": "length", "seed": 3, "new_tokens": 2, "prompt_tokens": 5})
    again = m.retry("gpt2", SETTINGS, seed=4)
    assert again is not None
    m.stream(again.id, " Wolves \ud800 howled.")
    m.finish(again.id, {"reason": "eos", "seed": 4, "new_tokens": 4})
    m.edit(len(m.text), len(m.text), " The end.")
    m.cursor, m.scroll = 3, 77
    session.drafts.changed()
    return draft.id, again.id


def test_the_backup_holds_manuscripts_and_importing_it_restores_them(tmp_path: Path) -> None:
    source = _open(tmp_path / "a")
    cid, wolves = _written(source)
    m = source.drafts.manuscript(cid)
    assert m is not None
    expected = to_dict(m)
    text = json.dumps(export_all(source.all_conversations()), ensure_ascii=True)
    source.close()
    doc = json.loads(text)
    assert (
        doc["conversations"][0]["manuscript"]["text"]
        == "Night \U0001f319 fell. Wolves \ud800 howled. The end."
    )

    target = _open(tmp_path / "b")
    saved, skipped = _import(target, text)
    assert ([c.id for c in saved], skipped) == ([cid], 0)
    back = target.drafts.manuscript(cid)
    assert back is not None
    assert to_dict(back) == expected
    assert (back.cursor, back.scroll) == (3, 77)
    assert back.author_at(len("Night \U0001f319 fell. W")) == wolves
    assert back.author_at(0) == WRITER
    cont = back.continuations[wolves]
    assert (cont.model, cont.settings, cont.seed, cont.new_tokens) == ("gpt2", SETTINGS, 4, 4)
    place = back.place_at(len("Night \U0001f319 fell. "))
    assert place is not None and back.alternatives(place.id) == (1, 2)
    back.choose(place.id, 0)
    target.drafts.changed(cid)
    assert back.text == "Night \U0001f319 fell. Owls The end."
    assert _import(target, text) == ([], 1)  # twice adds nothing
    target.close()

    # and it is on disk: a new session reads it
    again = _open(tmp_path / "b")
    try:
        on_disk = again.drafts.manuscript(cid)
        assert on_disk is not None and on_disk.text == back.text
    finally:
        again.close()


def test_an_old_backup_without_manuscripts_still_imports(tmp_path: Path) -> None:
    old = Conversation.new("draft", "gpt2")
    u = old.add_turn(None, "user", "Old words")
    a = old.add_turn(u.id, "assistant", " and the model's.")
    a.passages = [{"start": 0, "end": 17, "model": "gpt2", "settings": SETTINGS, "seed": 9}]
    chat = Conversation.new("chat", "gpt2")
    chat.add_turn(None, "user", "hi")
    text = json.dumps(export_all([old, chat]))
    assert "manuscript" not in text

    session = _open(tmp_path / "data")
    saved, _ = _import(session, text)
    assert {c.id for c in saved} == {old.id, chat.id}
    session.close()
    again = _open(tmp_path / "data")
    try:
        m = again.drafts.manuscript(old.id)
        assert m is not None
        assert m.text == "Old words and the model's."
        assert m.runs() == [(0, 9, WRITER), (9, 26, a.id)]
        assert m.continuations[a.id].seed == 9
        assert again.drafts.manuscript(chat.id) is None
        # saved with the import, not made again when shown
        assert again.read(lambda s: s.load_manuscript(old.id)) is not None
    finally:
        again.close()


def test_a_backup_imported_beside_its_own_copy_gets_new_place_ids(tmp_path: Path) -> None:
    source = _open(tmp_path / "a")
    cid, _ = _written(source)
    doc = export_all(source.all_conversations())
    source.close()
    twin = copy.deepcopy(doc)
    twin["conversations"][0]["id"] = "a-copy-of-it"
    session = _open(tmp_path / "b")
    try:
        _import(session, json.dumps(doc))
        saved, _ = _import(session, json.dumps(twin))  # same place ids, new conversation id
        assert [c.id for c in saved] == ["a-copy-of-it"]
        one, two = session.drafts.manuscript(cid), session.drafts.manuscript("a-copy-of-it")
        assert one is not None and two is not None
        assert one.text == two.text
        assert not set(one.places) & set(two.places)
        place = two.place_at(len("Night \U0001f319 fell. "))
        assert place is not None
        two.choose(place.id, 0)  # authorship follows the renamed continuations
        assert two.text == "Night \U0001f319 fell. Owls The end."
        assert two.author_at(len("Night \U0001f319 fell. ")) in two.continuations
    finally:
        session.close()


def _tampered(tmp_path: Path, change: Any) -> str:
    source = _open(tmp_path / "src")
    _written(source)
    doc = export_all(source.all_conversations())
    source.close()
    change(doc["conversations"][0]["manuscript"])
    return json.dumps(doc)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda m: m.update(text=5), "conversations[0].manuscript.text", "expected a string"),
        (
            lambda m: m.update(runs=[[0, 3, "writer"]]),
            "conversations[0].manuscript",
            "do not fit together",
        ),
        (
            lambda m: m["places"][0].update(start="x"),
            "conversations[0].manuscript.places[0].start",
            "whole number",
        ),
        (
            lambda m: m["continuations"][0].update(place_id="nowhere"),
            "conversations[0].manuscript",
            "do not fit together",
        ),
    ],
)
def test_a_damaged_manuscript_in_a_backup_is_refused_by_name_and_nothing_is_imported(
    tmp_path: Path, change: Any, field: str, words: str
) -> None:
    text = _tampered(tmp_path, change)
    session = _open(tmp_path / "data")
    try:
        with pytest.raises(ImportFailed) as failed:
            _import(session, text)
        message = str(failed.value)
        assert message.startswith(field + ":") and words in message
        assert "Nothing was imported" in message
        assert session.summaries == []
    finally:
        session.close()
