"""Runs the real app (offscreen) on a model folder and measures it from inside.

Prints one JSON line: peak resident memory of the whole process, the largest
gap of a 10 ms QTimer in the GUI thread while tokens stream, the time from the
process's start to "ready" (Send usable) and to the first streamed token, and
the stats of two requests: one sent at "ready" (the model still compiling
beside it), one sent once the compile has ended. Used by bench/run.py; run
alone with ``python bench/app_probe.py MODEL_DIR``.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def peak_rss_mb() -> float:
    """VmHWM: the peak resident set size of this process, in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def process_age_s() -> float:
    """Seconds since this process started (its start time in /proc, 10 ms steps)."""
    with open("/proc/self/stat", encoding="ascii") as stat:
        started = int(stat.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
    with open("/proc/uptime", encoding="ascii") as uptime:
        return float(uptime.read().split()[0]) - started


def main() -> int:
    from PySide6.QtCore import QCoreApplication, QElapsedTimer, QObject, QTimer, Slot
    from PySide6.QtWidgets import QApplication

    from gpt2desk.ui.window.main_window import MainWindow

    app = QApplication([])
    QCoreApplication.setOrganizationName("gpt2desk-bench")
    window = MainWindow(sys.argv[1])
    window.show()
    # The gaps of each request's stream: the first request's, then the second's.
    streams: list[list[float]] = [[]]
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setInterval(10)

    def tick() -> None:
        if window.chat.streaming():
            streams[-1].append(clock.restart())
        else:
            clock.restart()

    ticker.timeout.connect(tick)
    clock.start()
    ticker.start()
    result: dict[str, object] = {}
    t_start = time.perf_counter()
    new_tokens = int(sys.argv[2]) if len(sys.argv) > 2 else 200

    # Plain functions connected to a signal from another thread run in that
    # thread; methods of a QObject living here run here (queued).
    class Receiver(QObject):
        @Slot(str, str)
        def on_state(self, state: str, detail: str) -> None:
            _on_state(state, detail)

        @Slot(int, dict)
        def on_finished(self, request_id: int, stats: dict[str, object]) -> None:
            _on_finished(request_id, stats)

        @Slot(int, str)
        def on_token(self, request_id: int, text: str) -> None:
            _on_token(request_id, text)

    def send() -> None:
        window.settings_panel.max_new_tokens.setValue(new_tokens)
        window.settings_panel.seed.setText("1")
        window.composer.setPlainText("The history of the printing press begins " * 4)
        window.send()

    def _on_state(state: str, detail: str) -> None:
        if state == "failed":
            result["error"] = detail
            app.quit()
        elif state == "ready" and "load_s" not in result:
            result["load_s"] = time.perf_counter() - t_start
            result["launch_to_ready_s"] = process_age_s()
            result["send_enabled_at_ready"] = window.send_button.isEnabled()
            send()

    def _on_token(_request_id: int, _text: str) -> None:
        result.setdefault("launch_to_first_token_s", process_age_s())

    def compiled() -> bool:
        # A peek at the worker's model from the GUI thread: a probe's liberty.
        loaded = window.host.worker._loaded
        return loaded is not None and loaded.runner.wait_compiled(0)

    def second_request() -> None:
        if not compiled():
            QTimer.singleShot(100, second_request)
            return
        result["compiled_after_ready_s"] = time.perf_counter() - t_start - float(result["load_s"])
        streams.append([])
        send()

    def _on_finished(_request_id: int, stats: dict[str, object]) -> None:
        if "stats" not in result:
            result["stats"] = stats
            result["peak_rss_mb_first_request"] = peak_rss_mb()
            if not compiled():
                result["first_request_ended_before_the_compile"] = True
            second_request()
            return
        # Skip each stream's first gap: it spans the click that started it.
        steady = [gaps[1:] or [0.0] for gaps in streams]
        result.update(
            peak_rss_mb=peak_rss_mb(),
            max_gui_gap_ms=max(max(gaps) for gaps in steady),
            max_gui_gap_ms_by_request=[max(gaps) for gaps in steady],
            gui_ticks=sum(len(gaps) for gaps in steady),
            stats_compiled=stats,
        )
        app.quit()

    receiver = Receiver()
    window.host.worker.state_changed.connect(receiver.on_state)
    window.host.worker.generation_finished.connect(receiver.on_finished)
    window.host.worker.token_generated.connect(receiver.on_token)
    window.start()
    app.exec()
    window.close()
    print(json.dumps(result))
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
