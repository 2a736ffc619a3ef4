"""The conversation list follows changes row by row instead of being rebuilt."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit

from gpt2desk.ui.conversation.sidebar import Sidebar
from gpt2desk.ui.translations import install_translations


def _convs(n: int) -> list[dict[str, Any]]:
    return [
        {"id": f"c{i}", "kind": "chat", "title": f"Title {i}", "updated": 1e9 + n - i, "model": ""}
        for i in range(n)
    ]


def _titles(sidebar: Sidebar) -> list[str]:
    return [sidebar.list.item(i).text().split("\n")[0] for i in range(sidebar.list.count())]


def test_a_send_moves_one_row_and_keeps_every_other_item(qtbot: Any) -> None:
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    convs = _convs(500)
    sidebar.show_conversations(convs, "c0")
    items = {sidebar.list.item(i).text(): sidebar.list.item(i) for i in range(500)}
    # c250 gets a new turn: it moves to the top with a new title.
    moved = {**convs[250], "title": "Renamed", "updated": 2e9}
    convs = [moved, *convs[:250], *convs[251:]]
    sidebar.show_conversations(convs, "c250")
    assert _titles(sidebar) == [c["title"] for c in convs]
    assert sidebar.current_id() == "c250"
    kept = [sidebar.list.item(i) for i in range(1, 500)]
    assert all(item is items[item.text()] for item in kept)  # not rebuilt


def test_any_sequence_of_changes_ends_in_the_right_order(qtbot: Any) -> None:
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    rng = random.Random(5)
    convs = _convs(200)
    sidebar.show_conversations(convs, None)
    for step in range(300):
        what = rng.choice(["move", "add", "delete", "undo", "filter"])
        if what == "move" and convs:
            convs.insert(0, convs.pop(rng.randrange(len(convs))))
        elif what == "add":
            convs.insert(0, {"id": f"n{step}", "kind": "draft", "title": f"New {step}",
                             "updated": 3e9, "model": "gpt2"})  # fmt: skip
        elif what == "delete" and convs:
            convs.pop(rng.randrange(len(convs)))
        elif what == "undo" and convs:
            convs.insert(rng.randrange(len(convs)), convs.pop(0))
        elif what == "filter":
            some = [c["id"] for c in convs if rng.random() < 0.1]
            sidebar.set_filter(some)
            assert sidebar.ids() == [c["id"] for c in convs if c["id"] in set(some)]
            sidebar.set_filter(None)
        sidebar.show_conversations(convs, None)
        assert sidebar.ids() == [c["id"] for c in convs]
        assert _titles(sidebar) == [c["title"] for c in convs]


def _text_lines(sidebar: Sidebar, row: int) -> int:
    """How many lines of text the row draws: bands of dark pixel rows with a gap between."""
    image = sidebar.list.viewport().grab().toImage()
    rect = sidebar.list.visualRect(sidebar.list.model().index(row, 0))
    xs = range(rect.left() + 2, rect.right() - 2)
    inked = [
        any(image.pixelColor(x, y).lightness() < 128 for x in xs)
        for y in range(rect.top(), rect.bottom() + 1)
    ]
    return sum(1 for i, ink in enumerate(inked) if ink and (i == 0 or not inked[i - 1]))


@pytest.fixture
def zh_tw() -> Iterator[None]:
    assert install_translations("zh_TW") == "zh_TW"
    yield
    install_translations("en")


def test_rows_with_chinese_titles_keep_their_second_line(qtbot: Any, zh_tw: None) -> None:
    """ "未命名" rows in zh_TW and Chinese titles show the time · model line too."""
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.resize(320, 400)
    sidebar.show()
    qtbot.waitExposed(sidebar)
    convs = [
        {"id": "u", "kind": "chat", "title": "Untitled", "updated": 1e9, "model": "gpt2"},
        {"id": "c", "kind": "draft", "title": "春天的故事", "updated": 1e9, "model": "gpt2"},
        {"id": "l", "kind": "chat", "title": "Hello", "updated": 1e9, "model": "gpt2"},
    ]
    sidebar.show_conversations(convs, None)
    assert sidebar.list.item(0).text().startswith("未命名")
    for row in range(3):
        assert _text_lines(sidebar, row) == 2, sidebar.list.item(row).text()


def test_the_rename_dialog_is_wide_enough_for_a_long_title(qtbot: Any) -> None:
    title = "A long conversation title about the spring festival and its stories, part two"
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.show()
    conv = {"id": "c", "kind": "chat", "title": title, "updated": 1e9, "model": "gpt2"}
    sidebar.show_conversations([conv], None)
    rect = sidebar.list.visualRect(sidebar.list.model().index(0, 0))
    qtbot.mouseClick(sidebar.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(sidebar.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = sidebar.findChild(QInputDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    field = dialog.findChild(QLineEdit)
    assert field is not None and field.text() == title
    needed = field.fontMetrics().horizontalAdvance(title)
    assert field.width() > needed, (field.width(), needed)
    with qtbot.waitSignal(sidebar.rename_requested) as renamed:
        field.selectAll()
        qtbot.keyClicks(field, "Short")
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert renamed.args == ["c", "Short"]


def test_a_narrow_list_names_a_folder_model_by_its_folder_and_cuts_rows_visibly(
    qtbot: Any,
) -> None:
    """A model folder's whole path made every row wider than the sidebar: a sideways
    scroll bar, and the end of the second line (the kind) out of sight."""
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.resize(200, 300)
    sidebar.show()
    qtbot.waitExposed(sidebar)
    folder = "/home/writer/models/a-rather-long-folder-name/gpt2-finetuned-on-my-novels"
    long_title = "The rain had not stopped for three days and the river was rising"
    convs = [{"id": "d", "kind": "draft", "title": long_title, "updated": 1e9, "model": folder}]
    sidebar.show_conversations(convs, "d")
    item = sidebar.list.item(0)
    assert "/home/writer" not in item.text()
    assert "gpt2-finetuned-on-my-novels" in item.text()
    assert long_title in item.toolTip() and folder in item.toolTip()  # nothing hidden
    assert not sidebar.list.horizontalScrollBar().isVisible()
    rect = sidebar.list.visualItemRect(item)
    assert rect.right() <= sidebar.list.viewport().width()
