"""The checks of values a Hub sends before they become paths (core/hub/guard.py)."""

from __future__ import annotations

import pytest

from gpt2desk.core.hub.guard import (
    UnsafeAnswer,
    check_blob,
    check_commit,
    is_safe_file_name,
    shown,
)


@pytest.mark.parametrize(
    "name", ["config.json", "onnx/model.onnx", "a b/ü-名前.txt", ".gitattributes", "x..y"]
)
def test_names_inside_the_model_folder_are_safe(name: str) -> None:
    assert is_safe_file_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "..",
        "../x",
        "a/../../x",
        "a/./b",
        "/etc/passwd",
        "a//b",
        "a/",
        "",
        "..\\x",
        "a\\b",
        "a\x00b",
        "a\nb",
        "a\x7fb",
        "a\u2028b",
        "x" * 1001,
        5,
        None,
        b"config.json",
    ],
)
def test_paths_and_control_characters_are_not_safe_names(name: object) -> None:
    assert not is_safe_file_name(name)


def test_ids_are_lowercase_hex_of_the_right_length() -> None:
    assert check_commit("0123456789abcdef" * 2 + "01234567") == "0123456789abcdef" * 2 + "01234567"
    assert check_blob("a" * 40) and check_blob("f" * 64)
    for bad in (
        "a" * 39,
        "a" * 41,
        "A" * 40,
        "g" * 40,
        "../" + "a" * 37,
        40,
        None,
        "a" * 40 + "\n",
    ):
        with pytest.raises(UnsafeAnswer):
            check_commit(bad)
    for bad in ("a" * 63, "a" * 65, "a" * 48, "../../x", "", None):
        with pytest.raises(UnsafeAnswer):
            check_blob(bad)


def test_a_shown_value_is_one_short_line() -> None:
    assert shown("con\x00fig\n.json") == "con\\x00fig\\n.json"
    assert shown(None) == "None"
    long = shown("x" * 500)
    assert len(long) == 80 and long.endswith("…")
