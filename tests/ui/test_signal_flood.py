"""10,000 streamed-token signals cross from the model thread to the GUI intact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import PySide6

SCRIPT = Path(__file__).with_name("signal_flood.py")
ROOT = Path(__file__).resolve().parents[2]


def test_ten_thousand_token_signals_arrive_in_order() -> None:
    # In a child process: PySide6 6.12.0 aborts Python 3.11 after a few
    # hundred Signal.emit() calls ('bool_dealloc'), which would kill pytest.
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "10000"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert proc.returncode == 0, (
        f"PySide6 {PySide6.__version__}: exit code {proc.returncode}\n{proc.stderr[-3000:]}"
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result == {"count": 10_000, "in_order": True, "finished": True}
