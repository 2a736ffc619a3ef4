"""Hostile model folders: each is refused with one line that names the file and what is wrong.

The command line is run as ``gpt2desk.cli.main`` (what ``python -m gpt2desk``
calls), so each case asserts what a user of the CLI sees: exit code 2, one
line on stderr, nothing on stdout, no traceback. The checks run before any
model is built, so each refusal is quick.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gpt2desk.cli import main
from gpt2desk.core.engine.loading import load_model
from gpt2desk.core.model_source import ModelLoadError, parse_model_ref

Damage = Callable[[Path], None]


@pytest.fixture
def model_copy(tiny_model_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny model folder, free to damage."""
    return Path(shutil.copytree(tiny_model_dir, tmp_path / "model"))


def run_cli(capsys: pytest.CaptureFixture[str], model: Path | str) -> tuple[int, str]:
    """Runs ``gpt2desk generate`` on ``model``; returns the exit code and the one error line."""
    code = main(["generate", "--model", str(model), "--prompt", "Hello", "--offline"])
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("gpt2desk: error: ")
    return code, lines[0]


def edit_config(**changes: Any) -> Damage:
    def damage(folder: Path) -> None:
        path = folder / "config.json"
        config = json.loads(path.read_text())
        config.update(changes)
        for key, value in changes.items():
            if value is None:
                del config[key]
        path.write_text(json.dumps(config))

    return damage


def write(name: str, text: str) -> Damage:
    def damage(folder: Path) -> None:
        (folder / name).write_text(text)

    return damage


def edit_vocab(token_id: int) -> Damage:
    def damage(folder: Path) -> None:
        path = folder / "vocab.json"
        vocab = json.loads(path.read_text())
        vocab[next(iter(vocab))] = token_id
        path.write_text(json.dumps(vocab))

    return damage


CONFIG_CASES: dict[str, tuple[Damage, tuple[str, ...]]] = {
    "config-is-a-list": (write("config.json", "[1, 2, 3]"), ("config.json", "not a JSON object")),
    "config-nested-200000-deep": (
        write("config.json", "[" * 200_000 + "]" * 200_000),
        ("config.json", "nested too deeply"),
    ),
    "n_head-does-not-divide-n_embd": (
        edit_config(n_head=5),
        ("config.json", "n_embd (64) is not a multiple of n_head (5)"),
    ),
    "layer_norm_epsilon-abc": (
        edit_config(layer_norm_epsilon="abc"),
        ("config.json", 'layer_norm_epsilon is "abc"'),
    ),
    "n_layer-four": (edit_config(n_layer="four"), ("config.json", 'n_layer is "four"')),
    "vocab-id-10**12": (
        edit_vocab(10**12),
        ("vocab.json", "the id 1000000000000", "the tokenizer does not belong to this model"),
    ),
    "n_positions-10**9": (edit_config(n_positions=10**9), ("would need about", "available")),
    "n_layer-100000": (edit_config(n_layer=100_000), ("would need about", "100000 layers")),
    "no-model_type": (
        edit_config(model_type=None),
        ("config.json", "has no model_type", '"model_type": "gpt2"'),
    ),
    "vocab-not-json": (write("vocab.json", "this is not JSON"), ("vocab.json", "not valid JSON")),
    "tokenizer-json-without-added_tokens": (
        write("tokenizer.json", '{"model": {}}'),
        ("tokenizer.json", "added_tokens"),
    ),
    "tokenizer-json-not-json": (
        write("tokenizer.json", "\x00\x01garbage"),
        ("tokenizer.json", "not valid JSON"),
    ),
    "eos-beyond-vocab": (
        edit_config(eos_token_id=10**6),
        ("config.json", "eos_token_id is 1000000"),
    ),
}


@pytest.mark.parametrize("case", list(CONFIG_CASES))
def test_a_bad_file_is_one_line_and_exit_2(
    case: str, model_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage, expected = CONFIG_CASES[case]
    damage(model_copy)
    started = time.monotonic()
    code, line = run_cli(capsys, model_copy)
    assert code == 2
    for text in expected:
        assert text in line
    # Refused from the files alone: nothing was built (n_layer 100000 hung for > 150 s).
    assert time.monotonic() - started < 10
    assert len(line) < 400  # not a 4.8 KB list of every architecture


def test_a_file_given_as_the_model_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, line = run_cli(capsys, "/etc/passwd")
    assert code == 2
    assert "/etc/passwd is a file, not a model folder" in line
    assert "does not exist" not in line


def _poison(folder: Path, key: str, value: float) -> None:
    import h5py

    with h5py.File(folder / "tf_model.h5", "r+") as f:
        names: list[str] = []
        f.visititems(lambda name, obj: names.append(name) if key in name else None)
        dataset = f[next(n for n in names if isinstance(f[n], h5py.Dataset))]
        data = dataset[()]
        data.flat[len(data.flat) // 2] = value
        dataset[...] = data


@pytest.mark.parametrize(
    ("key", "value"), [("h_._1/mlp/c_fc/weight", np.nan), ("wte/embeddings", np.inf)]
)
def test_weights_with_nan_or_inf_are_refused(
    model_copy: Path, key: str, value: float, capsys: pytest.CaptureFixture[str]
) -> None:
    _poison(model_copy, key, value)
    code, line = run_cli(capsys, model_copy)
    assert code == 2
    assert "tf_model.h5" in line
    assert "NaN or infinite" in line


def _four_token_tokenizer(folder: Path) -> None:
    (folder / "tokenizer.json").unlink()
    vocab = {"a": 0, "b": 1, "c": 2, "<|endoftext|>": 3}
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    config = json.loads((folder / "config.json").read_text())
    config.update(bos_token_id=3, eos_token_id=3)
    (folder / "config.json").write_text(json.dumps(config))


def test_a_four_token_tokenizer_on_a_bigger_model_is_refused(
    model_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _four_token_tokenizer(model_copy)
    code, line = run_cli(capsys, model_copy)
    assert code == 2
    assert "has 4 tokens and the model" in line
    assert "do not belong together" in line


def test_tokenizer_ids_beyond_the_model_vocabulary_are_refused(
    model_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_config(vocab_size=100)(model_copy)
    code, line = run_cli(capsys, model_copy)
    assert code == 2
    assert "vocab.json" in line
    assert "the model has 100 tokens" in line


# -- kept from before: nothing in a folder runs code ---------------------------


class _Planted:
    """Unpickling this touches ``marker``: proof that a pickle was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


def test_a_pickle_only_folder_is_refused_and_never_unpickled(
    model_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pickle

    marker = tmp_path / "unpickled"
    (model_copy / "tf_model.h5").unlink()
    (model_copy / "pytorch_model.bin").write_bytes(pickle.dumps(_Planted(marker)))
    code, line = run_cli(capsys, model_copy)
    assert code == 2
    assert "pytorch_model.bin is never loaded" in line
    assert not marker.exists()


def test_auto_map_code_is_never_run(model_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code = f"import pathlib\npathlib.Path({str(marker)!r}).touch()\n"
    (model_copy / "evil.py").write_text(code + "class Evil: pass\n")
    auto_map = {"AutoConfig": "evil.Evil", "AutoModelForCausalLM": "evil.Evil"}
    edit_config(auto_map=auto_map)(model_copy)
    (model_copy / "tokenizer_config.json").write_text(
        json.dumps({"auto_map": {"AutoTokenizer": ["evil.Evil", None]}})
    )
    loaded = load_model(parse_model_ref(str(model_copy)), offline=True)
    assert loaded.runner.vocab_size == len(loaded.tokenizer)
    assert not marker.exists()


@pytest.mark.parametrize("name", ["tf_model.h5", "config.json", "vocab.json"])
def test_symlinks_to_devices_are_refused(
    model_copy: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # /dev/null, never an endless device: a test must not read an unbounded stream.
    (model_copy / name).unlink()
    if name == "vocab.json":
        (model_copy / "tokenizer.json").unlink()
    (model_copy / name).symlink_to("/dev/null")
    code, line = run_cli(capsys, model_copy)
    assert code == 2
    assert str(model_copy) in line
    assert "has no" in line


def test_a_model_with_a_short_window_loads_and_writes(tmp_path: Path) -> None:
    """n_positions below the largest prompt chunk (256) failed to compile."""
    from gpt2desk.core.engine.decode import Done, generate
    from gpt2desk.core.settings import GenerationSettings
    from tests.tinymodel import build_tiny_model

    folder = build_tiny_model(tmp_path / "short", n_layer=1, n_embd=32, n_head=2, n_positions=64)
    loaded = load_model(parse_model_ref(str(folder)), offline=True)
    settings = GenerationSettings(max_new_tokens=80, seed=1)
    events = list(generate(loaded.runner, loaded.tokenizer, "Once upon a time " * 20, settings))
    done = events[-1]
    assert isinstance(done, Done)
    assert len(done.new_token_ids) == 80 or done.reason == "eos"
    assert done.prompt_truncated


def test_after_a_refused_folder_a_good_one_loads(model_copy: Path, tiny_model_dir: Path) -> None:
    _poison(model_copy, "ln_f", np.nan)
    with pytest.raises(ModelLoadError, match="NaN or infinite"):
        load_model(parse_model_ref(str(model_copy)), offline=True)
    loaded = load_model(parse_model_ref(str(tiny_model_dir)), offline=True)
    assert loaded.runner.prefill(loaded.tokenizer.encode("Hello")).shape == (len(loaded.tokenizer),)


def test_the_real_command_refuses_100000_layers_at_once(model_copy: Path) -> None:
    """As a user runs it: ``python -m gpt2desk`` ends quickly with one line and exit 2."""
    import os
    import subprocess
    import sys

    edit_config(n_layer=100_000)(model_copy)
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "gpt2desk", "generate", "--model", str(model_copy), "--prompt", "x"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("gpt2desk: error: The model in ")
    assert "100000 layers" in lines[0]
    assert time.monotonic() - started < 30
