"""The progress hook: byte progress and cancel for ``hf_hub_download`` (see core/hub/download.py).

huggingface_hub 0.36 has no progress callback: ``http_get`` reports through
the private ``file_download._get_progress_bar_context``, replaced here by one
that feeds the :class:`~gpt2desk.core.hub.progress.Meter` of the downloading thread.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from gpt2desk.core.hub.progress import Meter

_local = threading.local()
_hook_lock = threading.Lock()


def _install_progress_hook() -> None:
    """Replaces the client's progress bar context (once) with one that feeds a Meter."""
    from huggingface_hub import file_download

    with _hook_lock:
        original = getattr(file_download, "_get_progress_bar_context", None)
        if original is None:
            raise RuntimeError(
                "huggingface_hub changed: file_download._get_progress_bar_context is gone, "
                "so download progress and cancel cannot work. Pin huggingface_hub 0.36."
            )
        if getattr(original, "gpt2desk_hook", False):
            return

        def context(**kwargs: Any) -> Any:
            meter = getattr(_local, "meter", None)
            if meter is None or kwargs.get("_tqdm_bar") is not None:
                return original(**kwargs)
            return contextlib.nullcontext(
                _bar_class()(meter, total=kwargs.get("total"), initial=kwargs.get("initial", 0))
            )

        context.gpt2desk_hook = True  # type: ignore[attr-defined]
        file_download._get_progress_bar_context = context


@contextlib.contextmanager
def _progress_to(meter: Meter) -> Iterator[None]:
    """Sends the byte progress of downloads in this thread to ``meter``."""
    _local.meter = meter
    try:
        yield
    finally:
        _local.meter = None


_BAR_CLASS: Any = None


def _bar_class() -> Any:
    """A huggingface_hub tqdm that forwards bytes to a Meter (which may raise to cancel)."""
    global _BAR_CLASS
    if _BAR_CLASS is None:
        from huggingface_hub.utils import tqdm as hf_tqdm

        class MeterBar(hf_tqdm):
            def __init__(self, meter: Meter, *, total: int | None, initial: int) -> None:
                super().__init__(total=total, initial=initial, disable=True)
                self.meter = meter
                meter.file_resumed(initial, total)

            def update(self, n: float | None = 1) -> bool | None:
                self.meter.advance(int(n or 0))
                return None

        _BAR_CLASS = MeterBar
    return _BAR_CLASS
