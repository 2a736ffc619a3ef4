"""Reading ``flax_model.msgpack`` as data, with the ``msgpack`` package only.

Flax (``flax.serialization.msgpack_serialize``) writes a nested dict whose
leaves are ``ExtType(1, packb((shape, dtype name, C-order bytes)))``; arrays
over 2**30 bytes become ``{"__msgpack_chunked_array__": True, "shape": {..},
"chunks": {"0": array, ..}}``. Nothing else is accepted: any other extension
type is refused, so no object is ever built from the file but dicts, strings,
numbers and NumPy float arrays.

The file is walked one array at a time (a map header, then each entry), so
loading holds one tensor of the file in memory, not all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, UserError

_NDARRAY = 1  # flax's _MsgpackExtType.ndarray
_CHUNKED = "__msgpack_chunked_array__"
_DTYPES = {b"float32": "<f4", b"float16": "<f2", b"float64": "<f8"}
_MAX_DEPTH = 8
#: A msgpack object may not exceed 2**31 - 1 bytes (flax chunks arrays below it).
_MAX_OBJECT = 2**31 - 1


class DamagedWeightsError(OSError):
    """The file is not readable msgpack (truncated, garbled)."""


class MsgpackWeightsError(UserError):
    """The file is msgpack but holds something flax's weights never do."""


def _array(data: bytes) -> np.ndarray:
    """Flax's ``_ndarray_from_bytes``, for float dtypes only."""
    import msgpack

    try:
        shape, dtype, buffer = msgpack.unpackb(data, raw=True)
        shape = tuple(int(n) for n in shape)
    except (ValueError, TypeError, msgpack.UnpackException) as exc:
        raise DamagedWeightsError(f"a weights array cannot be decoded ({exc})") from None
    if not isinstance(buffer, bytes) or any(n < 0 for n in shape):
        raise DamagedWeightsError("a weights array cannot be decoded")
    if dtype == b"bfloat16":
        # NumPy has no bfloat16: it is the top half of a float32.
        words = np.frombuffer(buffer, dtype="<u2").astype(np.uint32) << 16
        flat = words.view(np.float32)
    elif dtype in _DTYPES:
        flat = np.frombuffer(buffer, dtype=_DTYPES[dtype])
    else:
        raise MsgpackWeightsError(
            QT_TRANSLATE_NOOP(
                "Weights",
                "it holds an array of {dtype}, not of floating-point numbers",
            ),
            dtype=dtype[:40].decode("ascii", "replace") if isinstance(dtype, bytes) else "?",
        )
    if flat.size != int(np.prod(shape)):
        raise DamagedWeightsError(f"an array of shape {shape} holds {flat.size} numbers")
    return flat.reshape(shape)


def _ext_hook(code: int, data: bytes) -> Any:
    if code != _NDARRAY:
        raise MsgpackWeightsError(
            QT_TRANSLATE_NOOP(
                "Weights",
                "it holds a msgpack extension of type {code}; gpt2desk reads only "
                "flax's arrays (type 1)",
            ),
            code=code,
        )
    return _array(data)


def _is_map(peek: BinaryIO, offset: int) -> bool:
    peek.seek(offset)
    head = peek.read(1)
    return bool(head) and (0x80 <= head[0] <= 0x8F or head[0] in (0xDE, 0xDF))


def _unchunk(entries: dict[str, Any]) -> np.ndarray:
    shape, chunks = entries.get("shape"), entries.get("chunks")
    if not isinstance(shape, dict) or not isinstance(chunks, dict):
        raise DamagedWeightsError("a chunked array lacks its shape or chunks")
    try:
        dims = tuple(int(shape[str(i)]) for i in range(len(shape)))
        parts = [chunks[str(i)] for i in range(len(chunks))]
    except (KeyError, TypeError, ValueError) as exc:
        raise DamagedWeightsError(f"a chunked array is incomplete ({exc})") from None
    if not all(isinstance(p, np.ndarray) for p in parts):
        raise DamagedWeightsError("a chunked array holds something other than arrays")
    flat = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    if flat.size != int(np.prod(dims)):
        raise DamagedWeightsError(f"a chunked array of shape {dims} holds {flat.size} numbers")
    return flat.reshape(dims)


def read_leaves(path: Path) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf of the file's tree as (key path, value), in file order.

    Raises:
        DamagedWeightsError: the file is not well-formed msgpack.
        MsgpackWeightsError: it holds an extension type other than flax's
            arrays, or an array that is not of floats.
    """
    import msgpack

    size = path.stat().st_size
    limit = max(1024 * 1024, min(size, _MAX_OBJECT))
    with path.open("rb") as stream, path.open("rb") as peek:
        unpacker = msgpack.Unpacker(
            stream,
            raw=False,
            ext_hook=_ext_hook,
            strict_map_key=True,
            read_size=min(limit, 1024 * 1024),
            max_buffer_size=limit,
        )

        def walk(prefix: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
            if len(prefix) > _MAX_DEPTH:
                raise DamagedWeightsError("its tree is nested too deeply for GPT-2 weights")
            count = unpacker.read_map_header()
            for index in range(count):
                key = unpacker.unpack()
                if not isinstance(key, str):
                    raise DamagedWeightsError(f"a key is {type(key).__name__}, not text")
                if index == 0 and key == _CHUNKED:
                    unpacker.unpack()  # True
                    rest = {unpacker.unpack(): unpacker.unpack() for _ in range(count - 1)}
                    yield prefix, _unchunk(rest)
                    return
                if _is_map(peek, unpacker.tell()):
                    yield from walk((*prefix, key))
                else:
                    yield (*prefix, key), unpacker.unpack()

        try:
            if not _is_map(peek, 0):
                raise DamagedWeightsError("it does not start with a msgpack map")
            yield from walk(())
            if unpacker.tell() != size:
                raise DamagedWeightsError("it has bytes after its msgpack map")
        except (msgpack.UnpackException, ValueError) as exc:
            raise DamagedWeightsError(f"it is not complete msgpack ({exc})") from None


def tf_key(path: tuple[str, ...]) -> tuple[str | None, bool]:
    """The TF key of a flax GPT-2 parameter path, and whether it must be transposed.

    ``("transformer", "h", "0", "attn", "c_attn", "kernel")`` ->
    ``("h_._0/attn/c_attn/weight", True)``: flax's Conv1D kernel is (out, in),
    TF's and PyTorch's weight (in, out). ``lm_head`` (tied to wte) and
    anything unknown give None.
    """
    parts = list(path)
    if parts[:1] == ["params"]:
        parts = parts[1:]
    if parts[:1] == ["transformer"]:
        parts = parts[1:]
    if len(parts) == 2 and parts[0] in ("wte", "wpe") and parts[1] == "embedding":
        return f"{parts[0]}/embeddings", False
    norm = {"scale": "gamma", "bias": "beta"}
    if len(parts) == 2 and parts[0] == "ln_f" and parts[1] in norm:
        return f"ln_f/{norm[parts[1]]}", False
    if len(parts) >= 4 and parts[0] == "h" and parts[1].isdigit():
        layer, rest = f"h_._{int(parts[1])}", parts[2:]
        if len(rest) == 2 and rest[0] in ("ln_1", "ln_2") and rest[1] in norm:
            return f"{layer}/{rest[0]}/{norm[rest[1]]}", False
        if len(rest) == 3 and rest[0] in ("attn", "mlp") and rest[2] in ("kernel", "bias"):
            leaf = "weight" if rest[2] == "kernel" else "bias"
            return f"{layer}/{rest[0]}/{rest[1]}/{leaf}", rest[2] == "kernel"
    return None, False


def read_weights(path: Path) -> Iterator[tuple[str, Any]]:
    """(TF key, array in TF layout) for each GPT-2 weight in ``path``."""
    for keys, value in read_leaves(path):
        key, transpose = tf_key(keys)
        if key is None:
            continue
        if not isinstance(value, np.ndarray):
            raise MsgpackWeightsError(
                QT_TRANSLATE_NOOP("Weights", "{key} is a {kind}, not an array"),
                key="/".join(keys)[:120],
                kind=type(value).__name__,
            )
        if transpose and value.ndim == 2:
            value = value.T
        yield key, value
