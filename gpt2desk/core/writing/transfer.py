"""What a gpt2desk JSON export may hold, declared once, and reading one.

The schema below is the only place that says what a field must be. A file is
checked whole before anything is built from it: the first field that does
not fit refuses the import, and the message names it the way the file
spells it (``conversations[2].turns[0].parent_id: expected a string or null,
got a list``). Nothing is written for a refused file.

No Qt here: a job thread calls :func:`parse` and :func:`read_export`, and the
store's writer thread :func:`store_new`.
"""

from __future__ import annotations

import json
import math
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message, Template
from gpt2desk.core.store.database import Store
from gpt2desk.core.writing.manuscript_files import from_draft
from gpt2desk.core.writing.manuscript_rows import checked, to_dict
from gpt2desk.core.writing.turns import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    KINDS,
    Conversation,
    ImportFailed,
    new_id,
)

ROLES = ("user", "assistant")
STATUSES = ("done", "streaming", "stopped", "failed")
# Values the schema does not describe (a passage's settings, fields of a newer
# version) are kept as they are, but no deeper than this: copying or writing
# a value nested hundreds deep would hit Python's recursion limit later.
MAX_FREE_DEPTH = 32
MAX_INT = 2**53  # what a JSON reader in any language reads back exactly
MAX_SCROLL = 2**31 - 1  # a scroll bar position (a C int in Qt)
MAX_ID = 200

_MISSING = QT_TRANSLATE_NOOP("Import", "{field}: missing. Nothing was imported.")
_REFUSED = QT_TRANSLATE_NOOP("Import", "{field}: {problem}, got {got}. Nothing was imported.")
_RULE = QT_TRANSLATE_NOOP("Import", "{field}: {problem}. Nothing was imported.")


class Cancelled(Exception):
    """The user cancelled; nothing was kept."""


# -- the checks a field can have ------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One kind of value: ``test(value)`` says whether it fits; ``expected`` says what would."""

    expected: Template
    test: Callable[[Any], bool]


def _is_int(v: Any, lo: int, hi: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi


def _is_finite(v: Any) -> bool:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return False
    try:
        return math.isfinite(float(v))
    except OverflowError:  # an int too big for a float
        return False


def _is_id(v: Any) -> bool:
    """A short printable string that SQLite can store as TEXT (no lone surrogates)."""
    if not isinstance(v, str) or not 0 < len(v) <= MAX_ID or not v.isprintable():
        return False
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _free(v: Any) -> bool:
    """Any JSON value nested at most ``MAX_FREE_DEPTH`` deep, with no NaN (no recursion)."""
    stack: list[tuple[Any, int]] = [(v, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_FREE_DEPTH:
                return False
            children = value.values() if isinstance(value, dict) else value
            stack.extend((c, depth + 1) for c in children)
        elif isinstance(value, float) and not math.isfinite(value):
            return False
    return True


def _nullable(check: Check, expected: Template) -> Check:
    return Check(expected, lambda v: v is None or check.test(v))


STRING = Check(QT_TRANSLATE_NOOP("Import", "expected a string"), lambda v: isinstance(v, str))
ID = Check(
    QT_TRANSLATE_NOOP("Import", "expected an id (a string of 1 to 200 printable characters)"),
    _is_id,
)
OPTIONAL_ID = _nullable(ID, QT_TRANSLATE_NOOP("Import", "expected a string or null"))
OPTIONAL_STRING = _nullable(STRING, QT_TRANSLATE_NOOP("Import", "expected a string or null"))
FINITE = Check(QT_TRANSLATE_NOOP("Import", "expected a finite number"), _is_finite)
BOOL = Check(QT_TRANSLATE_NOOP("Import", "expected true or false"), lambda v: isinstance(v, bool))
OPTIONAL_BOOL = _nullable(BOOL, QT_TRANSLATE_NOOP("Import", "expected true, false or null"))
COUNT = Check(
    QT_TRANSLATE_NOOP("Import", "expected a whole number from 0 to 2^53"),
    lambda v: _is_int(v, 0, MAX_INT),
)
OPTIONAL_COUNT = _nullable(
    COUNT, QT_TRANSLATE_NOOP("Import", "expected a whole number from 0 to 2^53, or null")
)
SCROLL = Check(
    QT_TRANSLATE_NOOP("Import", "expected a whole number from 0 to 2147483647"),
    lambda v: _is_int(v, 0, MAX_SCROLL),
)
VERSION = Check(
    QT_TRANSLATE_NOOP("Import", "expected a whole number (the export's version, 1 or more)"),
    lambda v: _is_int(v, 1, MAX_INT),
)
KIND = Check(
    QT_TRANSLATE_NOOP("Import", 'expected "chat" or "draft"'),
    lambda v: isinstance(v, str) and v in KINDS,
)
ROLE = Check(
    QT_TRANSLATE_NOOP("Import", 'expected "user" or "assistant"'),
    lambda v: isinstance(v, str) and v in ROLES,
)
STATUS = Check(
    QT_TRANSLATE_NOOP("Import", 'expected "done", "streaming", "stopped" or "failed"'),
    lambda v: isinstance(v, str) and v in STATUSES,
)
FREE = Check(
    QT_TRANSLATE_NOOP("Import", "expected a JSON value nested at most 32 deep, with no NaN"),
    _free,
)
FREE_OBJECT = Check(
    QT_TRANSLATE_NOOP("Import", "expected an object nested at most 32 deep, with no NaN"),
    lambda v: isinstance(v, dict) and _free(v),
)
OBJECT = Check(QT_TRANSLATE_NOOP("Import", "expected an object"), lambda v: isinstance(v, dict))
LIST = Check(QT_TRANSLATE_NOOP("Import", "expected a list"), lambda v: isinstance(v, list))


# -- the schema -----------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A key of a record: a value check, or a list of records (``items``)."""

    name: str
    check: Check | None = None
    items: Record | None = None
    required: bool = False
    one: Record | None = None  # a single object of this record


@dataclass(frozen=True)
class Record:
    """A JSON object. Keys it does not name are dropped, except in an ``open`` record,
    which keeps them (checked as FREE): a passage holds what a newer version adds."""

    fields: tuple[Field, ...]
    open: bool = False


PASSAGE = Record(
    (
        Field("start", COUNT),
        Field("end", COUNT),
        Field("model", STRING),
        Field("settings", FREE_OBJECT),
        Field("seed", OPTIONAL_COUNT),
        Field("prompt_tokens", OPTIONAL_COUNT),
        Field("new_tokens", OPTIONAL_COUNT),
        Field("reason", OPTIONAL_STRING),
        Field("prompt_truncated", OPTIONAL_BOOL),
        Field("context_shifts", OPTIONAL_COUNT),
        Field("created", FINITE),
        Field("edited_from", STRING),
        Field("error", STRING),
    ),
    open=True,
)
TURN = Record(
    (
        Field("id", ID, required=True),
        Field("parent_id", OPTIONAL_ID),
        Field("role", ROLE, required=True),
        Field("text", STRING, required=True),
        Field("created", FINITE, required=True),
        Field("active_child", OPTIONAL_ID),
        Field("passages", items=PASSAGE),
        Field("status", STATUS),
    )
)
RUNS = Check(
    QT_TRANSLATE_NOOP(
        "Import", "expected a list of [start, end, author] (two whole numbers and a string)"
    ),
    lambda v: (
        isinstance(v, list)
        and all(
            isinstance(r, list)
            and len(r) == 3
            and _is_int(r[0], 0, MAX_INT)
            and _is_int(r[1], 0, MAX_INT)
            and isinstance(r[2], str)
            for r in v
        )
    ),
)
ALTERNATIVE = Record(
    (
        Field("continuation_id", STRING, required=True),
        Field("text", STRING),
        Field("runs", RUNS),
    )
)
PLACE = Record(
    (
        Field("id", ID, required=True),
        Field("parent_id", OPTIONAL_ID),
        Field("parent_alt", COUNT),
        Field("start", COUNT, required=True),
        Field("end", COUNT, required=True),
        Field("shown", COUNT),
        Field("visible", BOOL),
        Field("alternatives", items=ALTERNATIVE, required=True),
    )
)
CONTINUATION = Record(
    (
        Field("id", ID, required=True),
        Field("place_id", ID, required=True),
        Field("offset", COUNT, required=True),
        Field("model", STRING),
        Field("settings", FREE_OBJECT),
        Field("seed", OPTIONAL_COUNT),
        Field("prompt_tokens", OPTIONAL_COUNT),
        Field("new_tokens", OPTIONAL_COUNT),
        Field("created", FINITE, required=True),
        Field("status", STATUS),
        Field("reason", OPTIONAL_STRING),
    )
)
MANUSCRIPT = Record(
    (
        Field("text", STRING, required=True),
        Field("runs", RUNS),
        Field("cursor", COUNT),
        Field("scroll", SCROLL),
        Field("places", items=PLACE),
        Field("continuations", items=CONTINUATION),
    )
)
CONVERSATION = Record(
    (
        Field("id", ID, required=True),
        Field("kind", KIND),
        Field("title", STRING),
        Field("title_set", BOOL),
        Field("created", FINITE, required=True),
        Field("updated", FINITE, required=True),
        Field("model", STRING),
        Field("active_child", OPTIONAL_ID),
        Field("composer", STRING),
        Field("scroll", SCROLL),
        Field("turns", items=TURN),
        Field("manuscript", one=MANUSCRIPT),
    )
)
DOCUMENT = Record(
    (
        Field("format", STRING, required=True),
        Field("version", VERSION, required=True),
        Field("conversations", items=CONVERSATION, required=True),
    )
)

_NOT_AN_EXPORT = QT_TRANSLATE_NOOP(
    "Import", 'This is not a gpt2desk export (no "format": "gpt2desk").'
)
_NEWER = QT_TRANSLATE_NOOP("Import", "This export was written by a newer gpt2desk.")
_DUPLICATE_CONVERSATION = QT_TRANSLATE_NOOP(
    "Import", "another conversation of this file has this id"
)
_DUPLICATE_TURN = QT_TRANSLATE_NOOP("Import", "another turn of this conversation has this id")
_NO_SUCH_TURN = QT_TRANSLATE_NOOP("Import", "no turn of this conversation has this id")
_LOOP = QT_TRANSLATE_NOOP("Import", "the turns' parents go round in a loop")
_MISFIT = QT_TRANSLATE_NOOP(
    "Import", "its text, authorship, places and continuations do not fit together ({detail})"
)


# -- checking a document against it ----------------------------------------------


def _got(v: Any) -> Message:
    """What a value is, for a message: its kind, or the value when it is short."""
    if isinstance(v, list):
        return Message(QT_TRANSLATE_NOOP("Import", "a list"))
    if isinstance(v, dict):
        return Message(QT_TRANSLATE_NOOP("Import", "an object"))
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10**20:
        return Message(QT_TRANSLATE_NOOP("Import", "a number of {n} digits"), n=len(str(abs(v))))
    if isinstance(v, str) and len(v) > 40:
        return Message(json.dumps(v[:40]) + "…")
    return Message(json.dumps(v))  # null, true, 3.5, NaN, Infinity, 1e+30, "bot"


def _refuse(where: str, check: Check, value: Any) -> ImportFailed:
    return ImportFailed(_REFUSED, field=where, problem=Message(check.expected), got=_got(value))


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _check_record(value: Any, record: Record, where: str) -> Iterator[tuple[str, Any, Record]]:
    """Checks one object's own fields; yields the records of its lists, to check next."""
    if not isinstance(value, dict):
        raise _refuse(where, OBJECT, value)
    for f in record.fields:
        here = _join(where, f.name)
        if f.name not in value:
            if f.required:
                raise ImportFailed(_MISSING, field=here)
            continue
        item = value[f.name]
        if f.check is not None and not f.check.test(item):
            raise _refuse(here, f.check, item)
        if f.one is not None:
            yield here, item, f.one
        if f.items is not None:
            if not isinstance(item, list):
                raise _refuse(here, LIST, item)
            for i, child in enumerate(item):
                yield f"{here}[{i}]", child, f.items
    if record.open:
        known = {f.name for f in record.fields}
        for key, item in value.items():
            if key not in known and not _free(item):
                raise _refuse(_join(where, str(key)), FREE, item)


def _check_tree(conv: dict[str, Any], where: str) -> None:
    """Turn ids are unique, every parent is a turn of this conversation, and no turn is
    its own ancestor (a loop would never reach the first turn)."""
    turns = conv.get("turns", [])
    index: dict[str, int] = {}
    for i, t in enumerate(turns):
        if t["id"] in index:
            raise ImportFailed(
                _RULE, field=f"{where}.turns[{i}].id", problem=Message(_DUPLICATE_TURN)
            )
        index[t["id"]] = i
    for i, t in enumerate(turns):
        parent = t.get("parent_id")
        if parent is not None and parent not in index:
            raise ImportFailed(
                _RULE, field=f"{where}.turns[{i}].parent_id", problem=Message(_NO_SUCH_TURN)
            )
    reaches_root: set[str] = set()
    for i, t in enumerate(turns):
        seen: set[str] = set()
        node: str | None = t["id"]
        while node is not None and node not in reaches_root:
            if node in seen:
                raise ImportFailed(
                    _RULE, field=f"{where}.turns[{i}].parent_id", problem=Message(_LOOP)
                )
            seen.add(node)
            node = turns[index[node]].get("parent_id")
        reaches_root |= seen


def _check_manuscript(conv: dict[str, Any], where: str) -> None:
    try:
        checked({**conv["manuscript"], "id": conv["id"]})
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ImportFailed(_RULE, field=where, problem=Message(_MISFIT, detail=exc)) from exc


def validate(doc: Any, tick: Callable[[int, int], None] | None = None) -> None:
    """Raises :class:`ImportFailed` naming the first field of ``doc`` that does not fit.

    ``tick(done, total)`` is called after each conversation (it may raise
    :class:`Cancelled`).
    """
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise ImportFailed(_NOT_AN_EXPORT)  # says it all: no field of it is looked at
    if _is_int(doc.get("version"), EXPORT_VERSION + 1, MAX_INT):
        raise ImportFailed(_NEWER)
    pending = list(_check_record(doc, DOCUMENT, ""))
    ids: set[str] = set()
    for done, (where, conv, record) in enumerate(pending, 1):
        # Breadth first and without recursion: a conversation, then its turns,
        # then their passages.
        queue = deque([(where, conv, record)])
        while queue:
            here, value, rec = queue.popleft()
            queue.extend(_check_record(value, rec, here))
        if conv["id"] in ids:
            raise ImportFailed(_RULE, field=f"{where}.id", problem=Message(_DUPLICATE_CONVERSATION))
        ids.add(conv["id"])
        _check_tree(conv, where)
        if "manuscript" in conv:
            _check_manuscript(conv, f"{where}.manuscript")
        if tick is not None:
            tick(done, len(pending))


# -- reading a file ---------------------------------------------------------------


def parse(text: str) -> Any:
    """The JSON value of ``text``; a file nested too deep is refused, not a crash."""
    try:
        return json.loads(text)
    except RecursionError as exc:
        too_deep = QT_TRANSLATE_NOOP(
            "Import", "The file is nested too deeply to be a gpt2desk export. Nothing was imported."
        )
        raise ImportFailed(too_deep) from exc
    except ValueError as exc:  # JSONDecodeError: its own English detail
        not_json = QT_TRANSLATE_NOOP(
            "Import", "The file is not valid JSON ({error}). Nothing was imported."
        )
        raise ImportFailed(not_json, error=exc) from exc


def read_export(
    doc: Any,
    *,
    cancelled: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Conversation]:
    """Checks ``doc`` whole, then builds its conversations.

    Args:
        cancelled: Set by the user's Cancel; :class:`Cancelled` is raised.
        progress: ``progress(done, total)`` while checking the conversations.

    Raises:
        ImportFailed: naming the first bad field; Cancelled.
    """

    def tick(done: int, total: int) -> None:
        if cancelled is not None and cancelled.is_set():
            raise Cancelled
        if progress is not None:
            progress(done, total)

    validate(doc, tick)
    return [Conversation.from_dict(raw) for raw in doc["conversations"]]


def read_manuscripts(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The manuscripts of the drafts of a document :func:`read_export` accepted, by id."""
    return {
        raw["id"]: {**raw["manuscript"], "id": raw["id"]}
        for raw in doc["conversations"]
        if "manuscript" in raw and raw.get("kind") == "draft"
    }


def store_new(
    store: Store,
    convs: list[Conversation],
    cancelled: threading.Event | None = None,
    manuscripts: dict[str, dict[str, Any]] | None = None,
) -> tuple[list[Conversation], int]:
    """Saves the conversations that are not in ``store`` yet, in one transaction.

    Runs in the writer thread, so "already here" is exact. A conversation with
    the id of one already here is skipped (importing a file twice adds
    nothing); one whose turn ids are taken (a turn id is unique across the
    database) gets new turn ids. A draft is saved with its manuscript
    (``manuscripts``, by id: :func:`read_manuscripts`), or, from an export
    made before manuscripts, with the one its turns give; a manuscript whose
    place or continuation ids are taken gets new ones.

    Returns:
        The conversations saved, and how many were skipped.

    Raises:
        Cancelled: before anything is written.
    """
    if cancelled is not None and cancelled.is_set():
        raise Cancelled
    present = _present(store, "conversations", [c.id for c in convs])
    fresh = [c for c in convs if c.id not in present]
    taken = _present(store, "turns", [t for c in fresh for t in c.turns])
    out: list[Conversation] = []
    for conv in fresh:
        if not taken.isdisjoint(conv.turns):
            conv = _new_turn_ids(conv)
        taken.update(conv.turns)
        out.append(conv)
    rows = _manuscript_rows(store, out, manuscripts or {})
    if out:
        store.save_many([c.to_dict() for c in out], manuscripts=rows)
    return out, len(convs) - len(out)


def _manuscript_rows(
    store: Store, convs: list[Conversation], given: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    rows = []
    for conv in convs:
        if conv.kind != "draft":
            continue
        row = given.get(conv.id)
        m = checked(row) if row is not None else from_draft(conv)  # checked whole already
        rows.append(to_dict(m))
    places = _present(store, "manuscript_places", [p["id"] for r in rows for p in r["places"]])
    conts = _present(
        store, "manuscript_continuations", [c["id"] for r in rows for c in r["continuations"]]
    )
    for i, row in enumerate(rows):
        mine_p = {p["id"] for p in row["places"]}
        mine_c = {c["id"] for c in row["continuations"]}
        if not (places.isdisjoint(mine_p) and conts.isdisjoint(mine_c)):
            rows[i] = row = _new_manuscript_ids(row)
        places.update(p["id"] for p in row["places"])
        conts.update(c["id"] for c in row["continuations"])
    return rows


def _new_manuscript_ids(row: dict[str, Any]) -> dict[str, Any]:
    """The same manuscript with new place and continuation ids (authors renamed with them)."""
    pmap = {p["id"]: new_id() for p in row["places"]}
    cmap = {c["id"]: new_id() for c in row["continuations"]}

    def runs(rs: list[Any]) -> list[list[Any]]:
        return [[r[0], r[1], cmap.get(r[2], r[2])] for r in rs]

    places = [
        {
            **p,
            "id": pmap[p["id"]],
            "parent_id": pmap.get(p.get("parent_id") or "", p.get("parent_id")),
            "alternatives": [
                {
                    **a,
                    "continuation_id": cmap.get(a["continuation_id"], a["continuation_id"]),
                    "runs": runs(a.get("runs") or []),
                }
                for a in p["alternatives"]
            ],
        }
        for p in row["places"]
    ]
    conts = [
        {**c, "id": cmap[c["id"]], "place_id": pmap.get(c["place_id"], c["place_id"])}
        for c in row["continuations"]
    ]
    return {**row, "runs": runs(row.get("runs") or []), "places": places, "continuations": conts}


def _present(store: Store, table: str, ids: list[str]) -> set[str]:
    """Which of ``ids`` are ids of rows of ``table``."""
    if not ids:
        return set()
    rows = store.conn.execute(
        f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
    )
    return {r[0] for r in rows}


def _new_turn_ids(conv: Conversation) -> Conversation:
    mapping = {old: new_id() for old in conv.turns}
    d = conv.to_dict()
    d["active_child"] = mapping.get(d["active_child"] or "")
    for t in d["turns"]:
        t["id"] = mapping[t["id"]]
        t["parent_id"] = mapping.get(t["parent_id"] or "")
        t["active_child"] = mapping.get(t["active_child"] or "")
    return Conversation.from_dict(d)
