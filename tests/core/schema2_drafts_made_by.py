"""How ``schema2_drafts.sql`` was made: gpt2desk's own code from before manuscripts (schema 2).

Not a test. The fixture is a dump of a database the old ``Session`` wrote
through its ``Writer`` thread, doing what the old window did for a draft
(send, continue, regenerate, edit a turn) and for a chat. To make it again
from the revision before schema 3 (``cde528c^``)::

    git archive cde528c^ gpt2desk | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old .venv/bin/python tests/core/schema2_drafts_made_by.py \
        tests/core/schema2_drafts.sql

(Ids are random: the test reads them from the database, never from here.)
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

SETTINGS = {"temperature": 0.7, "top_k": 40, "seed": 5}


def main(out: Path) -> None:
    from gpt2desk.core.store.database import DB_NAME, SCHEMA_VERSION
    from gpt2desk.core.store.writer import Writer
    from gpt2desk.core.writing.session import Session

    assert SCHEMA_VERSION == 2, "run with the code from before manuscripts"
    now = [1_700_000_000.0]

    def clock() -> float:
        now[0] += 1.0
        return now[0]

    with tempfile.TemporaryDirectory() as tmp:
        session = Session(Writer(tmp), clock=clock)

        def reply(text: str, stats: dict[str, Any], **kw: Any) -> None:
            session.stream(text)
            session.finish_reply(stats)

        # A draft: the writer's text, continued, regenerated, more text, continued twice.
        draft = session.new_conversation("draft", "/models/gpt2")
        u1 = session.add_message("It was late.", "draft", "/models/gpt2")
        session.start_reply(draft, u1, None, model="/models/gpt2", settings=SETTINGS)
        reply(" The rain fell.", {"reason": "length", "seed": 5, "new_tokens": 4})
        old = draft.last()
        assert old is not None
        u_old = session.add_message("She ran.", "draft", "/models/gpt2")
        session.start_reply(draft, u_old, None, model="/models/gpt2", settings=SETTINGS)
        reply(" Away.", {"reason": "eos", "seed": 6, "new_tokens": 2})
        # Regenerate the first continuation: the newer one is shown.
        session.start_reply(
            draft,
            u1,
            None,
            model="/models/gpt2",
            settings={**SETTINGS, "seed": 9},
            saved=(u1,),
            label="Regenerate",
        )
        reply(" Snow \U0001f328 fell.", {"reason": "length", "seed": 9, "new_tokens": 5})
        u2 = session.add_message("He waited", "draft", "/models/gpt2")
        session.start_reply(draft, u2, None, model="/models/gpt2", settings=SETTINGS)
        reply("… nobody came.", {"reason": "length", "seed": 10, "new_tokens": 4})
        last = draft.last()
        assert last is not None
        # Continue: more text in the same model turn (a second passage).
        session.start_reply(
            draft, None, last, model="/models/gpt2", settings=SETTINGS, label="Continue"
        )
        reply(" Then", {"reason": "cancelled", "seed": 11, "new_tokens": 1})

        # A second draft whose writer's turn was edited (a fork at the writer's text).
        second = session.new_conversation("draft", "/models/gpt2")
        a = session.add_message("Dear diary,", "draft", "/models/gpt2")
        session.start_reply(second, a, None, model="/models/gpt2", settings=SETTINGS)
        reply(" today I", {"reason": "length", "seed": 1, "new_tokens": 2})
        session.rename(second.id, "Diary")
        session.edit(a.id, "Dear Kitty,")

        # A chat: left alone.
        chat = session.new_conversation("chat", "/models/gpt2")
        q = session.add_message("hello", "chat", "/models/gpt2")
        session.start_reply(chat, q, None, model="/models/gpt2", settings=SETTINGS)
        reply("hi there", {"reason": "eos", "seed": 2, "new_tokens": 2})
        session.close()

        db = sqlite3.connect(Path(tmp) / DB_NAME)
        lines = ["PRAGMA user_version = 2;", *db.iterdump()]
        db.close()
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _ = (old, second)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
