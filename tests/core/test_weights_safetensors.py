"""The safetensors reader: the same numbers as the safetensors library, without mapping the file."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from gpt2desk.core.engine.weights_safetensors import read_safetensors


def _write(path: Path, tensors: dict[str, tuple[str, tuple[int, ...], bytes]]) -> None:
    """A safetensors file by hand (the library cannot write bfloat16 from NumPy)."""
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    data = b""
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {
            "dtype": dtype,
            "shape": list(shape),
            "data_offsets": [len(data), len(data) + len(raw)],
        }
        data += raw
    head = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(head)) + head + data)


def test_tensors_read_by_rows_equal_the_library_and_the_file_is_never_mapped(
    tmp_path: Path,
) -> None:
    from safetensors.numpy import load_file, save_file

    rng = np.random.default_rng(0)
    arrays = {
        "wte.weight": rng.standard_normal((300, 16)).astype(np.float32),
        "h.0.ln_1.bias": rng.standard_normal(16).astype(np.float16),
        "h.0.attn.bias": np.tril(np.ones((1, 1, 8, 8), np.bool_)),
        "scalar": np.array(2.5, np.float64),
    }
    path = tmp_path / "model.safetensors"
    save_file(arrays, str(path))
    expected = load_file(str(path))
    with read_safetensors(path) as tensors:
        assert set(tensors) == set(arrays)
        wte = tensors["wte.weight"]
        assert wte.shape == (300, 16)
        np.testing.assert_array_equal(
            np.concatenate([wte[0:128], wte[128:256], wte[256:300]]), expected["wte.weight"]
        )
        np.testing.assert_array_equal(
            np.asarray(tensors["h.0.ln_1.bias"]), expected["h.0.ln_1.bias"]
        )
        assert np.asarray(tensors["scalar"]) == 2.5
        # What loading gpt2's 500 MB file through a mapping cost: its pages in the process's memory.
        assert str(path) not in Path("/proc/self/maps").read_text()
        with pytest.raises(ValueError, match="not a floating-point type"):
            np.asarray(tensors["h.0.attn.bias"])


def test_bfloat16_is_widened_exactly(tmp_path: Path) -> None:
    values = np.array([1.0, -2.5, 3.140625, 0.0078125], np.float32)
    raw = (values.view(np.uint32) >> 16).astype("<u2").tobytes()
    path = tmp_path / "bf16.safetensors"
    _write(path, {"x": ("BF16", (2, 2), raw)})
    with read_safetensors(path) as tensors:
        np.testing.assert_array_equal(np.asarray(tensors["x"]), values.reshape(2, 2))


@pytest.mark.parametrize(
    ("cut", "message"),
    [(4, "too short"), (20, "header is larger than the file"), (-8, "outside the file")],
)
def test_a_cut_file_is_refused_with_the_reason(tmp_path: Path, cut: int, message: str) -> None:
    path = tmp_path / "cut.safetensors"
    _write(path, {"x": ("F32", (4, 4), np.ones(16, np.float32).tobytes())})
    data = path.read_bytes()
    path.write_bytes(data[:cut])
    with pytest.raises(ValueError, match=message), read_safetensors(path):
        pass


@pytest.mark.parametrize(
    "entry",
    [
        5,
        {"dtype": "F32"},
        {"dtype": "F32", "shape": [2, "x"], "data_offsets": [0, 8]},
        {"dtype": "F32", "shape": [2], "data_offsets": [0]},
    ],
)
def test_a_malformed_header_entry_is_refused_with_the_reason(tmp_path: Path, entry: object) -> None:
    head = json.dumps({"x": entry}).encode()
    path = tmp_path / "bad.safetensors"
    path.write_bytes(struct.pack("<Q", len(head)) + head + bytes(8))
    with pytest.raises(ValueError, match="x: its"), read_safetensors(path):
        pass
