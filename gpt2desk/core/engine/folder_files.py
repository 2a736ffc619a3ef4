"""Reading a model folder's small files, bounded, with messages that name the file.

Shared by the folder checks (``folder_checks``) and the WordPiece tokenizer
(``wordpiece``): a file is read once, at most its limit, and a problem is a
:class:`ModelLoadError` saying which file and what is wrong.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from gpt2desk.core.hub.catalog import format_bytes
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP
from gpt2desk.core.model_source import ModelLoadError

JSON_LIMITS = {"config.json": 1_000_000, "vocab.json": 64_000_000, "tokenizer.json": 128_000_000}
#: Most bytes read from a WordPiece vocab.txt (bert-base-chinese's is 110 KB).
VOCAB_TXT_LIMIT = 32_000_000
#: GPT-2's fields that are whole numbers, with the smallest value each may take.


def bad_file(file: Path, problem: Any, **values: Any) -> ModelLoadError:
    """“{file}: {problem}” where problem is a template with ``values``."""
    from gpt2desk.core.i18n import Message

    return ModelLoadError(
        QT_TRANSLATE_NOOP("Models", "{file} cannot be used: {problem}"),
        file=file,
        problem=Message(problem, **values),
    )


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, at most ``limit``; raises ModelLoadError naming the file."""
    try:
        with path.open("rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise bad_file(path, QT_TRANSLATE_NOOP("Models", "it is not a regular file"))
            data = f.read(limit + 1)
    except OSError as exc:
        raise bad_file(
            path, QT_TRANSLATE_NOOP("Models", "it cannot be read ({error})"), error=exc.strerror
        ) from exc
    if len(data) > limit:
        raise bad_file(
            path,
            QT_TRANSLATE_NOOP("Models", "it is larger than {size}, too large for this file"),
            size=format_bytes(limit),
        )
    return data


def read_vocab_txt(path: Path) -> dict[str, int]:
    """A WordPiece vocab.txt, read bounded: token -> id (its line number, as BERT reads it)."""
    try:
        text = read_bounded(path, VOCAB_TXT_LIMIT).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_file(path, QT_TRANSLATE_NOOP("Models", "it is not UTF-8 text")) from exc
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return {line.rstrip("\r"): i for i, line in enumerate(lines)}


def read_json(path: Path) -> Any:
    """The JSON in ``path``, read bounded; raises ModelLoadError naming the file."""
    data = read_bounded(path, JSON_LIMITS.get(path.name, 1_000_000))
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise bad_file(path, QT_TRANSLATE_NOOP("Models", "it is not UTF-8 text")) from exc
    except json.JSONDecodeError as exc:
        raise bad_file(
            path,
            QT_TRANSLATE_NOOP("Models", "it is not valid JSON ({error} at line {line})"),
            error=exc.msg,
            line=exc.lineno,
        ) from exc
    except RecursionError as exc:
        raise bad_file(path, QT_TRANSLATE_NOOP("Models", "its JSON is nested too deeply")) from exc
