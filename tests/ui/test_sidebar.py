"""The conversation list follows changes row by row instead of being rebuilt."""

from __future__ import annotations

import random
from typing import Any

from gpt2desk.ui.conversation.sidebar import Sidebar


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
