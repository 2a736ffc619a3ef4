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

The functions themselves live in core/engine/programs.py, one set per model
shape, taking the weights and the cache as arguments: a second model of a
shape already compiled in this process loads without compiling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np

from gpt2desk.core.engine.memory import release_free_memory
from gpt2desk.core.engine.programs import (
    SMALL_WEIGHT_BYTES,
    Shape,
    embedding_matrix,
    program_for,
    weight_bytes,
    weights_of,
)
from gpt2desk.core.engine.sampling import Sampling
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

    The compiled functions belong to the shape's :class:`Program`
    (core/engine/programs.py), shared with every other runner of that shape;
    the runner holds the weights and its own cache.

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
        body = model.transformer
        # Only the weights the step needs are kept, not the model: the tied
        # embedding is kept transposed only (x @ W is ~35% faster than
        # x @ W^T on CPU for the 50257-wide output projection, and input rows
        # are gathered as columns), so once the caller drops the model its
        # original (vocab x n_embd) matrix is freed.
        if wte_t is None:
            wte_t = tf.Variable(tf.transpose(embedding_matrix(body.wte)), trainable=False)
        self._weights = weights_of(model, wte_t)
        self._wte_t = wte_t
        self.vocab_size: int = int(wte_t.shape[1])
        # Slack for the padding of a last prefill chunk or decode call, so a
        # write never runs past the end (XLA clamps the start index and would
        # overwrite valid slots); prefill picks chunks that fit.
        slots = self.n_ctx + max(min(self.sizes), self.decode_chunk)
        self._slots = slots
        n_head = int(cfg.n_head)
        head_dim = int(cfg.n_embd) // n_head
        # Layer x (keys, values) x head x slot x dim. One variable, not one per
        # layer: one in-place write per call instead of 24 (0.3 vs 1.4 ms).
        shape = (len(body.h), 2, n_head, slots, head_dim)
        self._cache = tf.Variable(tf.zeros(shape), trainable=False)
        norm = body.h[0].ln_1 if len(body.h) else body.ln_f
        self._program = program_for(
            Shape(
                n_layer=len(body.h),
                n_head=n_head,
                n_embd=int(cfg.n_embd),
                n_ctx=self.n_ctx,
                vocab_size=self.vocab_size,
                slots=slots,
                sizes=self.sizes,
                buckets=self.buckets,
                decode_chunk=self.decode_chunk,
                epsilon=float(norm.epsilon),
                fused_norm=bool(getattr(norm, "_fused", False)),
                activation=str(cfg.activation_function),
            ),
            small=weight_bytes(self._weights) <= SMALL_WEIGHT_BYTES,
        )

    # -- compilation ---------------------------------------------------------

    def prepare(self, on_progress: Callable[[int, int], None] | None = None) -> None:
        """Traces every compiled function now, so generation never does (a shape
        compiled before, for another runner, only runs once)."""
        tf = self._tf
        greedy = Sampling.start(_GREEDY, 0, self.vocab_size, [])
        steps: list[Callable[[], Any]] = []
        # Position 0 of a fresh cache: what they write is overwritten by any
        # real use. The decode loop first: compiling it takes ~300 MB for a
        # while (gpt2), so it goes while the least else is held.
        steps.append(partial(self._decode, 0, 0, 1, greedy, 0))
        for size in self.sizes:
            steps.append(partial(self._prefill_chunk, size, tf.zeros((size,), tf.int32), 0, 0))
        steps.append(
            lambda: self._program.picker()(tf.zeros((self.vocab_size,)), 0, *greedy.tensors())
        )
        for i, run in enumerate(steps):
            run()
            release_free_memory()
            if on_progress is not None:
                on_progress(i + 1, len(steps))

    def traced_functions(self) -> dict[str, Any]:
        """Every compiled function by name (for tests that check nothing retraces)."""
        return self._program.traced_functions()

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
        program = self._program
        fn = program.prefill(size)
        logits, kv = fn(self._weights, self._cache, ids, at, tf.constant(last, tf.int32))
        program.writer(size)(self._cache, at, kv)
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
        pick = self._program.picker()
        token = int(pick(logits, tf.constant(index, tf.int32), *sampling.tensors()))
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
        program = self._program
        picked, done, logits, kv = program.loop()(
            self._weights, self._cache, ints[0], at, which, *ints[1:], *sampling.tensors()
        )
        program.writer(self.decode_chunk)(self._cache, at, kv)
        return picked.numpy(), int(done), np.asarray(logits.numpy())
