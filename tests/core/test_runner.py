"""The static-KV-cache runner computes what transformers computes, and never retraces."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gpt2desk.core.engine.decode import Done, generate
from gpt2desk.core.settings import GenerationSettings
from tests.core.conftest import hf_generate

# Logits of the tiny model are around +-0.5; our graph and transformers' differ by ~1e-7.
ATOL = 1e-5
NEW_TOKENS = 24


@pytest.fixture(scope="module")
def ids(tiny: Any) -> list[int]:
    """1023 random non-EOS ids: the longest input the window takes in one go."""
    rng = np.random.default_rng(7)
    vocab = tiny.runner.vocab_size
    return [int(i) for i in rng.integers(1, vocab, size=tiny.runner.n_ctx - 1)]


@pytest.fixture(scope="module")
def reference(tiny: Any, ids: list[int]) -> np.ndarray:
    """transformers' logits at every position of ``ids`` (causal: position i sees ids[:i+1])."""
    import tensorflow as tf

    return np.asarray(tiny.model(tf.constant([ids], tf.int32)).logits[0].numpy())


@pytest.mark.parametrize("n_prompt", [1, 50, 900])
def test_greedy_ids_equal_transformers_generate(
    tiny: Any, prompt_of: Callable[[int], str], n_prompt: int
) -> None:
    tok = tiny.tokenizer
    prompt = prompt_of(n_prompt)
    prompt_ids = tok.encode(prompt)
    settings = GenerationSettings(max_new_tokens=NEW_TOKENS, temperature=0)
    *_, done = generate(tiny.runner, tok, prompt, settings)
    assert isinstance(done, Done)
    expected = hf_generate(tiny.model, prompt_ids, tok.eos_token_id, max_new_tokens=NEW_TOKENS)
    assert done.prompt_tokens == n_prompt
    assert not done.prompt_truncated
    # Both stop after an EOS, so the ids are equal whether or not one is produced.
    assert list(done.new_token_ids) == expected
    assert done.reason == ("eos" if expected[-1] == tok.eos_token_id else "length")


@pytest.mark.parametrize("n", [1, 2, 63, 64, 65, 128, 255, 256, 257, 300, 513, 1023])
def test_prefill_logits_equal_the_full_forward_pass(
    tiny: Any, ids: list[int], reference: np.ndarray, n: int
) -> None:
    # 64 is the prefill chunk, 256/512/1024 the cache buckets: cross both.
    logits = tiny.runner.prefill(ids[:n], 0)
    assert logits.shape == (tiny.runner.vocab_size,)
    np.testing.assert_allclose(logits, reference[n - 1], atol=ATOL, rtol=0)


@pytest.mark.parametrize("start", [1, 250, 505, 1000])
def test_steps_after_prefill_equal_the_full_forward_pass(
    tiny: Any, ids: list[int], reference: np.ndarray, start: int
) -> None:
    runner = tiny.runner
    runner.prefill(ids[:start], 0)
    for pos in range(start, min(start + 16, len(ids))):
        logits = runner.step(ids[pos], pos)
        np.testing.assert_allclose(logits, reference[pos], atol=ATOL, rtol=0, err_msg=f"{pos=}")


@pytest.mark.parametrize("cuts", [(100, 300), (64, 128), (1, 2, 3), (200, 530, 700)])
def test_prefill_in_pieces_equals_prefill_at_once(
    tiny: Any, ids: list[int], reference: np.ndarray, cuts: tuple[int, ...]
) -> None:
    runner = tiny.runner
    whole = runner.prefill(ids[: cuts[-1]], 0)
    bounds = (0, *cuts)
    for a, b in itertools.pairwise(bounds):
        logits = runner.prefill(ids[a:b], a)
        np.testing.assert_allclose(logits, reference[b - 1], atol=ATOL, rtol=0)
    np.testing.assert_allclose(logits, whole, atol=ATOL, rtol=0)


def test_a_long_request_leaves_nothing_behind_for_a_short_one(tiny: Any, ids: list[int]) -> None:
    import tensorflow as tf

    other = [int(i) for i in np.random.default_rng(8).integers(1, tiny.runner.vocab_size, 20)]
    expected = tiny.model(tf.constant([other], tf.int32)).logits[0].numpy()
    tiny.runner.prefill(ids[:900], 0)
    np.testing.assert_allclose(tiny.runner.prefill(other, 0), expected[-1], atol=ATOL, rtol=0)
    tiny.runner.prefill(ids[:900], 0)
    tiny.runner.prefill(other[:10], 0)
    for pos in range(10, 20):
        logits = tiny.runner.step(other[pos], pos)
        np.testing.assert_allclose(logits, expected[pos], atol=ATOL, rtol=0)


def test_prefill_refuses_nothing_and_positions_past_the_window(tiny: Any, ids: list[int]) -> None:
    with pytest.raises(ValueError, match="at least one token"):
        tiny.runner.prefill([], 0)
    with pytest.raises(ValueError, match="context window"):
        tiny.runner.step(ids[0], tiny.runner.n_ctx)


def test_no_tracing_after_prepare(tiny: Any, prompt_of: Callable[[int], str]) -> None:
    runner = tiny.runner
    traced = runner.traced_functions()
    # The any-length graph (prefill, and decoding while the loop compiles), the
    # decode loop, a cache writer per chunk size and for the loop, and the
    # first token's picker.
    n_writers = len({*runner.sizes, runner.decode_chunk})
    assert len(traced) == 1 + 1 + n_writers + 1
    long_prompt = " ".join(prompt_of(900) for _ in range(6))
    cases = [
        ("", GenerationSettings(max_new_tokens=5, temperature=0)),
        (prompt_of(1), GenerationSettings(max_new_tokens=40, seed=1)),
        (prompt_of(300), GenerationSettings(max_new_tokens=20, top_k=0, top_p=0.5, seed=2)),
        (prompt_of(50), GenerationSettings(max_new_tokens=3, repetition_penalty=1.3, seed=3)),
        # Truncated to half the window, then slides the window mid-stream.
        (long_prompt, GenerationSettings(max_new_tokens=600, temperature=1.5, seed=4)),
    ]
    for prompt, settings in cases:
        *_, last = generate(runner, tiny.tokenizer, prompt, settings)
        assert isinstance(last, Done)
        assert len(last.new_token_ids) == settings.max_new_tokens or last.reason == "eos"
    assert isinstance(last, Done)
    assert last.prompt_truncated
    assert last.context_shifts == 1
    assert runner.traced_functions() == traced
    counts = {name: fn.experimental_get_tracing_count() for name, fn in traced.items()}
    assert counts == dict.fromkeys(traced, 1)


def test_a_second_model_of_the_same_shape_compiles_nothing_and_writes_with_its_own_weights(
    tiny: Any, prompt_of: Callable[[int], str], tmp_path: Path
) -> None:
    """Another model of the tiny shape (other weights) runs the functions compiled for the
    first (switching to a fine-tune or back loads without compiling), each with its own
    weights and cache: both still write what transformers writes with theirs."""
    from gpt2desk.core.engine.loading import load_model
    from gpt2desk.core.model_source import parse_model_ref
    from tests.tinymodel import build_tiny_model

    traced = tiny.runner.traced_functions()
    counts = {name: fn.experimental_get_tracing_count() for name, fn in traced.items()}
    folder = build_tiny_model(tmp_path / "other", seed=5)
    other = load_model(parse_model_ref(str(folder)), offline=True, keep_model=True)
    lean = load_model(parse_model_ref(str(folder)), offline=True)
    for loaded in (other, lean):
        assert loaded.runner.traced_functions() == traced
    assert {name: fn.experimental_get_tracing_count() for name, fn in traced.items()} == counts

    settings = GenerationSettings(max_new_tokens=NEW_TOKENS, temperature=0)
    prompt = prompt_of(50)
    prompt_ids = tiny.tokenizer.encode(prompt)
    written = {}
    for name, runner, model in (
        ("tiny", tiny.runner, tiny.model),
        ("other", other.runner, other.model),
        ("lean", lean.runner, other.model),
        ("tiny again", tiny.runner, tiny.model),
    ):
        *_, done = generate(runner, tiny.tokenizer, prompt, settings)
        assert isinstance(done, Done)
        expected = hf_generate(
            model, prompt_ids, tiny.tokenizer.eos_token_id, max_new_tokens=NEW_TOKENS
        )
        assert list(done.new_token_ids) == expected, name
        written[name] = expected
    assert written["tiny"] != written["other"]  # the weights differ, so does the text


REQUESTS = [
    (1, GenerationSettings(max_new_tokens=30, temperature=0)),
    (50, GenerationSettings(max_new_tokens=30, seed=11)),
    (300, GenerationSettings(max_new_tokens=30, top_k=0, top_p=0.8, seed=12)),
    (40, GenerationSettings(max_new_tokens=30, repetition_penalty=1.4, seed=13)),
]


def _written(runner: Any, tok: Any, prompt: str, settings: GenerationSettings) -> list[int]:
    *_, done = generate(runner, tok, prompt, settings)
    assert isinstance(done, Done)
    return list(done.new_token_ids)


def test_a_runner_answers_before_anything_is_compiled_and_writes_what_the_compiled_one_writes(
    tiny: Any, prompt_of: Callable[[int], str]
) -> None:
    """A model answers while its functions compile (the first request of a launch): the
    text, sampled or greedy, is the text the compiled functions write, and answering
    compiles nothing; a request that is under way when the compile ends goes on with
    the compiled functions without a token changing."""
    from gpt2desk.core.engine.runner import GPT2Runner

    # A shape no other test compiles (its own chunk size and bucket): nothing is ready.
    fresh = GPT2Runner(tiny.model, sizes=(48,), buckets=(200,))
    tok = tiny.tokenizer
    for n, settings in REQUESTS:
        expected = _written(tiny.runner, tok, prompt_of(n), settings)
        assert _written(fresh, tok, prompt_of(n), settings) == expected
    assert fresh.traced_functions() == {}
    # The request's keys and values end at ~70 positions: a position past them is refused.
    with pytest.raises(ValueError, match="never fed"):
        fresh.step(5, 150)

    prompt, settings = prompt_of(60), GenerationSettings(max_new_tokens=60, seed=14)
    expected = _written(tiny.runner, tok, prompt, settings)
    stream = generate(fresh, tok, prompt, settings)
    head = [next(stream) for _ in range(10)]
    fresh.prepare()  # as the compile thread ends, between two bursts
    *_, done = [*head, *stream]
    assert isinstance(done, Done)
    assert list(done.new_token_ids) == expected
    names = {"feed", "decode", "pick", "write 48", "write 8"}
    assert set(fresh.traced_functions()) == names


def test_a_model_loaded_in_the_background_answers_at_once_and_compiles_beside_it(
    tmp_path: Path, prompt_of: Callable[[int], str], tiny: Any
) -> None:
    """``load_model(background=True)`` returns with nothing compiled; requests made while
    the compile thread runs write what the same model writes once it is compiled."""
    from gpt2desk.core.engine.loading import load_model
    from gpt2desk.core.model_source import parse_model_ref
    from tests.tinymodel import build_tiny_model

    # A window size of its own: its shape is compiled by this test's thread only.
    folder = build_tiny_model(tmp_path / "short", n_positions=160, seed=3)
    early = load_model(parse_model_ref(str(folder)), offline=True, background=True)
    # A shape never compiled in this process: its compile takes seconds, not this long.
    assert not early.runner.wait_compiled(0)
    tok = early.tokenizer
    during = [_written(early.runner, tok, prompt_of(n), s) for n, s in REQUESTS[:2]]
    assert early.runner.wait_compiled(timeout=120)
    after = [_written(early.runner, tok, prompt_of(n), s) for n, s in REQUESTS[:2]]
    assert during == after
    counts = {
        n: fn.experimental_get_tracing_count() for n, fn in early.runner.traced_functions().items()
    }
    assert counts == dict.fromkeys(counts, 1) and "decode" in counts


def test_a_compile_stopped_early_leaves_a_runner_that_still_answers(
    tmp_path: Path, prompt_of: Callable[[int], str], tiny: Any
) -> None:
    from gpt2desk.core.engine.loading import load_model
    from gpt2desk.core.model_source import parse_model_ref
    from tests.tinymodel import build_tiny_model

    folder = build_tiny_model(tmp_path / "shorter", n_positions=96, seed=4)
    loaded = load_model(parse_model_ref(str(folder)), offline=True, background=True)
    loaded.runner.stop_compiling()
    assert loaded.runner.wait_compiled(timeout=120)
    settings = GenerationSettings(max_new_tokens=12, temperature=0)
    first = _written(loaded.runner, loaded.tokenizer, prompt_of(20), settings)
    assert len(first) == 12 or first[-1] == loaded.tokenizer.eos_token_id
    assert _written(loaded.runner, loaded.tokenizer, prompt_of(20), settings) == first
