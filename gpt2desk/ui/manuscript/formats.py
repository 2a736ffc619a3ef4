"""The colour of the model's words, and the highlighter that paints authorship.

The document itself holds no character formats: who wrote each character
comes from the manuscript's authorship and is drawn as a layout format by a
:class:`QSyntaxHighlighter`, block by block. So a format can never leak from
the model's words into what the writer types next, and a change repaints only
the blocks it touched.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import (
    QColor,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)

from gpt2desk.core.writing.authorship import WRITER, Run
from gpt2desk.ui.manuscript.positions import utf16_len

# How much of the link colour goes into the model's text colour (the rest is the text colour).
_TINT = 0.7
_MIN_CONTRAST = 4.5


def _luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """``t`` of ``a`` and ``1 - t`` of ``b``."""
    return QColor.fromRgbF(
        a.redF() * t + b.redF() * (1 - t),
        a.greenF() * t + b.greenF() * (1 - t),
        a.blueF() * t + b.blueF() * (1 - t),
    )


def model_color(palette: QPalette) -> QColor:
    """The model's words: the text colour tinted with the theme's link colour, kept readable
    (at least 4.5:1 on the page) in light and dark themes."""
    text = palette.color(QPalette.ColorRole.Text)
    link = palette.color(QPalette.ColorRole.Link)
    base = palette.color(QPalette.ColorRole.Base)
    tint = _TINT
    color = _mix(link, text, tint)
    while tint > 0 and contrast(color, base) < _MIN_CONTRAST:
        tint = round(tint - 0.1, 2)
        color = _mix(link, text, max(tint, 0.0))
    return color


def model_format(palette: QPalette) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(model_color(palette))
    return fmt


class AuthorshipHighlighter(QSyntaxHighlighter):
    """Paints the model's characters of each block in the model colour.

    Args:
        block_runs: ``(block position in UTF-16 units, block length in characters)`` ->
            the runs of that block's characters, relative to the block's start.
    """

    def __init__(
        self, document: QTextDocument, block_runs: Callable[[int, int], list[Run]]
    ) -> None:
        super().__init__(document)
        self._block_runs = block_runs
        self._format = QTextCharFormat()

    def set_palette(self, palette: QPalette) -> None:
        """The theme changed: the model colour follows (repaints every block)."""
        fmt = model_format(palette)
        if fmt.foreground().color() != self._format.foreground().color():
            self._format = fmt
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        if not text:
            return
        runs = self._block_runs(self.currentBlock().position(), len(text))
        ascii_text = text.isascii()
        for s, e, author in runs:
            if author == WRITER:
                continue
            if ascii_text:
                start, length = s, e - s
            else:
                start, length = utf16_len(text[:s]), utf16_len(text[s:e])
            self.setFormat(start, length, self._format)
