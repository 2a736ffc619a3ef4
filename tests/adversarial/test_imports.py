"""Hostile gpt2desk JSON exports (issue 10, item 7).

A file with one wrong field is refused whole, before anything is written, with
one sentence naming the field; the next start of the app is fine. Importing a
file twice adds nothing. Import and export run in a thread of their own with a
progress dialog; Cancel leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from gpt2desk.core.store.database import Store
from gpt2desk.ui.conversation.file_job import FileJob
from gpt2desk.ui.window.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
Doc = dict[str, Any]


def _conv(cid: str, texts: tuple[str, ...] = ("a question", " an answer")) -> Doc:
    turns = []
    parent = None
    for i, text in enumerate(texts):
        tid = f"{cid}-t{i}"
        role = "user" if i % 2 == 0 else "assistant"
        turns.append({"id": tid, "parent_id": parent, "role": role, "text": text,
                      "created": 10.0 + i, "active_child": None, "passages": [],
                      "status": "done"})  # fmt: skip
        parent = tid
    return {"id": cid, "kind": "chat", "title": cid, "title_set": True, "created": 10.0,
            "updated": 20.0, "model": "", "active_child": None, "composer": "", "scroll": 0,
            "turns": turns}  # fmt: skip


def _doc(*convs: Doc) -> Doc:
    return {"format": "gpt2desk", "version": 1, "conversations": list(convs)}


def _saved(folder: Path) -> dict[str, list[str]]:
    """Conversation id -> texts of its turns, as the database holds them."""
    store = Store.open(folder)
    try:
        return {c["id"]: [t["text"] for t in c["turns"]] for c in store.load_all()}
    finally:
        store.close()


def _window_with_one_conversation(make_window: MakeWindow, tmp_path: Path) -> MainWindow:
    window = make_window(start=False)
    (tmp_path / "mine.json").write_text(json.dumps(_doc(_conv("mine"))))
    assert window.workspace_ui.import_file(str(tmp_path / "mine.json")) == ""
    window.workspace_ui.workspace.writer.flush()
    window.workspace_ui.select("mine")
    return window


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Doc], str]:
    """A file whose field at ``path`` (in the second conversation) is ``value``."""

    def make(doc: Doc) -> str:
        target: Any = doc["conversations"][1]
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return json.dumps(doc)

    return make


def _top(key: str, value: Any) -> Callable[[Doc], str]:
    def make(doc: Doc) -> str:
        doc[key] = value
        return json.dumps(doc)

    return make


def _text(old: str, new: str) -> Callable[[Doc], str]:
    def make(doc: Doc) -> str:
        text = json.dumps(doc)
        assert old in text
        return text.replace(old, new, 1)

    return make


def _deep(doc: Doc) -> str:
    depth = 100_000
    return (
        json.dumps(doc).replace('"conversations": [', '"conversations": [' + "[" * depth, 1)[:-2]
        + "]" * depth
        + "]}"
    )


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"k": value}
    return value


def _loop(doc: Doc) -> str:
    turns = doc["conversations"][1]["turns"]
    turns[0]["parent_id"] = turns[1]["id"]  # t0 -> t1 -> t0
    return json.dumps(doc)


def _other_conversations_turn(doc: Doc) -> str:
    doc["conversations"][1]["turns"][1]["parent_id"] = doc["conversations"][0]["turns"][0]["id"]
    return json.dumps(doc)


C1 = "conversations[1]"
T0, T1 = f"{C1}.turns[0]", f"{C1}.turns[1]"
HOSTILE = [
    ("passages-string", _set(("turns", 0, "passages"), "abc"),
     f'{T0}.passages: expected a list, got "abc"'),
    ("parent-id-list", _set(("turns", 1, "parent_id"), ["x"]),
     f"{T1}.parent_id: expected a string or null, got a list"),
    ("active-child-object", _set(("turns", 0, "active_child"), {}),
     f"{T0}.active_child: expected a string or null, got an object"),
    ("created-nan", _set(("turns", 0, "created"), float("nan")),
     f"{T0}.created: expected a finite number, got NaN"),
    ("scroll-huge", _set(("scroll",), 1e30),
     f"{C1}.scroll: expected a whole number from 0 to 2147483647, got 1e+30"),
    ("version-null", _top("version", None), "version: expected a whole number"),
    ("version-list", _top("version", [1]), "version: expected a whole number"),
    ("version-1e400", _text('"version": 1', '"version": 1e400'),
     "version: expected a whole number (the export's version, 1 or more), got Infinity"),
    ("conversations-number", _top("conversations", 5), "conversations: expected a list, got 5"),
    ("conversations-object", _top("conversations", {}),
     "conversations: expected a list, got an object"),
    ("conversation-string", _text('{"id": "bad"', '"a string", {"id": "bad"'),
     'conversations[1]: expected an object, got "a string"'),
    ("nested-100000-deep", _deep, "The file is nested too deeply"),
    ("role-unknown", _set(("turns", 1, "role"), "system"),
     f'{T1}.role: expected "user" or "assistant", got "system"'),
    ("text-missing", lambda d: _set(("turns", 0, "text"), None)(d).replace(', "text": null', ""),
     f"{T0}.text: missing"),
    ("passage-settings-deep", _set(("turns", 1, "passages"), [{"settings": _nested(40)}]),
     f"{T1}.passages[0].settings: expected an object nested at most 32 deep"),
    ("id-a-number", _set(("id",), 10**30), f"{C1}.id: expected an id"),
    ("parent-in-another-conversation", _other_conversations_turn,
     f"{T1}.parent_id: no turn of this conversation has this id"),
    ("parents-in-a-loop", _loop, f"{T0}.parent_id: the turns' parents go round in a loop"),
    ("same-conversation-twice", _set(("id",), "good"),
     f"{C1}.id: another conversation of this file has this id"),
    ("title-set-string", _set(("title_set",), "yes"), f"{C1}.title_set: expected true or false"),
]  # fmt: skip


@pytest.mark.parametrize(("make_file", "expected"), [h[1:] for h in HOSTILE],
                         ids=[h[0] for h in HOSTILE])  # fmt: skip
def test_a_wrong_field_refuses_the_whole_file_and_the_next_start_is_fine(
    make_window: MakeWindow,
    isolated_data_dir: Path,
    tmp_path: Path,
    make_file: Callable[[Doc], str],
    expected: str,
) -> None:
    window = _window_with_one_conversation(make_window, tmp_path)
    ui = window.workspace_ui
    bad = tmp_path / "bad.json"
    bad.write_text(make_file(_doc(_conv("good"), _conv("bad"))))

    message = ui.import_file(str(bad))

    assert message.startswith(f"Cannot import bad.json: {expected}"), message
    assert "Nothing was imported." in message and "\n" not in message
    assert [c["id"] for c in ui.workspace.summaries] == ["mine"]
    assert ui.storage_label.text() == ""  # still saving to the file, not in memory
    window.close()
    assert _saved(isolated_data_dir) == {"mine": ["a question", " an answer"]}
    again = make_window(start=False)  # the next start builds the window and shows it all
    assert [c["id"] for c in again.workspace_ui.workspace.summaries] == ["mine"]
    assert "an answer" in again.chat.toPlainText()
    assert again.workspace_ui.storage_label.text() == ""


def _run(qtbot: Any, job: FileJob | None) -> tuple[bool, str]:
    assert job is not None
    with qtbot.waitSignal(job.done, timeout=20_000) as blocker:
        pass
    ok, message = blocker.args
    return ok, message


def test_importing_the_same_export_twice_adds_nothing_and_says_how_many_were_skipped(
    qtbot: Any, make_window: MakeWindow, isolated_data_dir: Path, tmp_path: Path
) -> None:
    window = make_window(start=False)
    ui = window.workspace_ui
    (tmp_path / "two.json").write_text(json.dumps(_doc(_conv("a"), _conv("b"))))
    (tmp_path / "three.json").write_text(json.dumps(_doc(_conv("a"), _conv("b"), _conv("c"))))

    assert _run(qtbot, ui.start_import(str(tmp_path / "two.json"))) == (
        True,
        "Imported 2 conversations from two.json.",
    )
    ok, message = _run(qtbot, ui.start_import(str(tmp_path / "two.json")))
    assert ok and message == (
        "Nothing new in two.json: its 2 conversations are already here (same id)."
    )
    ok, message = _run(qtbot, ui.start_import(str(tmp_path / "three.json")))
    assert ok and message.startswith("Imported 1 conversations from three.json.")
    assert "2 conversations were already here (same id) and were skipped." in message
    assert window.stats_label.text() == message
    assert sorted(ui.sidebar.ids()) == ["a", "b", "c"]
    window.close()
    assert sorted(_saved(isolated_data_dir)) == ["a", "b", "c"]


def test_an_import_whose_turn_ids_are_taken_keeps_both_conversations_whole(
    make_window: MakeWindow, isolated_data_dir: Path, tmp_path: Path
) -> None:
    window = _window_with_one_conversation(make_window, tmp_path)
    copy = _conv("mine")
    copy["id"] = "copy"  # same turn ids as "mine": turn ids are unique across the database
    (tmp_path / "copy.json").write_text(json.dumps(_doc(copy)))
    assert window.workspace_ui.import_file(str(tmp_path / "copy.json")) == ""
    window.close()
    texts = ["a question", " an answer"]
    assert _saved(isolated_data_dir) == {"mine": texts, "copy": texts}


def _hold(window: MainWindow) -> threading.Event:
    """Keeps the store's writer thread busy (a slow disk) until the event is set."""
    started, release = threading.Event(), threading.Event()

    def busy(_store: Store) -> None:
        started.set()
        release.wait(30)

    window.workspace_ui.workspace.writer.submit(busy)
    assert started.wait(10)
    return release


def test_import_runs_off_the_gui_thread_with_progress_and_cancel_leaves_nothing(
    qtbot: Any, make_window: MakeWindow, isolated_data_dir: Path, tmp_path: Path
) -> None:
    window = _window_with_one_conversation(make_window, tmp_path)
    ui = window.workspace_ui
    many = _doc(*(_conv(f"c{i}", ("q " * 50, " a" * 50)) for i in range(300)))
    (tmp_path / "many.json").write_text(json.dumps(many))
    release = _hold(window)
    try:
        job = ui.start_import(str(tmp_path / "many.json"))
        assert job is not None and job.job_thread.isRunning()
        # Checked, then waiting for the (slow) disk: the window meanwhile works.
        qtbot.waitUntil(lambda: job.dialog.value() >= 85 and job.dialog.isVisible())
        assert job.dialog.labelText() == f"Importing {tmp_path / 'many.json'}…"
        window.composer.setPlainText("typed while importing")
        assert ui.sidebar.ids() == ["mine"]
        assert ui.start_import(str(tmp_path / "many.json")) is None  # one at a time
        qtbot.mouseClick(job.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)  # Cancel
    finally:
        release.set()
    ok, message = _run(qtbot, job)
    assert (ok, message) == (False, "Import cancelled: nothing was imported.")
    assert not job.job_thread.isRunning() and not job.dialog.isVisible()
    assert ui.sidebar.ids() == ["mine"]
    window.close()
    assert list(_saved(isolated_data_dir)) == ["mine"]
    assert make_window(start=False).workspace_ui.sidebar.ids() == ["mine"]


def test_export_runs_off_the_gui_thread_and_cancel_writes_no_file(
    qtbot: Any, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = _window_with_one_conversation(make_window, tmp_path)
    ui = window.workspace_ui
    out = tmp_path / "out.json"
    release = _hold(window)
    try:
        job = ui.start_export(str(out), "json")
        assert job is not None and job.job_thread.isRunning()
        qtbot.waitUntil(job.dialog.isVisible)  # waiting for the disk: progress is shown
        qtbot.mouseClick(job.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    finally:
        release.set()
    assert _run(qtbot, job) == (False, "Export cancelled: no file was written.")
    assert sorted(os.listdir(tmp_path)) == ["data", "mine.json", "qsettings"]
    window.composer.setPlainText("unsent text")
    assert _run(qtbot, ui.start_export(str(out), "json")) == (True, f"Exported to {out}")
    exported = json.loads(out.read_text())
    assert [c["id"] for c in exported["conversations"]] == ["mine"]
    assert exported["conversations"][0]["composer"] == "unsent text"
    assert ui.export(str(tmp_path / "now.json"), "json") == ""
    assert json.loads((tmp_path / "now.json").read_text()) == exported


def test_closing_the_window_during_an_import_stops_it_and_the_next_start_is_fine(
    qtbot: Any, make_window: MakeWindow, isolated_data_dir: Path, tmp_path: Path
) -> None:
    window = _window_with_one_conversation(make_window, tmp_path)
    (tmp_path / "new.json").write_text(json.dumps(_doc(_conv("new"))))
    release = _hold(window)
    job = window.workspace_ui.start_import(str(tmp_path / "new.json"))
    assert job is not None
    qtbot.waitUntil(lambda: job.dialog.value() >= 85)  # checked, waiting for the disk
    # The disk answers once closing the window has cancelled the import.
    cancelled = job.runner.control.cancelled
    threading.Thread(target=lambda: cancelled.wait(30) and release.set()).start()
    window.close()
    assert not job.job_thread.isRunning()
    assert list(_saved(isolated_data_dir)) == ["mine"]  # cancelled before it was written
    assert make_window(start=False).workspace_ui.sidebar.ids() == ["mine"]


def test_a_device_or_pipe_is_never_read(make_window: MakeWindow, tmp_path: Path) -> None:
    window = make_window(start=False)
    ui = window.workspace_ui
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)  # opening it would wait for a writer forever
    assert ui.import_file(str(fifo)) == f"Cannot import {fifo}: it is not a file."
    assert ui.import_file("/dev/zero") == "Cannot import /dev/zero: it is not a file."
    assert ui.import_file(str(tmp_path / "absent.json")).startswith(
        f"Cannot read {tmp_path / 'absent.json'}: No such file"
    )
    assert ui.workspace.summaries == []


def test_a_100000_deep_file_is_refused_by_the_import_thread_too(
    qtbot: Any, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = make_window(start=False)
    (tmp_path / "deep.json").write_text(_deep(_doc(_conv("x"))))
    ok, message = _run(qtbot, window.workspace_ui.start_import(str(tmp_path / "deep.json")))
    assert not ok and message.startswith("Cannot import deep.json: The file is nested too deeply")
    assert window.stats_label.text() == message
    assert window.workspace_ui.workspace.summaries == []


def test_a_file_that_is_not_json_or_not_an_export_is_refused_in_one_sentence(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    window = make_window(start=False)
    ui = window.workspace_ui
    (tmp_path / "cut.json").write_text(json.dumps(_doc(_conv("x")))[:-20])
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "newer.json").write_text(json.dumps({**_doc(_conv("x")), "version": 99}))
    assert ui.import_file(str(tmp_path / "cut.json")).startswith(
        "Cannot import cut.json: The file is not valid JSON ("
    )
    assert ui.import_file(str(tmp_path / "list.json")) == (
        'Cannot import list.json: This is not a gpt2desk export (no "format": "gpt2desk").'
    )
    assert ui.import_file(str(tmp_path / "newer.json")) == (
        "Cannot import newer.json: This export was written by a newer gpt2desk."
    )
    assert ui.workspace.summaries == []
