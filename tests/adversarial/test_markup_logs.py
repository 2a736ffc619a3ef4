"""Adversarial: markup and logs. Text from outside (a model's config, folder
names, Hub answers, error texts, titles) is shown as written, never as markup;
values written to the log cannot start a record of their own.

Through the real window: a model whose ``model_type`` is HTML used to show a
big red word and a clickable link in the status bar.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import Qt, QTextDocument  # QtGui's Qt also has mightBeRichText
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from gpt2desk.core.escaping import EscapingFormatter
from gpt2desk.core.settings import SettingsError
from gpt2desk.ui.conversation.workspace import DATA_DIR_ENV
from gpt2desk.ui.window.main_window import MainWindow
from tests.ui.helpers import LOAD_TIMEOUT_MS, Recorder

# What a hostile config or folder holds: rendered as rich text, a red word and a link.
HTML = '<b style="color:red">X</b><a href=x>link</a>'
# The same without "/", which a folder name cannot hold.
HTML_NAME = '<b style="color:red">X<a href=x>link'
# A log record line starts with the formatter's date.
RECORD = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} "


def shown(text: str) -> str:
    """What Qt shows for a tooltip or a static message box's text (no format setting there)."""
    if not Qt.mightBeRichText(text):
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText().replace("\xa0", " ")


def labels_showing(root: QWidget, marker: str) -> list[QLabel]:
    """The visible labels under ``root`` whose text holds ``marker``."""
    return [w for w in root.findChildren(QLabel) if w.isVisible() and marker in w.text()]


def assert_shown_as_written(labels: list[QLabel], raw: str) -> None:
    assert labels, "no label shows the text"
    for label in labels:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName() or label.text()
        assert raw in label.text()


def copy_model(src: Path, dst: Path, **config: Any) -> Path:
    """A copy of the tiny model with ``config`` written over its config.json."""
    shutil.copytree(src, dst)
    path = dst / "config.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **config}), encoding="utf-8")
    return dst


@pytest.fixture
def window(make_window: Callable[..., MainWindow]) -> MainWindow:
    """A main window with no model yet (loading one takes seconds; these cases fail loads)."""
    return make_window(start=False)


def failed_load(qtbot: Any, window: MainWindow, folder: str) -> None:
    """Asks the window to load ``folder`` and waits until the window has shown the failure."""
    rec = Recorder(window.host.worker)
    with qtbot.waitSignal(
        rec.state_changed, timeout=LOAD_TIMEOUT_MS, check_params_cb=lambda s, _d: s == "failed"
    ):
        window.load_model(folder)


# -- markup: every label showing outside text is plain text ------------------------------


def test_html_model_type_shows_as_written_in_the_status_bar(
    qtbot: Any, window: MainWindow, tiny_model_dir: Path, tmp_path: Path
) -> None:
    folder = copy_model(tiny_model_dir, tmp_path / "model", model_type=HTML)
    failed_load(qtbot, window, str(folder))
    assert_shown_as_written(labels_showing(window, "color:red"), HTML)


def test_html_folder_name_shows_as_written_in_the_status_bar(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / HTML_NAME
    folder.mkdir()
    (folder / "config.json").write_text("[1, 2]", encoding="utf-8")
    failed_load(qtbot, window, str(folder))
    assert_shown_as_written(labels_showing(window, "color:red"), HTML_NAME)


def test_html_in_models_dialog_message_and_error_shows_as_written(
    qtbot: Any, window: MainWindow, tiny_model_dir: Path, tmp_path: Path
) -> None:
    window.open_models()
    dialog = window.models_dialog
    assert dialog is not None
    good = tmp_path / HTML_NAME
    shutil.copytree(tiny_model_dir, good)
    assert dialog.add_folder(str(good))
    assert_shown_as_written(labels_showing(dialog, "color:red"), HTML_NAME)
    name_tips = [shown(dialog.table.item(r, 0).toolTip()) for r in range(dialog.table.rowCount())]
    assert any(HTML_NAME in tip for tip in name_tips), name_tips
    # An error (a folder that is no model) is red, and still plain text.
    bad = tmp_path / "bad" / HTML_NAME
    bad.mkdir(parents=True)
    assert not dialog.add_folder(str(bad))
    assert_shown_as_written(labels_showing(dialog, "color:red"), HTML_NAME)
    assert "#b00020" in dialog.message.styleSheet()
    # A plain message after the error is no longer red.
    dialog.add_folder(str(good))
    assert dialog.message.styleSheet() == ""


def test_html_in_a_bad_setting_shows_as_written(window: MainWindow) -> None:
    window.focus_settings()  # the panel starts folded away in a 1000 px window
    panel = window.settings_panel
    panel.seed.setText(HTML)
    with pytest.raises(SettingsError):
        panel.settings()
    labels = labels_showing(window, "color:red")
    assert_shown_as_written(labels, HTML)
    assert panel.error in labels


def test_html_conversation_title_tooltip_shows_as_written(window: MainWindow) -> None:
    ui = window.workspace_ui
    ui.new_conversation("draft")
    conv = ui.workspace.current
    assert conv is not None
    ui.sidebar.rename_requested.emit(conv.id, HTML)
    tips = [shown(ui.sidebar.list.item(i).toolTip()) for i in range(ui.sidebar.list.count())]
    # The tooltip's first line is the whole title; the second, time · model · kind.
    assert HTML in [tip.split("\n")[0] for tip in tips], tips


def test_about_box_with_html_in_the_data_folder_shows_as_written(
    qtbot: Any,
    make_window: Callable[..., MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / HTML_NAME))
    window = make_window(start=False)
    window.help_menu.show_about()
    box = window.findChild(QMessageBox, "aboutBox")
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert HTML_NAME in box.text()
    box.close()


def test_context_tooltip_quoting_html_text_shows_it_as_written(
    qtbot: Any, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window()  # the model measures the prompt
    # More text than the model's window: the tooltip quotes what is left out, oldest first.
    window.composer.setPlainText(HTML + " and more words" * 900)
    label = window.workspace_ui.context_label
    qtbot.waitUntil(lambda: "left out" in label.text(), timeout=LOAD_TIMEOUT_MS)
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert HTML in shown(label.toolTip())


def test_import_of_an_html_file_name_shows_it_as_written(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / (HTML_NAME + ".json")
    path.write_text("[1]", encoding="utf-8")  # refused: not a gpt2desk export
    job = window.workspace_ui.start_import(str(path))
    assert job is not None
    progress = job.dialog.findChild(QLabel)
    assert progress is not None
    assert_shown_as_written([progress], HTML_NAME)
    with qtbot.waitSignal(job.done, timeout=LOAD_TIMEOUT_MS):
        pass
    assert_shown_as_written(labels_showing(window, "color:red"), HTML_NAME)


# -- logs: a value cannot forge a record ---------------------------------------------------


def test_model_path_with_a_newline_is_one_log_record(
    qtbot: Any, window: MainWindow, tmp_path: Path, log_file: Path
) -> None:
    folder = tmp_path / "model\nFAKE LOG LINE 2026-01-01 00:00:00,000 INFO gpt2desk: ok"
    failed_load(qtbot, window, str(folder))
    lines = log_file.read_text(encoding="utf-8").splitlines()
    mentions = [line for line in lines if "FAKE LOG LINE" in line]
    assert len(mentions) == 1, lines
    assert re.match(RECORD, mentions[0]), mentions
    assert "model\\nFAKE LOG LINE" in mentions[0]


def record_lines(formatter: logging.Formatter, record: logging.LogRecord) -> list[str]:
    return formatter.format(record).splitlines()


@pytest.mark.parametrize(
    ("value", "escape"),
    [
        ("a\nb", "\\n"),
        ("a\rb", "\\r"),
        ("a\x1bb", "\\x1b"),
        ("a\u2028b", "\\u2028"),
        ("a\x85b", "\\x85"),
        ("a\x00b", "\\x00"),
    ],
    ids=["newline", "return", "escape", "line separator", "next line", "nul"],
)
def test_log_values_with_control_characters_stay_on_one_line(value: str, escape: str) -> None:
    formatter = EscapingFormatter("%(levelname)s %(name)s: %(message)s")
    record = logging.LogRecord("gpt2desk.x", logging.WARNING, "f", 1, "opening %s", (value,), None)
    lines = record_lines(formatter, record)
    assert lines == [f"WARNING gpt2desk.x: opening a{escape}b"]


def test_traceback_in_the_log_cannot_start_a_record() -> None:
    formatter = EscapingFormatter("%(levelname)s %(name)s: %(message)s")
    try:
        raise OSError("disk\nERROR gpt2desk: forged")
    except OSError:
        record = logging.LogRecord(
            "gpt2desk.x", logging.ERROR, "f", 1, "saving failed", (), sys.exc_info()
        )
    lines = record_lines(formatter, record)
    assert lines[0] == "ERROR gpt2desk.x: saving failed"
    assert all(line.startswith(EscapingFormatter.CONTINUATION) for line in lines[1:]), lines
    assert any("forged" in line for line in lines)


# -- the app's start: a bug building the window --------------------------------------------

# A bug cannot be produced on demand once fixed: one is planted in the window, the
# only fake here, to check the net under the app's start. The message box is read
# and closed by a timer that polls for it.
_PLANTED = """
import sys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
import gpt2desk.ui.window.main_window as mw

def broken(*args, **kwargs):
    raise RuntimeError(sys.argv[1] + "\\n2026-01-01 00:00:00,000 INFO gpt2desk: forged")

mw.MainWindow.__init__ = broken
app = QApplication(sys.argv[:1])

def answer_box():
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        plain = box.textFormat() == Qt.TextFormat.PlainText
        print("BOX", plain, box.text().replace("\\n", " | "), flush=True)
        box.done(0)

timer = QTimer()
timer.timeout.connect(answer_box)
timer.start(20)
from gpt2desk.app import main
sys.exit(main(["--model", "unused", "--offline"]))
"""


def test_a_bug_building_the_window_is_one_plain_message_and_a_logged_traceback(
    isolated_data_dir: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    proc = subprocess.run(
        [sys.executable, "-c", _PLANTED, HTML],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert [line for line in proc.stderr.splitlines() if "could not start" in line] == [
        f"ERROR:gpt2desk.app:gpt2desk could not start: {HTML}"
    ]
    log = isolated_data_dir / "gpt2desk.log"
    assert proc.stdout.splitlines() == [
        f"BOX True gpt2desk could not start: {HTML} | Details are in {log}."
    ]
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError" in text
    assert not any(line.startswith("2026-01-01") for line in text.splitlines())
