"""Words and characters of a manuscript, as a writer counts them."""

from __future__ import annotations

import re

from gpt2desk.ui.manuscript.textdiff import changed_span

# Han ideographs (and their extensions), kana: each character is a word.
_CJK = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f\U00030000-\U0003134f"
)
_WORD = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")
_SPACE = re.compile(r"\s")


def count_words(text: str) -> int:
    """Whitespace-separated words, each CJK character one word."""
    return sum(1 for _ in _WORD.finditer(text))


def counts(text: str) -> tuple[int, int]:
    """``(words, characters)``: see :func:`count_words`; characters without the line breaks."""
    return count_words(text), len(text) - text.count("\n")


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to whitespace (or the text's ends): no word crosses the bounds."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    match = _SPACE.search(text, end)
    return start, match.start() if match else len(text)


class Counter:
    """:func:`counts` of a text that changes a little at a time (a keystroke, a token):
    only the words around the change are counted again."""

    def __init__(self) -> None:
        self._text = ""
        self._words = 0

    def counts(self, text: str) -> tuple[int, int]:
        if text is not self._text:
            old = self._text
            start, old_end, new_end = changed_span(old, text)
            if start == old_end == len(old) and start == new_end == len(text):
                pass  # equal texts
            elif max(old_end - start, new_end - start) > len(text) // 2:
                self._words = count_words(text)
            else:
                a, b = _word_bounds(old, start, old_end)
                c, d = _word_bounds(text, start, new_end)
                self._words += count_words(text[c:d]) - count_words(old[a:b])
            self._text = text
        return self._words, len(text) - text.count("\n")
