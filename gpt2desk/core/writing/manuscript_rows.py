"""A manuscript as JSON-safe rows (for the store and the full backup), and back.

The rows are what :meth:`gpt2desk.core.store.records.Records.save_manuscript`
and ``apply_manuscript_changes`` write. Strings go into JSON as they are:
``json`` escapes lone surrogates and NUL, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from gpt2desk.core.writing.authorship import Authorship, Run

if TYPE_CHECKING:
    from gpt2desk.core.writing.manuscript import Continuation, Manuscript, Place


def _runs(runs: Iterable[Run]) -> list[list[Any]]:
    return [[s, e, a] for s, e, a in runs]


def _tuples(runs: Iterable[Any]) -> tuple[Run, ...]:
    return tuple((int(r[0]), int(r[1]), str(r[2])) for r in runs)


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
            {"continuation_id": a.continuation_id, "text": a.text, "runs": _runs(a.runs)}
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


def to_dict(m: Manuscript) -> dict[str, Any]:
    """The whole manuscript (without its undo history)."""
    return {
        "id": m.id,
        "text": m.text,
        "runs": _runs(m.runs()),
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
    from gpt2desk.core.writing.manuscript import Alternative, Continuation, Manuscript, Place

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


def changes(
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
        out["fields"].update(text=m.text, runs=_runs(m.runs()))
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
