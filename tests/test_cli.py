"""``python -m gpt2desk generate``: the command-line contract.

The contract cases run ``cli.main`` in this process (``cli_main``, on the
session's compiled tiny model); a real process, as a user starts it, checks
what only a process shows: streaming while it runs, Ctrl+C, exit codes, and
that TensorFlow is not even imported for a missing folder.
"""

# Chinese text uses fullwidth punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from gpt2desk.core.engine.decode import Done, Piece, generate
from gpt2desk.core.settings import GenerationSettings
from tests.conftest import CliRun

FFFD = "\ufffd"
DEFAULTS = GenerationSettings()  # what the CLI uses for options not given


@dataclass
class Result:
    code: int | None
    out: str
    err: str


def start(*args: str) -> subprocess.Popen[bytes]:
    """Starts ``gpt2desk generate`` offline, in an environment like a user's shell."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["HF_HUB_OFFLINE"] = "1"
    return subprocess.Popen(
        [sys.executable, "-m", "gpt2desk", "generate", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def finish(proc: subprocess.Popen[bytes], before: bytes = b"", timeout: float = 120) -> Result:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return Result(proc.returncode, (before + out).decode("utf-8"), err.decode("utf-8"))


def cli(*args: str) -> Result:
    return finish(start(*args))


def read_until(proc: subprocess.Popen[bytes], end: bytes = b"", timeout: float = 60) -> bytes:
    """Reads stdout while the process runs, until ``end`` (or any output) arrives."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    data = b""
    deadline = time.monotonic() + timeout
    while not data or end not in data:
        left = deadline - time.monotonic()
        assert left > 0, f"nothing streamed in {timeout} s; got {data!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 4096)
            assert chunk, f"stdout closed early; got {data!r}"
            data += chunk
    return data


def records(out: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The piece records and the done record of a --jsonl output."""
    lines = [json.loads(line) for line in out.splitlines()]
    *pieces, done = lines
    assert done["done"] is True
    assert all(set(p) == {"text", "token_ids"} for p in pieces)
    return pieces, done


def joined(pieces: list[dict[str, Any]]) -> str:
    return "".join(p["text"] for p in pieces)


@pytest.fixture(scope="module")
def model(tiny_model_dir: Path) -> str:
    return str(tiny_model_dir)


@pytest.fixture(scope="module")
def tiny(tiny_loaded: Any) -> Any:
    """The model in this process, to know what the CLI must print."""
    return tiny_loaded


def expected(tiny: Any, prompt: str, settings: GenerationSettings) -> tuple[str, Done]:
    *pieces, done = generate(tiny.runner, tiny.tokenizer, prompt, settings)
    assert isinstance(done, Done)
    return "".join(p.text for p in pieces if isinstance(p, Piece)), done


def test_jsonl_contract_and_plain_output_agree(
    model: str, tiny: Any, cli_main: Callable[..., CliRun]
) -> None:
    args = ("generate", "--model", model, "--prompt", "Once upon a time", "--max-new-tokens", "40")
    plain_result = cli_main(*args, "--seed", "7")
    # This one loads the folder itself, as the command does from a shell.
    jsonl_result = cli_main(*args, "--seed", "7", "--jsonl", share=False)
    assert (plain_result.code, jsonl_result.code) == (0, 0), jsonl_result.err
    assert "Traceback" not in plain_result.err + jsonl_result.err
    pieces, done = records(jsonl_result.out)
    assert done["reason"] in ("length", "eos")
    assert done["prompt_tokens"] == len(tiny.tokenizer.encode("Once upon a time"))
    new_ids = done["new_token_ids"]
    assert all(isinstance(i, int) for i in new_ids)
    if done["reason"] == "length":
        assert len(new_ids) == 40
    else:
        assert new_ids[-1] == tiny.tokenizer.eos_token_id
    assert isinstance(done["ttft_ms"], float) and done["ttft_ms"] > 0
    assert isinstance(done["tokens_per_s"], float) and done["tokens_per_s"] > 0
    assert done["seed"] == 7
    streamed_ids = [i for p in pieces for i in p["token_ids"]]
    assert new_ids[: len(streamed_ids)] == streamed_ids
    assert len(pieces) > 1
    assert plain_result.out == joined(pieces) + "\n"
    # And both are exactly what the engine produces for these settings.
    text, engine_done = expected(
        tiny, "Once upon a time", replace(DEFAULTS, max_new_tokens=40, seed=7)
    )
    assert list(engine_done.new_token_ids) == new_ids
    assert joined(pieces) == text


def test_greedy_flag_equals_temperature_zero(
    model: str, tiny: Any, cli_main: Callable[..., CliRun]
) -> None:
    args = ["generate", "--model", model, "--prompt", "User: Hello", "--max-new-tokens", "30"]
    args += ["--jsonl", "--repetition-penalty", "1.3"]  # makes the greedy text vary
    results = [
        cli_main(*args, "--greedy", "--seed", "1"),
        cli_main(*args, "--temperature", "0", "--seed", "2"),
    ]
    assert [r.code for r in results] == [0, 0], [r.err for r in results]
    greedy_done, zero_done = (records(r.out)[1] for r in results)
    assert greedy_done["new_token_ids"] == zero_done["new_token_ids"]
    settings = GenerationSettings(30, temperature=0, repetition_penalty=1.3)
    _, engine_done = expected(tiny, "User: Hello", settings)
    assert greedy_done["new_token_ids"] == list(engine_done.new_token_ids)


def test_stop_string_ends_the_output(
    model: str, tiny: Any, cli_main: Callable[..., CliRun]
) -> None:
    settings = replace(DEFAULTS, max_new_tokens=60, seed=5)
    text, _ = expected(tiny, "Once upon a time", settings)
    stop = next(
        text[i : i + 3]
        for i in range(len(text) // 2, len(text) - 3)
        if FFFD not in text[i : i + 3] and text[i : i + 3].strip()
    )
    result = cli_main(
        "generate", "--model", model, "--prompt", "Once upon a time", "--max-new-tokens", "60",
        "--seed", "5", "--stop", stop, "--stop", "never ~~ here", "--jsonl",
    )  # fmt: skip
    assert result.code == 0, result.err
    pieces, done = records(result.out)
    assert done["reason"] == "stop"
    assert joined(pieces) == text[: text.find(stop)]
    assert stop not in joined(pieces)


def test_prompt_file_is_read_as_utf8_and_filters_can_be_off(
    model: str, tiny: Any, tmp_path: Path, cli_main: Callable[..., CliRun]
) -> None:
    prompt = "今天天氣很好，我們去公園散步吧。\n臺灣的夜市"
    path = tmp_path / "prompt.txt"
    path.write_bytes(prompt.encode("utf-8"))
    result = cli_main(
        "generate", "--model", model, "--prompt-file", str(path), "--seed", "4",
        "--max-new-tokens", "20",
        "--top-k", "0", "--top-p", "1", "--jsonl",
    )  # fmt: skip
    assert result.code == 0, result.err
    pieces, done = records(result.out)
    assert done["prompt_tokens"] == len(tiny.tokenizer.encode(prompt))
    # top-k 0 and top-p 1 switch the filters off: sampling from every token.
    unfiltered = replace(DEFAULTS, max_new_tokens=20, top_k=0, top_p=1.0, seed=4)
    text, engine_done = expected(tiny, prompt, unfiltered)
    assert done["new_token_ids"] == list(engine_done.new_token_ids)
    assert joined(pieces) == text
    _, filtered = expected(tiny, prompt, replace(unfiltered, top_k=DEFAULTS.top_k))
    assert filtered.new_token_ids != engine_done.new_token_ids


def test_ctrl_c_stops_a_long_generation_cleanly(model: str) -> None:
    args = ["--model", model, "--prompt", "Once upon a time", "--greedy"]
    args += ["--max-new-tokens", "100000"]
    plain = start(*args)
    jsonl = start(*args, "--jsonl")
    plain_first = read_until(plain)
    jsonl_first = read_until(jsonl, b"\n")
    # Text arrives while the model is still writing: it streams.
    assert plain.poll() is None and jsonl.poll() is None
    plain.send_signal(signal.SIGINT)
    jsonl.send_signal(signal.SIGINT)
    plain_result = finish(plain, plain_first, timeout=60)
    jsonl_result = finish(jsonl, jsonl_first, timeout=60)

    assert plain_result.code == 0, plain_result.err
    assert "Traceback" not in plain_result.err
    assert plain_result.out.endswith("\n") and plain_result.out.strip()

    assert jsonl_result.code == 0, jsonl_result.err
    assert "Traceback" not in jsonl_result.err
    pieces, done = records(jsonl_result.out)
    assert done["reason"] == "cancelled"
    assert 0 < len(done["new_token_ids"]) < 100000
    assert [i for p in pieces for i in p["token_ids"]] == done["new_token_ids"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--prompt", "hi", "--top-p", "2"], "Top-p must be more than 0 and at most 1"),
        (["--prompt", "hi", "--max-new-tokens", "0"], "Max new tokens must be between 1"),
        (["--prompt", "hi", "--temperature", "-1"], "Temperature must be 0 or more"),
        (["--prompt", "hi", "--top-k", "-3"], "Top-k must be 0 or more"),
        (["--prompt", "hi", "--seed", "-1"], "Seed must be empty"),
        (["--prompt", "hi", "--top-p", "x"], "--top-p: invalid float value: 'x'"),
        (
            ["--prompt-file", "/no/such/prompt.txt"],
            "cannot read the prompt file /no/such/prompt.txt",
        ),
        ([], "one of the arguments --prompt --prompt-file is required"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(
    model: str, args: list[str], message: str, cli_main: Callable[..., CliRun]
) -> None:
    result = cli_main("generate", "--model", model, *args)
    assert result.code == 2
    assert result.out == ""
    assert message in result.err
    assert "Traceback" not in result.err


def test_missing_model_option() -> None:
    # A real process: argparse's exit is the process's exit code.
    result = cli("--prompt", "hi")
    assert result.code == 2
    assert result.out == ""
    assert "the following arguments are required: --model" in result.err
    assert "Traceback" not in result.err


def test_missing_model_folder_is_reported_before_tensorflow_loads(tmp_path: Path) -> None:
    folder = tmp_path / "no-such-model"
    code = (
        "import sys; from gpt2desk.cli import main; rc = main(sys.argv[1:]); "
        "print('tensorflow' in sys.modules); sys.exit(rc)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "generate", "--model", str(folder), "--prompt", "hi"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == "False\n"
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines == [f"gpt2desk: error: The model folder {folder} does not exist."]
