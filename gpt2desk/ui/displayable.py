"""Text as Qt can hold it: a visible stand-in for what a Python ``str`` holds but Qt cannot.

A Python ``str`` may hold lone surrogates (pasted from broken sources, or
read back from a file with ``surrogateescape``). PySide6 silently drops them
on the way into a ``QString`` (measured on 6.11: ``"a\\ud800b"`` shows as
``"ab"``), so the user would not see that anything is there. They are shown
as U+FFFD instead; the stored text keeps the original.
"""

from __future__ import annotations

import re

from PySide6.QtGui import Qt

STAND_IN = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def displayable(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (the same length)."""
    return _SURROGATE.sub(STAND_IN, text)


def shown_or_original(shown: str, original: str) -> str:
    """The widget's text, or ``original`` when it shows exactly that (stand-ins included)."""
    return original if shown == displayable(original) else shown


def literal(text: str) -> str:
    """``text`` for a tooltip or a static message box, shown as written, never as markup.

    Tooltips and ``QMessageBox.question`` have no text format setting: Qt
    renders what looks like HTML (``Qt.mightBeRichText``) as HTML, so a
    folder name or Hub answer holding ``<a href=...>`` would show a link.
    Such text is turned into escaped HTML that shows the characters; other
    text is returned unchanged.
    """
    text = displayable(text)
    return Qt.convertFromPlainText(text) if Qt.mightBeRichText(text) else text
