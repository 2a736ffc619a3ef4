"""The model catalog, the memory estimate and the progress arithmetic."""

from __future__ import annotations

import threading

import pytest

from gpt2desk.core.hub.catalog import (
    FAMILY,
    MEMORY_FORMULA,
    estimate_memory,
    family_entry,
    format_bytes,
    format_duration,
)
from gpt2desk.core.hub.progress import Cancelled, Meter, Progress


def test_the_family_and_its_estimates() -> None:
    assert [e.repo_id for e in FAMILY] == [
        "gpt2",
        "distilgpt2",
        "gpt2-medium",
        "gpt2-large",
        "gpt2-xl",
    ]
    sizes = [e.memory_bytes for e in FAMILY]
    assert sizes[1] < sizes[0] < sizes[2] < sizes[3] < sizes[4]
    # Never below the peak make bench measured for each shape (the model alone, in a
    # fresh process) plus the window's ~0.1 GB, and at most 12% above it.
    measured = {
        (124_439_808, 12, 768): 1.53e9,
        (354_823_168, 24, 1024): 2.82e9,
        (774_030_080, 36, 1280): 5.79e9,
        (1_557_611_200, 48, 1600): 10.23e9,
    }
    for (params, n_layer, n_embd), peak in measured.items():
        needed = peak + 0.1e9
        assert needed <= estimate_memory(params, n_layer, n_embd) <= 1.12 * needed, params
    assert "6.05 bytes per parameter" in MEMORY_FORMULA
    assert family_entry("openai-community/gpt2-xl") is FAMILY[4]
    assert family_entry("someone/else") is None


def test_formatting() -> None:
    assert format_bytes(0) == "0 B"
    assert format_bytes(1_234) == "1.2 kB"
    assert format_bytes(548_105_171) == "548.1 MB"
    assert format_bytes(6_431_829_964) == "6.43 GB"
    assert format_duration(42.4) == "42 s"
    assert format_duration(150) == "2 min"
    assert format_duration(4_800) == "1 h 20 min"


def test_meter_speed_time_left_and_cancel() -> None:
    now = [0.0]
    seen: list[Progress] = []
    cancel = threading.Event()
    meter = Meter("m", 1000, seen.append, cancel, clock=lambda: now[0])
    meter.start_file("a", 400)
    meter.file_resumed(100, 300)  # 100 bytes were already on disk
    for _ in range(3):
        now[0] += 1.0
        meter.advance(100)  # 100 B/s
    assert seen[-1].done == 400
    assert seen[-1].speed == pytest.approx(100)
    assert seen[-1].eta_s == pytest.approx(6.0)
    assert seen[-1].text() == "400 B of 1.0 kB · 100 B/s · 6 s left"
    meter.finish_file()
    assert seen[-1].done == 400
    cancel.set()
    with pytest.raises(Cancelled, match="cancelled"):
        meter.advance(1)
