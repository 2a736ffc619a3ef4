"""Choosing the next token from logits: the one place sampling happens.

It runs inside the compiled decode loop (see core/engine/runner.py), so it is
TensorFlow code with every setting a tensor: no setting ever recompiles.
The order of the logit processors is the one transformers' ``generate`` uses
(repetition penalty, temperature, top-k, top-p), so greedy decoding gives the
same ids as ``model.generate(do_sample=False)``. Random draws are stateless:
token ``i`` of a request is drawn with the request's seed folded with ``i``,
so a seed gives the same text however the tokens were batched into calls and
whichever code picked them (the XLA loop, graph mode, or plain eager ops while
the loop compiles; see core/engine/runner.py). TensorFlow's own random ops do
not allow the second: XLA's Philox streams and categorical draws differ from
the CPU kernels' for the same key (measured: 0 equal picks of 50), so the
uniforms come from integer hashing, which every backend computes bit for bit,
and a categorical draw is the Gumbel-max trick over them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gpt2desk.core.settings import GenerationSettings

#: Candidates looked at when top-k is small, or when the nucleus fits; more
#: takes a full sort of the vocabulary (~8 ms for GPT-2), which only a large
#: top-k or a very flat distribution needs.
SMALL_K = 64
LARGE_K = 1024
#: Ids one request can keep sampling from ever picking (BERT's [PAD], [UNK],
#: [CLS], [MASK]); a fixed number, so the compiled loop's inputs keep one shape.
BANNED_SLOTS = 8


def new_seed() -> int:
    """A random seed for a request whose settings leave the seed empty."""
    return secrets.randbelow(2**63)


@dataclass
class Sampling:
    """What picks the tokens of one request: its settings, seed and context.

    ``seen`` marks the ids in the context, for the repetition penalty: the
    caller marks the prompt (:meth:`start`, :meth:`restart`), the runner each
    token it picks (:meth:`see`). ``banned`` are ids never picked (tokens
    that stand for no text, such as WordPiece's [PAD]); GPT-2's BPE has none.
    """

    settings: GenerationSettings
    seed: int
    seen: np.ndarray
    banned: tuple[int, ...] = ()

    @classmethod
    def start(
        cls,
        settings: GenerationSettings,
        seed: int,
        vocab_size: int,
        context: Iterable[int],
        banned: Iterable[int] = (),
    ) -> Sampling:
        never = tuple(sorted({int(i) for i in banned if 0 <= int(i) < vocab_size}))
        if len(never) > BANNED_SLOTS:
            raise ValueError(f"at most {BANNED_SLOTS} ids can be banned, not {len(never)}")
        sampling = cls(settings, seed, np.zeros(vocab_size, dtype=bool), never)
        sampling.see(context)
        return sampling

    def see(self, ids: Iterable[int]) -> None:
        marked = np.fromiter(ids, dtype=np.int64)
        self.seen[marked[(marked >= 0) & (marked < self.seen.shape[0])]] = True

    def restart(self, context: Iterable[int]) -> None:
        """The context was cut (the window slid): only what is left counts."""
        self.seen[:] = False
        self.see(context)

    def tensors(self) -> tuple[Any, ...]:
        """The inputs of :func:`pick_token` after ``logits`` and ``index``, as tensors."""
        import tensorflow as tf

        s = self.settings
        return (
            tf.constant(self.seen),
            tf.constant(s.temperature, tf.float32),
            tf.constant(s.top_k, tf.int32),
            tf.constant(s.top_p, tf.float32),
            tf.constant(s.repetition_penalty, tf.float32),
            # The 63-bit seed as the two int32 words stateless random ops take.
            tf.constant(
                np.array([self.seed >> 32, self.seed & 0xFFFFFFFF], np.uint32).view(np.int32)
            ),
            # -1 fills the slots no id takes.
            tf.constant(
                np.array([*self.banned, *[-1] * (BANNED_SLOTS - len(self.banned))], np.int32)
            ),
        )


def pick_token(
    logits: Any,
    index: Any,
    seen: Any,
    temperature: Any,
    top_k: Any,
    top_p: Any,
    penalty: Any,
    seed: Any,
    banned: Any,
) -> Any:
    """The id picked from one row of ``logits`` (an int32 scalar tensor).

    ``index`` is the token's number within the request; with ``seed`` it
    decides the random draw. ``temperature`` 0 is greedy. The ids in
    ``banned`` (BANNED_SLOTS of them, -1 for none) are never picked.
    """
    import tensorflow as tf

    vocab = int(logits.shape[0])
    # The banned ids' logits become -inf (as transformers' suppress_tokens does):
    # a scatter of BANNED_SLOTS values, min'd with +inf where a slot is empty,
    # so a model with nothing banned pays for 8 elements, not the vocabulary.
    used = banned >= 0
    logits = tf.tensor_scatter_nd_min(
        logits,
        tf.where(used, banned, 0)[:, None],
        tf.where(used, tf.constant(-np.inf, logits.dtype), tf.constant(np.inf, logits.dtype)),
    )
    small, large = min(SMALL_K, vocab), min(LARGE_K, vocab)
    # CTRL-style penalty, as transformers applies it: divide positive, multiply negative.
    scores = tf.where(seen, tf.where(logits < 0, logits * penalty, logits / penalty), logits)
    key = tf.random.experimental.stateless_fold_in(seed, index)

    def draw(candidates: Any) -> Any:
        # Gumbel-max: the argmax of log-weights plus Gumbel noise is a draw with
        # softmax probabilities; -inf candidates are never picked.
        u = hashed_uniforms(key, int(candidates.shape[0]))
        return tf.argmax(candidates - tf.math.log(-tf.math.log(u)), output_type=tf.int32)

    def sample() -> Any:
        t = scores / temperature
        k_eff = tf.where((top_k > 0) & (top_k < vocab), top_k, vocab)

        def nucleus(vals: Any, idx: Any, lse: Any = None) -> Any:
            # vals/idx: the most likely candidates, best first.
            in_k = tf.range(tf.shape(vals)[0]) < k_eff
            if lse is None:
                lse = tf.reduce_logsumexp(tf.where(in_k, vals, -np.inf))
            probs = tf.where(in_k, tf.exp(vals - lse), 0.0)
            # The smallest head whose mass reaches top_p (at least one token).
            keep = in_k & (tf.cumsum(probs, exclusive=True) < top_p)
            return tf.gather(idx, draw(tf.where(keep, vals, -np.inf)))

        def head(k: int) -> Any:
            return nucleus(*tf.math.top_k(t, k))

        def open_nucleus() -> Any:
            # No top-k: the nucleus nearly always lies among the LARGE_K best;
            # check with the whole distribution's mass before trusting that.
            lse = tf.reduce_logsumexp(t)
            vals, idx = tf.math.top_k(t, large)
            covered = tf.reduce_sum(tf.exp(vals - lse)) >= top_p
            return tf.cond(covered, lambda: nucleus(vals, idx, lse), lambda: head(vocab))

        branch = tf.where(
            k_eff <= small,
            0,
            tf.where(k_eff <= large, 1, tf.where(k_eff < vocab, 4, tf.where(top_p >= 1, 2, 3))),
        )
        return tf.switch_case(
            branch,
            [lambda: head(small), lambda: head(large), lambda: draw(t), open_nucleus],
            default=lambda: head(vocab),
        )

    return tf.cond(temperature > 0, sample, lambda: tf.argmax(scores, output_type=tf.int32))


def _mix(tf: Any, x: Any) -> Any:
    """A 32-bit integer hash (lowbias32) over uint32 tensors."""
    x = tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 16)) * tf.constant(
        0x7FEB352D, tf.uint32
    )
    x = tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 15)) * tf.constant(
        0x846CA68B, tf.uint32
    )
    return tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 16))


def hashed_uniforms(key: Any, n: int) -> Any:
    """``n`` uniforms in (0, 1) from a two-word int32 ``key``, the same bits on every backend."""
    import tensorflow as tf

    words = tf.bitcast(key, tf.uint32)
    xor = tf.bitwise.bitwise_xor
    salt = _mix(tf, xor(words[0], _mix(tf, words[1])))
    bits = _mix(tf, xor(tf.cast(tf.range(n), tf.uint32), salt))
    # 23 random bits, centred in their step: never 0 or 1 (with 24, the top one
    # rounds to 1.0 in float32, whose Gumbel noise is infinite).
    return (tf.cast(tf.bitwise.right_shift(bits, 9), tf.float32) + 0.5) * (1.0 / (1 << 23))
