"""Converting a Simplified-Chinese model's replies to Taiwan Traditional Chinese.

The choice is per model, off by default, kept in the preferences (a JSON list of
Hub ids under one key, so no id becomes a settings group). The conversion
itself is ``core.convert_script``: streamed text is converted at safe
boundaries, so what is shown never changes afterwards.
"""

from __future__ import annotations

import logging

from gpt2desk.core.engine.convert_script import StreamConverter, available, warm_up
from gpt2desk.ui import preferences

log = logging.getLogger(__name__)

KEY = "models/convert_s2twp"


def converted_models() -> set[str]:
    """The models whose output is converted; a mangled setting counts as none."""
    return {m for m in preferences.get_json(KEY, list) if isinstance(m, str)}


def set_converted(model: str, on: bool) -> None:
    models = converted_models()
    if on:
        models.add(model)
        warm_up()
    else:
        models.discard(model)
    preferences.set_json(KEY, sorted(models))


class ReplyConverter:
    """The conversion of the reply being streamed (GUI thread).

    ``feed`` returns the text to show now; ``finish`` the rest at the end.
    A new request id starts afresh: held text of a stale reply is dropped.
    """

    def __init__(self) -> None:
        self._request = -1
        self._stream: StreamConverter | None = None
        if converted_models():
            warm_up()

    def feed(self, request_id: int, model: str, text: str) -> str:
        if request_id != self._request:
            self._request = request_id
            self._stream = self._start(model)
        return self._stream.feed(text) if self._stream is not None else text

    def finish(self, request_id: int) -> str:
        stream, self._stream = self._stream, None
        if stream is None or request_id != self._request:
            return ""
        return stream.flush()

    @staticmethod
    def _start(model: str) -> StreamConverter | None:
        if model not in converted_models():
            return None
        if not available():
            log.warning("OpenCC is not installed: %s's output is not converted", model)
            return None
        return StreamConverter()
