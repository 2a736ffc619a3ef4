"""SIGKILL during generation and during typing: on restart the work is there,
all of it but at most the last second.

The child reports what it shows with a timestamp every 0.1 s; the test kills
it once it has shown something for a while, then looks for what was shown at
least one second before the kill. No race with any timer of the child: the
claim holds whenever the kill comes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from gpt2desk.core.store.database import Store
from gpt2desk.core.writing.authorship import WRITER

ROOT = Path(__file__).resolve().parents[2]
AT_MOST_LOST_S = 1.0


def _run_and_kill(tiny_model_dir: Path, what: str, data: Path) -> dict[str, Any]:
    """Kills the child after it has shown text for 2 s; returns what it showed a second before."""
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("kill_child.py")), str(tiny_model_dir), what],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "GPT2DESK_DATA_DIR": str(data)},
    )
    reports: list[dict[str, Any]] = []
    try:
        assert proc.stdout is not None
        first: float | None = None
        while True:
            line = proc.stdout.readline()
            assert line, "the child ended before it was killed"
            report = json.loads(line)
            reports.append(report)
            if report["shown"] and first is None:
                first = report["t"]
            if first is not None and report["t"] - first >= 2.0:
                break
    finally:
        killed_at = time.monotonic()
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
    reports += [json.loads(line) for line in rest.splitlines() if line.strip()]
    before = [r for r in reports if r["shown"] and r["t"] <= killed_at - AT_MOST_LOST_S]
    assert before, "nothing was shown a second before the kill"
    return before[-1]


@pytest.mark.parametrize("what", ["generate", "type"])
def test_sigkill_keeps_the_conversation_and_the_unsent_text(
    tiny_model_dir: Path, tmp_path: Path, what: str
) -> None:
    data = tmp_path / "data"
    seen = _run_and_kill(tiny_model_dir, what, data)
    store = Store.open(data)
    assert store.notices == []  # not damaged, and the killed window's lock is taken over
    assert store.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    if what == "generate":
        conv = store.load_conversation(seen["conversation"])
        assert conv is not None
        texts = {t["role"]: t for t in conv["turns"]}
        assert texts["user"]["text"] == "Tell a very long story"
        partial = texts["assistant"]
        assert partial["text"].startswith(seen["shown"]), (
            len(partial["text"]),
            len(seen["shown"]),
        )
        assert partial["status"] == "streaming"
    else:
        convs = store.list_conversations()
        assert len(convs) == 1
        conv = store.load_conversation(convs[0]["id"])
        assert conv is not None
        assert conv["composer"] == seen["shown"] == "typed but never sent \u202e<b>"


@pytest.mark.parametrize("what", ["draft-stream", "draft-type"])
def test_sigkill_keeps_the_manuscript_but_at_most_its_last_second(
    tiny_model_dir: Path, tmp_path: Path, what: str
) -> None:
    data = tmp_path / "data"
    seen = _run_and_kill(tiny_model_dir, what, data)
    store = Store.open(data)
    assert store.notices == []
    assert store.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    saved = store.load_manuscript(seen["conversation"])
    assert saved is not None
    text = saved["text"]
    assert text.startswith(seen["shown"]), (len(text), len(seen["shown"]))
    assert text.startswith("Once upon a time")
    runs = [(start, end, author) for start, end, author in saved["runs"]]
    assert runs[0][0] == 0 and runs[-1][1] == len(text)
    assert runs[0][2] == WRITER
    if what == "draft-stream":
        assert len(text) > len("Once upon a time")
        assert runs[0][1] == len("Once upon a time")
        assert len(runs) == 2 and runs[1][2] != WRITER, "the streamed text is the model's"
    else:
        assert "the quick brown fox" in text
        assert len(runs) == 1
