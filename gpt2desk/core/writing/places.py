"""The pieces of a manuscript: continuation records, places and their alternatives, undo steps.

See :mod:`gpt2desk.core.writing.manuscript` for how they fit together.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from gpt2desk.core.writing.authorship import Run


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Continuation:
    """What the model was asked and what it did, for one continuation.

    Attributes:
        offset: Where in the document it was inserted, when it began.
        status: "streaming", "done", "stopped" or "failed".
    """

    id: str
    place_id: str
    offset: int
    model: str
    settings: dict[str, Any]
    created: float
    seed: int | None = None
    prompt_tokens: int | None = None
    new_tokens: int | None = None
    status: str = "streaming"
    reason: str | None = None

    def copy(self) -> Continuation:
        return replace(self, settings=dict(self.settings))


@dataclass(frozen=True)
class Alternative:
    """One text of a place; ``text``/``runs`` are kept only while it is not shown."""

    continuation_id: str
    text: str = ""
    runs: tuple[Run, ...] = ()


@dataclass
class Place:
    """A spot in the document with alternative texts (see the module docstring)."""

    id: str
    start: int
    end: int
    alternatives: list[Alternative]
    shown: int = 0
    parent_id: str | None = None
    parent_alt: int = 0
    visible: bool = True

    def copy(self) -> Place:
        return replace(self, alternatives=list(self.alternatives))

    @property
    def continuation_id(self) -> str:
        return self.alternatives[self.shown].continuation_id


@dataclass(frozen=True)
class Region:
    text: str = ""
    runs: tuple[Run, ...] = ()


@dataclass
class Change:
    """One undoable step: ``[start, start + len(old.text))`` became ``new``.

    ``places_*``/``conts_*`` are copies of the places and continuations the
    step touched (None = absent); ``grow`` are the places that contain it.
    """

    label: str
    start: int
    old: Region
    new: Region
    grow: tuple[str, ...] = ()
    places_before: dict[str, Place | None] = field(default_factory=dict)
    places_after: dict[str, Place | None] = field(default_factory=dict)
    conts_before: dict[str, Continuation | None] = field(default_factory=dict)
    conts_after: dict[str, Continuation | None] = field(default_factory=dict)
    # Spans of the shown places around a writer's edit: the edit's inverse
    # cannot tell where an emptied place was, so undo and redo set them.
    spans_before: dict[str, tuple[int, int]] = field(default_factory=dict)
    spans_after: dict[str, tuple[int, int]] = field(default_factory=dict)


def shift(place: Place, start: int, end: int, length: int, *, grow: bool) -> bool:
    """Moves a shown place for ``[start, end)`` replaced by ``length`` characters.

    The new text is inside the place when it replaces text of the place, is
    inserted strictly inside it, or when the place is one of ``grow`` (the
    continuation being written and the places holding it); else a place at
    or after ``start`` moves after the new text.
    """
    s0, e0 = place.start, place.end

    def cut(x: int) -> int:
        return x if x <= start else (start if x <= end else x - (end - start))

    s, e = cut(s0), cut(e0)
    if grow or (end > start and s0 <= start and end <= e0) or s0 < start < e0:
        e += length
    elif s >= start:
        s, e = s + length, e + length
    place.start, place.end = s, e
    return (s, e) != (s0, e0)


# -- the tree of places (a place cut from another lies inside it) -------------


def ancestors(places: dict[str, Place], place: Place) -> list[str]:
    """Ids of the places holding ``place``, innermost first."""
    out: list[str] = []
    pid = place.parent_id
    while pid is not None and pid in places:
        out.append(pid)
        pid = places[pid].parent_id
    return out


def descendants(places: dict[str, Place], place_id: str) -> list[str]:
    """Ids of every place inside ``place_id``, shown or not."""
    out: list[str] = []
    todo = [place_id]
    while todo:
        pid = todo.pop()
        kids = [p.id for p in places.values() if p.parent_id == pid]
        out += kids
        todo += kids
    return out


def _shown_below(places: dict[str, Place], place: Place) -> list[Place]:
    """Shown places inside ``place``, parents before children."""
    out: list[Place] = []
    todo = [place]
    while todo:
        parent = todo.pop(0)
        kids = [
            p
            for p in places.values()
            if p.parent_id == parent.id and p.parent_alt == parent.shown and p.visible
        ]
        out += kids
        todo += kids
    return out


def hide_below(places: dict[str, Place], place: Place) -> list[str]:
    """Hides the places inside ``place``'s shown text (spans become relative); their ids."""
    inside = _shown_below(places, place)
    for p in reversed(inside):  # children before their parents: parents still absolute
        parent = places[p.parent_id or ""]
        p.start, p.end, p.visible = p.start - parent.start, p.end - parent.start, False
    return [p.id for p in inside]


def show_below(places: dict[str, Place], place: Place) -> list[str]:
    """Shows the places inside ``place``'s shown alternative (spans become absolute)."""
    shown: list[str] = []
    todo = [place]
    while todo:
        parent = todo.pop(0)
        for p in places.values():
            if p.parent_id == parent.id and p.parent_alt == parent.shown and not p.visible:
                p.start, p.end, p.visible = p.start + parent.start, p.end + parent.start, True
                shown.append(p.id)
                todo.append(p)
    return shown


def keep_nested(places: dict[str, Place]) -> list[str]:
    """Clamps shown places into their parents; ids of those moved.

    An empty place at its parent's end stays there when the writer types after it.
    """
    moved: list[str] = []
    nested = [p for p in places.values() if p.visible and p.parent_id is not None]
    for p in sorted(nested, key=lambda p: len(ancestors(places, p))):
        parent = places.get(p.parent_id or "")
        if parent is None:
            continue
        s = min(max(p.start, parent.start), parent.end)
        e = min(max(p.end, s), parent.end)
        if (s, e) != (p.start, p.end):
            p.start, p.end = s, e
            moved.append(p.id)
    return moved


# -- as rows (the store and the full backup) ----------------------------------


def runs_row(runs: Iterable[Run]) -> list[list[Any]]:
    return [[s, e, a] for s, e, a in runs]


def place_row(place: Place) -> dict[str, Any]:
    return {
        "id": place.id,
        "parent_id": place.parent_id,
        "parent_alt": place.parent_alt,
        "start": place.start,
        "end": place.end,
        "shown": place.shown,
        "visible": place.visible,
        "alternatives": [
            {"continuation_id": a.continuation_id, "text": a.text, "runs": runs_row(a.runs)}
            for a in place.alternatives
        ],
    }


def continuation_row(cont: Continuation) -> dict[str, Any]:
    return {
        "id": cont.id,
        "place_id": cont.place_id,
        "offset": cont.offset,
        "model": cont.model,
        "settings": dict(cont.settings),
        "created": cont.created,
        "seed": cont.seed,
        "prompt_tokens": cont.prompt_tokens,
        "new_tokens": cont.new_tokens,
        "status": cont.status,
        "reason": cont.reason,
    }
