"""Weights read tensor by tensor: TF .h5, safetensors in PyTorch naming, flax msgpack."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gpt2desk.core.engine.loading import load_model, weights_file
from gpt2desk.core.engine.weights import build_model, pt_key, tf_key
from gpt2desk.core.engine.weights_msgpack import MsgpackWeightsError, read_weights
from gpt2desk.core.model_source import ModelLoadError, check_local_folder, parse_model_ref
from tests.tinywordpiece import (
    WEIGHT_FORMATS,
    build_tiny_wordpiece_model,
    flax_msgpack_bytes,
    flax_tree,
    reference_weights,
    weights_filename,
)


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


def test_pytorch_safetensors_give_the_same_model(
    tiny_model_dir: Path, tiny_loaded: Any, tmp_path: Path
) -> None:
    from safetensors.numpy import save_file

    reference = tiny_loaded  # load_model of tiny_model_dir, offline, keep_model
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


def test_a_file_lacking_weights_is_refused_though_the_model_is_built_with_zeros(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    """The layers are built with zeros, not random numbers (every weight comes from the
    file): a file without some of them must still be refused, never run on zeros, and
    transformers' own models still start random afterwards."""
    import tensorflow as tf
    from safetensors.numpy import save_file
    from transformers import GPT2Config, TFGPT2LMHeadModel

    folder = tmp_path / "partial"
    shutil.copytree(tiny_model_dir, folder)
    (folder / "tf_model.h5").unlink()
    full = load_model(parse_model_ref(str(tiny_model_dir)), offline=True, keep_model=True)
    # TF names (safetensors takes them): every weight but those of the second block.
    kept = {
        tf_key(v.name): np.ascontiguousarray(v.numpy())
        for v in full.model.weights
        if "h_._1" not in v.name
    }
    save_file(kept, str(folder / "model.safetensors"))
    with pytest.raises(ModelLoadError, match="lacks"):
        load_model(parse_model_ref(str(folder)), offline=True)
    fresh = TFGPT2LMHeadModel(GPT2Config(n_layer=1, n_embd=8, n_head=2, vocab_size=16))
    fresh.build_in_name_scope()
    assert float(tf.math.reduce_std(fresh.transformer.h[0].mlp.c_fc.weight)) > 0


def test_embedding_loaded_transposed_gives_the_same_model(
    tiny_model_dir: Path, tiny_loaded: Any
) -> None:
    # The app builds the model without its (vocab x width) embedding and
    # loads that matrix straight into the runner's transposed copy.
    full = tiny_loaded  # load_model of tiny_model_dir, offline, keep_model
    slim = load_model(parse_model_ref(str(tiny_model_dir)), offline=True)
    assert slim.model is None
    assert slim.runner.vocab_size == full.runner.vocab_size == len(full.tokenizer)
    np.testing.assert_allclose(_logits(slim), _logits(full), atol=1e-6)


# --- WordPiece GPT-2 folders as CKIP and UER publish them (issue 13) ---------------------------

_IDS = [5, 6, 7, 8, 9, 200, 30, 31]


def _reference_logits(folder: Path, ids: list[int], seed: int = 0) -> np.ndarray:
    import tensorflow as tf

    from tests.tinywordpiece import reference_model

    out = reference_model(folder, seed=seed)(tf.constant([ids], dtype=tf.int32))
    return np.asarray(out.logits[0, -1])


def _loaded_logits(folder: Path, ids: list[int]) -> np.ndarray:
    """Logits of the model gpt2desk's loader builds from ``folder``'s preferred weights file.

    build_model, not load_model: compiling the runner would triple the time, and
    test_wordpiece_parity.py runs every format through load_model and the engine.
    """
    import tensorflow as tf
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(str(folder), local_files_only=True)
    model, _ = build_model(config, weights_file(folder), keep_embedding=True)
    return np.asarray(model(tf.constant([ids], dtype=tf.int32)).logits[0, -1])


@pytest.mark.parametrize("weights", WEIGHT_FORMATS)
def test_wordpiece_folder_loads_each_weight_format(weights: str, tmp_path: Path) -> None:
    # PyTorch-named safetensors (1-D biases, attention-mask buffers, lm_head), Keras h5,
    # and flax msgpack (kernels transposed) all give the network they were saved from.
    folder = build_tiny_wordpiece_model(
        tmp_path / weights, weights=weights, lm_head=True, n_positions=128
    )
    check_local_folder(folder)
    found = [p.name for p in folder.iterdir() if p.suffix in (".safetensors", ".h5", ".msgpack")]
    assert found == [weights_filename(weights)]
    np.testing.assert_allclose(
        _loaded_logits(folder, _IDS), _reference_logits(folder, _IDS), atol=1e-4
    )


def test_safetensors_with_lm_head_instead_of_wte(tmp_path: Path) -> None:
    # Of two tied tensors the Hub's conversion keeps one; older runs kept
    # lm_head.weight (first name sorted) and dropped transformer.wte.weight.
    folder = build_tiny_wordpiece_model(
        tmp_path / "lm", weights="safetensors-pt", lm_head="only", n_positions=128
    )
    np.testing.assert_allclose(
        _loaded_logits(folder, _IDS), _reference_logits(folder, _IDS), atol=1e-4
    )


def test_weights_file_preference_and_pickle_never_opened(tmp_path: Path) -> None:
    # safetensors, then h5, then msgpack; pytorch_model.bin is never unpickled
    # (this one would create a file if it were).
    folder = tmp_path / "many"
    build_tiny_wordpiece_model(folder, weights="msgpack", seed=1, n_positions=128)
    build_tiny_wordpiece_model(tmp_path / "pt", weights="safetensors-pt", seed=2, n_positions=128)
    shutil.copy(tmp_path / "pt" / "model.safetensors", folder)
    marker = tmp_path / "unpickled"
    (folder / "pytorch_model.bin").write_bytes(pickle.dumps(_Trap(str(marker))))
    assert weights_file(folder).name == "model.safetensors"
    np.testing.assert_allclose(
        _loaded_logits(folder, _IDS), _reference_logits(folder, _IDS, seed=2), atol=1e-4
    )
    (folder / "model.safetensors").unlink()
    assert weights_file(folder).name == "flax_model.msgpack"
    np.testing.assert_allclose(
        _loaded_logits(folder, _IDS), _reference_logits(folder, _IDS, seed=1), atol=1e-4
    )
    assert not marker.exists()


class _Trap:
    """Unpickling this opens (creates) ``path``."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.path, "w"))


def test_weights_file_order_without_tensorflow(tmp_path: Path) -> None:
    for name in ("flax_model.msgpack", "tf_model.h5", "model.safetensors"):
        (tmp_path / name).write_bytes(b"")
        assert weights_file(tmp_path).name == name
    (tmp_path / "model.safetensors").unlink()
    assert weights_file(tmp_path).name == "tf_model.h5"


def test_msgpack_only_folder_passes_the_folder_check(tmp_path: Path) -> None:
    folder = build_tiny_wordpiece_model(tmp_path / "flax", weights="msgpack")
    check_local_folder(folder)
    (folder / "flax_model.msgpack").rename(folder / "pytorch_model.bin")
    with pytest.raises(
        ModelLoadError, match=r"flax_model\.msgpack weights \(pytorch_model\.bin is never"
    ):
        check_local_folder(folder)


def _write_flax(folder: Path, tree: dict[str, Any]) -> None:
    (folder / "flax_model.msgpack").write_bytes(flax_msgpack_bytes(tree))


def test_chunked_flax_array_reads_as_one(tmp_path: Path) -> None:
    # Flax splits arrays over 2**30 bytes into chunks; the reader joins them.
    folder = build_tiny_wordpiece_model(tmp_path / "chunked", weights="msgpack")
    tree = flax_tree(reference_weights())
    wte = tree["transformer"]["wte"]["embedding"]
    flat = wte.reshape(-1)
    tree["transformer"]["wte"]["embedding"] = {
        "__msgpack_chunked_array__": True,
        "shape": {"0": wte.shape[0], "1": wte.shape[1]},
        "chunks": {"0": flat[:1000], "1": flat[1000:]},
    }
    _write_flax(folder, tree)
    values = dict(read_weights(folder / "flax_model.msgpack"))
    np.testing.assert_array_equal(values["wte/embeddings"], wte)
    np.testing.assert_array_equal(
        values["h_._1/mlp/c_fc/weight"], reference_weights()["h_._1/mlp/c_fc/weight"]
    )


def test_flax_bfloat16_is_read_as_float32(tmp_path: Path) -> None:
    import msgpack

    value = np.array([1.0, -2.5, 3.140625], np.float32)
    halves = (value.view(np.uint32) >> 16).astype("<u2")
    payload = msgpack.packb(((3,), "bfloat16", halves.tobytes()), use_bin_type=True)
    path = tmp_path / "flax_model.msgpack"
    path.write_bytes(
        msgpack.packb({"transformer": {"ln_f": {"bias": msgpack.ExtType(1, payload)}}})
    )
    assert [(k, list(v)) for k, v in read_weights(path)] == [("ln_f/beta", [1.0, -2.5, 3.140625])]


@pytest.mark.parametrize(
    ("code", "data"),
    [(2, b"\x92\xcb?\xf0\x00\x00\x00\x00\x00\x00\x00"), (3, b""), (42, b"\x00")],
)
def test_msgpack_other_extension_types_are_refused(code: int, data: bytes, tmp_path: Path) -> None:
    import msgpack

    folder = build_tiny_wordpiece_model(tmp_path / "ext", weights="msgpack")
    tree = flax_tree(reference_weights())
    tree["transformer"]["h"]["0"]["attn"]["c_attn"]["bias"] = msgpack.ExtType(code, data)
    (folder / "flax_model.msgpack").write_bytes(
        msgpack.packb(
            tree,
            default=lambda a: msgpack.ExtType(
                1, msgpack.packb((a.shape, a.dtype.name, a.tobytes()), use_bin_type=True)
            ),
        )
    )
    with pytest.raises(ModelLoadError) as caught:
        load_model(parse_model_ref(str(folder)), offline=True)
    assert "flax_model.msgpack" in str(caught.value)
    assert f"extension of type {code}" in str(caught.value)


def test_msgpack_object_array_is_refused(tmp_path: Path) -> None:
    import msgpack

    path = tmp_path / "flax_model.msgpack"
    payload = msgpack.packb(((1,), "object", b"\x00" * 8), use_bin_type=True)
    path.write_bytes(
        msgpack.packb({"transformer": {"ln_f": {"bias": msgpack.ExtType(1, payload)}}})
    )
    with pytest.raises(MsgpackWeightsError, match="array of object"):
        list(read_weights(path))


def test_truncated_msgpack_is_damaged(tmp_path: Path) -> None:
    folder = build_tiny_wordpiece_model(tmp_path / "cut", weights="msgpack")
    path = folder / "flax_model.msgpack"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ModelLoadError, match=r"flax_model\.msgpack is damaged or incomplete"):
        load_model(parse_model_ref(str(folder)), offline=True)


@pytest.mark.parametrize("weights", ["safetensors-pt", "msgpack"])
def test_nan_weights_refused_in_every_format(weights: str, tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    from tests.tinywordpiece import pytorch_tensors

    folder = build_tiny_wordpiece_model(tmp_path / weights, weights=weights)
    values = reference_weights()
    values["h_._1/mlp/c_proj/weight"][3, 4] = np.nan
    if weights == "msgpack":
        _write_flax(folder, flax_tree(values))
    else:
        save_file(pytorch_tensors(values, n_positions=1024), str(folder / "model.safetensors"))
    with pytest.raises(ModelLoadError, match=r"h_\._1/mlp/c_proj/weight holds NaN or infinite"):
        load_model(parse_model_ref(str(folder)), offline=True)
