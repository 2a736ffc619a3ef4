"""The manuscript: authorship per character, continuations, alternatives, undo, storage."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from gpt2desk.core.store.database import Store
from gpt2desk.core.writing.authorship import WRITER, Authorship
from gpt2desk.core.writing.manuscript import Busy, Manuscript
from gpt2desk.core.writing.manuscript_rows import from_dict, to_dict
from gpt2desk.core.writing.turns import Conversation

SETTINGS = {"temperature": 0.8, "max_new_tokens": 20}


def continued(m: Manuscript, offset: int, *tokens: str, reason: str = "length") -> str:
    """A whole continuation at ``offset``: its id."""
    cont = m.begin(offset, "gpt2", SETTINGS, seed=7)
    for token in tokens:
        assert m.stream(cont.id, token)
    m.finish(cont.id, {"seed": 7, "prompt_tokens": 3, "new_tokens": len(tokens), "reason": reason})
    return cont.id


def authors(m: Manuscript) -> str:
    """One letter per character: w = the writer, else the index of the continuation."""
    ids = list(m.continuations)
    return "".join(
        "w" if a == WRITER else str(ids.index(a))
        for a in (m.author_at(i) for i in range(len(m.text)))
    )


def test_authorship_follows_random_edits_exactly() -> None:
    rng = random.Random(3)
    auth = Authorship(10)
    ref = [WRITER] * 10
    for _ in range(400):
        a = rng.randint(0, len(ref))
        b = rng.randint(a, min(len(ref), a + 5))
        pieces = [(rng.randint(0, 3), rng.choice([WRITER, "c1", "c2"])) for _ in range(2)]
        runs, pos, new = [], 0, []
        for n, who in pieces:
            runs.append((pos, pos + n, who))
            pos += n
            new += [who] * n
        auth.replace(a, b, [r for r in runs if r[1] > r[0]])
        ref[a:b] = new
        assert [auth.author_at(i) for i in range(len(ref))] == ref
        assert len(auth) == len(ref)
        got = auth.runs()
        assert all(x[2] != y[2] for x, y in itertools.pairwise(got))  # merged
        assert all(s < e for s, e, _ in got)


def test_continuation_streams_into_the_document_as_model_text() -> None:
    m = Manuscript(text="Once upon a time")
    cid = continued(m, len(m.text), " there", " was", " a cat.")
    assert m.text == "Once upon a time there was a cat."
    assert m.runs() == [(0, 16, WRITER), (16, 33, cid)]
    cont = m.continuations[cid]
    assert (cont.offset, cont.model, cont.seed, cont.new_tokens, cont.status) == (
        16,
        "gpt2",
        7,
        3,
        "done",
    )
    assert continued(m, len(m.text), " Stop", reason="cancelled")
    assert list(m.continuations.values())[-1].status == "stopped"


def test_editing_model_text_makes_the_edit_the_writers() -> None:
    m = Manuscript(text="A ")
    continued(m, 2, "red fox ran")
    m.edit(6, 9, "wolf")  # "fox" -> "wolf"
    assert m.text == "A red wolf ran"
    assert authors(m) == "ww0000wwww0000"
    m.edit(5, 5, "!")  # typing inside model text splits its run
    assert m.text == "A red! wolf ran"
    assert authors(m) == "ww000w0wwww0000"


def test_continue_at_cursor_inserts_inside_the_text_and_the_rest_moves() -> None:
    m = Manuscript(text="Start. End.")
    cid = continued(m, 6, " Middle", " part.")
    assert m.text == "Start. Middle part. End."
    assert m.runs() == [(0, 6, WRITER), (6, 19, cid), (19, 24, WRITER)]


def test_the_document_is_read_only_while_the_model_writes() -> None:
    m = Manuscript(text="abc")
    cont = m.begin(3, "gpt2", SETTINGS)
    m.stream(cont.id, "XY")
    with pytest.raises(Busy):
        m.edit(0, 0, "123")
    m.stream(cont.id, "Z")
    m.finish(cont.id, {"reason": "cancelled"})
    assert m.text == "abcXYZ"
    m.edit(0, 0, "123")  # stopped: the writer types again
    assert authors(m) == "wwwwww000"
    m.undo()
    m.undo()  # the continuation goes in one step
    assert m.text == "abc"


def test_retry_keeps_the_old_text_as_an_alternative_and_choosing_brings_it_back() -> None:
    m = Manuscript(text="It was")
    first = continued(m, 6, " a dark", " night.")
    m.edit(len(m.text) - 1, len(m.text), "!")  # the writer edits model text
    cont = m.retry("gpt2", SETTINGS)
    assert cont is not None
    m.stream(cont.id, " cold.")
    m.finish(cont.id)
    place = m.last_place()
    assert place is not None and m.alternatives(place.id) == (1, 2)
    assert m.text == "It was cold."
    m.choose(place.id, 0)
    assert m.text == "It was a dark night!"
    assert m.runs() == [(0, 6, WRITER), (6, 19, first), (19, 20, WRITER)]
    assert m.alternatives(place.id) == (0, 2)
    m.choose(place.id, 1)
    assert m.text == "It was cold."
    assert m.runs() == [(0, 6, WRITER), (6, 12, cont.id)]


def test_retry_from_here_replaces_only_what_follows_and_keeps_the_tail() -> None:
    m = Manuscript(text="Go:")
    old = continued(m, 3, " one two", " three four")
    pos = m.text.index("three")
    cont = m.retry_from(pos, "gpt2", SETTINGS)
    assert cont is not None and cont.offset == pos
    m.stream(cont.id, "THREE")
    m.finish(cont.id)
    assert m.text == "Go: one two THREE"
    assert m.runs() == [(0, 3, WRITER), (3, pos, old), (pos, pos + 5, cont.id)]
    tail = m.place_at(pos)
    assert tail is not None and m.alternatives(tail.id) == (1, 2)
    m.choose(tail.id, 0)
    assert m.text == "Go: one two three four"
    # the whole first continuation can still be retried, tail place and all
    outer = m.places[m.continuations[old].place_id]
    again = m.retry("gpt2", SETTINGS, place_id=outer.id)
    assert again is not None
    m.stream(again.id, " new")
    m.finish(again.id)
    assert m.text == "Go: new"
    m.choose(outer.id, 0)
    assert m.text == "Go: one two three four"
    m.choose(tail.id, 1)
    assert m.text == "Go: one two THREE"


def test_retry_from_here_needs_model_text() -> None:
    m = Manuscript(text="writer only")
    assert m.retry_from(3, "gpt2", SETTINGS) is None
    assert m.retry("gpt2", SETTINGS) is None


def test_a_whole_continuation_is_one_undo_step_and_redo_brings_it_back() -> None:
    m = Manuscript()
    for ch in "Hello":
        m.edit(len(m.text), len(m.text), ch)
    cid = continued(m, 5, " wor", "ld", ".")
    pos = m.text.index("ld")
    cont = m.retry_from(pos, "gpt2", SETTINGS)
    assert cont is not None
    m.stream(cont.id, "rd!")
    m.finish(cont.id)
    assert (m.undo_label(), m.redo_label()) == ("Retry from here", "")
    states = []
    while (change := m.undo()) is not None:
        states.append((change.label, m.text))
    assert states == [
        ("Retry from here", "Hello world."),
        ("Continue", "Hello"),
        ("Typing", ""),  # typing merged into one step
    ]
    assert not m.places and not m.continuations
    while m.redo() is not None:
        pass
    assert m.text == "Hello worrd!"
    assert m.runs() == [(0, 5, WRITER), (5, pos, cid), (pos, pos + 3, cont.id)]
    assert len(m.places) == 2 and len(m.continuations) == 2
    tail = m.place_at(pos)
    assert tail is not None
    m.choose(tail.id, 0)
    assert m.text == "Hello world."


def test_undo_waits_while_a_continuation_is_written() -> None:
    m = Manuscript(text="x")
    cont = m.begin(1, "gpt2", SETTINGS)
    m.stream(cont.id, "y")
    assert m.undo() is None and not m.can_undo() and m.undo_label() == ""
    assert m.retry("gpt2", SETTINGS) is None
    assert m.streaming() == [cont.id]


def test_a_megabyte_document_keeps_few_runs() -> None:
    text = "word " * 200_000
    m = Manuscript(text=text)
    for k in range(1, 51):
        continued(m, k * 20_000, "model")
        m.edit(k * 20_000 + 2, k * 20_000 + 3, "W")
    assert len(m.text) == len(text) + 50 * 5
    assert len(m.runs()) == 50 * 4 + 1  # writer, model, writer edit, model per continuation
    assert m.author_at(len(m.text) - 1) == WRITER


def store_with_draft(tmp_path: Path, cid: str) -> Store:
    store = Store.open(tmp_path)
    conv = Conversation.new("draft")
    conv.id = cid
    store.save_conversation(conv.to_dict())
    return store


def test_saved_and_loaded_exactly_with_changed_rows_only(tmp_path: Path) -> None:
    store = store_with_draft(tmp_path, "m1")
    m = Manuscript("m1", "Nasty \x00 \ud800 \U0001f600: ")
    store.save_manuscript(to_dict(m))
    m.take_changes()
    continued(m, len(m.text), " one", " two three")
    pos = m.text.index("three")
    cont = m.retry_from(pos, "gpt2", SETTINGS)
    assert cont is not None
    m.stream(cont.id, "3")
    m.finish(cont.id)
    m.edit(0, 0, "\u202e")
    m.cursor, m.scroll = 5, 40
    store.apply_manuscript_changes("m1", m.take_changes())
    # a choice touches only its place's rows and the text
    tail = m.place_at(pos + 1)
    assert tail is not None
    m.choose(tail.id, 0)
    changes = m.take_changes()
    outer = m.places[tail.parent_id or ""]
    assert {p["id"] for p in changes["places"]} == {tail.id, outer.id}  # outer's end moved
    assert changes["continuations"] == []
    store.apply_manuscript_changes("m1", changes)
    store.close()

    again = Store.open(tmp_path)
    loaded = again.load_manuscript("m1")
    assert loaded is not None
    back = from_dict(loaded)
    assert to_dict(back) == to_dict(m)
    assert (back.cursor, back.scroll) == (5, 40)
    assert back.text == m.text and back.runs() == m.runs()
    back.choose(tail.id, 1)
    assert back.text.endswith("two 3")
    # deleting the conversation deletes its manuscript
    again.delete_conversation("m1")
    assert again.load_manuscript("m1") is None
    assert again.conn.execute("SELECT count(*) FROM manuscript_alternatives").fetchone()[0] == 0


def test_undoing_a_continuation_removes_its_rows(tmp_path: Path) -> None:
    store = store_with_draft(tmp_path, "m2")
    m = Manuscript("m2", "a")
    continued(m, 1, "b")
    store.save_manuscript(to_dict(m))
    m.take_changes()
    m.undo()
    store.apply_manuscript_changes("m2", m.take_changes())
    loaded = store.load_manuscript("m2")
    assert loaded is not None
    assert (loaded["text"], loaded["places"], loaded["continuations"]) == ("a", [], [])
    store.close()


def test_a_continuation_saved_while_streaming_loads_as_stopped(tmp_path: Path) -> None:
    store = store_with_draft(tmp_path, "m3")
    m = Manuscript("m3", "a")
    cont = m.begin(1, "gpt2", SETTINGS)
    m.stream(cont.id, "bc")
    store.save_manuscript(to_dict(m))
    loaded = store.load_manuscript("m3")
    assert loaded is not None
    back = from_dict(loaded)
    assert back.text == "abc"
    assert back.continuations[cont.id].status == "stopped"
    assert back.streaming() == []
    store.close()


@pytest.mark.parametrize("bad", [(-1, 0), (0, 99), (3, 2)])
def test_an_edit_outside_the_text_is_refused_unchanged(bad: tuple[int, int]) -> None:
    m = Manuscript(text="abc")
    with pytest.raises(IndexError):
        m.edit(bad[0], bad[1], "x")
    assert m.text == "abc" and m.runs() == [(0, 3, WRITER)]


def check(m: Manuscript) -> None:
    """What must hold after any step: runs cover the text, shown places nest inside it."""
    runs = m.runs()
    assert sum(e - s for s, e, _ in runs) == len(m.text)
    assert all(a == WRITER or a in m.continuations for _, _, a in runs)
    for p in m.places.values():
        assert 0 <= p.shown < len(p.alternatives)
        assert p.start <= p.end
        if p.visible:
            assert p.end <= len(m.text)
            parent = m.places.get(p.parent_id or "")
            if parent is not None:
                assert parent.visible and p.parent_alt == parent.shown
                assert parent.start <= p.start and p.end <= parent.end


@pytest.mark.parametrize("seed", range(30))
def test_random_writing_keeps_everything_consistent_and_undoes_to_the_start(
    seed: int, tmp_path: Path
) -> None:
    rng = random.Random(seed)
    m = Manuscript("fz", "The start. ")
    store = store_with_draft(tmp_path, "fz")
    store.save_manuscript(to_dict(m))
    m.take_changes()
    for step in range(60):
        n = len(m.text)
        op = rng.choice(["type", "delete", "continue", "retry", "from", "choose", "undo", "redo"])
        if op == "type":
            pos = rng.randint(0, n)
            m.edit(pos, pos, rng.choice(["a", "bc", " "]))
        elif op == "delete" and n:
            a = rng.randint(0, n - 1)
            m.edit(a, min(n, a + rng.randint(1, 4)), rng.choice(["", "X"]))
        elif op == "continue":
            cont = m.begin(rng.choice([n, rng.randint(0, n)]), "gpt2", SETTINGS)
            for _ in range(rng.randint(0, 3)):
                m.stream(cont.id, f" t{step}")
            m.finish(cont.id, {"reason": rng.choice(["length", "cancelled"])})
        elif op in ("retry", "from"):
            model_pos = [i for i in range(n) if m.is_model_text(i)]
            if op == "retry":
                cont = m.retry("gpt2", SETTINGS)
            else:
                cont = m.retry_from(rng.choice(model_pos), "gpt2", SETTINGS) if model_pos else None
            if cont is not None:
                m.stream(cont.id, f" r{step}")
                m.finish(cont.id)
        elif op == "choose":
            forks = [p for p in m.places.values() if p.visible and len(p.alternatives) > 1]
            if forks:
                p = rng.choice(forks)
                m.choose(p.id, rng.randrange(len(p.alternatives)))
        elif op == "undo":
            m.undo()
        else:
            m.redo()
        check(m)
        if rng.random() < 0.3:
            store.apply_manuscript_changes("fz", m.take_changes())
    store.apply_manuscript_changes("fz", m.take_changes())
    loaded = store.load_manuscript("fz")
    assert loaded is not None
    assert to_dict(from_dict(loaded)) == to_dict(m)
    final = (m.text, m.runs())
    undone = 0
    while m.undo() is not None:
        undone += 1
        check(m)
    assert m.text == "The start. " and m.runs() == [(0, 11, WRITER)]
    assert not m.places
    for _ in range(undone):
        m.redo()
        check(m)
    assert (m.text, m.runs()) == final
    store.close()
