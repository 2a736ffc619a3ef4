"""GPT-2 forward passes with a static KV cache, compiled once per cache bucket.

The stock TF GPT-2 concatenates past and new keys at every step, which copies
the whole cache and changes tensor shapes (so ``tf.function`` would retrace at
every length). Here each layer keeps its keys and values in a ``tf.Variable``
of fixed size that is written in place; a step attends over the first
``bucket`` slots only, so short contexts stay cheap. Every input of a compiled
function is a tensor of fixed shape: no prompt length or setting ever
triggers a retrace after :meth:`GPT2Runner.prepare`.

The layers themselves (layer norms, projections, MLP) are transformers' own
Keras layers, called inside our graph, so the numbers match ``generate``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

DEFAULT_BUCKETS = (256, 512, 1024)
PREFILL_CHUNK = 64


class GPT2Runner:
    """Runs a loaded ``TFGPT2LMHeadModel`` one chunk or one token at a time.

    Args:
        model: a built ``TFGPT2LMHeadModel``.
        chunk: number of prompt tokens one prefill call processes; a prompt
            tail of at most ``chunk // 2`` tokens (a short prompt, say) goes
            through a half-size function: measured on gpt2, 60 ms instead of
            90 ms for a 32-token prompt.
        buckets: cache sizes to compile for; ``n_positions`` is always added.
        xla: compile the one-token decode step with XLA (default; prefill
            always runs in graph mode). Graph mode is kept as a fallback.
        wte_t: the token embedding already transposed (n_embd x vocab), for
            a model built without its own (see core/weights.build_model).
    """

    def __init__(
        self,
        model: Any,
        *,
        chunk: int = PREFILL_CHUNK,
        buckets: Sequence[int] = DEFAULT_BUCKETS,
        xla: bool = True,
        wte_t: Any = None,
    ) -> None:
        import tensorflow as tf

        self._tf = tf
        cfg = model.config
        self.n_ctx: int = int(cfg.n_positions)

        self.chunk = chunk
        self.sizes = tuple(sorted({chunk, max(1, chunk // 2), 1}, reverse=True))
        self.xla = xla
        self.buckets = tuple(sorted({b for b in buckets if b < self.n_ctx} | {self.n_ctx}))
        self._n_head = int(cfg.n_head)
        self._n_embd = int(cfg.n_embd)
        self._head_dim = self._n_embd // self._n_head
        body = model.transformer
        # Only the pieces the step needs are kept, not the model: the tied
        # embedding is kept transposed only (x @ W is ~35% faster than
        # x @ W^T on CPU for the 50257-wide output projection, and input rows
        # are gathered as columns), so once the caller drops the model its
        # original (vocab x n_embd) matrix is freed.
        self._blocks = list(body.h)
        self._ln_f = body.ln_f
        self._wpe = _embedding_matrix(body.wpe)
        if wte_t is None:
            wte_t = tf.Variable(tf.transpose(_embedding_matrix(body.wte)), trainable=False)
        self._wte_t = wte_t
        self.vocab_size: int = int(wte_t.shape[1])
        # Slack of one chunk so a padded prefill write never runs past the end
        # (XLA/TF would clamp the start index and overwrite valid slots).
        slots = self.n_ctx + chunk
        shape = (self._n_head, slots, self._head_dim)
        self._cache = [
            (
                tf.Variable(tf.zeros(shape), trainable=False),
                tf.Variable(tf.zeros(shape), trainable=False),
            )
            for _ in self._blocks
        ]
        self._fns: dict[tuple[int, int], Any] = {}
        self._writers: dict[int, Any] = {}

    # -- compilation ---------------------------------------------------------

    def prepare(self, on_progress: Callable[[int, int], None] | None = None) -> None:
        """Traces every (bucket, chunk size) function now, so generation never does."""
        keys = [(b, c) for b in self.buckets for c in self.sizes]
        for i, (bucket, size) in enumerate(keys):
            # Position 0 of a fresh cache: what it writes is overwritten by any real use.
            self._run(bucket, size, self._tf.zeros((size,), self._tf.int32), 0, 0)
            if on_progress is not None:
                on_progress(i + 1, len(keys))

    def _jit(self, size: int) -> bool:
        # XLA only for the one-token step: there it fuses the many small
        # attention ops (decode is ~30% faster). Prefill is big matrix products,
        # as fast in graph mode, and XLA-compiling every chunk size and bucket
        # took 30 s and ~500 MB more peak memory for gpt2 (measured).
        return self.xla and size == 1

    def _writer(self, size: int) -> Any:
        """A function storing ``size`` positions of keys and values of every layer."""
        fn = self._writers.get(size)
        if fn is None:
            tf = self._tf
            jit = self._jit(size)
            write = self._xla_write if jit else self._scatter_write
            caches = [var for pair in self._cache for var in pair]
            shape = (self._n_head, size, self._head_dim)

            def store(start: Any, *values: Any) -> None:
                for var, value in zip(caches, values, strict=True):
                    write(var, value, start)

            spec = [tf.TensorSpec((), tf.int32)] + [tf.TensorSpec(shape)] * len(caches)
            fn = tf.function(store, input_signature=spec, autograph=False, jit_compile=jit)
            self._writers[size] = fn
        return fn

    def _run(self, bucket: int, size: int, ids: Any, start: int, last: int) -> Any:
        tf = self._tf
        at = tf.constant(start, tf.int32)
        logits, new_kv = self._function(bucket, size)(ids, at, tf.constant(last, tf.int32))
        self._writer(size)(at, *new_kv)
        return logits

    def _function(self, bucket: int, size: int) -> Any:
        fn = self._fns.get((bucket, size))
        if fn is None:
            tf = self._tf
            spec = [
                tf.TensorSpec((size,), tf.int32),
                tf.TensorSpec((), tf.int32),
                tf.TensorSpec((), tf.int32),
            ]
            fn = tf.function(
                self._forward_fn(bucket, size),
                input_signature=spec,
                autograph=False,
                jit_compile=self._jit(size),
            )
            self._fns[(bucket, size)] = fn
        return fn

    def _forward_fn(self, bucket: int, size: int) -> Callable[[Any, Any, Any], Any]:
        tf = self._tf
        n_head, head_dim, n_embd = self._n_head, self._head_dim, self._n_embd
        scale = 1.0 / math.sqrt(head_dim)
        blocks, ln_f, cache = self._blocks, self._ln_f, self._cache
        wpe, wte_t = self._wpe, self._wte_t
        max_pos = self.n_ctx - 1

        def heads(t: Any) -> Any:
            return tf.transpose(tf.reshape(t, (size, n_head, head_dim)), (1, 0, 2))

        def forward(ids: Any, start: Any, last: Any) -> Any:
            pos = start + tf.range(size)
            # Padded rows of a last prefill chunk may pass n_positions; clamp them.
            tokens = tf.transpose(tf.gather(wte_t, ids, axis=1))
            x = tokens + tf.gather(wpe, tf.minimum(pos, max_pos))
            x = x[None]
            # Attention is split in two: the cached positions (< start) and the
            # rows of this call among themselves (causal). The cache is only read
            # here; the new keys and values are returned and written by a second,
            # write-only function: an XLA function that reads and writes the same
            # variable copies all of it (measured: ~4 ms per gpt2 token).
            earlier = (tf.range(bucket) < start)[None, None, :]
            causal = (tf.range(size)[None, :] <= tf.range(size)[:, None])[None]
            new_kv: list[Any] = []
            for block, (k_cache, v_cache) in zip(blocks, cache, strict=True):
                h = block.ln_1(x)
                q, k, v = tf.split(block.attn.c_attn(h)[0], 3, axis=-1)
                q, k, v = heads(q), heads(k), heads(v)
                old_keys = k_cache[:, :bucket, :]
                old_values = v_cache[:, :bucket, :]
                w_old = tf.where(earlier, tf.matmul(q, old_keys, transpose_b=True) * scale, -1e4)
                w_new = tf.where(causal, tf.matmul(q, k, transpose_b=True) * scale, -1e4)
                w = tf.nn.softmax(tf.concat([w_old, w_new], axis=-1), axis=-1)
                mixed = tf.matmul(w[..., :bucket], old_values) + tf.matmul(w[..., bucket:], v)
                new_kv += [k, v]
                a = tf.reshape(tf.transpose(mixed, (1, 0, 2)), (1, size, n_embd))
                x = x + block.attn.c_proj(a)
                x = x + block.mlp(block.ln_2(x))
            hidden = ln_f(x[:, last][:, None])[0]
            return tf.matmul(hidden, wte_t)[0], new_kv

        return forward

    @staticmethod
    def _scatter_write(cache: Any, value: Any, start: Any) -> None:
        # A strided-slice assign copies the whole variable at every call
        # (measured: cost grows with the cache size); a scatter writes in place.
        import tensorflow as tf

        n_head, size = value.shape[0], value.shape[1]
        heads = tf.broadcast_to(tf.range(n_head)[:, None], (n_head, size))
        slots = tf.broadcast_to(start + tf.range(size)[None, :], (n_head, size))
        cache.scatter_nd_update(tf.stack([heads, slots], axis=-1), value)

    @staticmethod
    def _xla_write(cache: Any, value: Any, start: Any) -> None:
        # XLA wants slice bounds known at compile time: a strided-slice assign
        # with a tensor start recompiles for every position. Its own
        # dynamic-update-slice takes the start as data.
        from tensorflow.compiler.tf2xla.python import xla

        zero = start * 0
        cache.assign(xla.dynamic_update_slice(cache, value, [zero, start, zero]))

    # -- running -------------------------------------------------------------

    def _bucket_for(self, end: int) -> int:
        for b in self.buckets:
            if end <= b:
                return b
        raise ValueError(f"position {end} is past the context window ({self.n_ctx})")

    def prefill(self, ids: Sequence[int], start: int = 0) -> np.ndarray:
        """Feeds ``ids`` at positions ``start...``; returns the logits after the last one."""
        tf = self._tf
        if not ids:
            raise ValueError("prefill needs at least one token")
        logits = None
        offset = 0
        while offset < len(ids):
            left = len(ids) - offset
            size = next(s for s in reversed(self.sizes) if s >= min(left, self.chunk))
            part = list(ids[offset : offset + size])
            n = len(part)
            at = start + offset
            padded = np.zeros(size, dtype=np.int32)
            padded[:n] = part
            bucket = self._bucket_for(at + n)
            logits = self._run(bucket, size, tf.constant(padded), at, n - 1)
            offset += n
        assert logits is not None
        return np.asarray(logits.numpy())

    def step(self, token_id: int, pos: int) -> np.ndarray:
        """Feeds one token at ``pos``; returns the logits for the next position."""
        tf = self._tf
        bucket = self._bucket_for(pos + 1)
        logits = self._run(bucket, 1, tf.constant([token_id], tf.int32), pos, 0)
        return np.asarray(logits.numpy())


def _embedding_matrix(layer: Any) -> Any:
    """The weight of a Keras ``Embedding`` (``embeddings``) or a TF shared embedding."""
    matrix = getattr(layer, "embeddings", None)
    return matrix if matrix is not None else layer.weight
