"""Help menu: the keyboard shortcut list, the log file, About.

The shortcut list is built from the window's own ``QAction`` objects each time
it is shown, so it cannot go stale when an action or a key changes.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gpt2desk import __version__
from gpt2desk.ui.window.logfile import log_file_path


def package_version(name: str) -> str:
    """The installed version of ``name``, read from its metadata (nothing is imported)."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return ""


def versions() -> dict[str, str]:
    """What About shows; TensorFlow is never imported in the GUI thread for this."""
    return {
        "gpt2desk": __version__,
        "Qt": qVersion(),
        "PySide6": pyside_version,
        "TensorFlow": package_version("tensorflow"),
        "transformers": package_version("transformers"),
    }


def action_label(action: QAction) -> str:
    """The action's menu text without mnemonics and the trailing ellipsis."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")


def shortcut_actions(window: QWidget) -> list[QAction]:
    """Every action of the window (menus and docks included) that has a shortcut."""
    seen: set[int] = set()
    found = []
    for action in window.findChildren(QAction):
        if action.shortcut().isEmpty() or id(action) in seen:
            continue
        seen.add(id(action))
        found.append(action)
    return sorted(found, key=action_label)


def shortcut_text(action: QAction) -> str:
    """All of an action's keys, as the platform writes them."""
    native = QKeySequence.SequenceFormat.NativeText
    return ", ".join(seq.toString(native) for seq in action.shortcuts())


class ShortcutsDialog(QDialog):
    """A table of action and keys, rebuilt from the window's actions on every show."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("shortcutsDialog")
        self._window = window
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.setAccessibleDescription(self.tr("Every action that has a keyboard shortcut"))
        self.table.verticalHeader().hide()
        # The table fills the dialog: actions take the room left by the keys.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            button.setToolTip(self.tr("Closes this list"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(460, 520)

    def refresh(self) -> None:
        actions = shortcut_actions(self._window)
        self.table.setRowCount(len(actions))
        for row, action in enumerate(actions):
            self.table.setItem(row, 0, QTableWidgetItem(action_label(action)))
            self.table.setItem(row, 1, QTableWidgetItem(shortcut_text(action)))

    def rows(self) -> list[tuple[str, str]]:
        """What the table shows, as (action, keys)."""

        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(r, 0), text(r, 1)) for r in range(self.table.rowCount())]


class HelpMenu(QObject):
    """Adds the Help menu to ``window``."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.shortcuts_dialog: ShortcutsDialog | None = None
        menu = window.menuBar().addMenu(self.tr("&Help"))
        self.shortcuts_action = QAction(self.tr("Keyboard shortcuts"), window)
        self.shortcuts_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.log_action = QAction(self.tr("Open log file"), window)
        self.log_action.triggered.connect(self.open_log)
        self.about_action = QAction(self.tr("About gpt2desk"), window)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        for action in (self.shortcuts_action, self.log_action, self.about_action):
            menu.addAction(action)
            window.addAction(action)

    def show_shortcuts(self) -> None:
        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self.window)
        self.shortcuts_dialog.refresh()
        self.shortcuts_dialog.show()
        self.shortcuts_dialog.raise_()

    def open_log(self) -> bool:
        """Opens the log file in the system's viewer; says so when there is none yet.

        Without a program to open files with (no xdg-open, a minimal desktop),
        a message names the file, selectable and with a button that copies it.
        """
        path: Path = log_file_path()
        if not path.exists():
            self.window.statusBar().showMessage(self.tr("There is no log file yet."), 8000)
            return False
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            return True
        box = QMessageBox(self.window)
        box.setObjectName("logFileBox")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(self.tr("Log file"))
        box.setTextFormat(Qt.TextFormat.PlainText)  # a folder name may hold anything
        box.setText(
            self.tr("No program to open the log file was found. The log file is:\n{path}").format(
                path=path
            )
        )
        box.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        copy = box.addButton(self.tr("Copy path"), QMessageBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(str(path)))
        box.addButton(QMessageBox.StandardButton.Close)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return False

    def about_text(self) -> str:
        v = versions()
        missing = self.tr("not installed")
        lines = [
            self.tr("Offline writing assistant: GPT-2 continues your text on your own computer."),
            "",
            *(f"{name}: {version or missing}" for name, version in v.items()),
            "",
            self.tr("Log file: {path}").format(path=log_file_path()),
        ]
        return "\n".join(lines)

    def show_about(self) -> None:
        box = QMessageBox(self.window)
        box.setObjectName("aboutBox")
        box.setWindowTitle(self.tr("About gpt2desk"))
        box.setTextFormat(Qt.TextFormat.PlainText)  # the log file's path may hold anything
        box.setText(self.about_text())
        box.setIconPixmap(self.window.windowIcon().pixmap(64, 64))
        box.open()
