# ruff: noqa: RUF001  (the expected texts are Chinese, with its full-width punctuation)
"""The Traditional Chinese UI: every tr() string translated, no English left on screen.

``test_every_tr_string_has_a_translation`` runs Qt's own extractor (lupdate) on
the UI code and on the core's marked messages (core/i18n.py), so a new
``self.tr("...")`` or ``QT_TRANSLATE_NOOP(...)`` without a zh_TW translation
(or a "%n" text without its English singular) fails here.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDockWidget,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QWidget,
)

from gpt2desk.core.hub.progress import Progress
from gpt2desk.core.settings import SettingsError
from gpt2desk.core.store.database import DB_NAME, SCHEMA_VERSION
from gpt2desk.ui import translations
from gpt2desk.ui.generation.controller import display_name
from gpt2desk.ui.translations import install_translations, language_for_locale
from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.helpers import GEN_TIMEOUT_MS, LOAD_TIMEOUT_MS

MakeWindow = Callable[..., MainWindow]
ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "gpt2desk_zh_TW.ts"
TS_EN = TS.with_name("gpt2desk_en.ts")
BIN = Path(sys.executable).parent

# Words that stay as they are in a Chinese UI: names, units, keys, file formats.
ALLOWED = {"GPT", "Hub", "ID", "Hugging", "Face", "HF_ENDPOINT", "TensorFlow", "transformers"}
ALLOWED |= {"Qt", "Linux", "Ctrl", "Shift", "Alt", "Enter", "Return", "Esc", "Del", "Top"}
ALLOWED |= {"MB", "GB", "KB", "kB", "ms", "safetensors", "model", "medium", "large", "xl"}
ALLOWED |= {"JSON", "Markdown", "Dock"}  # Dock: Qt's own zh_TW text for dock buttons
ALLOWED |= {"Tab", "Up", "Down"}  # key names
ALLOWED.add("English")  # the language menu names each language in itself
ALLOWED |= {"OpenAI", "OpenCC", "MIT", "GPL", "Apache"}  # names: a company, a library, licences
# Words with digits are names and versions (gpt2desk, PySide6, distilgpt2).
_WORD = re.compile(r"\b[A-Za-z][A-Za-z_]*[A-Za-z]\b")
_SKIP = re.compile(
    r"https?://\S+|\b[\w-]+\.(?:co|com|org)\b|[\w.-]*/[\w./-]+|\w+\.(?:safetensors|json|md|txt|h5)|\b\w+_\w+\b"
)


def _english_words(text: str, data: tuple[str, ...]) -> list[str]:
    for value in data:
        if value:
            text = text.replace(value, " ")
    text = _SKIP.sub(" ", text)
    return [w for w in _WORD.findall(text) if w not in ALLOWED and not w.startswith("gpt2")]


def _ts_messages(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(context, source) -> (translation, type) of a .ts file; plural forms joined by "|"."""
    found = {}
    for ctx in ET.parse(path).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            assert tr is not None
            forms = [f.text or "" for f in tr.iter("numerusform")]
            text = "|".join(forms) if msg.get("numerus") == "yes" else tr.text or ""
            if forms and not all(f.strip() for f in forms):
                text = ""  # a plural form is missing
            found[(name, msg.findtext("source") or "")] = (text, tr.get("type", ""))
    return found


@pytest.fixture
def zh_tw() -> Iterator[None]:
    assert install_translations("zh_TW") == "zh_TW"
    yield
    install_translations("en")


def _extract(tmp_path: Path, *options: str) -> dict[tuple[str, str], tuple[str, str]]:
    """What lupdate finds in the code now: tr() calls and the core's QT_TRANSLATE_NOOP marks."""
    fresh = tmp_path / "fresh.ts"
    fresh.unlink(missing_ok=True)
    sources = sorted(str(p) for p in (ROOT / "gpt2desk").rglob("*.py"))
    lupdate = [str(BIN / "pyside6-lupdate"), *sources, "-ts", str(fresh), "-no-obsolete"]
    subprocess.run([*lupdate, *options], check=True, capture_output=True, cwd=ROOT)
    return _ts_messages(fresh)


@pytest.mark.parametrize(("ts", "options"), [(TS, ()), (TS_EN, ("-pluralonly",))])
def test_every_tr_string_has_a_translation(
    ts: Path, options: tuple[str, ...], tmp_path: Path
) -> None:
    wanted = _extract(tmp_path, *options)
    assert len(wanted) > (300 if not options else 1)
    core = {key for key in wanted if key[0] in ("Models", "Hub", "Settings", "Store")}
    assert len(core) > 50 or options
    have = _ts_messages(ts)
    missing = [key for key in wanted if not have.get(key, ("", ""))[0].strip()]
    unfinished = [key for key, (_, kind) in have.items() if key in wanted and kind]
    assert missing == [], "run `make translations` and translate these"
    assert unfinished == []


@pytest.mark.parametrize("ts", [TS, TS_EN])
def test_the_shipped_qm_is_compiled_from_the_ts(ts: Path, tmp_path: Path) -> None:
    qm = tmp_path / "check.qm"
    lrelease = [str(BIN / "pyside6-lrelease"), str(ts), "-qm", str(qm)]
    subprocess.run(lrelease, check=True, capture_output=True)
    assert qm.read_bytes() == ts.with_suffix(".qm").read_bytes(), "run `make translations`"


def _texts(widget: QWidget) -> list[tuple[str, str]]:
    """(where, text) for everything a user can read or hear on ``widget``'s children."""
    out: list[tuple[str, str]] = []
    for w in [widget, *widget.findChildren(QWidget)]:
        where = f"{type(w).__name__} {w.objectName()}"
        out += [(where, w.toolTip()), (where, w.accessibleName())]
        out += [(where, w.accessibleDescription()), (where, w.statusTip())]
        if w.isWindow():
            out.append((where, w.windowTitle()))
        if isinstance(w, QAbstractButton | QLabel):
            out.append((where, w.text()))
        if isinstance(w, QLineEdit | QPlainTextEdit):
            out.append((where, w.placeholderText()))
        if isinstance(w, QDockWidget):
            out.append((where, w.windowTitle()))
        if isinstance(w, QTableWidget):
            for col in range(w.columnCount()):
                item = w.horizontalHeaderItem(col)
                if item is not None:
                    out += [(where, item.text()), (where, item.toolTip())]
            for row in range(w.rowCount()):
                for col in range(1, w.columnCount()):
                    cell = w.item(row, col)
                    if cell is not None:
                        out += [(where, cell.text())]
    for action in widget.findChildren(QAction):
        where = f"action {action.text()!r}"
        out += [(where, action.text()), (where, action.toolTip()), (where, action.statusTip())]
    return out


def _workspace_texts(window: MainWindow) -> set[str]:
    ws = window.workspace_ui
    conv_menu = next(
        a.menu()
        for a in window.menuBar().actions()
        if a.menu() and ws.menu.undo_action in a.menu().actions()
    )
    texts = {conv_menu.menuAction().text(), conv_menu.menuAction().toolTip()}
    texts |= {t for a in conv_menu.actions() for t in (a.text(), a.toolTip())}
    texts |= {ws.dock.windowTitle(), ws.context_label.text(), ws.context_label.toolTip()}
    texts |= {ws.undo_delete_button.text(), ws.undo_delete_button.accessibleName()}
    return {t for t in texts if t}


def test_zh_tw_leaves_no_english_on_screen(
    qtbot: Any, make_window: MakeWindow, zh_tw: None
) -> None:
    window = make_window(ready=False)
    qtbot.waitUntil(window.send_button.isEnabled, timeout=LOAD_TIMEOUT_MS)
    assert window.model_label.text().startswith("就緒")
    data = (  # the user's own words, shown as they are
        window.generation.model_name,
        display_name(window.generation.model_name),  # the sidebar names a folder by its name
        window.settings_panel.user_name.text(),
        window.settings_panel.assistant_name.text(),
        "Hello",
        "Again",
    )
    # One reply, so that the status bar shows its statistics and the context its count.
    window.composer.setPlainText("Hello")
    window.send()
    qtbot.waitUntil(lambda: not window.chat.streaming(), timeout=GEN_TIMEOUT_MS)
    ws = window.workspace_ui
    qtbot.waitUntil(lambda: "/" in ws.context_label.text(), timeout=GEN_TIMEOUT_MS)
    # The next reply clears them: read the statistics now.
    qtbot.waitUntil(lambda: bool(window.stats_label.text()), timeout=GEN_TIMEOUT_MS)
    stats = ("reply statistics", window.stats_label.text())
    # A second reply, stopped at once: its turn gets a note.
    window.composer.setPlainText("Again")
    window.send()
    ws.stop_and_keep()
    chat_lines = window.chat.toPlainText().strip().split("\n")
    texts = _texts(window)
    texts += [("status", window.model_label.text()), ("status", window.stats_label.text()), stats]
    texts += [("chat heading", chat_lines[0]), ("chat note", chat_lines[-1])]
    assert chat_lines[0] == "你" and "已停止" in chat_lines[-1]
    texts += _workspace_texts_after_delete(window)
    # A bad setting: the message is translated too.
    window.settings_panel.seed.setText("x")
    window.send()
    texts += [("settings error", window.stats_label.text())]
    window.settings_panel.seed.setText("")
    for menu_action in window.menuBar().actions():
        texts.append(("menu", menu_action.text()))
    window.appearance_menu.set_language("zh_TW")
    texts.append(("status message", window.statusBar().currentMessage()))
    window.open_models()
    dialog = window.models_dialog
    dialog.apply_settings()
    texts += _texts(dialog)
    window.help_menu.show_shortcuts()
    texts += _texts(window.help_menu.shortcuts_dialog)
    window.help_menu.show_about()
    about = window.findChild(QWidget, "aboutBox")
    texts += _texts(about)
    menu = window.chat.createStandardContextMenu()
    texts += [("chat menu", a.text()) for a in menu.actions()]
    english = {
        (where, text): words for where, text in texts if (words := _english_words(text, data))
    }
    if english:
        pytest.fail("English left in the zh_TW UI:\n" + "\n".join(map(repr, english.items())))
    assert "只能讀寫英文" in dialog.english_note.text()
    name_tip = dialog.table.item(0, 0).toolTip()
    assert "英文" in name_tip
    for widget in QApplication.topLevelWidgets():
        if widget is not window:
            widget.hide()


def _workspace_texts_after_delete(window: MainWindow) -> list[tuple[str, str]]:
    """A conversation deleted: the Undo button, the Undo action and the sidebar say so."""
    ws = window.workspace_ui
    conv = ws.workspace.current
    assert conv is not None
    ws.new_conversation("draft")  # an empty one, titled by the sidebar
    ws.delete(conv.id)
    texts = [("workspace", t) for t in _workspace_texts(window)]
    texts += [("undo button", ws.undo_delete_button.text())]
    texts += [("sidebar", ws.sidebar.list.item(i).text()) for i in range(ws.sidebar.list.count())]
    assert ws.undo_delete_button.text().startswith("復原刪除「")
    assert ws.menu.undo_action.text() == "復原刪除"
    assert "未命名" in ws.sidebar.list.item(0).text()
    return texts


def test_zh_tw_translates_the_conversation_menu(make_window: MakeWindow, zh_tw: None) -> None:
    window = make_window(start=False)
    texts = _workspace_texts(window)
    assert "對話(&C)" in texts and "復原" in texts
    assert not [t for t in texts if _english_words(t, ())]


def test_core_errors_are_shown_in_chinese(
    qtbot: Any, make_window: MakeWindow, zh_tw: None, tmp_path: Path, isolated_data_dir: Path
) -> None:
    """Messages built by gpt2desk/core (no Qt there) reach the zh_TW UI translated."""
    isolated_data_dir.mkdir(parents=True)
    newer = sqlite3.connect(isolated_data_dir / DB_NAME)
    newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    newer.close()
    window = make_window(ready=False)
    qtbot.waitUntil(window.send_button.isEnabled, timeout=LOAD_TIMEOUT_MS)
    ws = window.workspace_ui
    # Storage: a database from a newer gpt2desk is refused; the status bar says so.
    assert ws.storage_label.text().startswith("這個資料庫是由較新版本的 gpt2desk 寫入的")
    # Loading a folder that is not a model: the model thread's error, in the status bar.
    not_a_model = tmp_path / "not-a-model"
    not_a_model.mkdir()
    window.load_model(str(not_a_model))
    qtbot.waitUntil(lambda: "config.json" in window.model_label.text(), timeout=LOAD_TIMEOUT_MS)
    status = window.model_label.text()
    assert f"模型發生錯誤：{not_a_model} 中沒有 config.json，因此不是 Hugging Face" in status
    assert "仍在使用" in status
    # An invalid setting, when sending.
    window.settings_panel.seed.setText("x")
    window.composer.setPlainText("Hello")
    window.send()
    assert window.stats_label.text() == "種子必須是整數；目前是 'x'。"
    assert window.settings_panel.error.text() == window.stats_label.text()
    window.settings_panel.seed.setText("")
    # The Models window: a Hub id that is a path, a folder that is not a model.
    window.open_models()
    dialog = window.models_dialog
    dialog.add_hub_id("./my-model")
    assert "「./my-model」是路徑：請用「新增資料夾…」加入資料夾" in dialog.message.text()
    assert not dialog.add_folder(str(not_a_model))
    assert "中沒有 config.json" in dialog.message.text()
    # Importing a JSON file that is not a gpt2desk export.
    other = tmp_path / "other.json"
    other.write_text('{"format": "something else"}', encoding="utf-8")
    assert ws.import_file(str(other)) == (
        '無法匯入 other.json：這不是 gpt2desk 匯出的檔案（沒有 "format": "gpt2desk"）。'
    )
    # Download progress, as the status bar and the Models window show it.
    progress = Progress("gpt2", "model.safetensors", "downloading", 400, 1000, 100.0, 6.0)
    assert progress.text() == "400 B / 1.0 kB · 每秒 100 B · 剩餘 6 秒"
    for text in (status, window.stats_label.text(), ws.storage_label.text(), progress.text()):
        assert not _english_words(text, (str(not_a_model),)), text
    dialog.hide()


def test_core_messages_stay_english_without_a_translation(make_window: MakeWindow) -> None:
    """The same messages in the English UI (and in the CLI, which installs no translator)."""
    window = make_window(start=False)
    window.settings_panel.seed.setText("x")
    with pytest.raises(SettingsError) as caught:
        window.settings_panel.settings()
    assert str(caught.value) == "Seed must be a whole number; got 'x'."
    assert window.settings_panel.error.text() == str(caught.value)


def test_english_counts_of_one_are_singular() -> None:
    """English needs no translation, except the singular of a "%n" text (gpt2desk_en.qm)."""
    assert install_translations("en") == "en"
    left_out = "%Ln earlier characters left out"
    assert QApplication.translate("ContextIndicator", left_out, None, 1) == (
        "1 earlier character left out"
    )
    assert QApplication.translate("ContextIndicator", left_out, None, 2) == (
        "2 earlier characters left out"
    )


def test_the_english_ui_is_the_source_text(make_window: MakeWindow) -> None:
    window = make_window(start=False)
    assert window.send_button.text() == "Send"


def test_system_locale_picks_the_language() -> None:
    assert language_for_locale(QLocale("zh_TW")) == "zh_TW"
    assert language_for_locale(QLocale("zh_HK")) == "zh_TW"
    hant = QLocale(
        QLocale.Language.Chinese, QLocale.Script.TraditionalChineseScript, QLocale.Country.Macau
    )
    assert language_for_locale(hant) == "zh_TW"
    assert language_for_locale(QLocale("zh_CN")) == "en"
    assert language_for_locale(QLocale("de_DE")) == "en"
    try:
        assert install_translations("system", QLocale("zh_TW")) == "zh_TW"
        assert QApplication.translate("MainWindow", "Send") == "傳送"
        assert install_translations("system", QLocale("fr_FR")) == "en"
        assert QApplication.translate("MainWindow", "Send") == "Send"
        assert install_translations("klingon") == language_for_locale(QLocale.system())
    finally:
        install_translations("en")


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_a_missing_or_corrupt_qm_falls_back_to_english_with_a_log_line(
    damage: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    make_window: MakeWindow,
) -> None:
    folder = tmp_path / "resources"
    (folder / "translations").mkdir(parents=True)
    if damage == "corrupt":
        (folder / "translations" / "gpt2desk_zh_TW.qm").write_bytes(b"\x3c\xb8\x64\x18garbage")
    monkeypatch.setattr(translations, "resource_path", lambda rel: folder / rel)
    with caplog.at_level(logging.WARNING, logger="gpt2desk.ui.translations"):
        assert install_translations("zh_TW") == "en"
    assert "gpt2desk_zh_TW.qm" in caplog.text
    window = make_window(start=False)
    assert window.send_button.text() == "Send"


def test_the_language_choice_is_kept(make_window: MakeWindow) -> None:
    window = make_window(start=False)
    window.appearance_menu.language_actions["zh_TW"].trigger()
    window.close()
    again = make_window(start=False)
    assert again.appearance_menu.language_actions["zh_TW"].isChecked()
