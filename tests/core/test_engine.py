"""The decode loop as a user sees it: reproducible, stoppable, and never garbled."""

# Chinese text uses fullwidth punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from gpt2desk.core.engine.decode import (
    Done,
    Piece,
    encode_tail,
    fit_prompt,
    generate,
    prompt_budget,
)
from gpt2desk.core.settings import GenerationSettings, SettingsError
from tests.core.conftest import PLAIN_TEXT, hf_generate

FFFD = "\ufffd"
SAMPLED = GenerationSettings(max_new_tokens=60, temperature=1.0, top_k=0, top_p=1.0)
CHINESE_PROMPTS = ["今天天氣很好，", "我喜歡寫作，也喜歡", "臺灣的夜市", "你好世界"]


def run(
    tiny: Any,
    prompt: str,
    settings: GenerationSettings,
    runner: Any = None,
    cancel: threading.Event | None = None,
) -> tuple[list[Piece], Done]:
    """All pieces of one stream, and its Done."""
    events = list(generate(runner or tiny.runner, tiny.tokenizer, prompt, settings, cancel=cancel))
    *pieces, done = events
    assert isinstance(done, Done)
    assert all(isinstance(p, Piece) for p in pieces)
    return pieces, done  # type: ignore[return-value]


def text_of(pieces: Sequence[Piece]) -> str:
    return "".join(p.text for p in pieces)


def ids_of(pieces: Sequence[Piece]) -> list[int]:
    return [i for p in pieces for i in p.token_ids]


def decode(tok: Any, ids: Sequence[int]) -> str:
    return str(tok.decode(list(ids), skip_special_tokens=False, clean_up_tokenization_spaces=False))


def with_(settings: GenerationSettings, **changes: Any) -> GenerationSettings:
    from dataclasses import replace

    return replace(settings, **changes)


class _Wrapped:
    """The real runner behind a test double."""

    def __init__(self, runner: Any) -> None:
        self._runner = runner
        self.n_ctx = runner.n_ctx
        self.vocab_size = runner.vocab_size
        self.decode_chunk = runner.decode_chunk


class EosAfter(_Wrapped):
    """The real runner, except that its token number ``n`` (0-based) is EOS.

    A random tiny model almost never ends a text by itself; this stands in for
    a model that does, without touching what it picks before.
    """

    def __init__(self, runner: Any, eos_id: int, n: int) -> None:
        super().__init__(runner)
        self._eos = eos_id
        self._n = n

    def first(self, ids: Sequence[int], sampling: Any, index: int) -> int:
        return self._cut(index, [self._runner.first(ids, sampling, index)])[0]

    def decode(
        self, token_id: int, pos: int, count: int, sampling: Any, index: int, eos_id: int
    ) -> list[int]:
        return self._cut(index, self._runner.decode(token_id, pos, count, sampling, index, eos_id))

    def _cut(self, index: int, ids: list[int]) -> list[int]:
        if index + len(ids) <= self._n:
            return ids
        return [*ids[: self._n - index], self._eos]


class Forced(_Wrapped):
    """The real runner, steered to produce ``script`` (then whatever the model likes).

    It decodes one token per call, so the forced token is what the model is
    fed next.
    """

    def __init__(self, runner: Any, script: Sequence[int]) -> None:
        super().__init__(runner)
        self._script = list(script)

    def _steer(self, index: int, token: int) -> int:
        return self._script[index] if index < len(self._script) else token

    def first(self, ids: Sequence[int], sampling: Any, index: int) -> int:
        return self._steer(index, self._runner.first(ids, sampling, index))

    def decode(
        self, token_id: int, pos: int, count: int, sampling: Any, index: int, eos_id: int
    ) -> list[int]:
        picked = self._runner.decode(token_id, pos, 1, sampling, index, eos_id)
        return [self._steer(index, picked[0])]


def text_then_half_character(tok: Any) -> tuple[int, str]:
    """A token whose bytes are whole characters followed by the start of another."""
    for token_id in range(len(tok)):
        raw = decode(tok, [token_id])
        head = raw.removesuffix(FFFD)
        if raw.endswith(FFFD) and len(head) >= 3 and FFFD not in head:
            return token_id, head
    raise AssertionError("the tiny vocabulary has no such token")


# -- reproducibility and sampling -----------------------------------------


def test_same_seed_same_text_different_seeds_different_text(tiny: Any) -> None:
    a_pieces, a = run(tiny, "Once upon a time", with_(SAMPLED, seed=1234))
    b_pieces, b = run(tiny, "Once upon a time", with_(SAMPLED, seed=1234))
    assert a.new_token_ids == b.new_token_ids
    assert text_of(a_pieces) == text_of(b_pieces)
    assert a.seed == b.seed == 1234
    others = {
        run(tiny, "Once upon a time", with_(SAMPLED, seed=s))[1].new_token_ids for s in range(3)
    }
    assert len(others | {a.new_token_ids}) == 4


def test_a_random_seed_is_reported_and_reproduces_the_text(tiny: Any) -> None:
    pieces, first = run(tiny, "The sea", SAMPLED)
    assert 0 <= first.seed < 2**63
    again_pieces, again = run(tiny, "The sea", with_(SAMPLED, seed=first.seed))
    assert again.new_token_ids == first.new_token_ids
    assert text_of(again_pieces) == text_of(pieces)


def test_top_k_1_is_greedy(tiny: Any) -> None:
    # A repetition penalty makes the greedy text vary, so the comparison means something.
    greedy = GenerationSettings(max_new_tokens=40, temperature=0, repetition_penalty=1.3)
    top1 = with_(greedy, temperature=1.5, top_k=1, seed=5)
    assert run(tiny, "User: Hello", top1)[1].new_token_ids == (
        run(tiny, "User: Hello", greedy)[1].new_token_ids
    )


def test_repetition_penalty_matches_transformers(
    tiny: Any, prompt_of: Callable[[int], str]
) -> None:
    tok = tiny.tokenizer
    prompt = prompt_of(50)
    plain = GenerationSettings(max_new_tokens=30, temperature=0)
    penalised = with_(plain, repetition_penalty=1.3)
    _, without = run(tiny, prompt, plain)
    _, with_penalty = run(tiny, prompt, penalised)
    assert with_penalty.new_token_ids != without.new_token_ids
    expected = hf_generate(
        tiny.model, tok.encode(prompt), tok.eos_token_id, max_new_tokens=30, repetition_penalty=1.3
    )
    assert list(with_penalty.new_token_ids) == expected


def test_top_p_keeps_only_the_head_of_the_distribution(tiny: Any) -> None:
    # top_p just above 0 keeps the single most likely token: greedy again.
    greedy = GenerationSettings(max_new_tokens=30, temperature=0)
    nucleus = with_(SAMPLED, max_new_tokens=30, top_p=1e-6, seed=9)
    assert run(tiny, "今天", nucleus)[1].new_token_ids == run(tiny, "今天", greedy)[1].new_token_ids


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"temperature": -0.5}, "temperature"),
        ({"top_p": 0.0}, "top_p"),
        ({"top_p": 1.5}, "top_p"),
        ({"max_new_tokens": 0}, "max_new_tokens"),
        ({"top_k": -1}, "top_k"),
        ({"repetition_penalty": 0.0}, "repetition_penalty"),
    ],
)
def test_invalid_settings_are_refused_before_any_token(
    tiny: Any, changes: dict[str, Any], field: str
) -> None:
    settings = with_(SAMPLED, seed=1, **changes)
    with pytest.raises(SettingsError) as info:
        settings.validate()
    assert info.value.field == field
    stream = generate(tiny.runner, tiny.tokenizer, "Hello", settings)
    with pytest.raises(SettingsError) as info:
        next(stream)
    assert info.value.field == field


# -- stop strings, EOS, cancel --------------------------------------------


@pytest.fixture(scope="module")
def reference_stream(tiny: Any) -> tuple[list[Piece], Done]:
    """A seeded stream of readable-ish text to take stop strings from."""
    return run(tiny, "Once upon a time", with_(SAMPLED, max_new_tokens=80, seed=42))


def test_stop_string_ends_the_text_before_it(
    tiny: Any, reference_stream: tuple[list[Piece], Done]
) -> None:
    pieces, full = reference_stream
    text = text_of(pieces)
    stop = next(
        text[i : i + 3]
        for i in range(len(text) // 2, len(text) - 3)
        if FFFD not in text[i : i + 3] and text[i : i + 3].strip()
    )
    out_pieces, done = run(
        tiny, "Once upon a time", with_(SAMPLED, max_new_tokens=80, seed=42, stop=(stop,))
    )
    assert done.reason == "stop"
    assert text_of(out_pieces) == text[: text.find(stop)]
    assert stop not in text_of(out_pieces)
    # Generation really ended there: no token after the one completing the stop string.
    assert len(done.new_token_ids) < len(full.new_token_ids)
    assert full.new_token_ids[: len(done.new_token_ids)] == done.new_token_ids
    assert tuple(ids_of(out_pieces)) == done.new_token_ids[: len(ids_of(out_pieces))]


def test_stop_string_split_across_pieces(
    tiny: Any, reference_stream: tuple[list[Piece], Done]
) -> None:
    pieces, _ = reference_stream
    text = text_of(pieces)
    boundaries = set(np.cumsum([len(p.text) for p in pieces]).tolist())
    stop = ""
    for b in sorted(boundaries):
        candidate = text[b - 2 : b + 2]
        at = text.find(candidate)
        if (
            len(candidate) == 4
            and FFFD not in candidate
            and any(at < c < at + 4 for c in boundaries)
        ):
            stop = candidate
            break
    assert stop, "no piece boundary to put a stop string across"
    out_pieces, done = run(
        tiny, "Once upon a time", with_(SAMPLED, max_new_tokens=80, seed=42, stop=(stop,))
    )
    assert done.reason == "stop"
    assert text_of(out_pieces) == text[: text.find(stop)]


def test_the_earliest_of_several_stop_strings_wins(
    tiny: Any, reference_stream: tuple[list[Piece], Done]
) -> None:
    pieces, _ = reference_stream
    text = text_of(pieces)
    late, early = text[-6:-3], text[len(text) // 3 : len(text) // 3 + 2]
    settings = with_(SAMPLED, max_new_tokens=80, seed=42, stop=(late, early))
    out_pieces, done = run(tiny, "Once upon a time", settings)
    assert done.reason == "stop"
    cut = min(i for i in (text.find(late), text.find(early)) if i >= 0)
    assert text_of(out_pieces) == text[:cut]


def test_a_stop_string_that_never_occurs_changes_nothing(
    tiny: Any, reference_stream: tuple[list[Piece], Done]
) -> None:
    pieces, full = reference_stream
    stop = "never in this text ~~~"
    assert stop not in text_of(pieces)
    out, done = run(
        tiny, "Once upon a time", with_(SAMPLED, max_new_tokens=80, seed=42, stop=(stop,))
    )
    assert done.reason == full.reason
    assert done.new_token_ids == full.new_token_ids
    assert text_of(out) == text_of(pieces)


def test_eos_ends_the_stream_and_is_not_shown(tiny: Any) -> None:
    tok = tiny.tokenizer
    eos = tok.eos_token_id
    greedy = GenerationSettings(max_new_tokens=50, temperature=0, repetition_penalty=1.3)
    _, free = run(tiny, "The quick brown fox", greedy)
    assert eos not in free.new_token_ids
    pieces, done = run(tiny, "The quick brown fox", greedy, runner=EosAfter(tiny.runner, eos, 6))
    assert done.reason == "eos"
    assert len(done.new_token_ids) == 7
    assert done.new_token_ids[-1] == eos
    assert done.new_token_ids[:6] == free.new_token_ids[:6]
    assert text_of(pieces) == decode(tok, done.new_token_ids[:-1])
    assert "<|endoftext|>" not in text_of(pieces)
    assert ids_of(pieces) == list(done.new_token_ids[:-1])


def test_the_last_words_are_shown_when_the_stream_ends_mid_character(tiny: Any) -> None:
    tok = tiny.tokenizer
    token_id, head = text_then_half_character(tok)
    greedy = GenerationSettings(max_new_tokens=3, temperature=0)
    script = [*tok.encode("Hi"), token_id]
    assert len(script) == 3
    pieces, done = run(tiny, "x", greedy, runner=Forced(tiny.runner, script))
    assert done.new_token_ids == tuple(script)
    assert done.reason == "length"
    assert text_of(pieces) == "Hi" + head + FFFD
    assert ids_of(pieces) == script
    # The same text can still hold a stop string.
    stop = head[1:]
    stopped = with_(greedy, stop=(stop,))
    pieces, done = run(tiny, "x", stopped, runner=Forced(tiny.runner, script))
    assert done.reason == "stop"
    assert text_of(pieces) == "Hi" + head[:1]


def test_cancel_ends_the_stream_within_one_token(tiny: Any) -> None:
    cancel = threading.Event()
    settings = with_(SAMPLED, max_new_tokens=1000, seed=3)
    stream = generate(tiny.runner, tiny.tokenizer, "Once", settings, cancel=cancel)
    first = next(stream)
    assert isinstance(first, Piece)
    cancel.set()
    *rest, done = list(stream)
    assert isinstance(done, Done)
    assert all(isinstance(p, Piece) for p in rest)
    assert done.reason == "cancelled"
    # The first piece holds every id sampled so far.
    assert done.new_token_ids[: len(first.token_ids)] == first.token_ids
    assert len(done.new_token_ids) <= len(first.token_ids) + 1
    assert ids_of([first, *rest]) == list(done.new_token_ids)  # type: ignore[list-item]


def test_cancel_before_the_first_token(tiny: Any) -> None:
    cancel = threading.Event()
    cancel.set()
    pieces, done = run(tiny, "Once", SAMPLED, cancel=cancel)
    assert (pieces, done.reason, done.new_token_ids) == ([], "cancelled", ())


# -- prompts and the context window ---------------------------------------


def test_long_prompt_keeps_its_end_and_the_answer_gets_its_full_length(
    tiny: Any, prompt_of: Callable[[int], str]
) -> None:
    tok = tiny.tokenizer
    prompt = prompt_of(1000)
    # Greedy: a sampled random model may end the text with EOS early.
    _, done = run(tiny, prompt, GenerationSettings(max_new_tokens=200, temperature=0))
    assert done.prompt_truncated
    budget = prompt_budget(200, tiny.n_ctx)
    assert budget == tiny.n_ctx - 200
    # At most an eighth goes to start at a line (see the chat test below).
    assert budget * 7 // 8 <= done.prompt_tokens <= budget
    assert len(done.new_token_ids) == 200
    assert done.context_shifts == 0
    kept, cut = fit_prompt(tok, prompt, budget)
    assert cut
    assert len(kept) == done.prompt_tokens
    assert prompt.endswith(decode(tok, kept))


def test_a_long_chat_is_cut_at_the_start_of_a_turn(tiny: Any) -> None:
    tok = tiny.tokenizer
    turns = [
        f"{'User' if i % 2 == 0 else 'Assistant'}: {PLAIN_TEXT[: 150 + 7 * i]}" for i in range(30)
    ]
    prompt = "\n".join(turns) + "\nAssistant:"
    assert len(tok.encode(prompt)) > tiny.n_ctx
    _, done = run(tiny, prompt, GenerationSettings(max_new_tokens=20, temperature=0))
    assert done.prompt_truncated
    kept, cut = fit_prompt(tok, prompt, prompt_budget(20, tiny.n_ctx))
    assert cut and len(kept) == done.prompt_tokens <= prompt_budget(20, tiny.n_ctx)
    text = decode(tok, kept)
    # The model sees whole turns: the kept text is the prompt from a line start on.
    assert text.startswith(("User: ", "Assistant: "))
    assert prompt.endswith(text) and prompt[-len(text) - 1] == "\n"
    # Nothing more was dropped than the partial turn: at most one line's worth.
    tail, _ = encode_tail(tok, prompt, prompt_budget(20, tiny.n_ctx))
    assert decode(tok, tail).endswith(text)
    assert len(decode(tok, tail)) - len(text) <= max(len(t) for t in turns) + 1


def test_a_cut_without_line_breaks_keeps_the_whole_tail(tiny: Any) -> None:
    tok = tiny.tokenizer
    prompt = " ".join([PLAIN_TEXT.replace("\n", " ")] * 40)
    assert "\n" not in prompt
    assert fit_prompt(tok, prompt, 300) == encode_tail(tok, prompt, 300)


def test_a_long_answer_slides_the_window(tiny: Any) -> None:
    greedy = GenerationSettings(max_new_tokens=1500, temperature=0)
    pieces, done = run(tiny, "Once upon a time", greedy)
    assert done.reason == "length"
    assert len(done.new_token_ids) == 1500
    assert done.context_shifts >= 1
    assert not done.prompt_truncated
    assert text_of(pieces) == decode(tiny.tokenizer, done.new_token_ids)


def test_after_the_window_slides_the_text_continues_from_its_newer_half(tiny: Any) -> None:
    tok = tiny.tokenizer
    prompt_ids = tok.encode("Once upon a time")
    # A repetition penalty keeps greedy text from settling into a short loop.
    settings = GenerationSettings(
        max_new_tokens=tiny.n_ctx - len(prompt_ids) + 12, temperature=0, repetition_penalty=1.3
    )
    _, done = run(tiny, "Once upon a time", settings)
    assert done.context_shifts == 1
    new = list(done.new_token_ids)
    k = tiny.n_ctx - len(prompt_ids)  # tokens in the window when it was full
    window = (prompt_ids + new[:k])[-(tiny.n_ctx // 2) :]
    expected = hf_generate(
        tiny.model, window, tok.eos_token_id, max_new_tokens=12, repetition_penalty=1.3
    )
    assert new[k:] == expected


def test_empty_prompt_starts_a_new_document(tiny: Any) -> None:
    settings = with_(SAMPLED, max_new_tokens=20, seed=11)
    pieces, done = run(tiny, "", settings)
    assert done.prompt_tokens == 1
    assert len(done.new_token_ids) == 20 or done.reason == "eos"
    assert text_of(pieces)
    _, explicit = run(tiny, "<|endoftext|>", settings)
    assert explicit.new_token_ids == done.new_token_ids


def test_a_5_mb_prompt_is_cut_quickly(tiny: Any) -> None:
    base = PLAIN_TEXT + "\n"
    prompt = (base * (5_000_000 // len(base) + 1))[:5_000_000]
    started = time.perf_counter()
    _, done = run(tiny, prompt, GenerationSettings(max_new_tokens=10, temperature=0))
    elapsed = time.perf_counter() - started
    assert done.prompt_truncated
    assert prompt_budget(10, tiny.n_ctx) * 7 // 8 <= done.prompt_tokens
    assert done.prompt_tokens <= prompt_budget(10, tiny.n_ctx) <= tiny.n_ctx
    assert len(done.new_token_ids) == 10
    # Tokenizing all 5 MB takes ~4 s here; the tail the window can use takes milliseconds.
    assert elapsed < 2.0


# -- streaming text -----------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_streamed_chinese_text_is_never_garbled(tiny: Any, seed: int) -> None:
    tok = tiny.tokenizer
    prompt = CHINESE_PROMPTS[seed % len(CHINESE_PROMPTS)]
    pieces, done = run(tiny, prompt, with_(SAMPLED, seed=seed))
    new = list(done.new_token_ids)
    if new and new[-1] == tok.eos_token_id:
        new.pop()
    assert text_of(pieces) == decode(tok, new)
    assert all(p.text for p in pieces)
    for piece in pieces[:-1]:
        assert not piece.text.endswith(FFFD), pieces
    assert ids_of(pieces) == new


def test_multibyte_characters_really_split_across_tokens(tiny: Any) -> None:
    # Otherwise the test above could not fail: some pieces cover several ids
    # because a character's bytes arrived in more than one token.
    lengths = [
        len(p.token_ids)
        for seed in range(6)
        for p in run(tiny, "你好", with_(SAMPLED, seed=seed))[0]
    ]
    assert max(lengths) >= 2
