"""Desktop integration: About, the log file, the .desktop entry and its install target."""

from __future__ import annotations

import configparser
import importlib.metadata
import logging
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Slot, qVersion
from PySide6.QtGui import QDesktopServices

from gpt2desk.ui.window.logfile import install_log_file, log_file_path
from gpt2desk.ui.window.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
ROOT = Path(__file__).resolve().parents[2]


class _UrlRecorder(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def handle(self, url: QUrl) -> None:
        self.urls.append(url)


def test_about_names_the_versions_of_gpt2desk_qt_tensorflow_and_transformers(
    make_window: MakeWindow,
) -> None:
    window = make_window(start=False)
    text = window.help_menu.about_text()
    assert "gpt2desk: 0." in text
    assert f"Qt: {qVersion()}" in text
    assert f"TensorFlow: {importlib.metadata.version('tensorflow')}" in text
    assert f"transformers: {importlib.metadata.version('transformers')}" in text
    window.help_menu.about_action.trigger()


def test_about_versions_do_not_import_tensorflow() -> None:
    code = (
        "import sys; from gpt2desk.ui.window.help_menu import versions; v = versions(); "
        "assert v['TensorFlow'] and v['transformers'], v; "
        "assert 'tensorflow' not in sys.modules and 'transformers' not in sys.modules"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr


def test_the_log_file_is_in_the_data_folder_and_opens_from_the_help_menu(
    make_window: MakeWindow, isolated_data_dir: Path
) -> None:
    path = install_log_file()
    try:
        assert path == log_file_path() == isolated_data_dir / "gpt2desk.log"
        logging.getLogger("gpt2desk.test").warning("something a user may send us")
        assert "something a user may send us" in path.read_text(encoding="utf-8")
        window = make_window(start=False)
        opener = _UrlRecorder()
        QDesktopServices.setUrlHandler("file", opener, "handle")
        try:
            window.help_menu.log_action.trigger()
        finally:
            QDesktopServices.unsetUrlHandler("file")
        assert [u.toLocalFile() for u in opener.urls] == [str(path)]
    finally:
        for handler in logging.getLogger("gpt2desk").handlers[:]:
            if getattr(handler, "baseFilename", None) == str(path):
                logging.getLogger("gpt2desk").removeHandler(handler)
                handler.close()


def test_open_log_without_a_log_file_says_so(make_window: MakeWindow) -> None:
    window = make_window(start=False)
    assert not log_file_path().exists()
    assert window.help_menu.open_log() is False
    assert window.statusBar().currentMessage()


def test_desktop_file_launches_the_gui_entry_point_with_the_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(ROOT / "resources" / "gpt2desk.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"] == "gpt2desk"
    assert desktop["Icon"] == "gpt2desk"
    assert desktop["Name[zh_TW]" if "Name[zh_TW]" in desktop else "GenericName[zh_TW]"]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["gui-scripts"]["gpt2desk"] == "gpt2desk.app:run"


def test_make_install_desktop_puts_the_entry_and_icon_in_place(tmp_path: Path) -> None:
    proc = subprocess.run(
        ["make", "-s", "install-desktop", f"XDG_DATA_HOME={tmp_path}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    installed = (tmp_path / "applications" / "gpt2desk.desktop").read_text(encoding="utf-8")
    assert "Exec=gpt2desk\n" in installed
    assert (tmp_path / "icons/hicolor/scalable/apps/gpt2desk.svg").read_bytes() == (
        ROOT / "resources/icons/gpt2desk.svg"
    ).read_bytes()
