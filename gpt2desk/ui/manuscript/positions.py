"""Positions in a manuscript's text (Python ``str`` indices) and in a QTextDocument (UTF-16 units).

A character outside the Basic Multilingual Plane (most emoji, rare CJK
ideographs) is one ``str`` character and two UTF-16 units. :class:`Utf16Map`
keeps the ``str`` indices of those characters, sorted, so that a conversion
costs a bisection and an edit costs O(number of such characters), never
O(length of the text).
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def utf16_len(text: str) -> int:
    """How many UTF-16 units ``text`` takes."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for _ in _ASTRAL.finditer(text))


class Utf16Map:
    """Converts between ``str`` indices and UTF-16 positions of one text as it changes."""

    def __init__(self, text: str = "") -> None:
        self._astral: list[int] = []
        self._units: list[int] | None = None
        self._length = 0
        self.reset(text)

    def reset(self, text: str) -> None:
        self._astral = [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]
        self._units = None
        self._length = len(text)

    def __len__(self) -> int:
        """The text's length in ``str`` characters."""
        return self._length

    def utf16_length(self) -> int:
        return self._length + len(self._astral)

    def replace(self, start: int, end: int, text: str) -> None:
        """``[start, end)`` (``str`` indices) became ``text``."""
        delta = len(text) - (end - start)
        a = self._astral
        i, j = bisect_left(a, start), bisect_left(a, end)
        new = [] if text.isascii() else [start + m.start() for m in _ASTRAL.finditer(text)]
        if new or i != j or (delta and j < len(a)):
            a[i:] = new + [x + delta for x in a[j:]]
            self._units = None
        self._length += delta

    def to_utf16(self, pos: int) -> int:
        """The UTF-16 position of ``str`` index ``pos``."""
        pos = min(max(pos, 0), self._length)
        return pos + bisect_left(self._astral, pos)

    def to_str(self, unit: int) -> int:
        """The ``str`` index at UTF-16 position ``unit`` (inside a surrogate pair: its start)."""
        if self._units is None:
            self._units = [x + k for k, x in enumerate(self._astral)]
        unit = max(unit, 0)
        return min(unit - bisect_left(self._units, unit), self._length)
