"""What the benchmark scripts share: the results folder and prompts of an exact token count."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def save_results(kind: str, result: Any) -> Path:
    """Writes ``result`` as ``bench/results/<kind>-<date>-<time>.json``; returns the path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path


def prompt_of(tokenizer: Any, n_tokens: int) -> tuple[str, list[int]]:
    """A text whose encoding is exactly ``n_tokens`` tokens."""
    base = "The history of the printing press begins in the fifteenth century, when "
    ids: list[int] = tokenizer.encode(base * (n_tokens // 4 + 8))[:n_tokens]
    text = tokenizer.decode(ids)
    while len(tokenizer.encode(text)) != n_tokens:
        ids = ids[:-1]
        text = tokenizer.decode(ids)
    return text, ids
