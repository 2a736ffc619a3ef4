"""Words and characters of a manuscript, as a writer counts them."""

from __future__ import annotations

import re

# Han ideographs (and their extensions), kana: each character is a word.
_CJK = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f\U00030000-\U0003134f"
)
_WORD = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")


def counts(text: str) -> tuple[int, int]:
    """``(words, characters)``: whitespace-separated words, each CJK character one word;
    characters without the line breaks."""
    words = sum(1 for _ in _WORD.finditer(text))
    return words, len(text) - text.count("\n")
