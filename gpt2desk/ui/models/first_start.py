"""The model of a start: the one given, the one chosen at the first start, or ``gpt2``.

At the first start (no ``--model``, nothing chosen yet) in a Traditional
Chinese UI, gpt2desk offers CKIP's Traditional Chinese GPT-2 instead of
English ``gpt2``, naming its size and its GPL-3.0 licence, and downloads it
only if the user says yes. The answer is kept, so the question comes once.
An English UI keeps ``gpt2`` and asks nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from gpt2desk.core.hub.catalog import TRADITIONAL_CHINESE_DEFAULT, family_entry, format_bytes
from gpt2desk.core.model_source import DEFAULT_MODEL
from gpt2desk.ui import preferences
from gpt2desk.ui.displayable import literal
from gpt2desk.ui.models.cache_facts import read_status_waiting
from gpt2desk.ui.models.hub_prefs import HubPrefs
from gpt2desk.ui.translations import current_language

#: The model chosen at the first start; absent until the question was answered.
CHOSEN_KEY = "models/start_model"


def start_model(explicit: str | None, *, offline: bool, parent: QWidget | None = None) -> str:
    """The model to load at this start; may ask the first-start question.

    Args:
        explicit: ``--model`` as given, or None.
        offline: ``--offline``: nothing can be downloaded, so nothing is offered (nor
            with offline mode saved in the Models window).
        parent: the question's parent window.
    """
    if explicit:
        return explicit
    chosen = preferences.get_str(CHOSEN_KEY)
    if chosen:
        return chosen
    if current_language() != "zh_TW" or offline or HubPrefs.load().offline:
        return DEFAULT_MODEL
    model = TRADITIONAL_CHINESE_DEFAULT
    # Read in a thread: the cache may be big or on a slow disk.
    if read_status_waiting(model).state != "complete" and not _download_accepted(model, parent):
        model = DEFAULT_MODEL
    preferences.set_value(CHOSEN_KEY, model)
    return model


def _download_accepted(model: str, parent: QWidget | None) -> bool:
    entry = family_entry(model)
    assert entry is not None, model
    text = QCoreApplication.translate(
        "FirstStart",
        "gpt2desk can write in Traditional Chinese with {model}, a GPT-2 of CKIP Lab "
        "(Academia Sinica, Taiwan) trained on Traditional Chinese. It is a download of "
        "{size} and needs about {memory} of memory; its licence is {licence}.\n\n"
        "Download it now? With No, gpt2desk uses gpt2, which writes English only; "
        "the Models window (Ctrl+Shift+M) has both.",
    ).format(
        model=model,
        size=format_bytes(entry.download_bytes),
        memory=format_bytes(entry.memory_bytes),
        licence=entry.licence,
    )
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("FirstStart", "A model that writes Traditional Chinese"),
        literal(text),
    )
    return answer == QMessageBox.StandardButton.Yes
