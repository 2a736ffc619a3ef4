"""GPT-2 forward passes with a static KV cache, compiled once.

The stock TF GPT-2 concatenates past and new keys at every step, which copies
the whole cache and changes tensor shapes (so ``tf.function`` would retrace at
every length). Here the keys and values of every layer live in one
``tf.Variable`` of fixed size that is written in place; a call attends over
the first ``bucket`` slots only (a branch per bucket), so short contexts stay
cheap. Every input of a compiled function is a tensor of fixed shape: no
prompt length or setting ever triggers a retrace after
:meth:`GPT2Runner.prepare`.

Decoding runs several tokens per call: one XLA function loops "feed a token,
pick the next" on the device (sampling included, see core/engine/sampling.py).
Measured on gpt2 (make bench): 21.5 ms per token inside the loop, 24.4 ms
for one token per call.

The layers themselves (layer norms, projections, MLP) are transformers' own
Keras layers, called inside our graph, so the numbers match ``generate``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np

from gpt2desk.core.engine.memory import release_free_memory
from gpt2desk.core.engine.sampling import BANNED_SLOTS, Sampling, pick_token
from gpt2desk.core.settings import GenerationSettings

DEFAULT_BUCKETS = (256, 512, 1024)
#: Prompt tokens one prefill call takes. Big chunks use the CPU best (gpt2,
#: 512-token prompt: ~640 ms in chunks of 256, ~800 in chunks of 64); small
#: ones keep short prompts short (32 tokens: ~65 ms).
PREFILL_SIZES = (256, 64, 32)
# Rough cost of one prefill call of n rows, a + b*n ms (gpt2, measured), used
# only to choose between chunk sizes.
_CALL_MS, _ROW_MS = 32.0, 0.9
#: Most tokens one decode call feeds (a request's stream arrives in such bursts).
DECODE_CHUNK = 8
_GREEDY = GenerationSettings(temperature=0)


class GPT2Runner:
    """Runs a loaded ``TFGPT2LMHeadModel`` a prompt chunk or a few tokens at a time.

    Args:
        model: a built ``TFGPT2LMHeadModel``.
        sizes: prompt tokens one prefill call can take (one function each).
        buckets: cache sizes to compile for; ``n_positions`` is always added.
        wte_t: the token embedding already transposed (n_embd x vocab), for
            a model built without its own (see core/weights.build_model).
    """

    def __init__(
        self,
        model: Any,
        *,
        sizes: Sequence[int] = PREFILL_SIZES,
        buckets: Sequence[int] = DEFAULT_BUCKETS,
        wte_t: Any = None,
    ) -> None:
        import tensorflow as tf

        self._tf = tf
        cfg = model.config
        self.n_ctx: int = int(cfg.n_positions)
        # A chunk never exceeds the window: a model with n_positions 128 would
        # otherwise write 256 rows into a cache of ~160 slots and fail to load.
        self.sizes = tuple(sorted({min(s, self.n_ctx) for s in sizes}, reverse=True))
        self.decode_chunk = DECODE_CHUNK
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
        # Slack for the padding of a last prefill chunk or decode call, so a
        # write never runs past the end (XLA clamps the start index and would
        # overwrite valid slots); prefill picks chunks that fit.
        slots = self.n_ctx + max(min(self.sizes), self.decode_chunk)
        self._slots = slots
        # Layer x (keys, values) x head x slot x dim. One variable, not one per
        # layer: one in-place write per call instead of 24 (0.3 vs 1.4 ms).
        shape = (len(self._blocks), 2, self._n_head, slots, self._head_dim)
        self._cache = tf.Variable(tf.zeros(shape), trainable=False)
        self._prefills: dict[int, Any] = {}
        self._loop: Any = None
        self._writers: dict[int, Any] = {}
        self._pick: Any = None

    # -- compilation ---------------------------------------------------------

    def prepare(self, on_progress: Callable[[int, int], None] | None = None) -> None:
        """Traces every compiled function now, so generation never does."""
        tf = self._tf
        greedy = Sampling.start(_GREEDY, 0, self.vocab_size, [])
        steps: list[Callable[[], Any]] = []
        # Position 0 of a fresh cache: what they write is overwritten by any
        # real use. The decode loop first: compiling it takes ~300 MB for a
        # while (gpt2), so it goes while the least else is held.
        steps.append(partial(self._decode, 0, 0, 1, greedy, 0))
        for size in self.sizes:
            steps.append(partial(self._prefill_chunk, size, tf.zeros((size,), tf.int32), 0, 0))
        steps.append(lambda: self._picker()(tf.zeros((self.vocab_size,)), 0, *greedy.tensors()))
        for i, run in enumerate(steps):
            run()
            release_free_memory()
            if on_progress is not None:
                on_progress(i + 1, len(steps))

    def traced_functions(self) -> dict[str, Any]:
        """Every compiled function by name (for tests that check nothing retraces)."""
        named = {f"prefill {s}": fn for s, fn in self._prefills.items()}
        if self._loop is not None:
            named["decode"] = self._loop
        named.update({f"write {s}": fn for s, fn in self._writers.items()})
        if self._pick is not None:
            named["pick"] = self._pick
        return named

    def _writer(self, size: int) -> Any:
        """A function storing ``size`` positions of keys and values of every layer."""
        fn = self._writers.get(size)
        if fn is None:
            tf = self._tf
            from tensorflow.compiler.tf2xla.python import xla

            cache = self._cache

            def store(start: Any, kv: Any) -> None:
                # XLA updates a variable in place when the function only writes
                # it (one that also reads it copies it all). Its own
                # dynamic-update-slice takes the start as data; a strided-slice
                # assign would recompile for every position.
                zero = start * 0
                cache.assign(xla.dynamic_update_slice(cache, kv, [zero, zero, zero, start, zero]))

            shape = (len(self._blocks), 2, self._n_head, size, self._head_dim)
            spec = [tf.TensorSpec((), tf.int32), tf.TensorSpec(shape)]
            fn = tf.function(store, input_signature=spec, autograph=False, jit_compile=True)
            self._writers[size] = fn
        return fn

    def _picker(self) -> Any:
        if self._pick is None:
            tf = self._tf
            spec = [
                tf.TensorSpec((self.vocab_size,)),
                tf.TensorSpec((), tf.int32),
                *_sampling_spec(tf, self.vocab_size),
            ]
            # Graph mode, not XLA: it picks once per request (the decode loop picks
            # the rest), ~0.3 ms slower than XLA for gpt2's vocabulary, and XLA took
            # ~2 s to compile it at every load (~1.2 s for the tests' tiny model).
            self._pick = tf.function(pick_token, input_signature=spec, autograph=False)
        return self._pick

    def _layers(
        self, x: Any, start: Any, which: Any | None, fresh: Callable[[int, Any, Any], Any]
    ) -> Any:
        """Runs the blocks over ``x`` (1 x size x n_embd) at positions ``start...``.

        Attention is split in two: the cached positions (< start), only read
        here, over the first ``buckets[which]`` slots (``which`` None: exactly the
        slots before ``start``, for graph mode), and the "fresh" keys
        and values that ``fresh(layer, k, v)`` returns with their mask (this
        call's own, not yet in the cache).
        """
        tf = self._tf
        size = int(x.shape[1])
        n_head, head_dim = self._n_head, self._head_dim

        def heads(t: Any) -> Any:
            return tf.transpose(tf.reshape(t, (size, n_head, head_dim)), (1, 0, 2))

        for i, block in enumerate(self._blocks):
            # The layers' own ``call``: their math exactly, without Keras'
            # ``__call__`` around it (most of the time of tracing a prefill).
            mlp = block.mlp
            h = block.ln_1.call(x)
            q, k, v = tf.split(block.attn.c_attn.call(h)[0], 3, axis=-1)
            fresh_kv = fresh(i, heads(k), heads(v))
            if which is None:
                # Graph mode (prefill): the cached positions, exactly, by a dynamic slice.
                mixed = self._attend(i, heads(q), start, None, *fresh_kv)
            else:
                # XLA needs static shapes: one branch per bucket inside one function
                # (an XLA conditional); every compiled function of its own kept
                # 90-240 MB (measured).
                branches = [
                    partial(self._attend, i, heads(q), start, b, *fresh_kv) for b in self.buckets
                ]
                mixed = tf.switch_case(which, branches) if len(branches) > 1 else branches[0]()
            a = tf.reshape(tf.transpose(mixed, (1, 0, 2)), (1, size, self._n_embd))
            x = x + block.attn.c_proj.call(a)
            x = x + mlp.c_proj.call(mlp.act(mlp.c_fc.call(block.ln_2.call(x))))
        return x

    def _attend(
        self, layer: int, q: Any, start: Any, bucket: int | None, keys: Any, values: Any, mask: Any
    ) -> Any:
        """Attention of ``q`` over the cache's first ``bucket`` slots (those before
        ``start`` count; ``None``: exactly the slots before ``start``) and the fresh keys."""
        tf = self._tf
        scale = 1.0 / math.sqrt(self._head_dim)
        end = start if bucket is None else bucket
        old_keys = self._cache[layer, 0, :, :end, :]
        old_values = self._cache[layer, 1, :, :end, :]
        one_row = q.shape[1] == 1
        if one_row:
            # Decoding: products over the cache as multiply-and-sum, which XLA
            # fuses with the slice; a dot makes it copy the slice first
            # (measured, gpt2 at 900 tokens of context: 35 -> 42 tokens/s).
            old_scores = tf.reduce_sum(q * old_keys, axis=-1)[:, None, :]
        else:
            old_scores = tf.matmul(q, old_keys, transpose_b=True)
        if bucket is None:
            w_old = old_scores * scale
        else:
            w_old = tf.where((tf.range(bucket) < start)[None, None, :], old_scores * scale, -1e4)
        w_new = tf.where(mask, tf.matmul(q, keys, transpose_b=True) * scale, -1e4)
        w = tf.nn.softmax(tf.concat([w_old, w_new], axis=-1), axis=-1)
        if one_row:
            old_mixed = tf.reduce_sum(w[:, 0, :end, None] * old_values, axis=1)[:, None, :]
        else:
            old_mixed = tf.matmul(w[..., :end], old_values)
        return old_mixed + tf.matmul(w[..., end:], values)

    def _embed(self, ids: Any, pos: Any) -> Any:
        tf = self._tf
        # Padded rows of a last prefill chunk may pass n_positions; clamp them.
        tokens = tf.transpose(tf.gather(self._wte_t, ids, axis=1))
        return (tokens + tf.gather(self._wpe, tf.minimum(pos, self.n_ctx - 1)))[None]

    def _logits(self, hidden_row: Any) -> Any:
        return self._tf.matmul(self._ln_f.call(hidden_row[None, None])[0], self._wte_t)[0]

    def _prefill_fn(self, size: int) -> Any:
        """``size`` prompt tokens at once (graph mode); logits after row ``last``."""
        fn = self._prefills.get(size)
        if fn is None:
            tf = self._tf
            causal = (tf.range(size)[None, :] <= tf.range(size)[:, None])[None]

            def forward(ids: Any, start: Any, last: Any) -> Any:
                new_kv: list[Any] = []

                def fresh(_layer: int, k: Any, v: Any) -> Any:
                    new_kv.append(tf.stack([k, v]))
                    return k, v, causal

                x = self._layers(self._embed(ids, start + tf.range(size)), start, None, fresh)
                return self._logits(x[0, last]), tf.stack(new_kv)

            spec = [tf.TensorSpec((size,), tf.int32)] + [tf.TensorSpec((), tf.int32)] * 2
            # Graph mode: prefill is big matrix products, as fast as XLA, and
            # XLA-compiling every chunk size and bucket took 30 s and ~500 MB
            # more peak memory for gpt2 (measured).
            fn = tf.function(forward, input_signature=spec, autograph=False)
            self._prefills[size] = fn
        return fn

    def _loop_fn(self) -> Any:
        """Feeds a token, picks the next, feeds it... ``count`` times (XLA)."""
        fn = self._loop
        if fn is None:
            tf = self._tf
            from tensorflow.compiler.tf2xla.python import xla

            n = self.decode_chunk
            n_layers = len(self._blocks)
            kv_shape = (n_layers, 2, self._n_head, n, self._head_dim)

            def loop(
                token: Any,
                start: Any,
                which: Any,
                count: Any,
                eos: Any,
                index: Any,
                seen: Any,
                *params: Any,
            ) -> Any:
                # params: the rest of Sampling.tensors(); seen changes as tokens are picked.
                zero = start * 0

                def body(
                    j: Any, token: Any, kv: Any, picked: Any, seen: Any, _logits: Any
                ) -> tuple[Any, ...]:
                    layers: list[Any] = []

                    def fresh(i: int, k: Any, v: Any) -> Any:
                        # This call's tokens so far, the current one included.
                        at = [zero, zero, j, zero]
                        layers.append(xla.dynamic_update_slice(kv[i], tf.stack([k, v]), at))
                        return layers[-1][0], layers[-1][1], (tf.range(n) <= j)[None, None, :]

                    x = self._embed(token[None], (start + j)[None])
                    x = self._layers(x, start, which, fresh)
                    logits = self._logits(x[0, 0])
                    nxt = pick_token(logits, index + j, seen, *params)
                    seen = tf.tensor_scatter_nd_update(seen, nxt[None, None], [True])
                    picked = xla.dynamic_update_slice(picked, nxt[None], [j])
                    return j + 1, nxt, tf.stack(layers), picked, seen, logits

                def more(j: Any, token: Any, *_: Any) -> Any:
                    return (j < count) & ((j == 0) | (token != eos))

                state = (
                    tf.constant(0),
                    token,
                    tf.zeros(kv_shape),
                    tf.zeros((n,), tf.int32),
                    seen,
                    tf.zeros((self.vocab_size,)),
                )
                done, _, kv, picked, _, logits = tf.while_loop(more, body, state)
                return picked[:], done, logits, kv

            spec = [tf.TensorSpec((), tf.int32)] * 6 + _sampling_spec(tf, self.vocab_size)
            fn = tf.function(loop, input_signature=spec, autograph=False, jit_compile=True)
            self._loop = fn
        return fn

    # -- running -------------------------------------------------------------

    def _bucket_for(self, end: int) -> Any:
        """The index of the smallest bucket holding positions below ``end``, as a tensor."""
        for i, b in enumerate(self.buckets):
            if end <= b:
                return self._tf.constant(i, self._tf.int32)
        raise ValueError(f"position {end} is past the context window ({self.n_ctx})")

    def _prefill_chunk(self, size: int, ids: Any, start: int, last: int) -> Any:
        tf = self._tf
        at = tf.constant(start, tf.int32)
        if start + last + 1 > self.n_ctx:
            raise ValueError(
                f"position {start + last + 1} is past the context window ({self.n_ctx})"
            )
        logits, kv = self._prefill_fn(size)(ids, at, tf.constant(last, tf.int32))
        self._writer(size)(at, kv)
        return logits

    def _prefill(self, ids: Sequence[int], start: int) -> Any:
        if not ids:
            raise ValueError("prefill needs at least one token")
        logits = None
        offset = 0
        while offset < len(ids):
            size = self._chunk_size(len(ids) - offset, start + offset)
            part = list(ids[offset : offset + size])
            n = len(part)
            at = start + offset
            padded = np.zeros(size, dtype=np.int32)
            padded[:n] = part
            logits = self._prefill_chunk(size, self._tf.constant(padded), at, n - 1)
            offset += n
        return logits

    def _chunk_size(self, left: int, at: int) -> int:
        """The chunk for the next ``left`` prompt tokens, fed at position ``at``.

        The biggest chunk while the prompt fills it; for the rest, the size
        that covers it at the least estimated cost (100 tokens: 2 x 64, not
        256 or 4 x 32).
        """
        fits = [s for s in self.sizes if at + s <= self._slots]
        if left >= fits[0]:
            return fits[0]
        return min(fits, key=lambda s: -(-left // s) * (_CALL_MS + _ROW_MS * s))

    def prefill(self, ids: Sequence[int], start: int = 0) -> np.ndarray:
        """Feeds ``ids`` at positions ``start...``; returns the logits after the last one."""
        return np.asarray(self._prefill(ids, start).numpy())

    def first(self, ids: Sequence[int], sampling: Sampling, index: int) -> int:
        """Feeds ``ids`` from position 0 and picks the token after them."""
        logits = self._prefill(ids, 0)
        tf = self._tf
        token = int(self._picker()(logits, tf.constant(index, tf.int32), *sampling.tensors()))
        sampling.see([token])
        return token

    def decode(
        self, token_id: int, pos: int, count: int, sampling: Sampling, index: int, eos_id: int
    ) -> list[int]:
        """Feeds ``token_id`` at ``pos`` and picks the next token, ``count`` times over.

        Each picked token is fed in turn (at ``pos + 1``, ...) except the last,
        which the caller feeds with the next call. Ends early after picking
        ``eos_id`` (-1: a model without one). ``index`` is the number of
        ``token_id``'s successor within the request (see core/engine/sampling.py).
        """
        if not 1 <= count <= self.decode_chunk:
            raise ValueError(f"count must be 1..{self.decode_chunk}, not {count}")
        picked, done, _ = self._decode(token_id, pos, count, sampling, index, eos_id)
        ids = [int(i) for i in picked[:done]]
        sampling.see(ids)
        return ids

    def step(self, token_id: int, pos: int) -> np.ndarray:
        """Feeds one token at ``pos``; returns the logits for the next position."""
        greedy = Sampling.start(_GREEDY, 0, self.vocab_size, [])
        return self._decode(token_id, pos, 1, greedy, 0)[2]

    def _decode(
        self,
        token_id: int,
        pos: int,
        count: int,
        sampling: Sampling,
        index: int,
        eos_id: int = -1,
    ) -> tuple[np.ndarray, int, np.ndarray]:
        tf = self._tf
        at = tf.constant(pos, tf.int32)
        ints = [tf.constant(v, tf.int32) for v in (token_id, count, eos_id, index)]
        which = self._bucket_for(pos + count)
        picked, done, logits, kv = self._loop_fn()(
            ints[0], at, which, *ints[1:], *sampling.tensors()
        )
        self._writer(self.decode_chunk)(at, kv)
        return picked.numpy(), int(done), np.asarray(logits.numpy())


def _sampling_spec(tf: Any, vocab_size: int) -> list[Any]:
    """Specs of ``Sampling.tensors()``."""
    scalar = tf.TensorSpec(())
    seen = tf.TensorSpec((vocab_size,), tf.bool)
    return [
        seen,
        scalar,
        tf.TensorSpec((), tf.int32),
        scalar,
        scalar,
        tf.TensorSpec((2,), tf.int32),
        tf.TensorSpec((BANNED_SLOTS,), tf.int32),
    ]


def _embedding_matrix(layer: Any) -> Any:
    """The weight of a Keras ``Embedding`` (``embeddings``) or a TF shared embedding."""
    matrix = getattr(layer, "embeddings", None)
    return matrix if matrix is not None else layer.weight
