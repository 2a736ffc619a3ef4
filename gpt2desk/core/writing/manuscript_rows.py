"""A manuscript as JSON-safe rows (for the store and the full backup), and back.

The rows are what :meth:`gpt2desk.core.store.records.Records.save_manuscript`
and ``apply_manuscript_changes`` write. Strings go into JSON as they are:
``json`` escapes lone surrogates and NUL, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from gpt2desk.core.writing.authorship import Authorship, Run
from gpt2desk.core.writing.manuscript import Manuscript
from gpt2desk.core.writing.places import (
    Alternative,
    Continuation,
    Place,
    continuation_row,
    place_row,
    runs_row,
)


def _tuples(runs: Iterable[Any]) -> tuple[Run, ...]:
    return tuple((int(r[0]), int(r[1]), str(r[2])) for r in runs)


def to_dict(m: Manuscript) -> dict[str, Any]:
    """The whole manuscript (without its undo history)."""
    return {
        "id": m.id,
        "text": m.text,
        "runs": runs_row(m.runs()),
        "cursor": m.cursor,
        "scroll": m.scroll,
        "places": [place_row(m.places[k]) for k in sorted(m.places)],
        "continuations": [
            continuation_row(c)
            for c in sorted(m.continuations.values(), key=lambda c: (c.created, c.id))
        ],
    }


def from_dict(d: dict[str, Any], clock: Callable[[], float] | None = None) -> Manuscript:
    """Inverse of :func:`to_dict`; a continuation saved while streaming is "stopped"."""
    m = Manuscript(str(d["id"]), str(d.get("text") or ""), **({"clock": clock} if clock else {}))
    runs = d.get("runs")
    if runs:
        auth = Authorship.from_runs(runs)
        if len(auth) == len(m.text):
            m.authorship = auth
    m.cursor = int(d.get("cursor") or 0)
    m.scroll = int(d.get("scroll") or 0)
    for r in d.get("places") or []:
        alts = [
            Alternative(str(a["continuation_id"]), str(a.get("text") or ""), _tuples(a["runs"]))
            for a in r["alternatives"]
        ]
        m.places[str(r["id"])] = Place(
            str(r["id"]),
            int(r["start"]),
            int(r["end"]),
            alts,
            int(r["shown"]),
            r.get("parent_id"),
            int(r.get("parent_alt") or 0),
            bool(r.get("visible", True)),
        )
    for r in d.get("continuations") or []:
        status = str(r.get("status") or "done")
        m.continuations[str(r["id"])] = Continuation(
            str(r["id"]),
            str(r["place_id"]),
            int(r["offset"]),
            str(r.get("model") or ""),
            dict(r.get("settings") or {}),
            float(r["created"]),
            r.get("seed"),
            r.get("prompt_tokens"),
            r.get("new_tokens"),
            "stopped" if status == "streaming" else status,
            r.get("reason"),
        )
    m.mark_saved()
    return m


def _check_runs(runs: Any, length: int, what: str) -> None:
    """``runs`` cover ``[0, length)`` exactly, one after another."""
    at = 0
    for r in runs or []:
        if not isinstance(r, list | tuple) or len(r) != 3:
            raise ValueError(f"{what}: a run is not [start, end, author]")
        if int(r[0]) != at or int(r[1]) <= at or not isinstance(r[2], str):
            raise ValueError(f"{what}: the runs do not follow one another")
        at = int(r[1])
    if at != length and (runs or length):
        raise ValueError(f"{what}: the runs cover {at} of {length} characters")


def checked(d: dict[str, Any], clock: Callable[[], float] | None = None) -> Manuscript:
    """:func:`from_dict` of rows from outside (the database, a file), checked to fit together.

    Raises:
        ValueError: naming what does not fit (a damaged row or a hand-edited file).
    """
    text = str(d.get("text") or "")
    _check_runs(d.get("runs"), len(text), "text")
    for r in d.get("places") or []:
        for a in r.get("alternatives") or []:
            _check_runs(a.get("runs"), len(str(a.get("text") or "")), "alternative")
    m = from_dict(d, clock)
    n = len(m.text)
    for place in m.places.values():
        if place.visible and not 0 <= place.start <= place.end <= n:
            raise ValueError(f"place {place.id} lies outside the text")
        if not 0 <= place.shown < len(place.alternatives):
            raise ValueError(f"place {place.id} shows no alternative")
        if place.parent_id is not None and place.parent_id not in m.places:
            raise ValueError(f"place {place.id} has no parent")
        if place.start > place.end:
            raise ValueError(f"place {place.id} ends before it starts")
    for cont in m.continuations.values():
        if cont.place_id not in m.places:
            raise ValueError(f"continuation {cont.id} has no place")
    m.cursor = min(max(m.cursor, 0), n)
    return m
