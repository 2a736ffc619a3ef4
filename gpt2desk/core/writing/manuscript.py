"""A draft as one document that the model continues in place.

The text is one ``str``; :class:`~gpt2desk.core.writing.authorship.Authorship`
says who wrote each character. Each continuation the model writes lives in a
:class:`Place`: a span of the document with its alternatives (the texts a
retry replaced), one of them shown. A place made by "Retry from here" lies
inside the place it was cut from; a place inside an alternative that is not
shown is hidden, its span kept relative to its parent's start.

Every continuation (begun, retried, retried from here) and every choice of an
alternative is one undoable :class:`Change`; typing is one too, contiguous
typing merged. No Qt here; :meth:`Manuscript.take_changes` gives the rows a
store must write.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from gpt2desk.core.writing.authorship import WRITER, Authorship, Run
from gpt2desk.core.writing.places import (
    Alternative,
    Change,
    Continuation,
    Place,
    Region,
    ancestors,
    continuation_row,
    descendants,
    hide_below,
    keep_nested,
    new_id,
    place_row,
    runs_row,
    shift,
    show_below,
)

__all__ = [
    "WRITER",
    "Alternative",
    "Busy",
    "Change",
    "Continuation",
    "Manuscript",
    "Place",
    "Region",
]


@dataclass
class _Pending:
    label: str
    place_id: str
    old: Region
    places_before: dict[str, Place | None]


class Busy(RuntimeError):
    """A change the document cannot take while a continuation is being written."""


class Manuscript:
    """One document, its authorship, continuations, alternatives and undo history."""

    def __init__(
        self, manuscript_id: str = "", text: str = "", clock: Callable[[], float] = time.time
    ) -> None:
        self.id = manuscript_id or new_id()
        self.text = text
        self.authorship = Authorship(len(text))
        self.places: dict[str, Place] = {}
        self.continuations: dict[str, Continuation] = {}
        self.cursor = 0
        self.scroll = 0
        self.clock = clock
        self.undo_stack: list[Change] = []
        self.redo_stack: list[Change] = []
        self.undo_limit = 200
        self._merge_typing = False
        self._pending: dict[str, _Pending] = {}
        self._dirty_text = True
        self._dirty_places: set[str] = set()
        self._dirty_conts: set[str] = set(self.continuations)

    # -- reading ---------------------------------------------------------------

    def runs(self) -> list[Run]:
        return self.authorship.runs()

    def author_at(self, pos: int) -> str | None:
        return self.authorship.author_at(pos)

    def is_model_text(self, pos: int) -> bool:
        return self.author_at(pos) in self.continuations

    def place_at(self, pos: int) -> Place | None:
        """The innermost shown place holding the character at ``pos``."""
        inside = self.places_at(pos)
        return inside[0] if inside else None

    def places_at(self, pos: int) -> list[Place]:
        """The shown places holding the character at ``pos``, innermost first.

        The ◀ ▶ bar belongs to the first of them with more than one alternative.
        """
        inside = [p for p in self.places.values() if p.visible and p.start <= pos < p.end]
        return sorted(inside, key=lambda p: (p.end - p.start, -len(ancestors(self.places, p))))

    def last_place(self) -> Place | None:
        """The shown place of the newest continuation that is in the document."""
        shown = [
            self.continuations[p.continuation_id]
            for p in self.places.values()
            if p.visible and p.continuation_id in self.continuations
        ]
        if not shown:
            return None
        return self.places[max(shown, key=lambda c: c.created).place_id]

    def place_to_choose(self, pos: int) -> Place | None:
        """The place whose alternatives the writer browses at ``pos``: the innermost
        one there (or just before it) with more than one text, else the last one if
        it has more than one."""
        for at in (pos, pos - 1):
            for place in self.places_at(at) if at >= 0 else []:
                if len(place.alternatives) > 1:
                    return place
        last = self.last_place()
        return last if last is not None and len(last.alternatives) > 1 else None

    def alternatives(self, place_id: str) -> tuple[int, int]:
        """``(shown index, count)``: "alternative i + 1 of n"."""
        place = self.places[place_id]
        return place.shown, len(place.alternatives)

    def streaming(self) -> list[str]:
        """Ids of continuations begun and not finished."""
        return list(self._pending)

    # -- the writer's edits ----------------------------------------------------

    def edit(self, start: int, end: int, text: str, *, merge: bool = True) -> Change | None:
        """The writer replaces ``[start, end)`` with ``text`` (one undo step; typing merges).

        Raises:
            Busy: A continuation is being written: the document is read-only
                until it ends (Esc stops it within a token), so that every undo
                step applies to the document it was made on.
        """
        if self._pending:
            raise Busy("the model is writing")
        if start == end and not text:
            return None
        old = Region(self.text[start:end], tuple(self.authorship.slice(start, end)))
        new = Region(text, ((0, len(text), WRITER),) if text else ())
        spans = self._spans()
        self._splice(start, end, new, ())
        top = self.undo_stack[-1] if self.undo_stack else None
        if (
            merge
            and self._merge_typing
            and top is not None
            and top.label == "Typing"
            and not old.text
            and start == top.start + len(top.new.text)
        ):
            top.new = Region(top.new.text + text, ((0, len(top.new.text) + len(text), WRITER),))
            top.spans_after = self._spans()
            self.redo_stack.clear()
            return top
        change = Change("Typing", start, old, new, spans_before=spans, spans_after=self._spans())
        self._push(change)
        self._merge_typing = not old.text
        return change

    # -- continuations ---------------------------------------------------------

    def begin(
        self, offset: int, model: str, settings: dict[str, Any], seed: int | None = None
    ) -> Continuation:
        """A new continuation at ``offset`` (the end, or the cursor); stream into it."""
        parent = self._innermost_containing(offset)
        place = Place(
            new_id(),
            offset,
            offset,
            [],
            parent_id=parent.id if parent else None,
            parent_alt=parent.shown if parent else 0,
        )
        self.places[place.id] = place
        pending = _Pending("Continue", place.id, Region(), {place.id: None})
        return self._add_continuation(place, model, settings, seed, pending)

    def stream(self, continuation_id: str, text: str) -> bool:
        """Tokens appended at the continuation's end; False if it is not being written."""
        if continuation_id not in self._pending or not text:
            return False
        place = self.places[self.continuations[continuation_id].place_id]
        if not place.visible:
            return False
        region = Region(text, ((0, len(text), continuation_id),))
        self._splice(place.end, place.end, region, (*ancestors(self.places, place), place.id))
        return True

    def finish(self, continuation_id: str, stats: dict[str, Any] | None = None) -> Change | None:
        """The continuation ended (``reason`` "cancelled" = stopped, "failed"); one undo step."""
        pending = self._pending.pop(continuation_id, None)
        if pending is None:
            return None
        stats = stats or {}
        cont = self.continuations[continuation_id]
        for key in ("seed", "prompt_tokens", "new_tokens"):
            if stats.get(key) is not None:
                setattr(cont, key, stats[key])
        cont.reason = stats.get("reason")
        cont.status = {"cancelled": "stopped", "failed": "failed"}.get(str(cont.reason), "done")
        self._dirty_conts.add(cont.id)
        place = self.places[pending.place_id]
        new = Region(
            self.text[place.start : place.end],
            tuple(self.authorship.slice(place.start, place.end)),
        )
        ids = [*pending.places_before, *descendants(self.places, place.id)]
        change = Change(
            pending.label,
            place.start,
            pending.old,
            new,
            tuple(ancestors(self.places, place)),
            pending.places_before,
            self._capture(ids),
            {cont.id: None},
            {cont.id: cont.copy()},
        )
        self._push(change)
        return change

    def retry(
        self,
        model: str,
        settings: dict[str, Any],
        place_id: str | None = None,
        seed: int | None = None,
    ) -> Continuation | None:
        """A new continuation in place of the last one (or ``place_id``'s); the old text stays
        as an alternative."""
        place = self.places.get(place_id) if place_id else self.last_place()
        if place is None or not place.visible or self._pending:
            return None
        before = self._capture([place.id, *descendants(self.places, place.id)])
        return self._retry(place, model, settings, seed, "Retry", before)

    def retry_from(
        self, pos: int, model: str, settings: dict[str, Any], seed: int | None = None
    ) -> Continuation | None:
        """ "Retry from here": what the continuation at ``pos`` wrote from ``pos`` on is
        replaced by a new continuation; the old tail stays as an alternative."""
        place = self.place_at(pos)
        if place is None or self._pending or not self.is_model_text(pos):
            return None
        if pos == place.start:
            return self.retry(model, settings, place.id, seed)
        moved = [
            p
            for p in self.places.values()
            if p.parent_id == place.id and p.parent_alt == place.shown and p.start >= pos
        ]
        tail = Place(
            new_id(),
            pos,
            place.end,
            [Alternative(place.continuation_id)],
            parent_id=place.id,
            parent_alt=place.shown,
        )
        ids = [tail.id]
        for p in moved:
            ids += [p.id, *descendants(self.places, p.id)]
        before = self._capture(ids)
        self.places[tail.id] = tail
        for p in moved:
            p.parent_id, p.parent_alt = tail.id, 0
            self._dirty_places.add(p.id)
        return self._retry(tail, model, settings, seed, "Retry from here", before)

    def choose(self, place_id: str, index: int) -> Change | None:
        """Shows alternative ``index`` of a place (one undo step)."""
        place = self.places.get(place_id)
        if place is None or not place.visible or self._pending:
            return None
        if index == place.shown or not 0 <= index < len(place.alternatives):
            return None
        ids = [place.id, *descendants(self.places, place.id)]
        before = self._capture(ids)
        start, old = place.start, self._hide_shown(place)
        alt = place.alternatives[index]
        place.alternatives[index] = Alternative(alt.continuation_id)
        place.shown = index
        new = Region(alt.text, alt.runs)
        self._splice(place.start, place.end, new, (*ancestors(self.places, place), place.id))
        self._dirty_places.update(show_below(self.places, place))
        change = Change(
            "Choose alternative",
            start,
            old,
            new,
            tuple(ancestors(self.places, place)),
            before,
            self._capture(ids),
        )
        self._push(change)
        return change

    # -- undo --------------------------------------------------------------------

    def can_undo(self) -> bool:
        return bool(self.undo_stack) and not self._pending

    def can_redo(self) -> bool:
        return bool(self.redo_stack) and not self._pending

    def undo_label(self) -> str:
        """What Undo would undo: "Typing", "Continue", "Retry", "Retry from here",
        "Choose alternative" ("" = nothing)."""
        return self.undo_stack[-1].label if self.can_undo() else ""

    def redo_label(self) -> str:
        return self.redo_stack[-1].label if self.can_redo() else ""

    def undo(self) -> Change | None:
        if not self.undo_stack or self._pending:
            return None
        change = self.undo_stack.pop()
        self._apply(change, change.new, change.old, change.places_before, change.conts_before)
        self._set_spans(change.spans_before)
        self.redo_stack.append(change)
        return change

    def redo(self) -> Change | None:
        if not self.redo_stack or self._pending:
            return None
        change = self.redo_stack.pop()
        self._apply(change, change.old, change.new, change.places_after, change.conts_after)
        self._set_spans(change.spans_after)
        self.undo_stack.append(change)
        return change

    def _apply(
        self,
        change: Change,
        now: Region,
        then: Region,
        places: dict[str, Place | None],
        conts: dict[str, Continuation | None],
    ) -> None:
        self._merge_typing = False
        end = change.start + len(now.text)
        self._splice(change.start, end, then, change.grow)
        for pid, place in places.items():
            self._dirty_places.add(pid)
            if place is None:
                self.places.pop(pid, None)
            else:
                self.places[pid] = place.copy()
        for cid, cont in conts.items():
            self._dirty_conts.add(cid)
            if cont is None:
                self.continuations.pop(cid, None)
            else:
                self.continuations[cid] = cont.copy()

    def _spans(self) -> dict[str, tuple[int, int]]:
        return {p.id: (p.start, p.end) for p in self.places.values() if p.visible}

    def _set_spans(self, spans: dict[str, tuple[int, int]]) -> None:
        for pid, (start, end) in spans.items():
            place = self.places.get(pid)
            if place is not None and place.visible and (place.start, place.end) != (start, end):
                place.start, place.end = start, end
                self._dirty_places.add(pid)

    def _push(self, change: Change) -> None:
        self._merge_typing = False
        self.undo_stack.append(change)
        del self.undo_stack[: -self.undo_limit]
        self.redo_stack.clear()

    # -- saving ------------------------------------------------------------------

    def take_changes(self) -> dict[str, Any]:
        """The rows changed since the last call (for ``Store.apply_manuscript_changes``)."""
        out = _changes(self, self._dirty_text, self._dirty_places, self._dirty_conts)
        self._dirty_text = False
        self._dirty_places = set()
        self._dirty_conts = set()
        return out

    def mark_saved(self) -> None:
        """Nothing is waiting to be saved (just loaded, or saved whole)."""
        self._dirty_text, self._dirty_places, self._dirty_conts = False, set(), set()

    # -- inside ------------------------------------------------------------------

    def _add_continuation(
        self,
        place: Place,
        model: str,
        settings: dict[str, Any],
        seed: int | None,
        pending: _Pending,
    ) -> Continuation:
        cont = Continuation(new_id(), place.id, place.start, model, dict(settings), self.clock())
        cont.seed = seed
        self.continuations[cont.id] = cont
        self._dirty_conts.add(cont.id)
        place.alternatives.append(Alternative(cont.id))
        place.shown = len(place.alternatives) - 1
        self._dirty_places.add(place.id)
        self._pending[cont.id] = pending
        self._merge_typing = False
        return cont

    def _retry(
        self,
        place: Place,
        model: str,
        settings: dict[str, Any],
        seed: int | None,
        label: str,
        before: dict[str, Place | None],
    ) -> Continuation:
        old = self._hide_shown(place)
        self._splice(place.start, place.end, Region(), ())
        pending = _Pending(label, place.id, old, before)
        return self._add_continuation(place, model, settings, seed, pending)

    def _hide_shown(self, place: Place) -> Region:
        """Keeps the shown text as its alternative and hides the places inside it."""
        region = Region(
            self.text[place.start : place.end],
            tuple(self.authorship.slice(place.start, place.end)),
        )
        cid = place.alternatives[place.shown].continuation_id
        place.alternatives[place.shown] = Alternative(cid, region.text, region.runs)
        self._dirty_places.update(hide_below(self.places, place))
        self._dirty_places.add(place.id)
        return region

    def _innermost_containing(self, pos: int) -> Place | None:
        inside = [p for p in self.places.values() if p.visible and p.start < pos < p.end]
        return min(inside, key=lambda p: p.end - p.start) if inside else None

    def _capture(self, ids: Iterable[str]) -> dict[str, Place | None]:
        return {pid: (self.places[pid].copy() if pid in self.places else None) for pid in ids}

    def _splice(self, start: int, end: int, region: Region, grow: Sequence[str]) -> None:
        """The one place text and authorship change; shown places move with the text."""
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span {start}..{end} outside 0..{len(self.text)}")
        self.text = self.text[:start] + region.text + self.text[end:]
        self.authorship.replace(start, end, region.runs)
        self._dirty_text = True
        growing = set(grow)
        moved = [
            p
            for p in self.places.values()
            if p.visible and shift(p, start, end, len(region.text), grow=p.id in growing)
        ]
        for p in moved:
            self._dirty_places.add(p.id)
        if moved:
            self._dirty_places.update(keep_nested(self.places))


def _changes(
    m: Manuscript, text: bool, places: Iterable[str], conts: Iterable[str]
) -> dict[str, Any]:
    """The rows that changed: see ``Records.apply_manuscript_changes``."""
    out: dict[str, Any] = {
        "fields": {"cursor": m.cursor, "scroll": m.scroll},
        "places": [],
        "removed_places": [],
        "continuations": [],
        "removed_continuations": [],
    }
    if text:
        out["fields"].update(text=m.text, runs=runs_row(m.runs()))
    for pid in sorted(places):
        if pid in m.places:
            out["places"].append(place_row(m.places[pid]))
        else:
            out["removed_places"].append(pid)
    for cid in sorted(conts):
        if cid in m.continuations:
            out["continuations"].append(continuation_row(m.continuations[cid]))
        else:
            out["removed_continuations"].append(cid)
    return out
