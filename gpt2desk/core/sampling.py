"""Choosing the next token from logits: the one place sampling happens.

The order of the logit processors is the one transformers' ``generate`` uses
(repetition penalty, temperature, top-k, top-p), so greedy decoding here gives
the same ids as ``model.generate(do_sample=False)``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

import numpy as np

from gpt2desk.core.settings import GenerationSettings


def new_seed() -> int:
    """A random seed for a request whose settings leave the seed empty."""
    return secrets.randbelow(2**63)


class Sampler:
    """Turns one row of logits into a token id, reproducibly for a given seed.

    Args:
        settings: validated generation settings.
        seed: seed of the random generator; the same seed and settings give
            the same tokens for the same logits.
    """

    def __init__(self, settings: GenerationSettings, seed: int) -> None:
        self._settings = settings
        self._rng = np.random.Generator(np.random.PCG64(seed))

    def __call__(self, logits: np.ndarray, context_ids: Iterable[int]) -> int:
        s = self._settings
        scores = np.asarray(logits, dtype=np.float32)
        if s.repetition_penalty != 1.0:
            scores = apply_repetition_penalty(scores, context_ids, s.repetition_penalty)
        if s.temperature == 0:
            return int(np.argmax(scores))
        scores = scores / np.float32(s.temperature)
        if 0 < s.top_k < scores.shape[0]:
            keep = np.argpartition(scores, -s.top_k)[-s.top_k :]
        else:
            keep = np.arange(scores.shape[0])
        kept = scores[keep].astype(np.float64)
        order = np.argsort(-kept, kind="stable")
        keep, kept = keep[order], kept[order]
        probs = np.exp(kept - kept[0])
        probs /= probs.sum()
        if s.top_p < 1.0:
            # Keep the smallest head whose mass reaches top_p (at least one token).
            cut = int(np.searchsorted(np.cumsum(probs), s.top_p, side="left")) + 1
            keep, probs = keep[:cut], probs[:cut]
            probs = probs / probs.sum()
        return int(keep[self._rng.choice(len(keep), p=probs)])


def apply_repetition_penalty(
    scores: np.ndarray, context_ids: Iterable[int], penalty: float
) -> np.ndarray:
    """CTRL-style penalty, as transformers applies it: divide positive, multiply negative."""
    ids = np.unique(np.fromiter(context_ids, dtype=np.int64))
    if ids.size == 0:
        return scores
    out = scores.copy()
    picked = out[ids]
    out[ids] = np.where(picked < 0, picked * penalty, picked / penalty)
    return out
