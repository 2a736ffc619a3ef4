"""The licence of a catalog model, named before it is downloaded.

OpenAI's GPT-2 family is MIT-licensed and downloads without a question; the
Chinese models are not (CKIP's are GPL-3.0, UER's card names none), so the
Models window says so and asks first.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from gpt2desk.core.hub.catalog import CatalogEntry, format_bytes
from gpt2desk.ui.displayable import literal


def licence_accepted(parent: QWidget, entry: CatalogEntry | None) -> bool:
    """True when ``entry`` needs no question or the user said yes to its licence."""
    if entry is None or not entry.licence_to_confirm:
        return True
    size = format_bytes(entry.download_bytes)
    if entry.licence:
        text = QCoreApplication.translate(
            "ModelsLicence",
            "{model} is published under the {licence} licence; its model card on the Hub "
            "gives the terms. Download it ({size})?",
        ).format(model=entry.repo_id, licence=entry.licence, size=size)
    else:
        text = QCoreApplication.translate(
            "ModelsLicence",
            "The model card of {model} names no licence: ask its authors before you "
            "publish what you write with it. Download it ({size})?",
        ).format(model=entry.repo_id, size=size)
    title = QCoreApplication.translate("ModelsLicence", "Licence of {model}")
    answer = QMessageBox.question(parent, title.format(model=entry.repo_id), literal(text))
    return answer == QMessageBox.StandardButton.Yes
