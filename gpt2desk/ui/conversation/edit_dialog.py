"""The dialog that edits a turn: save it as a new version, or save and generate from it."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class EditTurnDialog(QDialog):
    """Edits the text of a user or model turn.

    The edit becomes a new version of the turn; the turns after it stay on the
    old version, a branch the ◀ ▶ arrows bring back. "Save and continue" (a
    model turn) lets the model extend the edited text; "Save and answer" (a
    user turn) has the model reply to it. ``generate`` says which button ended
    the dialog.
    """

    def __init__(self, text: str, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit turn"))
        self.setObjectName("editTurnDialog")
        self.generate = False
        self.editor = QPlainTextEdit()
        self.editor.setPlainText(text)
        # Editing a turn mostly means adding to it or fixing its end: start there.
        self.editor.moveCursor(QTextCursor.MoveOperation.End)
        self.editor.setAccessibleName(self.tr("Turn text"))
        note = QLabel(
            self.tr(
                "The edit is saved as a new version of this turn. Any later turns stay "
                "with the old version: ◀ ▶ beside the turn switch between them."
            )
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton(self.tr("Save"))
        label = self.tr("Save and continue") if role == "assistant" else self.tr("Save and answer")
        self.generate_button = QPushButton(label)
        self.generate_button.setToolTip(
            self.tr("The model goes on writing from the end of the edited text")
            if role == "assistant"
            else self.tr("The model writes a new reply to the edited text")
        )
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.generate_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.clicked.connect(lambda: self._done(generate=False))
        self.generate_button.clicked.connect(lambda: self._done(generate=True))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        layout.addWidget(note)
        layout.addWidget(buttons)
        # Set once the buttons are in the dialog: set before, the dialog drew Cancel as default.
        # Save, not "Save and …": the default should not start the model.
        self.save_button.setDefault(True)
        self.resize(560, 360)

    def text(self) -> str:
        return self.editor.toPlainText()

    def _done(self, *, generate: bool) -> None:
        self.generate = generate
        self.accept()
