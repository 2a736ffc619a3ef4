"""A transformers TF GPT-2 model written as GGUF, the way llama.cpp's converter writes GPT-2.

Used by ``make bench-llamacpp`` (bench/llamacpp.py) to run the same weights in
llama.cpp. The tensor names and layouts are those of llama.cpp's
``convert_hf_to_gguf.py`` (``GPT2Model``) for a PyTorch checkpoint:

- ``token_embd`` (vocab x n_embd) and ``position_embd`` (n_ctx x n_embd);
  no ``output``: GPT-2 ties it to ``token_embd``, as the converter leaves it;
- per block ``attn_norm``, ``attn_qkv``, ``attn_output``, ``ffn_norm``,
  ``ffn_up``, ``ffn_down`` (``.weight`` and ``.bias``), then ``output_norm``.

The Conv1D weights are stored (in x out) in TF as in PyTorch; the converter
transposes them to (out x in). TF keeps their biases as (1 x n), PyTorch as (n,).
Like the converter: 1-D tensors, biases and ``position_embd`` stay f32 in
every file type; the other matrices become f16 or q8_0 (gguf's own quantizer,
the one ``convert_hf_to_gguf.py --outtype q8_0`` uses).

``gguf`` is the PyPI package; when it is not installed, the copy inside
llama.cpp's source (``gguf-py``, the same version) is used.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

FILE_TYPES = ("f32", "f16", "q8_0")


def import_gguf(gguf_py: Path | None = None) -> Any:
    """The ``gguf`` module: installed, or from llama.cpp's ``gguf-py`` folder."""
    try:
        import gguf
    except ImportError:
        if gguf_py is None or not (gguf_py / "gguf").is_dir():
            raise
        sys.path.insert(0, str(gguf_py))
        import gguf
    return gguf


def tensors_of(model: Any) -> list[tuple[str, np.ndarray]]:
    """(GGUF name, float32 array in PyTorch's layout) of every weight of a TF GPT-2."""

    def arr(variable: Any) -> np.ndarray:
        return np.asarray(variable.numpy(), dtype=np.float32)

    def embedding(layer: Any) -> np.ndarray:
        matrix = getattr(layer, "embeddings", None)
        return arr(matrix if matrix is not None else layer.weight)

    body = model.transformer
    out: list[tuple[str, np.ndarray]] = [
        ("token_embd.weight", embedding(body.wte)),
        ("position_embd.weight", embedding(body.wpe)),
    ]
    for i, block in enumerate(body.h):
        linear = {
            "attn_qkv": block.attn.c_attn,
            "attn_output": block.attn.c_proj,
            "ffn_up": block.mlp.c_fc,
            "ffn_down": block.mlp.c_proj,
        }
        out += [
            (f"blk.{i}.attn_norm.weight", arr(block.ln_1.gamma)),
            (f"blk.{i}.attn_norm.bias", arr(block.ln_1.beta)),
            (f"blk.{i}.ffn_norm.weight", arr(block.ln_2.gamma)),
            (f"blk.{i}.ffn_norm.bias", arr(block.ln_2.beta)),
        ]
        for name, conv in linear.items():
            # (in x out) -> (out x in): ggml's ne = (in, out), as the converter writes it.
            out.append((f"blk.{i}.{name}.weight", np.ascontiguousarray(arr(conv.weight).T)))
            out.append((f"blk.{i}.{name}.bias", arr(conv.bias).reshape(-1)))
    out += [
        ("output_norm.weight", arr(body.ln_f.gamma)),
        ("output_norm.bias", arr(body.ln_f.beta)),
    ]
    return out


def _stays_f32(name: str, data: np.ndarray) -> bool:
    return data.ndim <= 1 or name.startswith("position_embd") or not name.endswith(".weight")


def write_gguf(
    model: Any,
    tokenizer_dir: Path,
    path: Path,
    file_type: str,
    gguf_py: Path | None = None,
    name: str = "gpt2 (random weights)",
) -> None:
    """Writes ``model`` with the byte-level BPE of ``tokenizer_dir`` to ``path``."""
    gguf = import_gguf(gguf_py)
    qtypes = {
        "f32": (gguf.GGMLQuantizationType.F32, gguf.LlamaFileType.ALL_F32),
        "f16": (gguf.GGMLQuantizationType.F16, gguf.LlamaFileType.MOSTLY_F16),
        "q8_0": (gguf.GGMLQuantizationType.Q8_0, gguf.LlamaFileType.MOSTLY_Q8_0),
    }
    qtype, ftype = qtypes[file_type]
    cfg = model.config
    writer = gguf.GGUFWriter(str(path), "gpt2")
    writer.add_name(name)
    writer.add_block_count(int(cfg.n_layer))
    writer.add_context_length(int(cfg.n_positions))
    writer.add_embedding_length(int(cfg.n_embd))
    writer.add_feed_forward_length(int(cfg.n_inner or 4 * cfg.n_embd))
    writer.add_head_count(int(cfg.n_head))
    writer.add_layer_norm_eps(float(cfg.layer_norm_epsilon))
    writer.add_file_type(int(ftype))
    _add_tokenizer(gguf, writer, tokenizer_dir, int(cfg.vocab_size))
    for tensor_name, data in tensors_of(model):
        if _stays_f32(tensor_name, data) or qtype == gguf.GGMLQuantizationType.F32:
            writer.add_tensor(tensor_name, data)
        elif qtype == gguf.GGMLQuantizationType.F16:
            writer.add_tensor(tensor_name, data.astype(np.float16))
        else:
            writer.add_tensor(tensor_name, gguf.quants.quantize(data, qtype), raw_dtype=qtype)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def _add_tokenizer(gguf: Any, writer: Any, folder: Path, vocab_size: int) -> None:
    """GPT-2's byte-level BPE as llama.cpp reads it (model "gpt2", pre-tokenizer "gpt-2")."""
    vocab: dict[str, int] = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    tokens = [""] * vocab_size
    for token, i in vocab.items():
        if i < vocab_size:
            tokens[i] = token
    eos = vocab.get("<|endoftext|>", vocab_size - 1)
    types = [gguf.TokenType.NORMAL] * vocab_size
    types[eos] = gguf.TokenType.CONTROL
    for i, token in enumerate(tokens):
        if not token:  # ids the vocabulary leaves out (none for GPT-2's own)
            tokens[i] = f"[PAD{i}]"
            types[i] = gguf.TokenType.UNUSED
    lines = (folder / "merges.txt").read_text(encoding="utf-8").splitlines()
    merges = [ln for ln in lines if ln and not ln.startswith("#version")]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(eos)
    writer.add_eos_token_id(eos)
    writer.add_add_bos_token(False)
