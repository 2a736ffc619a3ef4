"""Outside text made safe for one-line outputs: log records and CLI error lines.

A file name, model path or error text may hold a newline, a carriage return or
a terminal escape; written as they are, they forge a log record of their own or
rewrite what a terminal shows. Here they become visible escapes (``\\n``,
``\\x1b``) instead.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# C0 controls but tab, DEL, C1 controls, and the Unicode line and paragraph
# separators (str.splitlines() and many viewers break lines there too).
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` on one line: line breaks and control characters shown as escapes."""
    return _CONTROLS.sub(_escape_one, text)


class EscapingFormatter(logging.Formatter):
    """A log formatter whose every record starts a line and no value can fake one.

    The message is escaped to a single line. A traceback keeps its lines, each
    escaped and indented under the record (``  | ``), so an exception text with a
    newline cannot start a line that looks like a record.
    """

    CONTINUATION = "  | "

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        return self._indent(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return self._indent(super().formatStack(stack_info))

    def _indent(self, text: str) -> str:
        lines = text.split("\n")
        return "\n".join(self.CONTINUATION + escape_controls(line) for line in lines)


class OneLineFormatter(EscapingFormatter):
    """Each record as one escaped line and no traceback: for a terminal, where a
    user reads messages; the log file keeps the tracebacks."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
