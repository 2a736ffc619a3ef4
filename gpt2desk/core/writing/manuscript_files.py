"""Manuscripts from and to other forms: old drafts (turn trees), .txt and .md files.

A draft conversation becomes a manuscript without loss: the shown branch is
the text (joined as :func:`~gpt2desk.core.writing.prompts.join_draft` joins
it: the writer sees what the model read), each model turn a continuation
(its own place, retried later like any other), and where the tree forks
(a regenerated reply, an edited turn) a place spans from the fork to the
end of the text, one alternative per branch. Branches not shown keep their
own forks as hidden places.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from gpt2desk.core.store.database import Store
from gpt2desk.core.writing.authorship import WRITER, Run
from gpt2desk.core.writing.manuscript import Manuscript
from gpt2desk.core.writing.manuscript_rows import from_dict, to_dict
from gpt2desk.core.writing.places import new_id
from gpt2desk.core.writing.prompts import writer_separator
from gpt2desk.core.writing.turns import Conversation, Turn

log = logging.getLogger(__name__)


def to_plain_text(m: Manuscript) -> str:
    """The document as a .txt file holds it."""
    return m.text


def to_markdown(m: Manuscript) -> str:
    """The document as a .md file: the text alone, no headings for who wrote what."""
    return m.text


def from_text(text: str, manuscript_id: str = "") -> Manuscript:
    """A manuscript of an imported .txt or .md file, all of it the writer's."""
    return Manuscript(manuscript_id, text.removeprefix("\ufeff"))


@dataclass
class _Built:
    parts: list[str] = field(default_factory=list)
    length: int = 0
    runs: list[Run] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    conts: list[dict[str, Any]] = field(default_factory=list)
    base: int = 0  # where this text starts in the document (for continuation offsets)
    before: str = ""  # the end of the text before it (for the writer's separator)

    def tail(self) -> str:
        return (self.before + "".join(self.parts[-2:]))[-2:]

    def add(self, text: str, author: str) -> None:
        if text:
            self.parts.append(text)
            self.runs.append((self.length, self.length + len(text), author))
            self.length += len(text)


def from_draft(conv: Conversation) -> Manuscript:
    """The manuscript of a draft; its id is the conversation's."""
    built = _Built()
    first = conv.chosen_child(None)
    if first is not None:
        _branch(conv, first, built, None, 0, fork_here=True)
    return from_dict(
        {
            "id": conv.id,
            "text": "".join(built.parts),
            "runs": [list(r) for r in built.runs],
            "cursor": built.length,
            "scroll": conv.scroll,
            "places": built.places,
            "continuations": built.conts,
        }
    )


def convert_drafts(store: Store, *, backup: bool = True) -> list[str]:
    """Adds a manuscript beside every draft that has none; returns their ids.

    The draft's conversation and turns are not touched (today's code still
    reads them); it runs once per draft, so running it again changes nothing.
    When there is something to convert, the database is first copied to
    ``<name>.drafts-<time>.bak`` beside it, as a schema upgrade does
    (``backup=False``: the upgrade just made that copy). A draft whose turns
    cannot be converted is logged and left as it is (its turns still hold it).
    """
    done: list[str] = []
    todo = store.drafts_without_manuscript()
    if todo and backup and store.path is not None and not store.in_memory:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        store.backup_to(store.path.with_name(f"{store.path.name}.drafts-{stamp}.bak"))
    for cid in todo:
        try:
            raw = store.load_conversation(cid)
            if raw is None:
                continue
            row = to_dict(from_draft(Conversation.from_dict(raw)))
        except (KeyError, TypeError, ValueError, IndexError, RecursionError):
            log.exception("draft %s could not be made a manuscript; its turns are kept", cid)
            continue
        store.save_manuscript(row)
        done.append(cid)
    return done


def _branch(
    conv: Conversation,
    turn: Turn | None,
    out: _Built,
    parent_id: str | None,
    parent_alt: int,
    *,
    fork_here: bool,
) -> None:
    """Appends ``turn`` and its chosen descendants; a fork becomes a place."""
    while turn is not None:
        versions = conv.siblings(turn.id)
        if fork_here and len(versions) > 1:
            _fork(conv, turn, versions, out, parent_id, parent_alt)
            return
        fork_here = True
        _segment(turn, out, parent_id, parent_alt)
        turn = conv.chosen_child(turn.id)


def _fork(
    conv: Conversation,
    turn: Turn,
    versions: list[Turn],
    out: _Built,
    parent_id: str | None,
    parent_alt: int,
) -> None:
    start, before = out.length, out.tail()  # every version follows the same text
    place: dict[str, Any] = {
        "id": new_id(),
        "parent_id": parent_id,
        "parent_alt": parent_alt,
        "start": out.length,
        "end": out.length,
        "shown": versions.index(turn),
        "visible": True,
        "alternatives": [],
    }
    out.places.append(place)
    for i, version in enumerate(versions):
        cid = version.id if version.role == "assistant" else ""
        if version is turn:
            _branch(conv, version, out, place["id"], i, fork_here=False)
            place["alternatives"].append({"continuation_id": cid, "text": "", "runs": []})
            continue
        sub = _Built(base=start, before=before)
        _branch(conv, version, sub, place["id"], i, fork_here=False)
        _hide(sub.places, place["id"])
        out.places += sub.places
        out.conts += sub.conts
        runs = [list(r) for r in sub.runs]
        place["alternatives"].append(
            {"continuation_id": cid, "text": "".join(sub.parts), "runs": runs}
        )
    place["end"] = out.length


def _segment(turn: Turn, out: _Built, parent_id: str | None, parent_alt: int) -> None:
    if turn.role != "assistant":
        # as the draft showed it and the model read it (prompts.join_draft)
        out.add(writer_separator(out.tail(), turn.text) + turn.text, WRITER)
        return
    start = out.length
    out.add(turn.text, turn.id)
    pid = new_id()
    out.places.append(
        {
            "id": pid,
            "parent_id": parent_id,
            "parent_alt": parent_alt,
            "start": start,
            "end": out.length,
            "shown": 0,
            "visible": True,
            "alternatives": [{"continuation_id": turn.id, "text": "", "runs": []}],
        }
    )
    made = [p for p in turn.passages if "model" in p]
    first = made[0] if made else {}
    new_tokens = [p["new_tokens"] for p in made if isinstance(p.get("new_tokens"), int)]
    out.conts.append(
        {
            "id": turn.id,
            "place_id": pid,
            "offset": out.base + start,
            "model": str(first.get("model") or ""),
            "settings": dict(first.get("settings") or {}),
            "created": turn.created,
            "seed": first.get("seed"),
            "prompt_tokens": first.get("prompt_tokens"),
            "new_tokens": sum(new_tokens) if new_tokens else None,
            "status": turn.status,
            "reason": first.get("reason"),
        }
    )


def _hide(places: list[dict[str, Any]], top: str) -> None:
    """Places built as if shown at offset 0 of an alternative of ``top``, made hidden.

    A hidden place's span is relative to its parent's start (``top`` starts
    at 0 here); places already hidden are relative already.
    """
    starts = {p["id"]: p["start"] for p in places if p["visible"]}
    starts[top] = 0
    for p in places:
        if p["visible"]:
            base = starts[p["parent_id"]]
            p["start"], p["end"], p["visible"] = p["start"] - base, p["end"] - base, False
