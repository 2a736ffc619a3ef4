"""The rotating log file in the app-data folder (Help > Open log file shows it)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from gpt2desk.core.escaping import EscapingFormatter
from gpt2desk.ui.conversation.workspace import data_dir

LOG_NAME = "gpt2desk.log"
# Five files of 1 MB: weeks of warnings, never a disk-filling surprise.
MAX_BYTES = 1_000_000
BACKUPS = 4


def log_file_path() -> Path:
    """``gpt2desk.log`` beside the database (``$GPT2DESK_DATA_DIR`` or Qt's app-data folder)."""
    return data_dir() / LOG_NAME


class _GptLogHandler(logging.handlers.RotatingFileHandler):
    """Marks gpt2desk's own handler so a second install replaces it."""


def install_log_file(level: int = logging.INFO) -> Path | None:
    """Sends gpt2desk's log records to the rotating log file; returns its path.

    Returns None (and the app goes on without a log file) when the folder
    cannot be written.
    """
    path = log_file_path()
    logger = logging.getLogger("gpt2desk")
    for old in [h for h in logger.handlers if isinstance(h, _GptLogHandler)]:
        logger.removeHandler(old)
        old.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _GptLogHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError as exc:
        logging.getLogger(__name__).warning("no log file at %s: %s", path, exc)
        return None
    # Paths, model names and error texts in a record are escaped to one line:
    # a newline in a folder name cannot forge a record (core/escaping.py).
    handler.setFormatter(EscapingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(min(logger.level or level, level))
    return path
