"""The manuscripts of a session's drafts: loaded on first use, saved as they change.

:class:`Drafts` is owned by :class:`~gpt2desk.core.writing.session.Session`
(``session.drafts``). A draft's manuscript is loaded from the store the first
time it is asked for; a draft saved before manuscripts existed (or imported
from an old backup) gets one made from its turns
(:func:`~gpt2desk.core.writing.manuscript_files.from_draft`), saved whole at
once. A manuscript row that cannot be read is logged and replaced by the one
its turns give; the database is copied aside first, so nothing is lost.

Whoever changes a manuscript (typing, a streamed token, undo, retry, a
choice, the cursor) calls :meth:`Drafts.changed`: that costs nothing but a
note and the session's ``schedule_save``; the session's next
:meth:`~gpt2desk.core.writing.session.Session.flush_pending` hands the rows
``Manuscript.take_changes()`` gives to the writer thread, so the caller never
waits on the disk.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any, Protocol

from gpt2desk.core.store.database import Store
from gpt2desk.core.store.writer import Writer
from gpt2desk.core.writing.manuscript import Manuscript
from gpt2desk.core.writing.manuscript_files import convert_drafts, from_draft
from gpt2desk.core.writing.manuscript_rows import checked, from_dict, to_dict
from gpt2desk.core.writing.turns import Conversation, auto_title


class DraftsOwner(Protocol):
    """What :class:`Drafts` uses of its session (core/writing/session.py's Session)."""

    clock: Callable[[], float]
    writer: Writer
    summaries: list[dict[str, Any]]

    @property
    def current(self) -> Conversation | None: ...

    def get(self, conversation_id: str) -> Conversation | None: ...

    def in_memory(self, conversation_id: str) -> Conversation | None: ...

    def read(self, fn: Callable[[Store], Any]) -> Any: ...

    def refresh_summary(self, conv: Conversation) -> None: ...

    def request_save(self) -> None: ...


log = logging.getLogger(__name__)

#: Characters of the document read for an untitled draft's title (its first words).
TITLE_SOURCE_CHARS = 2000


class Drafts:
    """The manuscripts of ``session``'s draft conversations."""

    def __init__(self, session: DraftsOwner) -> None:
        self._session = session
        self._loaded: dict[str, Manuscript] = {}
        self._dirty: set[str] = set()

    # -- the contract -----------------------------------------------------------

    def manuscript(self, conv_id: str | None = None) -> Manuscript | None:
        """The manuscript of a draft (default: the shown conversation); None for chats."""
        conv = self._conversation(conv_id)
        if conv is None or conv.kind != "draft":
            return None
        m = self._loaded.get(conv.id)
        if m is None:
            m = self._load(conv)
            self._loaded[conv.id] = m
        return m

    def changed(self, conv_id: str | None = None) -> None:
        """The manuscript changed: saved at the session's next flush; the title follows."""
        conv = self._conversation(conv_id)
        if conv is None or conv.id not in self._loaded:
            return
        self._dirty.add(conv.id)
        if not conv.title_set:
            title = auto_title(self._loaded[conv.id].text[:TITLE_SOURCE_CHARS])
            if title != conv.title:
                conv.title = title
                self._session.refresh_summary(conv)
        self._session.request_save()

    # -- for the session ----------------------------------------------------------

    def loaded(self, conv_id: str) -> Manuscript | None:
        """The manuscript in memory, if it is (never loads)."""
        return self._loaded.get(conv_id)

    def has_content(self, conv_id: str) -> bool:
        """Text or something to undo: a draft nobody would call empty."""
        m = self._loaded.get(conv_id)
        return m is not None and bool(m.text or m.undo_stack or m.redo_stack or m.streaming())

    def created(self, conv: Conversation) -> None:
        """A new, empty draft: its (empty) manuscript is saved with it."""
        m = Manuscript(conv.id, clock=self._session.clock)
        m.mark_saved()
        self._loaded[conv.id] = m
        self._dirty.discard(conv.id)
        row = to_dict(m)
        self._session.writer.submit(lambda s: s.save_manuscript(row))

    def adopt(self, m: Manuscript) -> None:
        """The manuscript of a draft just added (an imported file), saved whole after it."""
        m.clock = self._session.clock
        m.mark_saved()
        self._loaded[m.id] = m
        self._dirty.discard(m.id)
        row = to_dict(m)
        self._session.writer.submit(lambda s: s.save_manuscript(row))

    def flush(self) -> None:
        """Hands every changed manuscript's rows, and its draft's title and date, to the writer."""
        session = self._session
        dirty, self._dirty = self._dirty, set()
        for cid in sorted(dirty):
            m = self._loaded.get(cid)
            conv = session.in_memory(cid)
            if m is None or conv is None:
                continue
            changes = m.take_changes()
            conv.updated = session.clock()
            fields = {"title": conv.title, "updated": conv.updated}
            session.writer.submit(_apply(cid, changes, fields))
            self._summary_follows(conv)

    def _summary_follows(self, conv: Conversation) -> None:
        """The sidebar's row of a draft being written: refreshed (Event.LIST) when it moves
        to the top, its title changes or its time does to the minute (what the row shows);
        else only its date is updated, so typing does not rebuild the list twice a second."""
        summaries = self._session.summaries
        top = summaries[0] if summaries else None
        if (
            top is not None
            and top["id"] == conv.id
            and top["title"] == conv.title
            and int(top["updated"] // 60) == int(conv.updated // 60)
        ):
            top["updated"] = conv.updated
            return
        self._session.refresh_summary(conv)

    def snapshot(self, conv: Conversation) -> dict[str, Any] | None:
        """The whole manuscript of a draft about to be deleted (for Undo), or None."""
        m = self.manuscript(conv.id) if conv.kind == "draft" else None
        if m is None:
            return None
        self._dirty.discard(conv.id)
        return {"row": to_dict(m), "object": m}

    def forget(self, conv_id: str) -> None:
        """The draft is gone (deleted, or an empty one dropped)."""
        self._loaded.pop(conv_id, None)
        self._dirty.discard(conv_id)

    def restore(self, conv: Conversation, saved: dict[str, Any] | None) -> None:
        """A deleted draft came back: its manuscript too, saved whole."""
        if saved is None:
            return
        m = saved.get("object")
        if not isinstance(m, Manuscript):
            m = from_dict(saved["row"], clock=self._session.clock)
        row = to_dict(m)
        m.mark_saved()
        self._loaded[conv.id] = m
        self._dirty.discard(conv.id)
        self._session.writer.submit(lambda s: s.save_manuscript(row))

    def row(self, conv_id: str) -> dict[str, Any] | None:
        """The whole manuscript as rows, in memory or saved (for a backup); None if none
        can be read (the draft's turns then make it again when the backup is imported)."""
        m = self._loaded.get(conv_id)
        if m is not None:
            return to_dict(m)
        return saved_row(self._session.read, conv_id)

    def search_text(self, conv_id: str) -> str:
        m = self._loaded.get(conv_id)
        return m.text if m is not None else ""

    # -- inside ------------------------------------------------------------------

    def _conversation(self, conv_id: str | None) -> Conversation | None:
        if conv_id is None:
            return self._session.current
        return self._session.get(conv_id)

    def _load(self, conv: Conversation) -> Manuscript:
        session = self._session
        cid = conv.id
        raw: dict[str, Any] | None = None
        try:
            raw = session.read(lambda s: s.load_manuscript(cid))
        except Exception:  # a damaged row: the turns still hold the draft
            log.exception(
                "reading the manuscript of draft %s failed; made again from its turns", cid
            )
            return self._remake(conv, damaged=True)
        if raw is None:
            return self._remake(conv, damaged=False)
        try:
            m = checked(raw, clock=session.clock)
        except Exception:
            log.exception("the manuscript of draft %s is damaged; made again from its turns", cid)
            return self._remake(conv, damaged=True)
        return m

    def _remake(self, conv: Conversation, *, damaged: bool) -> Manuscript:
        """The manuscript the draft's turns give, saved whole (a damaged one copied aside first)."""
        m = from_draft(conv)
        m.clock = self._session.clock
        m.mark_saved()
        row = to_dict(m)

        def save(store: Store) -> None:
            if damaged and store.path is not None and not store.in_memory:
                stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
                store.backup_to(store.path.with_name(f"{store.path.name}.damaged-{stamp}.bak"))
            store.save_manuscript(row)

        self._session.writer.submit(save)
        return m


def saved_row(read: Callable[[Callable[[Store], Any]], Any], conv_id: str) -> dict[str, Any] | None:
    """A saved manuscript's rows, checked; None when there is none or it cannot be read."""
    try:
        raw = read(lambda s: s.load_manuscript(conv_id))
        return None if raw is None else to_dict(checked(raw))
    except Exception:
        log.exception("the manuscript of draft %s cannot be read; left out", conv_id)
        return None


def convert_old_drafts(store: Store) -> list[str]:
    """At the start: each draft saved before manuscripts existed gets one from its turns.

    The database is copied aside first (unless the schema upgrade of this
    very start just did); the turns are left as they are. A failure is
    logged and leaves the drafts to :meth:`Drafts.manuscript`, which makes
    their manuscripts when they are shown.
    """
    try:
        return convert_drafts(store, backup=store.upgrade_backup is None)
    except Exception:
        log.exception("making manuscripts of the old drafts failed; each is made when shown")
        return []


def _apply(cid: str, changes: dict[str, Any], fields: dict[str, Any]) -> Callable[[Store], None]:
    def write(store: Store) -> None:
        store.apply_manuscript_changes(cid, changes, conversation_fields=fields)

    return write
