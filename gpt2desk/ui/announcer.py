"""Screen-reader announcements of streamed text, a sentence at a time, not per token."""

from __future__ import annotations

import re

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget

# A sentence ends at . ! ? … (ASCII or CJK full-width) or a line break, after
# any closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’)\]」』]*(?=\s|$)|[。！？]|\n")  # noqa: RUF001
# A run-on text with no sentence end is still announced once it gets this long.
MAX_PENDING_CHARS = 300


class SentenceBuffer:
    """Collects streamed pieces; gives back whole sentences as they complete."""

    def __init__(self) -> None:
        self._pending = ""

    def feed(self, text: str) -> list[str]:
        """Adds a streamed piece; returns the sentences it completed (maybe none)."""
        self._pending += text
        done: list[str] = []
        while True:
            match = _SENTENCE_END.search(self._pending)
            if match is None:
                break
            sentence, self._pending = (
                self._pending[: match.end()],
                self._pending[match.end() :],
            )
            if sentence.strip():
                done.append(sentence.strip())
        if len(self._pending) >= MAX_PENDING_CHARS:
            cut = self._pending.rfind(" ") + 1 or len(self._pending)
            head, self._pending = self._pending[:cut], self._pending[cut:]
            if head.strip():
                done.append(head.strip())
        return done

    def flush(self) -> str:
        """The unfinished rest, at the end of the stream."""
        rest, self._pending = self._pending.strip(), ""
        return rest


class Announcer:
    """Announces a widget's streamed text to assistive technology in sentences."""

    def __init__(self, widget: QWidget) -> None:
        self.widget = widget
        self.buffer = SentenceBuffer()
        self.announced: list[str] = []

    def feed(self, text: str) -> None:
        for sentence in self.buffer.feed(text):
            self._announce(sentence)

    def finish(self) -> None:
        rest = self.buffer.flush()
        if rest:
            self._announce(rest)

    def reset(self) -> None:
        self.buffer.flush()

    def _announce(self, sentence: str) -> None:
        self.announced.append(sentence)
        del self.announced[:-50]  # recent ones only, for tests and debugging
        if QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self.widget, sentence))
