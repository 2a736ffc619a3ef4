"""SIGKILL during generation and during typing: on restart the work is there."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gpt2desk.core.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _run_and_kill(tiny_model_dir: Path, what: str, data: Path) -> dict[str, str]:
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("kill_child.py")), str(tiny_model_dir), what],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={**os.environ, "GPT2DESK_DATA_DIR": str(data)},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        seen: dict[str, str] = json.loads(line)
        time.sleep(1.2)  # what was shown a second ago must be on disk by now
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    return seen


@pytest.mark.parametrize("what", ["generate", "type"])
def test_sigkill_keeps_the_conversation_and_the_unsent_text(
    tiny_model_dir: Path, tmp_path: Path, what: str
) -> None:
    data = tmp_path / "data"
    seen = _run_and_kill(tiny_model_dir, what, data)
    store = Store.open(data)
    assert store.notices == []  # not damaged
    assert store.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    if what == "generate":
        conv = store.load_conversation(seen["conversation"])
        assert conv is not None
        texts = {t["role"]: t for t in conv["turns"]}
        assert texts["user"]["text"] == "Tell a very long story"
        partial = texts["assistant"]
        assert seen["shown"] and partial["text"].startswith(seen["shown"])
        assert partial["status"] == "streaming"
    else:
        convs = store.list_conversations()
        assert len(convs) == 1
        conv = store.load_conversation(convs[0]["id"])
        assert conv is not None
        assert conv["composer"] == "typed but never sent \u202e<b>"
