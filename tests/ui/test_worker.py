"""The model worker thread, driven through ``WorkerHost`` with the tiny model."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Slot

from gpt2desk.ui.generation.worker import WorkerHost
from tests.ui.helpers import GEN_TIMEOUT_MS, LOAD_TIMEOUT_MS, Recorder

PROMPT = "Once upon a time"
STAGES = ("loading", "ready")


def test_load_reports_loading_then_ready_without_waiting_for_the_compile(
    qtbot: Any, host: WorkerHost, tiny_model_dir: Path
) -> None:
    rec = Recorder(host.worker)
    with qtbot.waitSignals(
        [rec.state_changed] * 2,
        order="strict",
        check_params_cbs=[lambda s, _d, want=want: s == want for want in STAGES],
        timeout=LOAD_TIMEOUT_MS,
    ):
        host.load(str(tiny_model_dir), True)
    name = str(tiny_model_dir.resolve())
    # No "preparing": the model answers while it compiles (see GPT2Runner).
    assert rec.states() == [("loading", name), ("ready", name)]


def test_tokens_stream_then_finish_with_the_engine_text(
    qtbot: Any, loaded_host: WorkerHost, tiny_model_dir: Path
) -> None:
    from gpt2desk.core.engine.decode import Done, generate
    from gpt2desk.core.engine.loading import load_model
    from gpt2desk.core.model_source import parse_model_ref
    from gpt2desk.core.settings import GenerationSettings

    settings = {"max_new_tokens": 40, "seed": 1234, "temperature": 0.9}
    rec = Recorder(loaded_host.worker)
    # "simple": tokens, then finished ("strict" would allow only one token);
    # that nothing comes between or after is checked on the recording below.
    with qtbot.waitSignals(
        [rec.token_generated, rec.generation_finished], order="simple", timeout=GEN_TIMEOUT_MS
    ):
        request_id = loaded_host.generate(PROMPT, settings)
    stats = rec.wait_finished(qtbot, request_id)
    qtbot.wait(50)  # anything sent after "finished" would arrive now
    kinds = [e[0] for e in rec.of(request_id)]
    assert kinds == ["token"] * (len(kinds) - 1) + ["finished"]
    assert len(kinds) > 5
    assert stats["seed"] == 1234

    # The same folder through the core engine, outside Qt, gives the same text.
    loaded = load_model(parse_model_ref(str(tiny_model_dir)), offline=True)
    events = list(
        generate(loaded.runner, loaded.tokenizer, PROMPT, GenerationSettings.from_dict(settings))
    )
    done = events[-1]
    assert isinstance(done, Done)
    expected = "".join(e.text for e in events[:-1])
    assert expected
    assert "".join(rec.tokens(request_id)) == expected
    assert stats["new_tokens"] == len(done.new_token_ids)
    assert stats["reason"] == done.reason


def test_stop_mid_stream_ends_it_as_cancelled(qtbot: Any, loaded_host: WorkerHost) -> None:
    rec = Recorder(loaded_host.worker)
    request_id = loaded_host.generate(PROMPT, {"max_new_tokens": 100_000, "seed": 7})
    rec.wait_first_token(qtbot, request_id)
    loaded_host.stop()
    stats = rec.wait_finished(qtbot, request_id)
    assert stats["reason"] == "cancelled"
    # About 700 tokens/s here: all 100000 would take minutes.
    assert 1 <= stats["new_tokens"] < 5_000
    qtbot.wait(50)
    assert rec.of(request_id)[-1][0] == "finished"


def test_invalid_settings_fail_naming_the_field(qtbot: Any, loaded_host: WorkerHost) -> None:
    rec = Recorder(loaded_host.worker)
    with qtbot.waitSignal(rec.generation_failed, timeout=GEN_TIMEOUT_MS) as blocker:
        request_id = loaded_host.generate(PROMPT, {"temperature": -1})
    assert blocker.args[0] == request_id
    assert "Temperature" in blocker.args[1]
    qtbot.wait(50)
    assert [e[0] for e in rec.of(request_id)] == ["failed"]


def test_generate_before_a_model_is_loaded_fails(qtbot: Any, host: WorkerHost) -> None:
    rec = Recorder(host.worker)
    with qtbot.waitSignal(rec.generation_failed, timeout=GEN_TIMEOUT_MS) as blocker:
        request_id = host.generate(PROMPT, {})
    assert blocker.args[0] == request_id
    assert "No model is loaded" in blocker.args[1]
    assert rec.tokens(request_id) == []


def test_loading_a_missing_folder_fails_with_a_plain_message(
    qtbot: Any, host: WorkerHost, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-model"
    rec = Recorder(host.worker)
    host.load(str(missing), True)
    _state, message = rec.wait_loaded(qtbot)
    assert [s for s, _ in rec.states()] == ["loading", "failed"]
    assert str(missing) in message
    assert "Traceback" not in message
    assert 'File "' not in message


def test_a_failed_switch_keeps_the_old_model(
    qtbot: Any, loaded_host: WorkerHost, tmp_path: Path
) -> None:
    rec = Recorder(loaded_host.worker)
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    for bad in (tmp_path / "missing", broken):
        loaded_host.load(str(bad), True)
        state, message = rec.wait_loaded(qtbot)
        assert state == "failed"
        assert str(bad) in message
    request_id = loaded_host.generate(PROMPT, {"max_new_tokens": 10, "seed": 1})
    stats = rec.wait_finished(qtbot, request_id)
    assert stats["reason"] in ("length", "eos")
    assert rec.tokens(request_id)


def test_shutdown_while_generating_stops_the_thread_quickly(
    qtbot: Any, loaded_host: WorkerHost
) -> None:
    rec = Recorder(loaded_host.worker)
    request_id = loaded_host.generate(PROMPT, {"max_new_tokens": 100_000})
    rec.wait_first_token(qtbot, request_id)
    started = time.monotonic()
    loaded_host.shutdown()
    assert time.monotonic() - started < 10
    assert not loaded_host.model_thread.isRunning()
    assert loaded_host.model_thread.isFinished()


class _Measured(QObject):
    """Receives ``context_measured`` in the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: dict[int, dict[str, Any]] = {}

    @Slot(int, dict)
    def on_measured(self, request_id: int, info: dict[str, Any]) -> None:
        self.answers[request_id] = info


def test_the_worker_measures_the_context_and_what_is_left_out(
    qtbot: Any, loaded_host: WorkerHost
) -> None:
    measured = _Measured()
    loaded_host.worker.context_measured.connect(measured.on_measured)
    short = loaded_host.measure_context("a short prompt", 10)
    long = loaded_host.measure_context("START " + "word " * 5000, 100)
    qtbot.waitUntil(lambda: long in measured.answers, timeout=GEN_TIMEOUT_MS)
    first, second = measured.answers[short], measured.answers[long]
    assert 0 < first["tokens"] < 20 and first["left_out_chars"] == 0
    assert first["n_ctx"] == second["n_ctx"]
    assert second["tokens"] == max(second["n_ctx"] - 100, second["n_ctx"] // 2)
    assert second["left_out_chars"] > 0
