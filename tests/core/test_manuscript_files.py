"""Old drafts become manuscripts without loss; .txt/.md export and import; schema 2 -> 3."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from gpt2desk.core.store.database import DB_NAME, MIGRATIONS, SCHEMA_VERSION, Store, _statements
from gpt2desk.core.writing.authorship import WRITER
from gpt2desk.core.writing.manuscript import Manuscript, Place
from gpt2desk.core.writing.manuscript_files import (
    convert_drafts,
    from_draft,
    from_text,
    to_markdown,
    to_plain_text,
)
from gpt2desk.core.writing.manuscript_rows import from_dict, to_dict
from gpt2desk.core.writing.prompts import join_draft
from gpt2desk.core.writing.turns import Conversation
from gpt2desk.core.writing.turns import to_markdown as transcript_markdown


def passage(model: str = "gpt2", seed: int = 11) -> dict[str, object]:
    return {
        "start": 0,
        "end": 5,
        "model": model,
        "settings": {"temperature": 0.7},
        "seed": seed,
        "prompt_tokens": 4,
        "new_tokens": 5,
        "reason": "length",
    }


def fork_at(m: Manuscript, pos: int) -> Place | None:
    """The place whose ◀ ▶ bar shows at ``pos``."""
    return next((p for p in m.places_at(pos) if m.alternatives(p.id)[1] > 1), None)


def draft_with_versions() -> tuple[Conversation, dict[str, str]]:
    """A draft: text, a reply regenerated once (the newer one shown), more text, a reply.

    Under the older reply there is a branch of its own (the writer went on from it).
    """
    conv = Conversation.new("draft")
    ids: dict[str, str] = {}
    u1 = conv.add_turn(None, "user", "It was late.")
    old = conv.add_turn(u1.id, "assistant", " The rain fell.")
    old.passages = [passage(seed=1)]
    old_next = conv.add_turn(old.id, "user", " She ran.")
    new = conv.add_turn(u1.id, "assistant", " Snow \ud800 fell.")
    new.passages = [passage(seed=2)]
    u2 = conv.add_turn(new.id, "user", " He waited.")
    a2 = conv.add_turn(u2.id, "assistant", " Nobody came.")
    a2.passages = [passage(seed=3)]
    ids.update(u1=u1.id, old=old.id, old_next=old_next.id, new=new.id, u2=u2.id, a2=a2.id)
    return conv, ids


def test_a_draft_becomes_its_shown_text_with_authorship_from_the_roles() -> None:
    conv, ids = draft_with_versions()
    m = from_draft(conv)
    assert m.id == conv.id
    assert m.text == join_draft((t.role, t.text) for t in conv.path())
    assert m.text == "It was late. Snow \ud800 fell. He waited. Nobody came."
    spans = [(m.text[s:e], a) for s, e, a in m.runs()]
    assert spans == [
        ("It was late.", WRITER),
        (" Snow \ud800 fell.", ids["new"]),
        (" He waited.", WRITER),
        (" Nobody came.", ids["a2"]),
    ]
    cont = m.continuations[ids["new"]]
    assert (cont.model, cont.seed, cont.settings, cont.offset) == (
        "gpt2",
        2,
        {"temperature": 0.7},
        len("It was late."),
    )
    hidden = m.continuations[ids["old"]]  # the hidden version's record is kept
    assert (hidden.seed, hidden.offset) == (1, len("It was late."))


def test_the_other_version_and_what_followed_it_are_an_alternative() -> None:
    conv, ids = draft_with_versions()
    m = from_draft(conv)
    fork = fork_at(m, len("It was late."))
    assert fork is not None
    # the fork holds the regenerated reply and everything after it; the reply's
    # own place lies inside it
    assert m.alternatives(fork.id) == (1, 2)
    assert m.choose(fork.id, 0) is not None
    assert m.text == "It was late. The rain fell. She ran."
    assert [(m.text[s:e], a) for s, e, a in m.runs()] == [
        ("It was late.", WRITER),
        (" The rain fell.", ids["old"]),
        (" She ran.", WRITER),
    ]
    m.choose(fork.id, 1)
    assert m.text == "It was late. Snow \ud800 fell. He waited. Nobody came."
    # a converted continuation can be retried like any other
    last = m.last_place()
    assert last is not None and last.continuation_id == ids["a2"]
    cont = m.retry("gpt2", {})
    assert cont is not None
    m.stream(cont.id, " A dog barked.")
    m.finish(cont.id)
    assert m.text.endswith("He waited. A dog barked.")


def test_writer_text_after_a_continuation_is_not_glued_to_it() -> None:
    conv = Conversation.new("draft")
    first = conv.add_turn(None, "user", "The machine was a")
    reply = conv.add_turn(first.id, "assistant", " Blendifier")
    conv.add_turn(reply.id, "user", "She opened it.")
    m = from_draft(conv)
    assert m.text == "The machine was a Blendifier She opened it." == to_plain_text(m)
    assert [(m.text[s:e], a) for s, e, a in m.runs()] == [
        ("The machine was a", WRITER),
        (" Blendifier", reply.id),
        (" She opened it.", WRITER),  # the space is the writer's
    ]


def test_an_edited_turn_is_a_fork_of_writer_text() -> None:
    conv = Conversation.new("draft")
    first = conv.add_turn(None, "user", "Draft one.")
    conv.add_turn(first.id, "assistant", " Model.")
    conv.add_turn(None, "user", "Draft two.")  # "Edit" made a second version
    m = from_draft(conv)
    assert m.text == "Draft two."
    assert m.runs() == [(0, 10, WRITER)]
    fork = fork_at(m, 0)
    assert fork is not None and m.alternatives(fork.id) == (1, 2)
    m.choose(fork.id, 0)
    assert m.text == "Draft one. Model."


def test_an_empty_draft_is_an_empty_manuscript() -> None:
    m = from_draft(Conversation.new("draft"))
    assert (m.text, m.runs(), m.places) == ("", [], {})


def test_export_is_the_text_alone_and_import_makes_it_the_writers() -> None:
    conv, _ = draft_with_versions()
    m = from_draft(conv)
    md = to_markdown(m)
    assert md == to_plain_text(m) == m.text
    assert "## You" in transcript_markdown(conv, "You")  # what a draft exported before
    assert "## You" not in md
    back = from_text("\ufeff" + md)
    assert back.text == m.text
    assert back.runs() == [(0, len(m.text), WRITER)]
    assert from_text("").runs() == []


ROWS = "SELECT * FROM turns WHERE conversation_id = ? ORDER BY id"


def _version_2_with_a_draft(path: Path, conv: Conversation) -> None:
    """A database as gpt2desk left it at schema 2, holding ``conv``'s rows."""
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        for statement in _statements(script):
            db.execute(statement)
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    store = Store(sqlite3.connect(path, isolation_level=None), path)
    store.save_conversation(conv.to_dict())
    store.close()


def test_drafts_of_schema_2_get_manuscripts_beside_their_turns(tmp_path: Path) -> None:
    conv, _ = draft_with_versions()
    chat = Conversation.new("chat")
    chat.add_turn(None, "user", "hello")
    _version_2_with_a_draft(tmp_path / DB_NAME, conv)
    old_rows = sqlite3.connect(tmp_path / DB_NAME)
    before = old_rows.execute(ROWS, (conv.id,)).fetchall()
    old_rows.close()

    store = Store.open(tmp_path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    backups = list(tmp_path.glob(f"{DB_NAME}.v2-*.bak"))
    assert len(backups) == 1
    store.save_conversation(chat.to_dict())
    assert convert_drafts(store) == [conv.id]  # chats are left alone
    copies = list(tmp_path.glob(f"{DB_NAME}.drafts-*.bak"))
    assert len(copies) == 1  # a copy from before the conversion
    kept = sqlite3.connect(copies[0])
    assert kept.execute("SELECT count(*) FROM manuscripts").fetchone()[0] == 0
    assert kept.execute(ROWS, (conv.id,)).fetchall() == before
    kept.close()
    copies[0].unlink()
    assert convert_drafts(store) == []  # once only
    assert list(tmp_path.glob(f"{DB_NAME}.drafts-*.bak")) == []
    store.close()

    store = Store.open(tmp_path)
    raw = store.load_manuscript(conv.id)
    assert raw is not None
    m = from_dict(raw)
    fresh = from_draft(conv)  # place ids are new on each conversion, the rest is the same
    assert (m.text, m.runs()) == (fresh.text, fresh.runs())

    def records(x: Manuscript) -> list[dict[str, object]]:
        return [{**c, "place_id": ""} for c in to_dict(x)["continuations"]]

    assert records(m) == records(fresh) and len(records(m)) == 3
    assert m.text == "It was late. Snow \ud800 fell. He waited. Nobody came."
    fork = fork_at(m, len("It was late."))
    assert fork is not None
    m.choose(fork.id, 0)
    assert m.text == "It was late. The rain fell. She ran."
    # today's code still reads the draft exactly as before
    assert store.conn.execute(ROWS, (conv.id,)).fetchall() == before
    loaded = store.load_conversation(conv.id)
    assert loaded is not None
    assert Conversation.from_dict(loaded).to_dict() == conv.to_dict()
    store.close()


def test_a_manuscript_without_a_conversation_row_is_refused(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    try:
        store.save_manuscript(to_dict(Manuscript("nobody", "x")))
    except sqlite3.IntegrityError:
        pass
    else:
        raise AssertionError("a manuscript needs its conversation")
    assert store.load_manuscript("nobody") is None
    store.close()


def leaf_texts(conv: Conversation) -> set[str]:
    """Every text the draft can show: each path from the first turns to a last one."""
    out: set[str] = set()

    def walk(parent: str | None, path: list[tuple[str, str]]) -> None:
        kids = conv.children(parent)
        if not kids:
            out.add(join_draft(path))
        for kid in kids:
            walk(kid.id, [*path, (kid.role, kid.text)])

    walk(None, [])
    return out


def reachable_texts(m: Manuscript) -> set[str]:
    """Every text choosing alternatives can show."""
    out: set[str] = set()
    seen: set[tuple[tuple[str, int], ...]] = set()

    def walk() -> None:
        state = tuple(sorted((p.id, p.shown) for p in m.places.values()))
        if state in seen:
            return
        seen.add(state)
        out.add(m.text)
        forks = [p for p in m.places.values() if p.visible and len(p.alternatives) > 1]
        for place in forks:
            for i in range(len(place.alternatives)):
                if m.choose(place.id, i) is not None:
                    walk()
                    m.undo()

    walk()
    return out


@pytest.mark.parametrize("seed", range(25))
def test_every_branch_of_a_random_draft_can_be_shown_again(seed: int) -> None:
    rng = random.Random(seed)
    conv = Conversation.new("draft")
    for k in range(rng.randint(1, 9)):
        parent = rng.choice([None, *conv.turns]) if conv.turns else None
        role = rng.choice(["user", "assistant"])
        text = rng.choice(["", f" {role[0]}{k}", f"x{k}\ud800", "(", "”", "中"])
        turn = conv.add_turn(parent, role, text)
        if role == "assistant":
            turn.passages = [passage(seed=k)]
    for tid in rng.sample(list(conv.turns), k=len(conv.turns) // 2):
        conv.choose(tid)
    m = from_draft(conv)
    assert m.text == join_draft((t.role, t.text) for t in conv.path())
    for s, e, author in m.runs():
        turn = conv.turns.get(author)
        assert author == WRITER or (turn is not None and turn.role == "assistant")
        assert turn is None or m.text[s:e] in turn.text
    assert reachable_texts(m) == leaf_texts(conv)
    assert set(m.continuations) == {t.id for t in conv.turns.values() if t.role == "assistant"}
    back = from_dict(to_dict(m))
    assert reachable_texts(back) == leaf_texts(conv)
