"""Switching models in the real window, any number of times, and after a failed load.

Each case runs the app in a child process (``python -m
tests.adversarial.test_model_switch SCENARIO ...``): the bug these cases keep
fixed ended the process with a segfault in libpython, which would take pytest
with it. The child prints one JSON line per step with what the window shows.
Both children start together (each mostly loads models, one core each).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT_S = 240
SWITCHES = 5


@pytest.fixture(scope="module")
def second_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another tiny GPT-2, of another shape (1 layer, 32 wide, a 128-token window)."""
    from tests.tinymodel import build_tiny_model

    return build_tiny_model(
        tmp_path_factory.mktemp("second"), n_layer=1, n_embd=32, n_head=2, n_positions=128, seed=1
    )


@pytest.fixture(scope="module")
def truncated_dir(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model with its tf_model.h5 cut in half."""
    import shutil

    folder = Path(shutil.copytree(tiny_model_dir, tmp_path_factory.mktemp("bad") / "truncated"))
    weights = folder / "tf_model.h5"
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])
    return folder


@dataclass
class Child:
    """A child process and the folder holding its data and its output."""

    proc: subprocess.Popen[bytes]
    folder: Path


def _start_child(scenario: str, *models: Path, folder: Path) -> Child:
    """Starts the scenario; its output goes to files (a child not read yet never blocks)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GPT2DESK_DATA_DIR": str(folder / "data")}
    with (folder / "stdout").open("wb") as out, (folder / "stderr").open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.adversarial.test_model_switch", scenario]
            + [str(m) for m in models],
            stdout=out,
            stderr=err,
            cwd=ROOT,
            env=env,
        )
    return Child(proc, folder)


def _steps(child: Child) -> list[dict[str, Any]]:
    """The child's steps once it has ended (the test fails on a crash or a hang)."""
    try:
        child.proc.wait(timeout=CHILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        child.proc.kill()
        child.proc.wait()
        raise
    out = (child.folder / "stdout").read_text(encoding="utf-8")
    err = (child.folder / "stderr").read_text(encoding="utf-8", errors="replace")
    steps = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    # -11: the segfault this file is about; 3: a wait that never ended (a hang).
    assert child.proc.returncode == 0, (child.proc.returncode, steps, err[-3000:])
    assert "Traceback" not in err, err[-3000:]
    return steps


@pytest.fixture(scope="module")
def children(
    tiny_model_dir: Path,
    second_model_dir: Path,
    truncated_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Child]]:
    """Both scenarios, started at once, each with its own data folder."""
    started = {
        # One run of the app: 5 switches between two models, the truncated one, a reply.
        "switch": _start_child(
            "switch",
            tiny_model_dir,
            second_model_dir,
            truncated_dir,
            folder=tmp_path_factory.mktemp("switch"),
        ),
        # ``--model`` on a truncated file, then File > Open model folder… on a good one.
        "bad-first": _start_child(
            "bad-first", truncated_dir, tiny_model_dir, folder=tmp_path_factory.mktemp("bad-first")
        ),
    }
    yield started
    for child in started.values():
        if child.proc.poll() is None:
            child.proc.kill()
            child.proc.wait()


@pytest.fixture(scope="module")
def switch_steps(children: dict[str, Child]) -> list[dict[str, Any]]:
    """The steps of the "switch" child."""
    return _steps(children["switch"])


def test_five_switches_back_and_forth_then_generate(
    switch_steps: list[dict[str, Any]], tiny_model_dir: Path, second_model_dir: Path
) -> None:
    steps = switch_steps
    loads = [s for s in steps if s["step"] == "load"]
    expected = [tiny_model_dir] + [
        second_model_dir if i % 2 == 0 else tiny_model_dir for i in range(SWITCHES)
    ]
    assert [s["status"] for s in loads] == [f"Ready — {m}" for m in expected]
    assert all(s["send_enabled"] for s in loads)
    reply = next(s for s in steps if s["step"] == "reply")
    assert reply["reason"] == "length"
    assert reply["new_tokens"] == 5
    assert reply["text"].strip()


def test_a_truncated_weights_file_fails_and_the_old_model_still_answers(
    switch_steps: list[dict[str, Any]], second_model_dir: Path
) -> None:
    steps = switch_steps
    bad = next(s for s in steps if s["step"] == "bad")
    # The last good switch was to the second model: it stays, and says so.
    assert "tf_model.h5" in bad["status"]
    assert "damaged or incomplete" in bad["status"]
    assert bad["status"].endswith(f"still using {second_model_dir}")
    assert bad["send_enabled"]
    reply = next(s for s in steps if s["step"] == "reply")
    assert reply["model"] == str(second_model_dir)
    assert reply["text"].strip()


def test_a_failed_first_load_does_not_block_the_next_one(
    tiny_model_dir: Path, children: dict[str, Child]
) -> None:
    """``--model`` on a truncated file, then File > Open model folder… on a good one."""
    steps = _steps(children["bad-first"])
    first = next(s for s in steps if s["step"] == "bad")
    assert first["status"].startswith("Model failed: ")
    assert "tf_model.h5" in first["status"]
    assert not first["send_enabled"]
    good = next(s for s in steps if s["step"] == "load")
    assert good["status"] == f"Ready — {tiny_model_dir}"
    assert good["send_enabled"]
    reply = next(s for s in steps if s["step"] == "reply")
    assert reply["model"] == str(tiny_model_dir)
    assert reply["text"].strip()


# -- the child ----------------------------------------------------------------


def _child(scenario: str, models: list[str]) -> int:  # pragma: no cover (runs in the child)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, QStandardPaths
    from PySide6.QtWidgets import QApplication

    from gpt2desk.ui.window.main_window import MainWindow

    QStandardPaths.setTestModeEnabled(True)
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        folder = os.path.join(os.environ["GPT2DESK_DATA_DIR"], "qsettings")
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
    app = QApplication(sys.argv[:1])
    states: list[tuple[str, str]] = []
    finished: list[dict[str, Any]] = []

    def wait(what: str, done: Any) -> None:
        deadline = time.monotonic() + 60
        while not done():
            if time.monotonic() > deadline:
                report("timeout", what=what, states=states[-4:])
                sys.exit(3)
            app.processEvents()
            time.sleep(0.005)

    def report(step: str, **values: Any) -> None:
        values.update(status=window.model_label.text(), send_enabled=window.send_button.isEnabled())
        print(json.dumps({"step": step, **values}), flush=True)

    def load(model: str) -> None:
        seen = len(states)
        window.load_model(model)
        wait(model, lambda: any(s in ("ready", "failed") for s, _ in states[seen:]))
        app.processEvents()  # the window's own slot has seen the state too

    def reply(model: str) -> None:
        window.settings_panel.max_new_tokens.setValue(5)
        window.composer.setPlainText("Once upon a time")
        window.send()
        wait("the reply", lambda: bool(finished))
        app.processEvents()
        conv = window.workspace_ui.workspace.current
        text = conv.path()[-1].text if conv is not None else ""
        report("reply", model=model, text=text, **finished[0])

    first, *rest = models
    window = MainWindow(first, offline=True)
    window.host.worker.state_changed.connect(lambda s, d: states.append((s, d)))
    window.host.worker.generation_finished.connect(lambda _id, stats: finished.append(stats))
    window.show()
    window.start()
    wait(first, lambda: any(s in ("ready", "failed") for s, _ in states))
    app.processEvents()
    if scenario == "switch":
        good, other, bad = first, rest[0], rest[1]
        report("load")
        for i in range(SWITCHES):
            load(other if i % 2 == 0 else good)
            report("load")
        load(bad)
        report("bad")
        reply(other)
    else:  # "bad-first": the first model fails, then a good one
        report("bad")
        load(rest[0])
        report("load")
        reply(rest[0])
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], sys.argv[2:]))
