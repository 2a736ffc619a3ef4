"""A conversation as a tree of turns: alternatives, branches, prompts, undo.

Every turn has a parent (None for the first turns). Siblings are versions of
the same place in the conversation: a regenerated reply, or an edited turn.
Each parent remembers its chosen child (``active_child``), so the path from
the root along the chosen children is what is shown and what the next prompt
builds on. Editing never deletes: later turns stay under the old version, a
branch the ◀ ▶ arrows bring back.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gpt2desk.core.i18n import UserError
from gpt2desk.core.writing.prompts import ChatTemplate, Mode, join_draft

TITLE_WORDS = 6
TITLE_CHARS = 60
KINDS = ("chat", "draft")
#: The conversation's columns an undoable change restores (not its kind, composer or scroll).
CHANGE_FIELDS = ("title", "title_set", "updated", "model", "active_child")


def new_id() -> str:
    return uuid.uuid4().hex


def auto_title(text: str) -> str:
    """The first words of ``text`` on one line ("Untitled" when there are none)."""
    words = text.split()[:TITLE_WORDS]
    title = " ".join(words)
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1] + "…"
    return title or "Untitled"


@dataclass
class Turn:
    """One message or passage.

    Attributes:
        passages: For model text, what produced each piece: ``start``/``end``
            character offsets and ``model``, ``settings``, ``seed``,
            ``prompt_tokens``, ``new_tokens``, ``reason``.
        status: "done", "streaming" (was being written when last saved),
            "stopped" or "failed".
    """

    id: str
    parent_id: str | None
    role: str
    text: str
    created: float
    active_child: str | None = None
    passages: list[dict[str, Any]] = field(default_factory=list)
    status: str = "done"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "parent_id": self.parent_id,
            "role": self.role,
            "text": self.text,
            "created": self.created,
            "active_child": self.active_child,
            "passages": copy.deepcopy(self.passages),
            "status": self.status,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Turn:
        return cls(
            id=str(d["id"]),
            parent_id=d.get("parent_id"),
            role=str(d["role"]),
            text=str(d["text"]),
            created=float(d["created"]),
            active_child=d.get("active_child"),
            passages=list(d.get("passages") or []),
            status=str(d.get("status") or "done"),
        )


@dataclass
class Conversation:
    """A chat or a draft with all its turns."""

    id: str
    kind: str
    title: str
    created: float
    updated: float
    model: str = ""
    title_set: bool = False
    active_child: str | None = None
    composer: str = ""
    scroll: int = 0
    turns: dict[str, Turn] = field(default_factory=dict)

    @classmethod
    def new(cls, kind: str = "chat", model: str = "") -> Conversation:
        now = time.time()
        return cls(new_id(), kind, "Untitled", now, now, model)

    # -- the tree -----------------------------------------------------------

    def children(self, parent_id: str | None) -> list[Turn]:
        return sorted(
            (t for t in self.turns.values() if t.parent_id == parent_id), key=lambda t: t.created
        )

    def chosen_child(self, parent_id: str | None) -> Turn | None:
        chosen = self.active_child if parent_id is None else self.turns[parent_id].active_child
        if chosen in self.turns and self.turns[chosen].parent_id == parent_id:
            return self.turns[chosen]
        kids = self.children(parent_id)
        return kids[-1] if kids else None

    def path(self) -> list[Turn]:
        """The turns shown, first to last, along the chosen children."""
        out: list[Turn] = []
        turn = self.chosen_child(None)
        while turn is not None:
            out.append(turn)
            turn = self.chosen_child(turn.id)
        return out

    def siblings(self, turn_id: str) -> list[Turn]:
        """The versions of this place in the conversation, oldest first."""
        return self.children(self.turns[turn_id].parent_id)

    def choose(self, turn_id: str) -> None:
        """Makes ``turn_id`` the version shown (and built upon) at its place."""
        parent = self.turns[turn_id].parent_id
        if parent is None:
            self.active_child = turn_id
        else:
            self.turns[parent].active_child = turn_id

    def add_turn(self, parent_id: str | None, role: str, text: str) -> Turn:
        """Adds a turn under ``parent_id`` and chooses it."""
        now = max(time.time(), *(t.created + 1e-6 for t in self.turns.values()), 0.0)
        turn = Turn(new_id(), parent_id, role, text, now)
        self.turns[turn.id] = turn
        self.choose(turn.id)
        self.touch()
        if not self.title_set and role == "user" and self.title == "Untitled":
            self.title = auto_title(text)
        return turn

    def touch(self) -> None:
        self.updated = time.time()

    def last(self) -> Turn | None:
        path = self.path()
        return path[-1] if path else None

    # -- prompts ------------------------------------------------------------

    def prompt(
        self,
        upto: Turn | None,
        mode: Mode,
        template: ChatTemplate | None = None,
    ) -> tuple[str, tuple[str, ...]]:
        """The prompt that continues the path up to and including ``upto``.

        A draft is the turns' text joined as the writer sees it (a writer's
        turn after model text gets a space, prompts.join_draft). A chat is a transcript;
        when ``upto`` is a model turn, the prompt ends with its text so the
        model continues it.
        """
        path = self._path_to(upto)
        if Mode(mode) is Mode.CONTINUE:
            return join_draft((t.role, t.text) for t in path), ()
        template = template or ChatTemplate()
        template.validate()
        if path and path[-1].role == "assistant":
            tail = path[-1]
            history = [(t.role, t.text) for t in path[:-1]]
            if history and history[-1][0] == "user":
                user = history.pop()[1]
                head = template.render(history, user)
            else:
                head = template.render(history[:-1], history[-1][1]) if history else ""
            return head + tail.text, template.stop_strings()
        history = [(t.role, t.text) for t in path[:-1]]
        user = path[-1].text if path else ""
        return template.render(history, user), template.stop_strings()

    def next_prompt(
        self, text: str, mode: Mode, template: ChatTemplate | None = None
    ) -> tuple[str, tuple[str, ...]]:
        """The prompt that sending ``text`` now would build."""
        path = self.path()
        if Mode(mode) is Mode.CONTINUE:
            return join_draft([*((t.role, t.text) for t in path), ("user", text)]), ()
        template = template or ChatTemplate()
        template.validate()
        return template.render([(t.role, t.text) for t in path], text), template.stop_strings()

    def _path_to(self, upto: Turn | None) -> list[Turn]:
        out: list[Turn] = []
        turn = upto
        while turn is not None:
            out.append(turn)
            turn = self.turns.get(turn.parent_id) if turn.parent_id else None
        return out[::-1]

    # -- undo snapshots -------------------------------------------------------

    def capture(self, turn_ids: Iterable[str] = ()) -> dict[str, Any]:
        """What an undoable change needs: the columns it may change and the turns named.

        A turn named but absent is None (the change adds it). Only those turns
        are copied, never the whole conversation.
        """
        turns = {
            tid: (self.turns[tid].to_dict() if tid in self.turns else None) for tid in turn_ids
        }
        return {"fields": {k: getattr(self, k) for k in CHANGE_FIELDS}, "turns": turns}

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Puts back what :meth:`capture` took (a None turn is removed)."""
        for key, value in snapshot["fields"].items():
            setattr(self, key, value)
        for tid, row in snapshot["turns"].items():
            if row is None:
                self.turns.pop(tid, None)
            else:
                turn = Turn.from_dict(row)
                turn.passages = copy.deepcopy(turn.passages)
                self.turns[tid] = turn

    # -- (de)serialising ------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe copy (``json.dumps`` escapes lone surrogates, so nothing is lost)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "title_set": self.title_set,
            "created": self.created,
            "updated": self.updated,
            "model": self.model,
            "active_child": self.active_child,
            "composer": self.composer,
            "scroll": self.scroll,
            "turns": [t.to_dict() for t in sorted(self.turns.values(), key=lambda t: t.created)],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Conversation:
        kind = str(d.get("kind") or "chat")
        if kind not in KINDS:
            raise ValueError(f"unknown conversation kind {kind!r}")
        turns = [Turn.from_dict(t) for t in d.get("turns", [])]
        return cls(
            id=str(d["id"]),
            kind=kind,
            title=str(d.get("title") or "Untitled"),
            created=float(d["created"]),
            updated=float(d["updated"]),
            model=str(d.get("model") or ""),
            title_set=bool(d.get("title_set")),
            active_child=d.get("active_child"),
            composer=str(d.get("composer") or ""),
            scroll=int(d.get("scroll") or 0),
            turns={t.id: t for t in turns},
        )


# -- export and import ------------------------------------------------------

EXPORT_FORMAT = "gpt2desk"
EXPORT_VERSION = 1


class ImportFailed(UserError, ValueError):
    """A file is not a gpt2desk export this version can read; ``str()`` says why.

    Reading one is :mod:`gpt2desk.core.writing.transfer`.
    """


def to_markdown(conv: Conversation, user_name: str = "You") -> str:
    """The shown path as Markdown: a heading per turn, the text verbatim."""
    parts = [f"# {conv.title}\n"]
    for turn in conv.path():
        name = user_name if turn.role == "user" else (conv.model or "Model")
        parts.append(f"\n## {name}\n\n{turn.text}\n")
    return "".join(parts)


def to_plain_text(conv: Conversation, user_name: str = "You") -> str:
    """The shown path as plain text; a draft is just its text (as the model reads it)."""
    if conv.kind == "draft":
        return join_draft((t.role, t.text) for t in conv.path())
    parts = []
    for turn in conv.path():
        name = user_name if turn.role == "user" else (conv.model or "Model")
        parts.append(f"{name}:\n{turn.text}\n")
    return "\n".join(parts)


def export_all(convs: Sequence[Conversation | dict[str, Any]]) -> dict[str, Any]:
    """Everything, as one JSON-safe document."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "conversations": [c.to_dict() if isinstance(c, Conversation) else c for c in convs],
    }


def draft_from_text(text: str, name: str) -> Conversation:
    """A new draft holding an imported text or Markdown file."""
    conv = Conversation.new("draft")
    conv.add_turn(None, "user", text)
    conv.title = auto_title(name) if name else auto_title(text)
    return conv


# -- undo -------------------------------------------------------------------


@dataclass
class Change:
    """One undoable action on one conversation.

    ``before`` and ``after`` are :meth:`Conversation.capture` snapshots of the
    turns it touched; None = the conversation is absent; a Delete's ``before``
    is ``{"whole": conversation.to_dict()}``.
    """

    label: str
    conversation_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class UndoStack:
    """Undo and redo of one conversation's changes."""

    def __init__(self, limit: int = 100) -> None:
        self._done: list[Change] = []
        self._undone: list[Change] = []
        self._limit = limit

    def push(self, change: Change) -> None:
        self._done.append(change)
        del self._done[: -self._limit]
        self._undone.clear()

    def undo(self) -> Change | None:
        if not self._done:
            return None
        change = self._done.pop()
        self._undone.append(change)
        return change

    def redo(self) -> Change | None:
        if not self._undone:
            return None
        change = self._undone.pop()
        self._done.append(change)
        return change

    def amend(self, change: Change, after: dict[str, Any]) -> None:
        """``change`` (done or undone) now ends at ``after``.

        An edit that the model answers ("Save and answer") is one change whose
        result includes the answer, so Redo brings the answer back.
        """
        if any(c is change for c in (*self._done, *self._undone)):
            change.after = after

    def can_undo(self) -> bool:
        return bool(self._done)

    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo_label(self) -> str:
        return self._done[-1].label if self._done else ""

    def redo_label(self) -> str:
        return self._undone[-1].label if self._undone else ""
