"""Checks of a model folder's files before anything is built from them.

A config with a wrong field makes transformers fail deep inside (a 4.8 KB
list of architectures, a KeyError, a hang while building 100,000 layers);
a tokenizer file that is not JSON gives "Expecting value: line 1 column 1".
Here every file is read once, bounded, and each problem is a message that
names the file and what is wrong, before TensorFlow is touched.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path
from typing import Any

from gpt2desk.core.engine.folder_files import bad_file as _bad
from gpt2desk.core.engine.folder_files import read_json, read_vocab_txt
from gpt2desk.core.hub.catalog import BASE_BYTES, estimate_memory, format_bytes
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP
from gpt2desk.core.model_source import ModelLoadError

#: Most bytes read from a JSON file of a model folder (gpt2's tokenizer.json is 1.4 MB).
_INT_FIELDS = {"vocab_size": 1, "n_positions": 1, "n_embd": 1, "n_layer": 1, "n_head": 1}
_FLOAT_FIELDS = ("layer_norm_epsilon", "initializer_range")
_DROPOUT_FIELDS = ("resid_pdrop", "embd_pdrop", "attn_pdrop")
#: transformers' TF activations (transformers.activations_tf.ACT2FN), without importing TF.
_ACTIVATIONS = frozenset(
    [
        "gelu",
        "gelu_10",
        "gelu_fast",
        "gelu_new",
        "glu",
        "mish",
        "quick_gelu",
        "relu",
        "sigmoid",
        "silu",
        "swish",
        "tanh",
    ]
)
#: GPT2Config's defaults for fields a config.json may leave out.
_DEFAULTS: dict[str, Any] = {
    "vocab_size": 50257,
    "n_positions": 1024,
    "n_embd": 768,
    "n_layer": 12,
    "n_head": 12,
    "layer_norm_epsilon": 1e-5,
    "activation_function": "gelu_new",
}


def check_config(folder: Path) -> dict[str, Any]:
    """The fields of ``folder/config.json`` a GPT-2 needs, checked; raises ModelLoadError."""
    path = folder / "config.json"
    raw = read_json(path)
    if not isinstance(raw, dict):
        raise _bad(path, QT_TRANSLATE_NOOP("Models", "it is not a JSON object"))
    model_type = raw.get("model_type")
    if model_type is None:
        raise _bad(
            path,
            QT_TRANSLATE_NOOP(
                "Models",
                'it has no model_type; gpt2desk runs GPT-2 models ("model_type": "gpt2")',
            ),
        )
    if model_type != "gpt2":
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models", "“{name}” is a {type} model; gpt2desk runs GPT-2 models only."
            ),
            name=folder,
            type=str(model_type)[:80],
        )
    fields = {**_DEFAULTS, **{k: raw[k] for k in _DEFAULTS if k in raw}}
    for key, least in _INT_FIELDS.items():
        value = fields[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            raise _bad(
                path,
                QT_TRANSLATE_NOOP("Models", "{key} is {value}, not a whole number of at least 1"),
                key=key,
                value=json.dumps(value)[:40],
            )
    if fields["n_embd"] % fields["n_head"]:
        raise _bad(
            path,
            QT_TRANSLATE_NOOP("Models", "n_embd ({embd}) is not a multiple of n_head ({head})"),
            embd=fields["n_embd"],
            head=fields["n_head"],
        )
    for key in (*_FLOAT_FIELDS, *_DROPOUT_FIELDS):
        value = raw.get(key, 0.1 if key != "layer_norm_epsilon" else 1e-5)
        top = 1.0 if key in _DROPOUT_FIELDS else math.inf
        if (
            not isinstance(value, (int, float))
            or isinstance(value, bool)
            or not 0 <= value < top
            or (key == "layer_norm_epsilon" and value == 0)
        ):
            raise _bad(
                path,
                QT_TRANSLATE_NOOP("Models", "{key} is {value}, not a number in its range"),
                key=key,
                value=json.dumps(value)[:40],
            )
    activation = fields["activation_function"]
    if activation not in _ACTIVATIONS:
        raise _bad(
            path,
            QT_TRANSLATE_NOOP("Models", "activation_function {value} is not one GPT-2 can use"),
            value=json.dumps(activation)[:40],
        )
    n_inner = raw.get("n_inner")
    if n_inner is not None and (not isinstance(n_inner, int) or isinstance(n_inner, bool)):
        raise _bad(
            path,
            QT_TRANSLATE_NOOP("Models", "{key} is {value}, not a whole number of at least 1"),
            key="n_inner",
            value=json.dumps(n_inner)[:40],
        )
    for key in ("bos_token_id", "eos_token_id"):
        value = raw.get(key)
        whole = isinstance(value, int) and not isinstance(value, bool)
        inside = whole and 0 <= int(value or 0) < fields["vocab_size"]
        if whole and not inside and _is_wordpiece(folder):
            # UER's Chinese GPT-2s carry GPT-2's 50256 with a 21,128-token
            # vocabulary: a WordPiece model then has no such token (core/engine/wordpiece.py).
            continue
        if value is not None and not inside:
            raise _bad(
                path,
                QT_TRANSLATE_NOOP(
                    "Models", "{key} is {value}, not a token id of the model (0 to {last})"
                ),
                key=key,
                value=json.dumps(value)[:40],
                last=fields["vocab_size"] - 1,
            )
    fields["n_inner"] = n_inner
    return fields


def _is_wordpiece(folder: Path) -> bool:
    from gpt2desk.core.engine.wordpiece import is_wordpiece_folder

    return is_wordpiece_folder(folder)


def parameters(fields: dict[str, Any]) -> int:
    """GPT-2's parameter count for these config fields."""
    d, layers = int(fields["n_embd"]), int(fields["n_layer"])
    inner = int(fields.get("n_inner") or 4 * d)
    per_layer = 4 * d + (3 * d * d + 3 * d) + (d * d + d) + 2 * (d * inner) + inner + d
    return layers * per_layer + (fields["vocab_size"] + fields["n_positions"] + 2) * d


def check_memory(folder: Path, fields: dict[str, Any]) -> None:
    """Refuses a model that needs more memory than this computer has available."""
    need = estimate_memory(
        parameters(fields), fields["n_layer"], fields["n_embd"], fields["n_positions"]
    )
    if "tensorflow" in sys.modules:
        # A switch, or a second load: the runtime's share is already in use, not available.
        need -= BASE_BYTES
    have = available_memory()
    if have is not None and need > have:
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models",
                "The model in {folder} would need about {need} of memory (config.json: "
                "{layers} layers, {width} wide, a {window}-token window), and this computer "
                "has {have} available. Choose a smaller model or close other programs.",
            ),
            folder=folder,
            need=format_bytes(need),
            layers=fields["n_layer"],
            width=fields["n_embd"],
            window=fields["n_positions"],
            have=format_bytes(have),
        )


def available_memory() -> int | None:
    """Bytes of memory programs can still get without swapping out others (None: unknown)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            info = dict(line.split(":", 1) for line in f if ":" in line)
        kb = sum(int(info[k].split()[0]) for k in ("MemAvailable", "SwapFree") if k in info)
        return kb * 1024 if "MemAvailable" in info else None
    except (OSError, ValueError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, AttributeError):
        return None


def check_tokenizer_files(folder: Path, vocab_size: int) -> None:
    """vocab.json, vocab.txt and tokenizer.json (those present) are readable and their ids fit."""
    txt_path = folder / "vocab.txt"
    if (
        os.path.lexists(txt_path)
        and _is_wordpiece(folder)
        and not os.path.lexists(folder / "tokenizer.json")
    ):
        # A WordPiece vocab.txt: a token's id is its line number.
        count = max(read_vocab_txt(txt_path).values(), default=-1) + 1
        if count > vocab_size:
            raise _bad(
                txt_path,
                QT_TRANSLATE_NOOP(
                    "Models",
                    "it has {size} tokens, but the model has {count} (ids 0 to {last}): "
                    "the tokenizer does not belong to this model",
                ),
                size=count,
                count=vocab_size,
                last=vocab_size - 1,
            )
    vocab_path = folder / "vocab.json"
    if vocab_path.is_file():
        vocab = read_json(vocab_path)
        if not isinstance(vocab, dict):
            raise _bad(vocab_path, QT_TRANSLATE_NOOP("Models", "it is not a JSON object"))
        _check_ids(vocab_path, vocab, vocab_size)
    tok_path = folder / "tokenizer.json"
    if tok_path.is_file():
        tok = read_json(tok_path)
        model = tok.get("model") if isinstance(tok, dict) else None
        added = tok.get("added_tokens") if isinstance(tok, dict) else None
        if not isinstance(model, dict) or not isinstance(added, list):
            raise _bad(
                tok_path,
                QT_TRANSLATE_NOOP(
                    "Models",
                    'it is not a tokenizer saved by the tokenizers library (no "model" '
                    'object or no "added_tokens" list)',
                ),
            )
        vocab = model.get("vocab")
        if isinstance(vocab, dict):
            _check_ids(tok_path, vocab, vocab_size)
        for token in added:
            token_id = token.get("id") if isinstance(token, dict) else None
            _check_ids(tok_path, {str(token.get("content", "?")): token_id}, vocab_size)


def _check_ids(path: Path, vocab: dict[Any, Any], vocab_size: int) -> None:
    for token, token_id in vocab.items():
        if (
            not isinstance(token_id, int)
            or isinstance(token_id, bool)
            or not (0 <= token_id < vocab_size)
        ):
            raise _bad(
                path,
                QT_TRANSLATE_NOOP(
                    "Models",
                    "the token {token} has the id {id}, but the model has {count} tokens "
                    "(ids 0 to {last}): the tokenizer does not belong to this model",
                ),
                token=json.dumps(token)[:40],
                id=json.dumps(token_id)[:40],
                count=vocab_size,
                last=vocab_size - 1,
            )


def check_tokenizer_fits(folder: Path, tokenizer: Any, vocab_size: int) -> None:
    """Refuses a tokenizer much smaller than the model's vocabulary.

    The model would then pick ids the tokenizer cannot turn into text (a
    4-token tokenizer on gpt2 gave 8 tokens and no text). A few unused rows
    (vocabularies padded to a multiple of 64 or 128) are fine.
    """
    size = len(tokenizer)
    if size > vocab_size or size + max(128, vocab_size // 100) < vocab_size:
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models",
                "The tokenizer in {folder} has {size} tokens and the model {count}: they do "
                "not belong together. Copy the tokenizer files that came with the model.",
            ),
            folder=folder,
            size=size,
            count=vocab_size,
        )
