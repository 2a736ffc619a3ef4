"""What the benchmark scripts share: the results folder and prompts of an exact token count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def prompt_of(tokenizer: Any, n_tokens: int) -> tuple[str, list[int]]:
    """A text whose encoding is exactly ``n_tokens`` tokens."""
    base = "The history of the printing press begins in the fifteenth century, when "
    ids: list[int] = tokenizer.encode(base * (n_tokens // 4 + 8))[:n_tokens]
    text = tokenizer.decode(ids)
    while len(tokenizer.encode(text)) != n_tokens:
        ids = ids[:-1]
        text = tokenizer.decode(ids)
    return text, ids
