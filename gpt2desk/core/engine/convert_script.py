"""Simplified Chinese output converted to Taiwan Traditional Chinese (OpenCC ``s2twp``).

OpenCC (the ``opencc`` package: the project's own Python binding, wheels for
3.10-3.12, data files included, no network) converts characters and, with
``s2twp``, Taiwan's words for things (软件 -> 軟體, 内存 -> 記憶體). Phrases
are found by longest match, so a phrase can span two streamed pieces: "软"
alone becomes 軟 and "件" stays 件, but "软件" is 軟體.

:class:`StreamConverter` therefore never converts text it may still have to
change: it holds the text since the last boundary (punctuation, a space or a
line break; no dictionary phrase crosses one) and converts it once the
boundary arrives. A run longer than :data:`MAX_HOLD` characters without one
is cut where converting it in two parts gives what converting it whole gives,
at least :data:`LOOKAHEAD` characters (longer than any phrase) before its end.
Text already shown is never changed; the held text is shown at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

#: Characters no OpenCC phrase contains: the held text is converted up to the last one.
BOUNDARIES = frozenset(
    "\n\r\t \u3000。，、；：？！…—「」『』（）《》〈〉【】“”‘’,.;:?!()[]{}\"'"  # noqa: RUF001
)
#: Characters held at most without a boundary before a part of them is converted.
MAX_HOLD = 32
#: Characters kept back from such a cut: more than OpenCC's longest phrase.
LOOKAHEAD = 16

_lock = threading.Lock()
_converter: list[Callable[[str], str]] = []


def s2twp() -> Callable[[str], str]:
    """OpenCC's Simplified -> Taiwan Traditional (with phrases), built once (~0.3 s).

    Raises:
        ImportError: the opencc package is not installed.
    """
    with _lock:
        if not _converter:
            import opencc

            _converter.append(opencc.OpenCC("s2twp").convert)
        return _converter[0]


def available() -> bool:
    """Whether OpenCC can be imported here."""
    try:
        import opencc  # noqa: F401
    except ImportError:
        return False
    return True


def warm_up() -> None:
    """Builds the converter in a background thread, so the first reply does not wait for it."""
    if available():
        threading.Thread(target=s2twp, name="gpt2desk-opencc", daemon=True).start()


class StreamConverter:
    """Converts streamed text piece by piece; see the module's docstring.

    Args:
        convert: text -> converted text (default: :func:`s2twp`).
    """

    def __init__(self, convert: Callable[[str], str] | None = None) -> None:
        self._convert = convert or s2twp()
        self._held = ""

    def feed(self, piece: str) -> str:
        """Takes the next piece; returns the converted text that is final now (maybe "")."""
        held = self._held + piece
        out = []
        cut = _after_last_boundary(held)
        if cut:
            out.append(self._convert(held[:cut]))
            held = held[cut:]
        if len(held) > MAX_HOLD:
            cut = self._stable_cut(held)
            out.append(self._convert(held[:cut]))
            held = held[cut:]
        self._held = held
        return "".join(out)

    def flush(self) -> str:
        """The end of the stream: the held text, converted."""
        held, self._held = self._held, ""
        return self._convert(held) if held else ""

    def _stable_cut(self, held: str) -> int:
        whole = self._convert(held)
        for cut in range(len(held) - LOOKAHEAD, 0, -1):
            if self._convert(held[:cut]) + self._convert(held[cut:]) == whole:
                return cut
        return len(held) - LOOKAHEAD


def _after_last_boundary(text: str) -> int:
    for i in range(len(text) - 1, -1, -1):
        if text[i] in BOUNDARIES:
            return i + 1
    return 0


def convert_text(text: str) -> str:
    """A whole text converted at once (what a stream of it adds up to)."""
    return s2twp()(text)
