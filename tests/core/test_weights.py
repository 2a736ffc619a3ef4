"""Weights read tensor by tensor: TF .h5, and safetensors in PyTorch naming."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gpt2desk.core.models import ModelLoadError, load_model, parse_model_ref
from gpt2desk.core.weights import pt_key, tf_key


def _pt_name(tf_name: str) -> str:
    """The PyTorch GPT-2 name of a TF variable (the inverse of pt_key)."""
    key = tf_key(tf_name)
    assert key is not None
    parts = key.split("/")
    if parts[0] in ("wte", "wpe"):
        return f"{parts[0]}.weight"
    leaf = {"gamma": "weight", "beta": "bias"}.get(parts[-1], parts[-1])
    if parts[0] == "ln_f":
        return f"ln_f.{leaf}"
    layer = parts[0].removeprefix("h_._")
    return ".".join(["h", layer, *parts[1:-1], leaf])


def test_names_map_between_schemes() -> None:
    name = "tfgpt2lm_head_model/transformer/h_._3/attn/c_attn/weight:0"
    assert tf_key(name) == "h_._3/attn/c_attn/weight"
    assert pt_key("h.3.attn.c_attn.weight") == "h_._3/attn/c_attn/weight"
    assert pt_key("transformer.h.0.ln_1.weight") == "h_._0/ln_1/gamma"
    assert pt_key("h.0.attn.bias") is None  # a causal-mask buffer, not a weight
    assert pt_key("lm_head.weight") is None  # tied to wte


def _logits(loaded: Any) -> np.ndarray:
    return np.asarray(loaded.runner.prefill(loaded.tokenizer.encode("Hello 你好 world")))


def test_pytorch_safetensors_give_the_same_model(tiny_model_dir: Path, tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    reference = load_model(parse_model_ref(str(tiny_model_dir)), offline=True, keep_model=True)
    folder = tmp_path / "pt"
    shutil.copytree(tiny_model_dir, folder)
    (folder / "tf_model.h5").unlink()
    tensors = {}
    for var in reference.model.weights:
        value = var.numpy()
        # PyTorch keeps Conv1D biases 1-D; TF stores them as (1, n).
        tensors[_pt_name(var.name)] = value.reshape(-1) if "bias" in var.name else value
    tensors["h.0.attn.bias"] = np.ones((1, 1, 4, 4), np.float32)  # ignored buffer
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})

    loaded = load_model(parse_model_ref(str(folder)), offline=True)
    np.testing.assert_allclose(_logits(loaded), _logits(reference), atol=1e-6)


def test_missing_tensor_is_named(tiny_model_dir: Path, tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    folder = tmp_path / "short"
    shutil.copytree(tiny_model_dir, folder)
    (folder / "tf_model.h5").unlink()
    save_file({"wte.weight": np.zeros((4, 4), np.float32)}, str(folder / "model.safetensors"))
    with pytest.raises(ModelLoadError, match=r"wte/embeddings has shape \(4, 4\)"):
        load_model(parse_model_ref(str(folder)), offline=True)


def test_embedding_loaded_transposed_gives_the_same_model(tiny_model_dir: Path) -> None:
    # The app builds the model without its (vocab x width) embedding and
    # loads that matrix straight into the runner's transposed copy.
    full = load_model(parse_model_ref(str(tiny_model_dir)), offline=True, keep_model=True)
    slim = load_model(parse_model_ref(str(tiny_model_dir)), offline=True)
    assert slim.model is None
    assert slim.runner.vocab_size == full.runner.vocab_size == len(full.tokenizer)
    np.testing.assert_allclose(_logits(slim), _logits(full), atol=1e-6)
