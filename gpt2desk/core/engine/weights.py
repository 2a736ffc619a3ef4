"""Reading GPT-2 weights into a TF model one tensor at a time.

transformers' loaders read the whole checkpoint into NumPy before assigning
it, so loading gpt2 briefly needs the weights twice (~1.9 GB peak for a
500 MB model, measured). Assigning tensor by tensor keeps the peak near one
copy. Reads TF ``.h5`` files written by ``save_pretrained``, safetensors in
either TF or PyTorch naming (CKIP's from the Hub's conversion carry PyTorch's
attention-mask buffers too) and flax's ``flax_model.msgpack`` as plain data
(core/engine/weights_msgpack.py); never pickle.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, UserError

# The part of a variable name that is the same in every naming scheme:
# "tfgpt2lm_head_model/transformer/h_._3/attn/c_attn/weight:0" -> "h_._3/attn/c_attn/weight".
_TF_NAME = re.compile(r"(?:^|/)((?:h_\._\d+|wte|wpe|ln_f)/.*?)(?::0)?$")
_PT_PARTS = {"weight": "gamma", "bias": "beta"}


_ROWS = 4096


def _tf() -> Any:
    import tensorflow as tf

    return tf


class WeightsError(UserError):
    """The weights file does not fit the model; ``str()`` says how."""


_WTE = "wte/embeddings"


class _Transposed:
    """Stands in for the (vocab x n_embd) embedding; writes into its transpose."""

    def __init__(self, target: Any) -> None:
        self.target = target
        self.shape = tuple(reversed(target.shape))

    def fill(self, value: Any) -> None:
        tf = _tf()
        write = tf.function(_write_columns, jit_compile=True, reduce_retracing=True)
        for row in range(0, self.shape[0], _ROWS):
            block = np.asarray(value[row : row + _ROWS], dtype=np.float32)
            write(self.target, tf.constant(block.T), tf.constant(row))


class _Checked:
    """Row blocks of ``value`` (an array or an h5py dataset), each passed through ``check``."""

    def __init__(self, value: Any, check: Any) -> None:
        self.value = value
        self.check = check

    def __getitem__(self, rows: slice) -> Any:
        return self.check(self.value[rows])


def _write_columns(target: Any, block: Any, column: Any) -> None:
    # An XLA dynamic-update-slice updates the variable in place (measured);
    # a strided-slice assign would copy all of it for every block.
    from tensorflow.compiler.tf2xla.python import xla

    target.assign(xla.dynamic_update_slice(target, block, [column * 0, column]))


def tf_key(name: str) -> str | None:
    match = _TF_NAME.search(name)
    return match.group(1) if match else None


def pt_key(name: str) -> str | None:
    """The TF key of a PyTorch GPT-2 tensor name, or None for buffers/tied heads."""
    parts = name.removeprefix("transformer.").split(".")
    if parts[0] in ("wte", "wpe") and parts[1:] == ["weight"]:
        return f"{parts[0]}/embeddings"
    if parts[0] == "ln_f" and len(parts) == 2 and parts[1] in _PT_PARTS:
        return f"ln_f/{_PT_PARTS[parts[1]]}"
    if parts[0] == "h" and len(parts) >= 4:
        layer, rest = parts[1], parts[2:]
        if rest[0] in ("ln_1", "ln_2") and len(rest) == 2 and rest[1] in _PT_PARTS:
            return f"h_._{layer}/{rest[0]}/{_PT_PARTS[rest[1]]}"
        if rest[0] in ("attn", "mlp") and len(rest) == 3 and rest[2] in ("weight", "bias"):
            return f"h_._{layer}/{rest[0]}/{rest[1]}/{rest[2]}"
    return None  # attn.bias / attn.masked_bias buffers, lm_head (tied to wte)


def build_model(config: Any, path: Path, *, keep_embedding: bool) -> tuple[Any, Any]:
    """A ``TFGPT2LMHeadModel`` with the weights of ``path``.

    With ``keep_embedding`` False (the app), the model is built with a
    one-row token embedding and the real one is loaded straight into a
    transposed variable, the layout the decode step reads (see GPT2Runner):
    gpt2 then never holds the 150 MB matrix twice. Returns ``(model, wte_t)``,
    ``wte_t`` None when the model keeps its own embedding.
    """
    import copy

    import tensorflow as tf
    from transformers import TFGPT2LMHeadModel

    if keep_embedding:
        with _zero_initialized():
            model = TFGPT2LMHeadModel(config)
            model.build_in_name_scope()
        load_weights(model, path)
        return model, None
    slim = copy.deepcopy(config)
    slim.vocab_size = 1
    with _zero_initialized():
        model = TFGPT2LMHeadModel(slim)
        model.build_in_name_scope()
    wte_t = tf.Variable(tf.zeros((config.n_embd, config.vocab_size)), trainable=False)
    load_weights(model, path, wte_t=wte_t)
    return model, wte_t


_init_lock = threading.Lock()


@contextlib.contextmanager
def _zero_initialized() -> Iterator[None]:
    """Builds GPT-2's layers with zeros instead of random numbers.

    Every weight is then read from the file (load_weights refuses a file that
    lacks one), so the random draws were wasted: gpt2's build took 2.1 s with
    them, 0.6 s without (measured). transformers offers no switch: its
    ``get_initializer`` is swapped where the GPT-2 layers look it up.
    """
    import transformers.modeling_tf_utils as tf_utils
    import transformers.models.gpt2.modeling_tf_gpt2 as tf_gpt2

    def zeros(initializer_range: float = 0.02) -> Any:
        return tf_utils.keras.initializers.Zeros()

    with _init_lock:
        saved = tf_utils.get_initializer, tf_gpt2.get_initializer
        tf_utils.get_initializer = tf_gpt2.get_initializer = zeros
        try:
            yield
        finally:
            tf_utils.get_initializer, tf_gpt2.get_initializer = saved


def load_weights(model: Any, path: Path, *, wte_t: Any = None) -> None:
    """Assigns every weight of ``model`` from ``path`` (.h5, .safetensors or .msgpack).

    Args:
        model: a built ``TFGPT2LMHeadModel``.
        path: the weights file.
        wte_t: if given, the token embedding goes here, transposed
            (n_embd x vocab), instead of into the model.

    Raises:
        WeightsError: a weight is missing or has the wrong shape, naming it.
        OSError: the file cannot be read (truncated, not HDF5/safetensors/msgpack).
    """
    targets = {tf_key(v.name): v for v in model.weights}
    if wte_t is not None:
        targets[_WTE] = _Transposed(wte_t)
    done: set[str] = set()

    def assign(key: str | None, value: Any) -> None:
        """``value``: a NumPy array, an h5py dataset or a safetensors tensor (both read
        lazily, by row blocks)."""
        var = targets.get(key)
        if var is None or key is None:
            return
        shape = tuple(var.shape)
        if int(np.prod(value.shape)) != int(np.prod(shape)):
            raise WeightsError(
                QT_TRANSLATE_NOOP(
                    "Weights", "{file}: {key} has shape {shape}, the model expects {expected}"
                ),
                file=path.name,
                key=key,
                shape=value.shape,
                expected=shape,
            )
        if tuple(value.shape) != shape:
            value = np.asarray(value).reshape(shape)

        def finite(block: Any) -> Any:
            block = np.asarray(block, dtype=np.float32)
            if not np.isfinite(block).all():
                # Every generated token would be the same one (seen: all '"').
                raise WeightsError(
                    QT_TRANSLATE_NOOP(
                        "Weights",
                        "{file}: {key} holds NaN or infinite numbers; a model with them "
                        "cannot write text. Download or save the model again.",
                    ),
                    file=path.name,
                    key=key,
                )
            return block

        if isinstance(var, _Transposed):
            var.fill(_Checked(value, finite))
        elif len(shape) == 2 and shape[0] > _ROWS:
            # Row blocks through an in-place scatter: assigning a 150 MB
            # embedding whole makes two transient copies of it.
            tf = _tf()
            for row in range(0, shape[0], _ROWS):
                block = finite(value[row : row + _ROWS])
                var.scatter_update(tf.IndexedSlices(block, np.arange(row, row + len(block))))
        else:
            var.assign(finite(value))
        done.add(key)

    if path.suffix == ".safetensors":
        from gpt2desk.core.engine.weights_safetensors import read_safetensors

        with read_safetensors(path) as tensors:
            keys = {name: tf_key(name) if "/" in name else pt_key(name) for name in tensors}
            if _WTE not in keys.values() and "lm_head.weight" in keys:
                # The Hub's conversion keeps one of two tied tensors, and older
                # runs kept lm_head.weight (the first name sorted), not the embedding.
                keys["lm_head.weight"] = _WTE
            for name, tensor in tensors.items():
                assign(keys[name], tensor)
    elif path.suffix == ".msgpack":
        from gpt2desk.core.engine.weights_msgpack import MsgpackWeightsError, read_weights

        try:
            for key, value in read_weights(path):
                assign(key, value)
        except MsgpackWeightsError as exc:
            raise WeightsError(
                QT_TRANSLATE_NOOP("Weights", "{file} cannot be read as flax weights: {problem}"),
                file=path.name,
                problem=exc.message,
            ) from exc
    else:
        import h5py

        with h5py.File(path, "r") as f:

            def visit(name: str, obj: Any) -> None:
                if isinstance(obj, h5py.Dataset):
                    # The dataset itself, not obj[()]: rows are read block by block.
                    assign(tf_key(name), obj)

            f.visititems(visit)
    missing = sorted(k for k in targets if k is not None and k not in done)
    if missing:
        shown = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
        raise WeightsError(
            QT_TRANSLATE_NOOP("Weights", "{file} lacks {count} of the model's weights ({names})"),
            file=path.name,
            count=len(missing),
            names=shown,
        )
