"""Adversarial: the command line (``python -m gpt2desk generate``) against hostile
arguments, prompts and outputs.

The contract: exit 2 with one line on stderr naming what is wrong, never a
traceback; ``--jsonl`` output stays one record per line for any line-splitting
reader.

Most cases run ``cli.main`` in this process (``run``, on the session's compiled
tiny model); what only a real process shows runs as one: arguments that are
not UTF-8, closed standard streams, a full disk under stderr, a reader that
closes the pipe, the log of an unexpected error.
"""

# Chinese text uses fullwidth punctuation on purpose.

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from tests.conftest import CliRun
from tests.tinymodel import CORPUS, EOS

# TensorFlow's own C++ logging (cuInit, XLA) goes to stderr before our code runs;
# it is not ours to silence in a user's shell, so the checks look past it.
_TF_NOISE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] "
    r"|WARNING: All log messages before absl::InitializeLog\(\)"
    r"|[IWEF]\d{4} \d\d:\d\d:[\d.]+ +\d+ [\w./-]+:\d+\] )"
)
# Line and paragraph separators that str.splitlines() splits on, inside JSON strings.
SEPARATORS = "\u2028\u2029\u0085"


@dataclass
class Result:
    code: int | None
    out: str
    err: str

    def error_lines(self) -> list[str]:
        """What the CLI itself wrote on stderr (TensorFlow's C++ noise left out)."""
        return [
            line for line in self.err.splitlines() if line.strip() and not _TF_NOISE.match(line)
        ]


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["HF_HUB_OFFLINE"] = "1"
    return env


def start(
    args: Sequence[str | bytes], stdout: int | IO[Any] = subprocess.PIPE, **kwargs: Any
) -> subprocess.Popen[bytes]:
    """Starts ``gpt2desk generate`` offline; arguments may be bytes (not UTF-8)."""
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen(
        [sys.executable, "-m", "gpt2desk", *args], stdout=stdout, env=cli_env(), **kwargs
    )


def finish(proc: subprocess.Popen[bytes], timeout: float = 180) -> Result:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    text = (out or b"").decode("utf-8")
    return Result(proc.returncode, text, err.decode("utf-8", errors="replace"))


def cli(*args: str | bytes, **kwargs: Any) -> Result:
    return finish(start(args, **kwargs))


Run = Callable[..., Result]


@pytest.fixture
def run(cli_main: Callable[..., CliRun]) -> Run:
    """``run(*args)``: ``gpt2desk ARGS`` in this process (tests/conftest.py ``cli_main``)."""

    def go(*args: str, **kwargs: Any) -> Result:
        done = cli_main(*args, **kwargs)
        return Result(done.code, done.out, done.err)

    return go


def assert_one_error_line(result: Result, *phrases: str) -> str:
    """Exit 2, nothing on stdout, one ``gpt2desk...: error:`` line naming the problem."""
    assert "Traceback" not in result.err, result.err
    assert result.code == 2, result.err
    assert result.out == ""
    lines = result.error_lines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("gpt2desk"), lines
    assert "error:" in lines[0]
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def model(tiny_model_dir: Path) -> str:
    return str(tiny_model_dir)


# -- bad arguments: refused before any model loads ------------------------------------


M = "MODEL"  # stands for the tiny model folder
BAD_ARGUMENTS = [
    ("unknown flag", ["--model", M, "--prompt", "hi", "--bogus"], ["unrecognized", "--bogus"]),
    ("max-tokens 1e3", ["--model", M, "--prompt", "hi", "--max-new-tokens", "1e3"], ["1e3"]),
    ("max-tokens abc", ["--model", M, "--prompt", "hi", "--max-new-tokens", "abc"], ["abc"]),
    (
        "max-tokens 10^30",
        ["--model", M, "--prompt", "hi", "--max-new-tokens", "9" * 30],
        ["Max new tokens"],
    ),
    (
        "max-tokens -5",
        ["--model", M, "--prompt", "hi", "--max-new-tokens", "-5"],
        ["Max new tokens"],
    ),
    ("temperature nan", ["--model", M, "--prompt", "hi", "--temperature", "nan"], ["finite"]),
    ("temperature -inf", ["--model", M, "--prompt", "hi", "--temperature=-inf"], ["finite"]),
    ("temperature word", ["--model", M, "--prompt", "hi", "--temperature", "warm"], ["warm"]),
    ("seed 2^64", ["--model", M, "--prompt", "hi", "--seed", str(2**64)], ["Seed"]),
    ("seed hex", ["--model", M, "--prompt", "hi", "--seed", "0x10"], ["--seed", "0x10"]),
    ("top-k -1", ["--model", M, "--prompt", "hi", "--top-k", "-1"], ["Top-k"]),
    ("empty stop", ["--model", M, "--prompt", "hi", "--stop", ""], ["Stop strings"]),
    (
        "prompt and file",
        ["--model", M, "--prompt", "hi", "--prompt-file", "/etc/hostname"],
        ["not allowed"],
    ),
    ("no model", ["--prompt", "hi"], ["--model"]),
    ("no prompt", ["--model", M], ["--prompt"]),
    ("no command", [], ["required"]),
    ("unknown command", ["write-a-novel"], ["invalid choice"]),
]


@pytest.mark.parametrize(
    ("args", "phrases"), [pytest.param(a, p, id=i) for i, a, p in BAD_ARGUMENTS]
)
def test_bad_argument_is_one_error_line_and_exit_2(
    run: Run, model: str, args: list[str], phrases: list[str]
) -> None:
    args = [model if a == M else a for a in args]
    command = ["generate"] if args and args[0] != "write-a-novel" else []
    assert_one_error_line(run(*command, *args), *phrases)


def test_prompt_file_that_is_a_directory_is_one_error_line(
    run: Run, model: str, tmp_path: Path
) -> None:
    line = assert_one_error_line(
        run("generate", "--model", model, "--prompt-file", str(tmp_path)), "prompt file"
    )
    assert str(tmp_path) in line


def test_prompt_file_that_is_missing_is_one_error_line(
    run: Run, model: str, tmp_path: Path
) -> None:
    missing = tmp_path / "nothing-here.txt"
    assert_one_error_line(
        run("generate", "--model", model, "--prompt-file", str(missing)), str(missing)
    )


def test_prompt_file_that_is_binary_not_utf8_is_one_error_line(
    run: Run, model: str, tmp_path: Path
) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)))
    assert_one_error_line(
        run("generate", "--model", model, "--prompt-file", str(path)), str(path), "UTF-8"
    )


@pytest.mark.parametrize("source", ["/dev/zero", "huge sparse file"])
def test_endless_or_huge_prompt_file_is_refused_without_reading_it_all(
    run: Run, model: str, tmp_path: Path, source: str
) -> None:
    if source == "/dev/zero":
        path = Path("/dev/zero")
    else:
        path = tmp_path / "huge.txt"
        with path.open("wb") as f:  # sparse: 4 GB on paper, nothing on disk
            f.truncate(4 * 1024**3)
    result = run("generate", "--model", model, "--prompt-file", str(path))
    assert_one_error_line(result, str(path), "too large")


@pytest.mark.parametrize("option", ["--prompt", "--stop"])
def test_argument_that_is_not_utf8_is_one_error_line(model: str, option: str) -> None:
    # A shell passes the bytes as they are; Python turns them into lone surrogates.
    args: list[str | bytes] = ["generate", "--model", model, "--prompt", "hi"]
    if option == "--prompt":
        args[-1] = b"caf\xe9 \xff"
    else:
        args += ["--stop", b"\xfe\xff"]
    assert_one_error_line(cli(*args), option, "UTF-8")


@pytest.mark.parametrize(
    "name", ["x\n2026-11-29 12:00:00 gpt2desk: all good", "x\rgpt2desk: fine", "x\x1b[2Jcleared"]
)
def test_model_path_with_control_characters_is_still_one_error_line(
    run: Run, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / name
    line = assert_one_error_line(run("generate", "--model", str(folder), "--prompt", "hi"))
    assert "does not exist" in line
    assert "\x1b" not in line and "\r" not in line


def test_empty_model_is_one_error_line(run: Run) -> None:
    assert_one_error_line(run("generate", "--model", "", "--prompt", "hi"), "No model given")


def test_closed_stdout_is_one_error_line_before_the_model_loads(model: str) -> None:
    result = cli(
        "generate", "--model", model, "--prompt", "hi",
        stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    assert_one_error_line(result, "output")


def test_prompt_from_a_closed_stdin_is_one_error_line(model: str) -> None:
    result = cli(
        "generate", "--model", model, "--prompt-file", "/dev/stdin",
        stdin=subprocess.DEVNULL, preexec_fn=lambda: os.close(0),
    )  # fmt: skip
    assert_one_error_line(result, "prompt file", "/dev/stdin")


def test_error_with_stderr_on_a_full_disk_still_exits_2(model: str) -> None:
    with open("/dev/full", "wb") as full:
        proc = start(["generate", "--model", model, "--prompt", "hi", "--seed", "x"], stderr=full)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2 and out == b""


def test_unexpected_exception_is_one_line_and_logged_with_its_traceback(
    model: str, isolated_data_dir: Path
) -> None:
    # A bug cannot be produced on demand once fixed: one is planted in the loader,
    # the only fake here, to check the net under every CLI run.
    code = (
        "import sys, gpt2desk.core.engine.loading as m\n"
        "def broken(*a, **k): raise RuntimeError('planted bug\\n2026-11-29 forged line')\n"
        "m.load_model = broken\n"
        "from gpt2desk.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "generate", "--model", model, "--prompt", "hi"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
    )
    result = finish(proc)
    line = assert_one_error_line(result, "planted bug")
    log = isolated_data_dir / "gpt2desk.log"
    assert str(log) in line
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError" in text
    assert not any(row.startswith("2026-11-29 forged") for row in text.splitlines())


# -- where the output goes --------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["plain", "jsonl"])
def test_output_to_a_full_disk_is_one_error_line_and_exit_2(run: Run, model: str, fmt: str) -> None:
    args = ["generate", "--model", model, "--prompt", "Once upon a time", "--seed", "3"]
    args += ["--max-new-tokens", "20"] + (["--jsonl"] if fmt == "jsonl" else [])
    with open("/dev/full", "w", encoding="utf-8") as full:  # stdout as a shell opens it
        result = run(*args, stdout=full)
    assert_one_error_line(result, "No space left on device")


@pytest.mark.parametrize("fmt", ["plain", "jsonl"])
def test_reader_closing_the_pipe_is_one_error_line_and_exit_2(
    separator_model: str, fmt: str
) -> None:
    # The separator model never ends by itself: it is still writing when the reader leaves.
    args = ["generate", "--model", separator_model, "--prompt", "a", "--top-k", "3"]
    args += ["--seed", "1", "--max-new-tokens", "100000"] + (["--jsonl"] if fmt == "jsonl" else [])
    proc = start(args)
    assert proc.stdout is not None
    assert proc.stdout.read(10)  # as `| head -c 10` does: read a little, then go away
    proc.stdout.close()
    result = finish(proc, timeout=120)
    assert "Exception ignored" not in result.err
    assert_one_error_line(result, "broken pipe")


def test_empty_prompt_generates_from_the_start_of_text(run: Run, model: str) -> None:
    result = run(
        "generate", "--model", model, "--prompt", "", "--seed", "2", "--max-new-tokens", "5",
        "--jsonl",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.error_lines() == []
    done = json.loads(result.out.splitlines()[-1])
    assert done["done"] is True and len(done["new_token_ids"]) == 5


def test_prompt_with_nul_characters_generates(run: Run, model: str, tmp_path: Path) -> None:
    # A shell cannot pass NUL in an argument; a prompt file can hold it.
    path = tmp_path / "nul.txt"
    path.write_bytes(b"Once\x00upon a\x00 time\x00")
    result = run(
        "generate", "--model", model, "--prompt-file", str(path), "--seed", "2",
        "--max-new-tokens", "3", "--jsonl",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.error_lines() == []
    done = json.loads(result.out.splitlines()[-1])
    assert done["done"] is True and done["prompt_tokens"] >= 4


# -- --jsonl and line separators -------------------------------------------------------


def build_separator_model(target: Path) -> Path:
    """A tiny GPT-2 that only ever writes U+2028 U+2029, U+0085 and an emoji.

    Its final layer norm ignores the input (gain 0) and outputs one fixed
    vector, which the tied embedding turns into equal high logits for those
    three tokens: with top-k 3, every step picks one of them.
    """
    import numpy as np
    import tensorflow as tf
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2TokenizerFast, TFGPT2LMHeadModel

    extra = tuple(f"行{SEPARATORS}🙂 line{SEPARATORS}end {EOS}" for _ in range(5))
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=1000,
        min_frequency=1,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=[EOS],
        show_progress=False,
    )
    tok.train_from_iterator(CORPUS + extra, trainer)
    tokenizer = GPT2TokenizerFast(
        tokenizer_object=tok, bos_token=EOS, eos_token=EOS, unk_token=EOS, model_max_length=1024
    )
    targets = set(tok.encode(SEPARATORS).ids) | set(tok.encode("🙂").ids)
    assert len(targets) == 3
    assert "".join(tok.decode([i]) for i in sorted(targets)).count("\u2028") == 1

    eos_id = tokenizer.convert_tokens_to_ids(EOS)
    config = GPT2Config(
        vocab_size=len(tokenizer), n_positions=1024, n_embd=16, n_layer=1, n_head=2,
        bos_token_id=eos_id, eos_token_id=eos_id,
    )  # fmt: skip
    model = TFGPT2LMHeadModel(config)
    model(tf.constant([[eos_id, eos_id]], dtype=tf.int32))
    rng = np.random.default_rng(0)
    for weight in model.weights:
        values = rng.normal(0.0, 0.02, weight.shape.as_list()).astype(np.float32)
        if "ln_f" in weight.name:
            values = np.zeros(weight.shape.as_list(), np.float32)
            if "beta" in weight.name:
                values[0] = 1.0
        elif "wte" in weight.name:
            values[:, 0] = 0.0
            values[sorted(targets), 0] = 20.0
        weight.assign(values)
    target.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(target)
    model.save_pretrained(target)
    return target


@pytest.fixture(scope="module")
def separator_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(build_separator_model(tmp_path_factory.mktemp("separators")))


def test_jsonl_encoder_escapes_line_separators_inside_strings() -> None:
    from gpt2desk.cli import _json_line

    text = "詩\u2028句\u2029🙂\u0085end\n"
    line = _json_line({"text": text, "token_ids": [1]})
    assert line.endswith("\n") and len(line.splitlines()) == 1
    assert json.loads(line)["text"] == text


def test_jsonl_escapes_line_separators_so_every_line_is_one_record(
    run: Run, separator_model: str
) -> None:
    folder = separator_model
    prompt = "今天天氣很好 🙂\u2028臺灣的夜市\u2029🌏\u0085"
    result = run(
        "generate", "--model", str(folder), "--prompt", prompt, "--jsonl", "--seed", "1",
        "--top-k", "3", "--max-new-tokens", "30",
    )  # fmt: skip
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    records = [json.loads(line) for line in lines]  # each piece is one whole record
    *pieces, done = records
    assert done["done"] is True
    assert len(lines) == len(done["new_token_ids"]) + 1
    text = "".join(p["text"] for p in pieces)
    assert all(sep in text for sep in SEPARATORS) and "🙂" in text
    assert set(text) == {*SEPARATORS, "🙂"}
