"""The compiled functions of one GPT-2 shape, shared by every runner of that shape.

Each function takes the weights and the KV cache as arguments (variables),
never as captured state: ``tf.function`` traces a variable argument by its
shape and dtype, and XLA keys its compiled code by the argument shapes, so a
second model of the same shape (the same model loaded again, a fine-tune of
it, the window switching back and forth) runs the code compiled for the first
and its load compiles nothing.

The math is that of transformers' own Keras layers (``TFConv1D``, tf-keras'
``LayerNormalization``, the model's activation), written over the weight
variables so that the numbers match ``generate``.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NamedTuple

from gpt2desk.core.engine.sampling import BANNED_SLOTS, pick_token

#: Programs of small models stay compiled after their last runner is gone
#: (switching back to one is instant); a big model's code goes with its last
#: runner, as its memory would (XLA keeps 90-240 MB per compiled gpt2 function).
KEEP_SMALL = 8
SMALL_WEIGHT_BYTES = 64 * 1024 * 1024


class Block(NamedTuple):
    """One transformer block's weights (variables)."""

    ln_1_gamma: Any
    ln_1_beta: Any
    attn_w: Any
    attn_b: Any
    attn_proj_w: Any
    attn_proj_b: Any
    ln_2_gamma: Any
    ln_2_beta: Any
    fc_w: Any
    fc_b: Any
    mlp_proj_w: Any
    mlp_proj_b: Any


class Weights(NamedTuple):
    """Everything a forward pass reads; the token embedding transposed (n_embd x vocab)."""

    wte_t: Any
    wpe: Any
    ln_f_gamma: Any
    ln_f_beta: Any
    blocks: tuple[Block, ...]


class Shape(NamedTuple):
    """What the compiled code depends on: two runners with equal shapes share a program."""

    n_layer: int
    n_head: int
    n_embd: int
    n_ctx: int
    vocab_size: int
    slots: int
    sizes: tuple[int, ...]
    buckets: tuple[int, ...]
    decode_chunk: int
    epsilon: float
    fused_norm: bool
    activation: str


def weights_of(model: Any, wte_t: Any) -> Weights:
    """The variables of a built ``TFGPT2LMHeadModel`` (``wte_t``: its transposed embedding)."""
    body = model.transformer
    blocks = []
    for block in body.h:
        attn, mlp = block.attn, block.mlp
        blocks.append(
            Block(
                block.ln_1.gamma,
                block.ln_1.beta,
                attn.c_attn.weight,
                attn.c_attn.bias,
                attn.c_proj.weight,
                attn.c_proj.bias,
                block.ln_2.gamma,
                block.ln_2.beta,
                mlp.c_fc.weight,
                mlp.c_fc.bias,
                mlp.c_proj.weight,
                mlp.c_proj.bias,
            )
        )
    return Weights(
        wte_t, embedding_matrix(body.wpe), body.ln_f.gamma, body.ln_f.beta, tuple(blocks)
    )


def embedding_matrix(layer: Any) -> Any:
    """The weight of a Keras ``Embedding`` (``embeddings``) or a TF shared embedding."""
    matrix = getattr(layer, "embeddings", None)
    return matrix if matrix is not None else layer.weight


def weight_bytes(weights: Weights) -> int:
    import tensorflow as tf

    return sum(int(v.shape.num_elements()) * v.dtype.size for v in tf.nest.flatten(weights))


_lock = threading.Lock()
_live: weakref.WeakValueDictionary[Shape, Program] = weakref.WeakValueDictionary()
_kept: OrderedDict[Shape, Program] = OrderedDict()


def program_for(shape: Shape, small: bool) -> Program:
    """The program of ``shape``: the one a live runner (or, for small models, a recent
    one) uses, or a new one."""
    with _lock:
        program = _live.get(shape)
        if program is None:
            program = _live[shape] = Program(shape)
        if small:
            _kept[shape] = program
            _kept.move_to_end(shape)
            while len(_kept) > KEEP_SMALL:
                _kept.popitem(last=False)
        return program


class Program:
    """The traced (and, for decoding, XLA-compiled) functions of one shape."""

    def __init__(self, shape: Shape) -> None:
        import tensorflow as tf
        from transformers.modeling_tf_utils import get_tf_activation

        self._tf = tf
        self.shape = shape
        self._act = get_tf_activation(shape.activation)
        self._head_dim = shape.n_embd // shape.n_head
        self._lock = threading.Lock()
        self._writers: dict[int, Any] = {}
        self._loop: Any = None
        self._pick: Any = None
        self._feed: Any = None
        # Names of the functions compiled and run once (see is_ready).
        self._ready: set[str] = set()
        #: One compile of this shape at a time (two runners of it may both prepare).
        self.compiling = threading.Lock()

    def traced_functions(self) -> dict[str, Any]:
        """Every function made so far, by name."""
        named: dict[str, Any] = {}
        if self._loop is not None:
            named["decode"] = self._loop
        named.update({f"write {s}": fn for s, fn in self._writers.items()})
        if self._pick is not None:
            named["pick"] = self._pick
        if self._feed is not None:
            named["feed"] = self._feed
        return named

    def is_ready(self, name: str) -> bool:
        """Whether function ``name`` ("feed", "decode", "write 8", "pick") has been traced,
        compiled and run: calling it now costs no compile. Until then a runner
        computes the same thing eagerly (see runner.py)."""
        return name in self._ready

    def mark_ready(self, name: str) -> None:
        with self._lock:
            self._ready = self._ready | {name}

    # -- the functions ---------------------------------------------------------

    def writer(self, size: int) -> Any:
        """``store(cache, start, kv)``: writes ``size`` positions of each layer's keys, values."""
        with self._lock:
            fn = self._writers.get(size)
            if fn is None:
                from tensorflow.compiler.tf2xla.python import xla

                def store(cache: Any, start: Any, kv: Any) -> None:
                    # XLA updates a variable in place when the function only writes
                    # it (one that also reads it copies it all). Its own
                    # dynamic-update-slice takes the start as data; a strided-slice
                    # assign would recompile for every position.
                    zero = start * 0
                    at = [zero, zero, zero, start, zero]
                    cache.assign(xla.dynamic_update_slice(cache, kv, at))

                fn = self._writers[size] = self._tf.function(
                    store, autograph=False, jit_compile=True
                )
            return fn

    def picker(self) -> Any:
        with self._lock:
            if self._pick is None:
                tf = self._tf
                spec = [
                    tf.TensorSpec((self.shape.vocab_size,)),
                    tf.TensorSpec((), tf.int32),
                    *sampling_spec(tf, self.shape.vocab_size),
                ]
                # Graph mode, not XLA: it picks once per request (the decode loop picks
                # the rest), ~0.3 ms slower than XLA for gpt2's vocabulary, and XLA took
                # ~2 s to compile it at every load (~1.2 s for the tests' tiny model).
                self._pick = tf.function(pick_token, input_signature=spec, autograph=False)
            return self._pick

    def forward_now(self, w: Weights, past: Any, ids: Sequence[int]) -> Any:
        """The prefill math over ``ids`` after the keys and values ``past`` (a tensor:
        layer x 2 x head x position x dim): by :meth:`feeder` once it is ready,
        until then eagerly (no tracing, no compile). Returns the logits after
        the last token and the new keys and values (``len(ids)`` positions).

        More than one token is padded to the next of the shape's chunk sizes:
        oneDNN keeps compiled code for every matrix shape it meets (gpt2, 200
        tokens through one shape each: +266 MB, 140 MB of it kept; 45 MB with
        oneDNN off), so the shapes must stay few. One token takes the
        multiply-and-sum attention, which oneDNN does not run.
        """
        tf = self._tf
        n = len(ids)
        size = n if n == 1 else min([s for s in self.shape.sizes if s >= n], default=n)
        padded = tf.constant([*ids, *[0] * (size - n)], tf.int32)
        last = tf.constant(n - 1, tf.int32)
        if self.is_ready("feed"):
            logits, kv = self.feeder(w)(w, past, padded, last)
        else:
            logits, kv = self._feed_any(w, past, padded, last)
        return logits, kv[:, :, :, :n, :] if size != n else kv

    def feeder(self, w: Weights) -> Any:
        """:meth:`forward_now` as one graph for every length (``w``: tensors, for the specs).

        Graph mode: prefill is big matrix products, as fast as XLA (XLA-compiling
        every chunk size and bucket took 30 s and ~500 MB more peak memory for
        gpt2). Against one fixed-size graph per chunk size it saves ~3.7 s of
        tracing (gpt2); its prefill measured 872 vs 893 ms for 512 tokens once,
        ~8% slower in an alternated A/B later (medians 1407 vs 1303 ms, noisy
        machine; bench/README.md). Its ops run in C++ without the GIL, so it keeps
        its speed while the decode loop is traced in another thread (eager ops
        are dispatched one by one from Python).
        """
        with self._lock:
            if self._feed is None:
                tf = self._tf
                s = self.shape
                spec = [
                    tf.nest.map_structure(lambda t: tf.TensorSpec(t.shape, t.dtype), w),
                    tf.TensorSpec((s.n_layer, 2, s.n_head, None, self._head_dim)),
                    tf.TensorSpec((None,), tf.int32),
                    tf.TensorSpec((), tf.int32),
                ]
                self._feed = tf.function(self._feed_any, input_signature=spec, autograph=False)
            return self._feed

    def _feed_any(self, w: Weights, past: Any, ids: Any, last: Any) -> Any:
        tf = self._tf
        return self._forward(w, past, ids, tf.shape(past)[3], last, size=tf.shape(ids)[0])

    def _forward(self, w: Weights, cache: Any, ids: Any, start: Any, last: Any, size: Any) -> Any:
        tf = self._tf
        causal = (tf.range(size)[None, :] <= tf.range(size)[:, None])[None]
        new_kv: list[Any] = []

        def fresh(_layer: int, k: Any, v: Any) -> Any:
            new_kv.append(tf.stack([k, v]))
            return k, v, causal

        x = self._embed(w, ids, start + tf.range(size))
        x = self._layers(w, cache, x, start, None, fresh)
        return self._logits(w, x[0, last]), tf.stack(new_kv)

    def loop(self) -> Any:
        """``loop(weights, cache, token, start, which, count, eos, index, seen, *params)``:
        feeds a token, picks the next, feeds it... ``count`` times (XLA)."""
        with self._lock:
            if self._loop is None:
                self._loop = self._make_loop()
            return self._loop

    def _make_loop(self) -> Any:
        tf = self._tf
        from tensorflow.compiler.tf2xla.python import xla

        shape = self.shape
        n = shape.decode_chunk
        kv_shape = (shape.n_layer, 2, shape.n_head, n, self._head_dim)

        def loop(
            w: Weights,
            cache: Any,
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

                x = self._embed(w, token[None], (start + j)[None])
                x = self._layers(w, cache, x, start, which, fresh)
                logits = self._logits(w, x[0, 0])
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
                tf.zeros((shape.vocab_size,)),
            )
            done, _, kv, picked, _, logits = tf.while_loop(more, body, state)
            return picked[:], done, logits, kv

        return tf.function(loop, autograph=False, jit_compile=True)

    # -- the math ----------------------------------------------------------------

    def _norm(self, x: Any, gamma: Any, beta: Any) -> Any:
        """tf-keras' ``LayerNormalization`` over the last axis (its two code paths)."""
        tf = self._tf
        eps = self.shape.epsilon
        if not self.shape.fused_norm:
            mean, variance = tf.nn.moments(x, [-1], keepdims=True)
            return tf.nn.batch_normalization(x, mean, variance, beta, gamma, eps)
        dims = tf.shape(x)
        rows = tf.reduce_prod(dims[:-1])
        squeezed = tf.reshape(x, [1, rows, dims[-1], 1])
        ones, zeros = tf.ones([rows]), tf.zeros([rows])
        out, _, _ = tf.compat.v1.nn.fused_batch_norm(
            squeezed, scale=ones, offset=zeros, epsilon=eps, data_format="NCHW"
        )
        return tf.reshape(out, dims) * gamma + beta

    def _conv(self, x: Any, weight: Any, bias: Any) -> Any:
        """transformers' ``TFConv1D``: (1 x size x nx) -> (1 x size x nf)."""
        tf = self._tf
        flat = tf.matmul(tf.reshape(x, [-1, int(weight.shape[0])]), weight) + bias
        return tf.reshape(flat, [1, -1, int(weight.shape[1])])

    def _layers(
        self,
        w: Weights,
        cache: Any,
        x: Any,
        start: Any,
        which: Any | None,
        fresh: Callable[[int, Any, Any], Any],
    ) -> Any:
        """Runs the blocks over ``x`` (1 x size x n_embd) at positions ``start...``.

        Attention is split in two: the cached positions (< start), only read
        here, over the first ``buckets[which]`` slots (``which`` None: exactly the
        slots before ``start``, for graph mode), and the "fresh" keys
        and values that ``fresh(layer, k, v)`` returns with their mask (this
        call's own, not yet in the cache).
        """
        tf = self._tf
        n_head, head_dim, n_embd = self.shape.n_head, self._head_dim, self.shape.n_embd

        def heads(t: Any) -> Any:
            return tf.transpose(tf.reshape(t, (-1, n_head, head_dim)), (1, 0, 2))

        for i, b in enumerate(w.blocks):
            h = self._norm(x, b.ln_1_gamma, b.ln_1_beta)
            q, k, v = tf.split(self._conv(h, b.attn_w, b.attn_b)[0], 3, axis=-1)
            fresh_kv = fresh(i, heads(k), heads(v))
            if which is None:
                # Graph mode (prefill): the cached positions, exactly, by a dynamic slice.
                mixed = self._attend(cache, i, heads(q), start, None, *fresh_kv)
            else:
                # XLA needs static shapes: one branch per bucket inside one function
                # (an XLA conditional); every compiled function of its own kept
                # 90-240 MB (measured).
                branches = [
                    partial(self._attend, cache, i, heads(q), start, bucket, *fresh_kv)
                    for bucket in self.shape.buckets
                ]
                mixed = tf.switch_case(which, branches) if len(branches) > 1 else branches[0]()
            a = tf.reshape(tf.transpose(mixed, (1, 0, 2)), (1, -1, n_embd))
            x = x + self._conv(a, b.attn_proj_w, b.attn_proj_b)
            h = self._act(self._conv(self._norm(x, b.ln_2_gamma, b.ln_2_beta), b.fc_w, b.fc_b))
            x = x + self._conv(h, b.mlp_proj_w, b.mlp_proj_b)
        return x

    def _attend(
        self,
        cache: Any,
        layer: int,
        q: Any,
        start: Any,
        bucket: int | None,
        keys: Any,
        values: Any,
        mask: Any,
    ) -> Any:
        """Attention of ``q`` over the cache's first ``bucket`` slots (those before
        ``start`` count; ``None``: exactly the slots before ``start``) and the fresh keys."""
        tf = self._tf
        scale = 1.0 / math.sqrt(self._head_dim)
        end = start if bucket is None else bucket
        old_keys = cache[layer, 0, :, :end, :]
        old_values = cache[layer, 1, :, :end, :]
        rows = q.shape[1]

        def by_rows(one: Callable[[], Any], many: Callable[[], Any]) -> Any:
            # Decoding (one row): products over the cache as multiply-and-sum,
            # which XLA fuses with the slice (a dot makes it copy the slice
            # first; gpt2 at 900 tokens of context: 35 -> 42 tokens/s), and which
            # in the any-length graph keeps oneDNN from compiling code for every
            # context length (see forward_now).
            if rows is None:
                return tf.cond(tf.shape(q)[1] == 1, one, many)
            return one() if rows == 1 else many()

        old_scores = by_rows(
            lambda: tf.reduce_sum(q * old_keys, axis=-1)[:, None, :],
            lambda: tf.matmul(q, old_keys, transpose_b=True),
        )
        if bucket is None:
            w_old = old_scores * scale
        else:
            w_old = tf.where((tf.range(bucket) < start)[None, None, :], old_scores * scale, -1e4)
        w_new = tf.where(mask, tf.matmul(q, keys, transpose_b=True) * scale, -1e4)
        weights = tf.nn.softmax(tf.concat([w_old, w_new], axis=-1), axis=-1)
        old_mixed = by_rows(
            lambda: tf.reduce_sum(weights[:, 0, :end, None] * old_values, axis=1)[:, None, :],
            lambda: tf.matmul(weights[..., :end], old_values),
        )
        return old_mixed + tf.matmul(weights[..., end:], values)

    def _embed(self, w: Weights, ids: Any, pos: Any) -> Any:
        tf = self._tf
        # Padded rows of a last prefill chunk may pass n_positions; clamp them.
        # Gathered from the variables' values: a gather from a variable itself
        # (ResourceGather) switches it to copy-on-read, after which every read
        # outside XLA copies it (the 154 MB embedding, for gpt2).
        table, rows = tf.convert_to_tensor(w.wte_t), tf.convert_to_tensor(w.wpe)
        tokens = tf.transpose(tf.gather(table, ids, axis=1))
        return (tokens + tf.gather(rows, tf.minimum(pos, self.shape.n_ctx - 1)))[None]

    def _logits(self, w: Weights, hidden_row: Any) -> Any:
        normed = self._norm(hidden_row[None, None], w.ln_f_gamma, w.ln_f_beta)
        return self._tf.matmul(normed[0], w.wte_t)[0]


def sampling_spec(tf: Any, vocab_size: int) -> list[Any]:
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
