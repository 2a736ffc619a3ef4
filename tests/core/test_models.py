"""Finding and loading models: what the user typed, and messages they can act on."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gpt2desk.core.engine.loading import load_model
from gpt2desk.core.model_source import ModelLoadError, ModelRef, check_local_folder, parse_model_ref


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Fails any outgoing connection; yields the addresses that were tried."""
    tried: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        tried.append(address)
        raise OSError("network use in an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield tried


@pytest.fixture
def model_copy(tiny_model_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny model folder, free to damage."""
    return Path(shutil.copytree(tiny_model_dir, tmp_path / "model"))


def closed_port() -> int:
    """A local port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- what the user typed ----------------------------------------------------


def test_hub_ids_and_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gpt2").mkdir()
    (tmp_path / "my model").mkdir()
    assert parse_model_ref("gpt2") == ModelRef("hub", "gpt2")
    assert parse_model_ref(" openai-community/gpt2 ") == ModelRef("hub", "openai-community/gpt2")
    # A folder that happens to be named like a Hub id does not shadow the Hub id ...
    assert parse_model_ref("gpt2").kind == "hub"
    # ... unless the user says it is a path.
    assert parse_model_ref("./gpt2") == ModelRef("local", str(tmp_path / "gpt2"))
    assert parse_model_ref(str(tmp_path / "gpt2")) == ModelRef("local", str(tmp_path / "gpt2"))
    # Not a valid Hub id, but an existing folder.
    assert parse_model_ref("my model") == ModelRef("local", str(tmp_path / "my model"))


def test_home_folder_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert parse_model_ref("~/models/gpt2") == ModelRef("local", str(tmp_path / "models" / "gpt2"))


@pytest.mark.parametrize("text", ["not a model!", "a/b/c", "gpt2--bad..", ""])
def test_invalid_names_are_refused(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelLoadError) as info:
        parse_model_ref(text)
    message = str(info.value)
    assert (text.strip() in message) if text.strip() else "No model given" in message


# -- local folders ----------------------------------------------------------


def test_the_tiny_folder_is_complete(tiny_model_dir: Path) -> None:
    check_local_folder(tiny_model_dir)


@pytest.mark.parametrize(
    ("delete", "expected"),
    [
        (["config.json"], "has no config.json"),
        (["tf_model.h5"], "has no model.safetensors, tf_model.h5 or flax_model.msgpack weights"),
        (["tokenizer.json", "vocab.json"], "has no tokenizer files"),
        (["tokenizer.json", "merges.txt"], "has no tokenizer files"),
    ],
)
def test_an_incomplete_folder_is_named_with_what_it_lacks(
    model_copy: Path, delete: list[str], expected: str
) -> None:
    for name in delete:
        (model_copy / name).unlink()
    with pytest.raises(ModelLoadError, match=expected) as info:
        check_local_folder(model_copy)
    assert str(model_copy) in str(info.value)


def test_tokenizer_json_alone_is_enough(model_copy: Path) -> None:
    (model_copy / "vocab.json").unlink()
    (model_copy / "merges.txt").unlink()
    check_local_folder(model_copy)


def test_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="does not exist"):
        load_model(parse_model_ref(str(tmp_path / "nowhere")))


def test_pickle_weights_are_refused(model_copy: Path) -> None:
    (model_copy / "tf_model.h5").rename(model_copy / "pytorch_model.bin")
    with pytest.raises(ModelLoadError) as info:
        load_model(parse_model_ref(str(model_copy)))
    message = str(info.value)
    assert "pytorch_model.bin" in message
    assert "never loaded" in message


def test_truncated_weights_give_a_message(model_copy: Path) -> None:
    weights = model_copy / "tf_model.h5"
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError) as info:
        load_model(parse_model_ref(str(model_copy)))
    message = str(info.value)
    assert str(model_copy) in message
    assert "damaged or incomplete" in message
    # transformers' hint is about its own API; a gpt2desk user cannot act on it.
    assert "from_pt" not in message


def test_another_architecture_is_refused_by_name(model_copy: Path) -> None:
    config = json.loads((model_copy / "config.json").read_text())
    config["model_type"] = "bert"
    (model_copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelLoadError, match="is a bert model; gpt2desk runs GPT-2 models only"):
        load_model(parse_model_ref(str(model_copy)))


def test_tiny_folder_loads_offline_without_network(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch, no_network: list[Any]
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    stages: list[str] = []
    loaded = load_model(parse_model_ref(str(tiny_model_dir)), on_stage=stages.append)
    assert stages == ["loading", "preparing"]
    assert no_network == []
    assert loaded.ref == ModelRef("local", str(tiny_model_dir))
    assert loaded.n_ctx == 1024
    assert loaded.model is None  # only the compiled runner is kept: less memory
    logits = loaded.runner.prefill(loaded.tokenizer.encode("Hello 你好"))
    assert logits.shape == (len(loaded.tokenizer),)


# -- Hub models that are not on this computer -------------------------------


def test_offline_missing_hub_model_says_what_to_do(no_network: list[Any]) -> None:
    with pytest.raises(ModelLoadError) as info:
        load_model(ModelRef("hub", "gpt2"), offline=True)
    message = str(info.value)
    assert "“gpt2”" in message
    assert "offline mode is on" in message
    assert "local model folder" in message
    assert no_network == []


def test_hf_hub_offline_counts_as_offline(
    monkeypatch: pytest.MonkeyPatch, no_network: list[Any]
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelLoadError, match="offline mode is on"):
        load_model(ModelRef("hub", "gpt2"))
    assert no_network == []


def test_unreachable_hub_fails_fast_with_a_message(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TF_CPP_MIN_LOG_LEVEL")
    }
    # huggingface_hub reads HF_ENDPOINT when it is imported: hence a new process.
    env["HF_ENDPOINT"] = f"http://127.0.0.1:{closed_port()}"
    env["HF_HOME"] = str(tmp_path / "hf")
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "gpt2desk", "generate", "--model", "gpt2", "--prompt", "hi"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("gpt2desk: error: ")
    assert "“gpt2”" in lines[0]
    assert "cannot be reached" in lines[0]
    assert "local model folder" in lines[0]
    assert elapsed < 60


# -- what a model folder's config says it needs -------------------------------


def test_parameters_from_a_config_match_the_catalog() -> None:
    from gpt2desk.core.engine.folder_checks import parameters
    from gpt2desk.core.hub.catalog import FAMILY

    for entry in FAMILY:
        fields = {
            "n_embd": entry.n_embd,
            "n_layer": entry.n_layer,
            "vocab_size": 50257,
            "n_positions": 1024,
        }
        assert parameters(fields) == entry.params, entry.repo_id


def test_available_memory_is_known_here() -> None:
    from gpt2desk.core.engine.folder_checks import available_memory

    have = available_memory()
    assert have is not None
    assert 0 < have < 1 << 50
