"""Old drafts come along: a database written by gpt2desk before manuscripts (schema 2) is opened.

The database is ``schema2_drafts.sql``: a dump of what the old code's own
``Session`` and ``Writer`` wrote (see ``schema2_drafts_made_by.py`` for how it
was made from the revision before schema 3), not rows written by today's code.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from gpt2desk.core.store.database import DB_NAME, SCHEMA_VERSION, dec
from gpt2desk.core.store.writer import Writer
from gpt2desk.core.writing.authorship import WRITER
from gpt2desk.core.writing.manuscript import Manuscript
from gpt2desk.core.writing.session import Session

FIXTURE = Path(__file__).with_name("schema2_drafts.sql")
TURNS = "SELECT * FROM turns ORDER BY id"
CONVERSATIONS = "SELECT * FROM conversations ORDER BY id"


def _old_database(folder: Path) -> Path:
    folder.mkdir(parents=True)
    path = folder / DB_NAME
    db = sqlite3.connect(path)
    db.executescript(FIXTURE.read_text(encoding="utf-8"))
    db.close()
    return path


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def _ids(path: Path) -> dict[str, str]:
    """Conversation ids by title, as the old code saved them."""
    rows = _rows(path, "SELECT id, title FROM conversations")
    return {dec(title): str(cid) for cid, title in rows}  # type: ignore[arg-type]


def _spans(m: Manuscript) -> list[tuple[str, bool]]:
    """The text by author: (text, written by the model)."""
    return [(m.text[s:e], a != WRITER) for s, e, a in m.runs()]


def _fork(m: Manuscript, pos: int) -> str:
    place = next(p for p in m.places_at(pos) if m.alternatives(p.id)[1] > 1)
    return place.id


def test_drafts_of_the_old_schema_become_manuscripts_and_nothing_is_lost(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    path = _old_database(folder)
    assert _rows(path, "PRAGMA user_version") == [(2,)]
    turns_before = _rows(path, TURNS)
    ids = _ids(path)
    story, diary, chat = ids["It was late."], ids["Diary"], ids["hello"]

    session = Session(Writer(folder))
    try:
        assert _rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
        # The usual backup, before anything changed: the old file, byte for byte in content.
        backups = list(folder.glob(f"{DB_NAME}.v2-*.bak"))
        assert len(backups) == 1
        assert _rows(backups[0], "PRAGMA user_version") == [(2,)]
        assert _rows(backups[0], TURNS) == turns_before
        assert list(folder.glob(f"{DB_NAME}.drafts-*.bak")) == []  # one copy is enough

        # Converted at the start, before any draft is shown.
        have = {r[0] for r in _rows(path, "SELECT id FROM manuscripts")}
        assert have == {story, diary}  # the chat stays a chat

        m = session.drafts.manuscript(story)
        assert m is not None
        # The shown branch, joined as the model read it (a space before "He waited").
        assert m.text == "It was late. Snow \U0001f328 fell. He waited… nobody came. Then"
        assert _spans(m) == [
            ("It was late.", False),
            (" Snow \U0001f328 fell.", True),
            (" He waited", False),
            ("… nobody came. Then", True),
        ]
        # Per-continuation records come from the turns' passages.
        seeds = sorted(c.seed or 0 for c in m.continuations.values())
        assert seeds == [5, 6, 9, 10]
        # The regenerated continuation: the older one and what followed it is an alternative.
        fork = _fork(m, len("It was late."))
        assert m.alternatives(fork) == (1, 2)
        m.choose(fork, 0)
        assert m.text == "It was late. The rain fell. She ran. Away."
        assert _spans(m)[-1] == (" Away.", True)
        m.undo()
        session.drafts.changed(story)

        d = session.drafts.manuscript(diary)
        assert d is not None
        assert d.text == "Dear Kitty,"  # the edited turn is shown
        fork = _fork(d, 0)
        d.choose(fork, 0)
        assert d.text == "Dear diary, today I"
        assert session.drafts.manuscript(chat) is None
    finally:
        session.close()

    # The old turn rows are untouched: older code, or a chat view, still reads them.
    assert _rows(path, TURNS) == turns_before
    # Opening again converts nothing more and copies nothing more.
    again = Session(Writer(folder))
    try:
        back = again.drafts.manuscript(story)
        assert back is not None
        assert back.text == "It was late. Snow \U0001f328 fell. He waited… nobody came. Then"
        assert again.drafts.manuscript(diary) is not None
    finally:
        again.close()
    assert len(list(folder.glob(f"{DB_NAME}.*.bak"))) == 1


def test_a_draft_without_a_manuscript_in_a_new_database_is_converted_with_its_own_backup(
    tmp_path: Path,
) -> None:
    """Schema 3 already, but a draft without a manuscript (e.g. written by a crashed import)."""
    folder = tmp_path / "data"
    path = _old_database(folder)
    Session(Writer(folder)).close()  # upgrades and converts
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("DELETE FROM manuscripts")
    db.commit()
    db.close()

    session = Session(Writer(folder))
    try:
        assert len(list(folder.glob(f"{DB_NAME}.drafts-*.bak"))) == 1
        assert len(_rows(path, "SELECT id FROM manuscripts")) == 2
    finally:
        session.close()
