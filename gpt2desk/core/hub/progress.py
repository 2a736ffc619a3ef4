"""Download progress: bytes done of total, speed over the last seconds, time left."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass

from gpt2desk.core.hub.catalog import format_bytes, format_duration
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message
from gpt2desk.core.model_source import ModelLoadError

#: Seconds of history the speed is averaged over.
SPEED_WINDOW_S = 5.0
#: Minimum seconds between two progress reports (the last one is always sent).
REPORT_EVERY_S = 0.1


class Cancelled(ModelLoadError):
    """Raised from a download when its cancel flag is set."""


@dataclass(frozen=True)
class Progress:
    """One progress report of a model download; only plain values (crosses threads).

    ``stage`` is "downloading", "retrying", "verifying" or "done". ``speed`` is
    bytes per second (0 while unknown) and ``eta_s`` seconds left (-1: unknown).
    """

    repo_id: str
    file: str
    stage: str
    done: int
    total: int
    speed: float
    eta_s: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def text(self) -> str:
        """``"12.0 MB of 548.1 MB · 3.2 MB/s · 2 min left"`` (in the UI's language)."""
        if self.stage == "verifying":
            return str(
                Message(QT_TRANSLATE_NOOP("Progress", "Checking {file} (sha256)…"), file=self.file)
            )
        if self.stage == "retrying":
            retrying = QT_TRANSLATE_NOOP("Progress", "Connection lost during {file}; retrying…")
            return str(Message(retrying, file=self.file))
        if self.stage == "done":
            done = QT_TRANSLATE_NOOP("Progress", "Downloaded {size}")
            return str(Message(done, size=format_bytes(self.done)))
        of = QT_TRANSLATE_NOOP("Progress", "{done} of {total}")
        parts = [Message(of, done=format_bytes(self.done), total=format_bytes(self.total))]
        if self.speed > 0:
            speed = QT_TRANSLATE_NOOP("Progress", "{size}/s")
            parts.append(Message(speed, size=format_bytes(self.speed)))
        if self.eta_s >= 0:
            left = QT_TRANSLATE_NOOP("Progress", "{time} left")
            parts.append(Message(left, time=format_duration(self.eta_s)))
        return " · ".join(map(str, parts))


class Meter:
    """Counts the bytes of one model download and reports them, throttled.

    Bytes already on disk (complete files, or a resumed partial file) count
    as done but not towards the speed.

    Args:
        repo_id: the model.
        total: expected bytes of all files (0 if unknown).
        on_progress: receives each Progress, in the download's thread.
        cancel: when set, the next chunk raises ``cancelled_error``.
    """

    def __init__(
        self,
        repo_id: str,
        total: int,
        on_progress: Callable[[Progress], None] | None,
        cancel: threading.Event,
        *,
        cancelled_error: Callable[[Message], Exception] = Cancelled,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.repo_id = repo_id
        self.total = total
        self.cancel = cancel
        self._on_progress = on_progress or (lambda _p: None)
        self._cancelled_error = cancelled_error
        self._clock = clock
        self._files_done = 0
        self._file = ""
        self._file_size: int | None = None
        self._file_done = 0
        self._transferred = 0
        self._samples: deque[tuple[float, int]] = deque()
        self._last_report = -1e9

    @property
    def done(self) -> int:
        return self._files_done + self._file_done

    def check_cancel(self) -> None:
        if self.cancel.is_set():
            cancelled = QT_TRANSLATE_NOOP(
                "Progress", "Download of “{model}” cancelled; what arrived is kept for Resume."
            )
            raise self._cancelled_error(Message(cancelled, model=self.repo_id))

    def start_file(self, name: str, size: int | None) -> None:
        self._file, self._file_size, self._file_done = name, size, 0

    def file_resumed(self, initial: int, total: int | None) -> None:
        """A transfer of the current file starts at byte ``initial``."""
        self._file_done = initial
        if total is not None and self._file_size is None:
            self._file_size = total
            self.total += total
        self.emit(force=True)

    def advance(self, n: int) -> None:
        """``n`` more bytes arrived; raises if the download was cancelled."""
        self.check_cancel()
        self._file_done += n
        self._transferred += n
        self.emit()

    def finish_file(self) -> None:
        self._files_done += self._file_size if self._file_size is not None else self._file_done
        self._file_done = 0
        self.emit(force=True)

    def emit(self, *, force: bool = False, stage: str = "downloading") -> None:
        now = self._clock()
        if not force and now - self._last_report < REPORT_EVERY_S:
            return
        self._last_report = now
        speed = self._speed(now)
        left = max(self.total - self.done, 0)
        eta = left / speed if speed > 0 else (0.0 if left == 0 else -1.0)
        self._on_progress(
            Progress(self.repo_id, self._file, stage, self.done, self.total, speed, eta)
        )

    def _speed(self, now: float) -> float:
        samples = self._samples
        samples.append((now, self._transferred))
        while len(samples) > 2 and now - samples[1][0] >= SPEED_WINDOW_S:
            samples.popleft()
        t0, b0 = samples[0]
        return (self._transferred - b0) / (now - t0) if now - t0 > 0.2 else 0.0
