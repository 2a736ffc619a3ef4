"""Build a tiny GPT-2 with a BERT WordPiece tokenizer, laid out like CKIP's models.

CKIP's ``ckiplab/gpt2-*-chinese`` are GPT-2 networks with bert-base-chinese's
``vocab.txt`` and ``BertTokenizerFast``; their weights come as PyTorch-named
``model.safetensors`` (the Hub's conversion), ``flax_model.msgpack`` or, for
UER's, ``tf_model.h5``. This module writes such a folder with random weights
in any of the three formats, without torch or flax: the weights are drawn in
NumPy (TF layout), mapped to each format's names and shapes and written with
``safetensors.numpy``, ``msgpack`` (flax's own encoding) or Keras' ``.h5``.

:func:`reference_weights` gives the same arrays again (TF keys) and
:func:`reference_model` a ``TFGPT2LMHeadModel`` holding them, for comparisons.
"""

# Chinese text uses fullwidth punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

SPECIALS: tuple[str, ...] = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID = range(5)
#: GPT-2's <|endoftext|>, which UER-derived configs carry as bos/eos: outside a BERT vocabulary.
INVALID_EOS = 50256

_CJK = (
    "今天天氣很好我們去公園散步吧這是一個繁體中文的句子用來測試分詞器喜歡寫作也閱讀小說"
    "電腦可以在本機離線產生文字臺灣夜市有多吃東西台北車站學習語言書寫故事春夏秋冬山水"
    "人大小上下心手日月年時間國家說話聽見開關門窗雲雨風雪"
)
_FULLWIDTH = "。，！？「」、：；（）『』"
_ASCII_PUNCT = ".,!?;:'\"()-/"
_WORDS = (
    "the",
    "a",
    "is",
    "and",
    "of",
    "to",
    "hello",
    "world",
    "write",
    "read",
    "desk",
    "lamp",
    "story",
    "good",
    "morning",
    "taipei",
    "gpt",
    "Hello",
    "The",
    "I",
    "Taiwan",
)
_SUFFIXES = ("##ing", "##s", "##ed", "##er", "##ly", "##est")


def _vocab() -> tuple[str, ...]:
    tokens: list[str] = list(SPECIALS)
    tokens += list(dict.fromkeys(_CJK))
    tokens += list(_FULLWIDTH) + list(_ASCII_PUNCT)
    tokens += [str(d) for d in range(10)] + [f"##{d}" for d in range(10)]
    tokens += list(_WORDS) + list(_SUFFIXES)
    letters = "abcdefghijklmnopqrstuvwxyz"
    # Single letters and their ## forms: WordPiece can then spell any Latin word.
    tokens += [c for c in letters + letters.upper() if c not in tokens]
    tokens += [f"##{c}" for c in letters if f"##{c}" not in tokens]
    assert len(tokens) == len(set(tokens)), "duplicate vocabulary entry"
    return tuple(tokens)


#: The vocabulary, in id order ([PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4).
VOCAB: tuple[str, ...] = _vocab()
#: Ids a WordPiece GPT-2 must never generate.
NEVER_GENERATED: tuple[int, ...] = (PAD_ID, UNK_ID, CLS_ID, MASK_ID)
WEIGHT_FORMATS = ("safetensors-pt", "h5", "msgpack")
_FILES = {
    "safetensors-pt": "model.safetensors",
    "h5": "tf_model.h5",
    "msgpack": "flax_model.msgpack",
}
_TF_KEY = re.compile(r"(?:^|/)((?:h_\._\d+|wte|wpe|ln_f)/.*?)(?::0)?$")


def weights_filename(weights: str) -> str:
    """The file name a weight format is saved under."""
    return _FILES[weights]


def reference_weights(
    *,
    n_layer: int = 2,
    n_embd: int = 64,
    n_positions: int = 1024,
    vocab_size: int = len(VOCAB),
    seed: int = 0,
    like: dict[int, int] | None = None,
) -> dict[str, np.ndarray]:
    """The model's weights by TF key ("h_._0/attn/c_attn/weight"), in TF shapes.

    Biases and layer norms are random too (not 0 and 1), so a bias or norm
    mapped to the wrong place changes the output. The embedding is wide
    enough that greedy choices are not near-ties. ``like`` maps token ids to
    others: ``{SEP_ID: t}`` makes [SEP]'s embedding row 1.5 times token t's,
    so wherever greedy decoding would pick t (with a positive logit) it picks
    [SEP] instead. A test can so make the model write [SEP] or [MASK] (the
    output and input embeddings are tied: this changes the token as an input too).
    """
    rng = np.random.default_rng(seed)
    d = n_embd

    def normal(shape: tuple[int, ...], std: float, mean: float = 0.0) -> np.ndarray:
        return rng.normal(mean, std, shape).astype(np.float32)

    out = {
        "wte/embeddings": normal((vocab_size, d), 0.1),
        "wpe/embeddings": normal((n_positions, d), 0.02),
    }
    for i in range(n_layer):
        h = f"h_._{i}"
        for norm in ("ln_1", "ln_2"):
            out[f"{h}/{norm}/gamma"] = normal((d,), 0.1, 1.0)
            out[f"{h}/{norm}/beta"] = normal((d,), 0.02)
        for name, n_in, n_out in (
            ("attn/c_attn", d, 3 * d),
            ("attn/c_proj", d, d),
            ("mlp/c_fc", d, 4 * d),
            ("mlp/c_proj", 4 * d, d),
        ):
            out[f"{h}/{name}/weight"] = normal((n_in, n_out), 0.1)
            out[f"{h}/{name}/bias"] = normal((1, n_out), 0.02)
    out["ln_f/gamma"] = normal((d,), 0.1, 1.0)
    out["ln_f/beta"] = normal((d,), 0.02)
    for token, source in (like or {}).items():
        out["wte/embeddings"][token] = 1.5 * out["wte/embeddings"][source]
    return out


def pytorch_name(key: str) -> str:
    """The PyTorch ``GPT2LMHeadModel`` parameter name of a TF key."""
    parts = key.split("/")
    if parts[0] in ("wte", "wpe"):
        return f"transformer.{parts[0]}.weight"
    leaf = {"gamma": "weight", "beta": "bias"}.get(parts[-1], parts[-1])
    if parts[0] == "ln_f":
        return f"transformer.ln_f.{leaf}"
    layer = parts[0].removeprefix("h_._")
    return ".".join(["transformer", "h", layer, *parts[1:-1], leaf])


def pytorch_tensors(
    weights: dict[str, np.ndarray], *, n_positions: int, lm_head: bool | str = False
) -> dict[str, np.ndarray]:
    """``weights`` as a PyTorch state dict: 1-D biases, plus the attention buffers.

    Older GPT-2 checkpoints (CKIP's among them) carry ``attn.bias`` (the
    causal mask) and ``attn.masked_bias`` in every layer; they are not weights.
    ``lm_head``: see :func:`build_tiny_wordpiece_model`.
    """
    tensors = {
        pytorch_name(k): (v.reshape(-1) if k.endswith("/bias") else v) for k, v in weights.items()
    }
    mask = np.tril(np.ones((n_positions, n_positions), dtype=bool)).reshape(
        1, 1, n_positions, n_positions
    )
    layers = {k.split("/")[0] for k in weights if k.startswith("h_._")}
    for h in layers:
        layer = h.removeprefix("h_._")
        tensors[f"transformer.h.{layer}.attn.bias"] = mask
        tensors[f"transformer.h.{layer}.attn.masked_bias"] = np.array(-1e4, dtype=np.float32)
    if lm_head:
        tensors["lm_head.weight"] = weights["wte/embeddings"]
    if lm_head == "only":
        del tensors["transformer.wte.weight"]
    return tensors


def flax_tree(weights: dict[str, np.ndarray]) -> dict[str, Any]:
    """``weights`` as ``FlaxGPT2LMHeadModel``'s params tree.

    Flax's Conv1D keeps its kernel as (out, in), the transpose of PyTorch's
    and TF's (in, out) weight; layer norms have scale/bias, embeddings
    "embedding", biases are 1-D.
    """
    tree: dict[str, Any] = {}
    for key, value in weights.items():
        parts = key.split("/")
        if parts[0].startswith("h_._"):
            parts = ["h", parts[0].removeprefix("h_._"), *parts[1:]]
        leaf = parts[-1]
        if leaf == "embeddings":
            parts[-1] = "embedding"
        elif leaf == "gamma":
            parts[-1] = "scale"
        elif leaf == "beta":
            parts[-1] = "bias"
        elif leaf == "weight":
            parts[-1] = "kernel"
            value = np.ascontiguousarray(value.T)
        elif leaf == "bias":
            value = value.reshape(-1)
        node = tree.setdefault("transformer", {})
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return tree


def flax_msgpack_bytes(tree: dict[str, Any]) -> bytes:
    """``tree`` encoded as ``flax.serialization.msgpack_serialize`` does.

    Each array is ``ExtType(1, packb((shape, dtype name, C-order bytes)))``
    (flax's ``_MsgpackExtType.ndarray``); arrays over 2**30 bytes would be
    chunked, which no tiny model needs.
    """
    import msgpack

    def pack(obj: Any) -> Any:
        if isinstance(obj, np.ndarray):
            payload = msgpack.packb(
                (obj.shape, obj.dtype.name, obj.tobytes("C")), use_bin_type=True
            )
            return msgpack.ExtType(1, payload)
        raise TypeError(f"cannot pack {type(obj).__name__}")

    return bytes(msgpack.packb(tree, default=pack, strict_types=True))


def write_vocab(target: Path) -> None:
    """vocab.txt and tokenizer_config.json as CKIP publishes them."""
    target.mkdir(parents=True, exist_ok=True)
    (target / "vocab.txt").write_text("".join(f"{t}\n" for t in VOCAB), encoding="utf-8")
    config = {
        "tokenizer_class": "BertTokenizerFast",
        "do_lower_case": False,
        "tokenize_chinese_chars": True,
        "strip_accents": None,
        "unk_token": "[UNK]",
        "sep_token": "[SEP]",
        "pad_token": "[PAD]",
        "cls_token": "[CLS]",
        "mask_token": "[MASK]",
        "model_max_length": 1024,
    }
    (target / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")


def _config(
    *, eos: str, n_layer: int, n_embd: int, n_head: int, n_positions: int
) -> dict[str, Any]:
    if eos not in ("sep", "invalid"):
        raise ValueError(f"eos must be 'sep' or 'invalid', not {eos!r}")
    return {
        "architectures": ["GPT2LMHeadModel"],
        "model_type": "gpt2",
        "tokenizer_class": "BertTokenizerFast",
        "vocab_size": len(VOCAB),
        "n_positions": n_positions,
        "n_ctx": n_positions,
        "n_embd": n_embd,
        "n_layer": n_layer,
        "n_head": n_head,
        "activation_function": "gelu_new",
        "layer_norm_epsilon": 1e-5,
        "initializer_range": 0.02,
        "resid_pdrop": 0.1,
        "embd_pdrop": 0.1,
        "attn_pdrop": 0.1,
        "bos_token_id": CLS_ID,
        "eos_token_id": SEP_ID if eos == "sep" else INVALID_EOS,
    }


def reference_model(
    target: Path,
    *,
    seed: int = 0,
    like: dict[int, int] | None = None,
    config: dict[str, Any] | None = None,
) -> Any:
    """A ``TFGPT2LMHeadModel`` with ``target``'s config.json and the reference weights.

    ``seed`` and ``like`` must be the ones the folder was built with; ``config`` (the
    config.json fields) is read from ``target`` when not given. transformers cannot
    load PyTorch-named safetensors into TF (transformers#40028) nor read
    msgpack without flax, so comparisons build the reference this way.
    """
    import tensorflow as tf
    from transformers import GPT2Config, TFGPT2LMHeadModel

    if config is None:
        config = json.loads((Path(target) / "config.json").read_text(encoding="utf-8"))
    gpt2 = GPT2Config(**config)
    weights = reference_weights(
        n_layer=gpt2.n_layer,
        n_embd=gpt2.n_embd,
        n_positions=gpt2.n_positions,
        vocab_size=gpt2.vocab_size,
        seed=seed,
        like=like,
    )
    model = TFGPT2LMHeadModel(gpt2)
    model(tf.constant([[CLS_ID, SEP_ID]], dtype=tf.int32))  # build the weights
    seen = set()
    for var in model.weights:
        match = _TF_KEY.search(var.name)
        assert match, var.name
        key = match.group(1)
        value = weights[key]
        assert tuple(var.shape) == value.shape, (key, var.shape, value.shape)
        var.assign(value)
        seen.add(key)
    assert seen == set(weights), set(weights) ^ seen
    return model


def build_tiny_wordpiece_model(
    target: Path,
    *,
    weights: str = "safetensors-pt",
    eos: str = "sep",
    n_layer: int = 2,
    n_embd: int = 64,
    n_head: int = 4,
    n_positions: int = 1024,
    seed: int = 0,
    like: dict[int, int] | None = None,
    lm_head: bool | str = False,
) -> Path:
    """Write a CKIP-like WordPiece GPT-2 folder to ``target``.

    Args:
        target: Folder to write to (created if missing).
        weights: "safetensors-pt" (PyTorch names, model.safetensors),
            "h5" (tf_model.h5) or "msgpack" (flax_model.msgpack).
        eos: "sep" (eos_token_id is [SEP], as CKIP's) or "invalid" (50256,
            outside the vocabulary, as UER-derived configs).
        n_layer: Number of transformer blocks.
        n_embd: Embedding width.
        n_head: Attention heads (must divide ``n_embd``).
        n_positions: Context window in tokens.
        seed: Seed for the random weights (see :func:`reference_weights`).
        like: Make tokens win where others would (see :func:`reference_weights`).
        lm_head: With "safetensors-pt", True also stores ``lm_head.weight``
            (tied to the embedding); "only" stores it instead of
            ``transformer.wte.weight``, as the Hub's conversion may keep it.

    Returns:
        ``target``, for chaining.
    """
    if weights not in _FILES:
        raise ValueError(f"weights must be one of {WEIGHT_FORMATS}, not {weights!r}")
    target = Path(target)
    write_vocab(target)
    config = _config(
        eos=eos, n_layer=n_layer, n_embd=n_embd, n_head=n_head, n_positions=n_positions
    )
    values = reference_weights(
        n_layer=n_layer, n_embd=n_embd, n_positions=n_positions, seed=seed, like=like
    )
    path = target / _FILES[weights]
    if weights == "h5":
        # save_pretrained writes its own config.json: ours is written after it.
        model = reference_model(target, seed=seed, like=like, config=config)
        model.save_pretrained(target)
    elif weights == "safetensors-pt":
        from safetensors.numpy import save_file

        tensors = pytorch_tensors(values, n_positions=n_positions, lm_head=lm_head)
        save_file(tensors, str(path), metadata={"format": "pt"})
    elif weights == "msgpack":
        path.write_bytes(flax_msgpack_bytes(flax_tree(values)))
    (target / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    return target
