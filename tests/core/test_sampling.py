"""The compiled sampler picks only what the settings allow, as often as it should.

The decode loop samples on the device (core/engine/sampling.py). Each case here
compiles the same function with XLA, as the runner does, and compares its
picks over many token numbers with the set and the probabilities worked out
in NumPy. The draws are seeded, so these checks give the same result on
every run.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gpt2desk.core.engine.sampling import BANNED_SLOTS, LARGE_K, SMALL_K, Sampling, pick_token
from gpt2desk.core.settings import GenerationSettings

VOCAB = 5000
DRAWS = 400


@pytest.fixture(scope="module")
def pick() -> Any:
    import tensorflow as tf

    return tf.function(pick_token, jit_compile=True)


def draws(
    pick: Any,
    logits: np.ndarray,
    settings: GenerationSettings,
    seen: Any = (),
    banned: Any = (),
    n: int = DRAWS,
) -> Any:
    import tensorflow as tf

    sampling = Sampling.start(settings, 1234, VOCAB, seen, banned)
    inputs = sampling.tensors()
    row = tf.constant(logits, tf.float32)
    return np.array([int(pick(row, tf.constant(i), *inputs)) for i in range(n)])


def allowed(logits: np.ndarray, s: GenerationSettings) -> tuple[np.ndarray, np.ndarray]:
    """The ids sampling may pick and their probabilities (transformers' rules, in float64)."""
    scores = logits.astype(np.float64) / s.temperature
    order = np.argsort(-scores, kind="stable")
    if 0 < s.top_k < VOCAB:
        order = order[: s.top_k]
    probs = np.exp(scores[order] - scores[order].max())
    probs /= probs.sum()
    cut = int(np.searchsorted(np.cumsum(probs), s.top_p, side="left")) + 1
    order, probs = order[:cut], probs[:cut]
    return order, probs / probs.sum()


def logits_with(spread: float, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).normal(size=VOCAB) * spread).astype(np.float32)


@pytest.mark.parametrize(
    ("top_k", "top_p", "spread"),
    [
        (10, 1.0, 3.0),  # top-k within the small candidate list
        (SMALL_K * 4, 0.9, 1.0),  # within the large one
        (LARGE_K * 3, 1.0, 0.5),  # past it: the whole vocabulary is sorted
        (0, 0.5, 4.0),  # no top-k, a nucleus among the large list
        (0, 0.95, 0.1),  # no top-k, a nucleus wider than the large list
    ],
)
def test_picks_stay_in_the_allowed_set_with_the_right_frequencies(
    pick: Any, top_k: int, top_p: float, spread: float
) -> None:
    logits = logits_with(spread)
    settings = GenerationSettings(temperature=0.9, top_k=top_k, top_p=top_p)
    ids, probs = allowed(logits, settings)
    picked = draws(pick, logits, settings)
    assert set(picked) <= set(ids.tolist())
    # The most likely allowed token comes up about as often as it should.
    expected = probs[0] * DRAWS
    assert abs(np.sum(picked == ids[0]) - expected) <= 4 * np.sqrt(expected) + 2
    if len(ids) > 50:
        # A wide set is really used, not only its head.
        assert len(set(picked)) > 50


def test_without_filters_every_token_can_come_up(pick: Any) -> None:
    logits = logits_with(0.01)
    picked = draws(pick, logits, GenerationSettings(temperature=1.0, top_k=0, top_p=1.0))
    # Nearly uniform over 5000 ids: 400 draws hit almost 400 different ones.
    assert len(set(picked)) > 370


def test_temperature_zero_is_the_argmax_after_the_repetition_penalty(pick: Any) -> None:
    logits = logits_with(1.0)
    best, second = np.argsort(-logits)[:2]
    greedy = GenerationSettings(temperature=0)
    assert set(draws(pick, logits, greedy)) == {best}
    # Penalising the best one (positive: divided) hands the pick to the second.
    logits[best] = abs(logits[best])
    penalised = GenerationSettings(temperature=0, repetition_penalty=1e6)
    assert set(draws(pick, logits, penalised, seen=[int(best)])) == {second}


def test_a_seed_and_a_token_number_always_give_the_same_pick(pick: Any) -> None:
    logits = logits_with(0.5)
    settings = GenerationSettings(temperature=1.0, top_k=0, top_p=1.0)
    first, again = draws(pick, logits, settings), draws(pick, logits, settings)
    assert first.tolist() == again.tolist()
    assert len(set(first)) > DRAWS // 2


#: WordPiece's [PAD] is id 0: a banned id 0 must be masked, an empty slot must not mask it.
BANNED = [0, 1, 2, 4]


@pytest.mark.parametrize(
    "settings",
    [
        GenerationSettings(temperature=0),
        GenerationSettings(temperature=5.0, top_k=0, top_p=1.0),
        GenerationSettings(temperature=2.0, top_k=3, top_p=1.0),
        GenerationSettings(temperature=1.0, top_k=LARGE_K * 2, top_p=0.9),
        GenerationSettings(temperature=1.5, top_k=0, top_p=0.5, repetition_penalty=1e6),
    ],
    ids=["greedy", "hot", "top-k", "large-k", "nucleus-penalty"],
)
def test_banned_ids_are_never_picked_however_likely(
    pick: Any, settings: GenerationSettings
) -> None:
    logits = logits_with(1.0)
    logits[BANNED] = 60.0  # far ahead of every other id, even at temperature 5
    # Unmasked, they are nearly all that comes up...
    assert np.mean(np.isin(draws(pick, logits, settings), BANNED)) > 0.95
    # ...masked, never; and the seen ones (penalised) are still masked.
    picked = draws(pick, logits, settings, seen=BANNED, banned=BANNED)
    assert not set(picked.tolist()) & set(BANNED)


def test_no_banned_ids_masks_nothing(pick: Any) -> None:
    # GPT-2's BPE bans nothing: the empty slots must not touch id 0 (their filler index).
    logits = logits_with(1.0)
    logits[0] = 30.0
    assert set(draws(pick, logits, GenerationSettings(temperature=0))) == {0}
    hot = GenerationSettings(temperature=1.0, top_k=0, top_p=1.0)
    assert np.mean(draws(pick, logits, hot) == 0) > 0.99


def test_more_banned_ids_than_slots_are_refused() -> None:
    with pytest.raises(ValueError, match="at most"):
        Sampling.start(GenerationSettings(), 1, VOCAB, (), range(BANNED_SLOTS + 1))


@pytest.mark.parametrize(
    "settings",
    [
        GenerationSettings(temperature=0.9, top_k=50, top_p=1.0),
        GenerationSettings(temperature=1.0, top_k=LARGE_K * 2, top_p=0.9),
        GenerationSettings(temperature=1.0, top_k=0, top_p=1.0),
        GenerationSettings(temperature=0.8, top_k=0, top_p=0.95, repetition_penalty=1.3),
    ],
    ids=["top-k", "large-k", "whole", "nucleus-penalty"],
)
def test_a_seed_picks_the_same_tokens_in_xla_graph_and_eager_code(
    pick: Any, settings: GenerationSettings
) -> None:
    """The decode loop (XLA), the first pick (graph mode) and the picks made while the
    loop compiles (eager) must agree, or a seed's text would depend on when it was asked."""
    import tensorflow as tf

    logits = logits_with(1.0, seed=3)
    xla = draws(pick, logits, settings, seen=[5, 6, 7], n=120)
    graph = draws(tf.function(pick_token), logits, settings, seen=[5, 6, 7], n=120)
    eager = draws(pick_token, logits, settings, seen=[5, 6, 7], n=120)
    assert xla.tolist() == graph.tolist() == eager.tolist()
    assert len(set(xla)) > 20
