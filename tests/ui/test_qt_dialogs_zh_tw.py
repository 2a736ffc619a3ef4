# ruff: noqa: RUF001
"""Qt's own dialogs in Traditional Chinese: qtbase's translation, and the labels it lacks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel

from gpt2desk.ui.translations import install_translations
from gpt2desk.ui.window.help_menu import shortcut_text

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def zh_tw() -> Iterator[None]:
    assert install_translations("zh_TW") == "zh_TW"
    yield
    install_translations("en")


def test_qt_strings_are_chinese_under_zh_tw(zh_tw: None) -> None:
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "尋找於："
    # qtbase_zh_TW.qm has no "&Look in:" nor "Files of &type:", which the dialog shows.
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == "尋找於(&L)："
    assert QCoreApplication.translate("QFileDialog", "Files of &type:") == "檔案型態(&T)："


@pytest.mark.parametrize("mode", [QFileDialog.FileMode.AnyFile, QFileDialog.FileMode.Directory])
def test_the_file_dialog_has_no_english_label_in_zh_tw(
    qtbot: Any, zh_tw: None, mode: QFileDialog.FileMode
) -> None:
    dialog = QFileDialog(None, "匯出")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own, as on most desktops
    dialog.setFileMode(mode)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert labels
    assert [t for t in labels if LATIN_WORD.search(t)] == []


def test_english_keeps_qt_s_own_labels() -> None:
    install_translations("en")
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == "&Look in:"


def test_texts_qtbase_has_keep_its_own_translation(zh_tw: None) -> None:
    # Made from "New Folder" this would read 新資料夾(&N); qtbase says 新增資料夾(&N).
    assert QCoreApplication.translate("QFileDialog", "&New Folder") == "新增資料夾(&N)"
    assert QCoreApplication.translate("QFileDialog", "File &name:") == "檔名(&N)："


def test_arrow_key_shortcuts_do_not_read_as_mouse_buttons(zh_tw: None) -> None:
    # qtbase_zh_TW calls the Left key 左鍵, which reads as the left mouse button.
    action = QAction("上一個版本")
    action.setShortcut(QKeySequence("Alt+Left"))
    shown = shortcut_text(action)
    assert "鍵" not in shown
    assert shown == "Alt+←"
    assert QKeySequence("Ctrl+Down").toString(QKeySequence.SequenceFormat.NativeText) == "Ctrl+↓"
