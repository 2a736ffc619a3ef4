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
Measured on gpt2 (make bench, 12 GB/s machine): 36.5 ms per token inside the
loop, 47.8 ms for one token per call.

The functions themselves live in core/engine/programs.py, one set per model
shape, taking the weights and the cache as arguments: a second model of a
shape already compiled in this process loads without compiling.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np

from gpt2desk.core.engine.compile_thread import THREAD_NAME
from gpt2desk.core.engine.memory import release_free_memory
from gpt2desk.core.engine.programs import (
    SMALL_WEIGHT_BYTES,
    Shape,
    embedding_matrix,
    program_for,
    weight_bytes,
    weights_of,
)
from gpt2desk.core.engine.sampling import Sampling, pick_token
from gpt2desk.core.settings import GenerationSettings

DEFAULT_BUCKETS = (256, 512, 1024)
#: Prompt tokens one prefill call takes at most (the largest; big chunks use
#: the CPU best: gpt2, 512-token prompt: ~640 ms in chunks of 256, ~800 in
#: chunks of 64), and the sizes the cache is written in (one compiled writer
#: each; a shorter piece is padded to the next size).
PREFILL_SIZES = (256, 64, 32)
#: Most tokens one decode call feeds (a request's stream arrives in such bursts).
DECODE_CHUNK = 8
_GREEDY = GenerationSettings(temperature=0)

log = logging.getLogger(__name__)


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
        self._n_head, self._head_dim = n_head, head_dim
        self._write_sizes = tuple(sorted({*self.sizes, self.decode_chunk}, reverse=True))
        # A request run before the cache variable is used (see _compiled): its keys
        # and values, and the weights' values.
        self._past: Any = None
        self._snapshot: Any = None
        self._values_lock = threading.Lock()
        self._ready = False
        self._compiler: threading.Thread | None = None
        self._quiet_s = 0.0
        self._last_call = 0.0
        self._compile_done = threading.Event()
        self._stop = threading.Event()
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
        """Traces and compiles every function now, so generation never waits for one
        (a shape compiled before, for another runner, only runs once)."""
        steps = self._compile_steps()
        with self._program.compiling:
            for i, (name, run) in enumerate(steps):
                if not self._program.is_ready(name):
                    run()
                    self._program.mark_ready(name)
                    release_free_memory()
                if on_progress is not None:
                    on_progress(i + 1, len(steps))

    def prepare_in_background(self, quiet_s: float = 0.0) -> None:
        """Starts :meth:`prepare` in a thread of its own and returns at once.

        The runner answers meanwhile: until a function is ready, its math runs
        in the any-length graph (eagerly until that is traced, ~1 s), so a
        request never waits for a compile, and each call takes the compiled
        function as soon as it is there. The picks are the same either way
        (see core/engine/sampling.py). :meth:`stop_compiling` ends the thread
        after the function under way; :meth:`wait_compiled` waits for it.

        ``quiet_s`` > 0 (the app): after the any-length graph, each compile
        waits until the runner has not been called for that long, i.e. a
        stream under way is not shared with it. Tracing the decode loop holds
        Python's lock for ~0.6 s at a time in TensorFlow's C++ (gpt2,
        measured: the GUI thread's timer stalled 608 ms) and compiling takes
        ~300 MB for a while: both would land on a writer's first stream.
        """
        if self._compiler is not None:
            return
        self._quiet_s = quiet_s

        def run() -> None:
            try:
                self.prepare()
            except _CompileStopped:
                pass
            except Exception:  # the eager path still answers; say why it stays slow
                log.exception("compiling the decode functions failed")
            finally:
                self._compile_done.set()

        # daemon=False said: a thread started from a QThread (a "dummy" thread to
        # Python, a daemon) would otherwise be a daemon too.
        self._compiler = threading.Thread(target=run, name=THREAD_NAME, daemon=False)
        self._compiler.start()

    def stop_compiling(self) -> None:
        """Ends a background compile after the function under way (the model is going away)."""
        self._stop.set()

    def wait_compiled(self, timeout: float | None = None) -> bool:
        """Waits for a background compile to end; True once it has (or none was started)."""
        if self._compiler is None:
            return True
        return self._compile_done.wait(timeout)

    def _compile_steps(self) -> list[tuple[str, Callable[[], Any]]]:
        """Each function with a first call that compiles it; none writes a position
        a request uses.

        The any-length graph first (~1 s to trace): until it is ready a request
        runs eagerly. Then the decode loop: the longest compile, and the one that
        speeds up a request most; it also takes ~300 MB for a while (gpt2), so it
        goes while the least else is held.
        """
        tf = self._tf
        program = self._program
        greedy = Sampling.start(_GREEDY, 0, self.vocab_size, [])
        zero = tf.constant(0, tf.int32)

        def checked(run: Callable[[], Any]) -> Callable[[], Any]:
            def step() -> Any:
                # A process that is exiting waits for this (non-daemon) thread: it
                # stops after the step under way. A daemon thread would be torn
                # down mid-compile: measured, a segfault or an abort at exit.
                while self._quiet_s and time.monotonic() - self._last_call < self._quiet_s:
                    if self._stop.wait(0.05):
                        break
                if self._stop.is_set() or not threading.main_thread().is_alive():
                    raise _CompileStopped
                return run()

            return step

        def loop() -> Any:
            one, none = tf.constant(1, tf.int32), tf.constant(-1, tf.int32)
            args = (self._weights, self._cache, zero, zero, zero, one, none, zero)
            return program.loop()(*args, *greedy.tensors())

        def pick() -> Any:
            return program.picker()(tf.zeros((self.vocab_size,)), zero, *greedy.tensors())

        def write(size: int) -> Any:
            # Position 0 of this runner's cache, which no request uses until every
            # writer is ready (see _compiled): what it writes is overwritten by any use.
            kv = tf.zeros((len(self._weights.blocks), 2, self._n_head, size, self._head_dim))
            return program.writer(size)(self._cache, zero, kv)

        def feed() -> Any:
            n_layer = len(self._weights.blocks)
            past = tf.zeros((n_layer, 2, self._n_head, 0, self._head_dim))
            ids = tf.zeros((1,), tf.int32)
            return program.feeder(self._values())(self._values(), past, ids, zero)

        steps: list[tuple[str, Callable[[], Any]]] = [("feed", feed)]
        steps.append(("decode", checked(loop)))
        steps += [(f"write {size}", checked(partial(write, size))) for size in self._write_sizes]
        steps.append(("pick", checked(pick)))
        return steps

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

    def _compiled(self) -> bool:
        """Whether the cache variable is in use: the decode loop and every writer are
        compiled. Until then a request keeps its keys and values in ``_past`` and
        runs eagerly (see :meth:`prepare_in_background`)."""
        program = self._program
        if self._ready:
            return True
        names = ("decode", *(f"write {size}" for size in self._write_sizes))
        self._ready = all(program.is_ready(name) for name in names)
        return self._ready

    def _cache_in_use(self) -> bool:
        """Notes a call (see ``quiet_s``) and whether it can use the cache variable:
        once it can, an eagerly run request's keys and values are moved into it first."""
        self._last_call = time.monotonic()
        if not self._compiled():
            return False
        past, self._past = self._past, None
        if past is not None:
            self._store(past, 0)
        return True

    def _store(self, kv: Any, at: int) -> None:
        """Writes ``kv`` (layer x 2 x head x n x dim) into the cache at positions ``at...``,
        through the compiled writers (one per size in ``_write_sizes``), padded."""
        tf = self._tf
        offset, n = 0, int(kv.shape[3])
        while offset < n:
            left, start = n - offset, at + offset
            fits = [s for s in self._write_sizes if start + s <= self._slots]
            size = max([s for s in fits if s <= left], default=min(fits))
            part = kv[:, :, :, offset : offset + size, :]
            pad = size - int(part.shape[3])
            if pad:
                part = tf.pad(part, [[0, 0], [0, 0], [0, 0], [0, pad], [0, 0]])
            self._program.writer(size)(self._cache, tf.constant(start, tf.int32), part)
            offset += size

    def _feed_now(self, ids: Sequence[int], start: int) -> Any:
        """Feeds ``ids`` at ``start`` eagerly, after the request's first ``start`` positions."""
        self._last_call = time.monotonic()  # per token: an eager call of 8 takes seconds
        tf = self._tf
        past = self._past
        fed = 0 if past is None else int(past.shape[3])
        if start > fed:
            raise ValueError(f"position {start} follows positions never fed (only {fed} were)")
        if start == 0:
            n_layer = len(self._weights.blocks)
            past = tf.zeros((n_layer, 2, self._n_head, 0, self._head_dim))
        else:
            past = past[:, :, :, :start, :]
        logits = None
        step = max(self.sizes)
        for offset in range(0, len(ids), step):
            logits, kv = self._program.forward_now(
                self._values(), past, ids[offset : offset + step]
            )
            past = tf.concat([past, kv], axis=3)
        self._past = past
        return logits

    def _values(self) -> Any:
        """The weights' values, read once: ops on them never touch the variables,
        which a compile under way in the other thread may hold."""
        with self._values_lock:
            if self._snapshot is None:
                tf = self._tf
                self._snapshot = tf.nest.map_structure(tf.convert_to_tensor, self._weights)
            return self._snapshot

    def _prefill(self, ids: Sequence[int], start: int) -> Any:
        if not ids:
            raise ValueError("prefill needs at least one token")
        if start + len(ids) > self.n_ctx:
            raise ValueError(
                f"position {start + len(ids)} is past the context window ({self.n_ctx})"
            )
        if not self._cache_in_use():
            return self._feed_now(ids, start)
        logits = None
        step = max(self.sizes)
        for offset in range(0, len(ids), step):
            at = start + offset
            # The cache's positions before this chunk (a copy): the graph takes any length.
            past = self._cache[:, :, :, :at, :]
            logits, kv = self._program.forward_now(
                self._values(), past, ids[offset : offset + step]
            )
            self._store(kv, at)
        return logits

    def prefill(self, ids: Sequence[int], start: int = 0) -> np.ndarray:
        """Feeds ``ids`` at positions ``start...``; returns the logits after the last one."""
        return np.asarray(self._prefill(ids, start).numpy())

    def first(self, ids: Sequence[int], sampling: Sampling, index: int) -> int:
        """Feeds ``ids`` from position 0 and picks the token after them."""
        logits = self._prefill(ids, 0)
        token = self._pick(logits, index, sampling)
        sampling.see([token])
        return token

    def _pick(self, logits: Any, index: int, sampling: Sampling) -> int:
        tf = self._tf
        program = self._program
        pick = program.picker() if program.is_ready("pick") else pick_token
        return int(pick(logits, tf.constant(index, tf.int32), *sampling.tensors()))

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
        if not self._cache_in_use():
            return self._decode_now(token_id, pos, count, sampling, index, eos_id)
        picked, done, _ = self._decode(token_id, pos, count, sampling, index, eos_id)
        ids = [int(i) for i in picked[:done]]
        sampling.see(ids)
        return ids

    def _decode_now(
        self, token_id: int, pos: int, count: int, sampling: Sampling, index: int, eos_id: int
    ) -> list[int]:
        """:meth:`decode` eagerly, a token at a time, while the loop is not compiled."""
        self._bucket_for(pos + count)  # the same range check as the loop's
        picked: list[int] = []
        for j in range(count):
            logits = self._feed_now([token_id], pos + j)
            token_id = self._pick(logits, index + j, sampling)
            sampling.see([token_id])
            picked.append(token_id)
            if token_id == eos_id:
                break
        return picked

    def step(self, token_id: int, pos: int) -> np.ndarray:
        """Feeds one token at ``pos``; returns the logits for the next position."""
        if not self._cache_in_use():
            self._bucket_for(pos + 1)
            return np.asarray(self._feed_now([token_id], pos).numpy())
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


class _CompileStopped(Exception):
    """The runner's model went away during a background compile."""
