"""Streaming detokenization: what the user sees must match the final text, with no garbage."""

# Chinese text uses fullwidth punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gpt2desk.core.engine.detok import REPLACEMENT_CHAR, IncrementalDetokenizer, Piece

FFFD = REPLACEMENT_CHAR
PROPERTY = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Plenty of multi-byte characters: CJK, emoji with skin tones, ZWJ families, flags.
SPECIAL_CHARS = [*"你好世界繁體中文測試，。！臺灣🙂📚👍🏽🇹🇼☀️é\u200d\ufffd", "👨‍👩‍👧‍👦"]
# Lone surrogates are excluded: they are not text, and tokenizers refuse them (TypeError).
TEXT = st.lists(
    st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL_CHARS)), max_size=30
).map("".join)


def decode(tok: Any, ids: list[int]) -> str:
    return str(tok.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False))


def byte_ids(tok: Any, data: bytes) -> list[int]:
    """Ids of the single-byte tokens spelling ``data`` (splits characters on purpose)."""
    from transformers.models.gpt2.tokenization_gpt2 import bytes_to_unicode

    table = bytes_to_unicode()
    return [tok.convert_tokens_to_ids(table[b]) for b in data]


def stream(tok: Any, ids: list[int], prompt_ids: list[int] | None = None) -> list[Piece]:
    """Push every id, then flush; returns all pieces, the flushed one last."""
    detok = IncrementalDetokenizer(tok, prompt_ids or ())
    pieces = [detok.push_piece(i) for i in ids]
    pieces.append(detok.flush_piece())
    return pieces


def assert_stream_matches(tok: Any, ids: list[int], prompt_ids: list[int] | None = None) -> str:
    """Check the streaming contract against decoding all ids at once; return the text."""
    pieces = stream(tok, ids, prompt_ids)
    final = decode(tok, ids)
    assert "".join(p.text for p in pieces) == final
    covered = [i for p in pieces for i in p.token_ids]
    assert covered == ids
    pos = 0
    for piece in pieces[:-1]:
        # Each streamed piece is exactly the final text at its position, so any
        # U+FFFD shown mid-stream is really in the result, never a half character.
        assert piece.text == final[pos : pos + len(piece.text)]
        assert not piece.text.endswith(FFFD)
        assert bool(piece.text) == bool(piece.token_ids)
        pos += len(piece.text)
    return final


@PROPERTY
@given(text=TEXT)
def test_streamed_text_equals_decoded_text(tiny_tokenizer: Any, text: str) -> None:
    ids = tiny_tokenizer.encode(text)
    assert assert_stream_matches(tiny_tokenizer, ids) == text
    # Valid text never shows a replacement character that was not typed.
    for piece in stream(tiny_tokenizer, ids):
        assert piece.text.count(FFFD) <= text.count(FFFD)


@PROPERTY
@given(data=st.data())
def test_random_ids_stream_exactly_like_decode(tiny_tokenizer: Any, data: st.DataObject) -> None:
    ids_strategy = st.lists(st.integers(0, len(tiny_tokenizer) - 1), max_size=40)
    ids = data.draw(ids_strategy, label="ids")
    prompt_ids = data.draw(ids_strategy, label="prompt_ids")
    assert_stream_matches(tiny_tokenizer, ids)
    assert_stream_matches(tiny_tokenizer, ids, prompt_ids)


@PROPERTY
@given(prompt=TEXT, continuation=TEXT)
def test_prompt_context_is_never_emitted(
    tiny_tokenizer: Any, prompt: str, continuation: str
) -> None:
    prompt_ids = tiny_tokenizer.encode(prompt)
    ids = tiny_tokenizer.encode(continuation)
    assert assert_stream_matches(tiny_tokenizer, ids, prompt_ids) == continuation


def test_character_split_across_tokens_appears_whole(tiny_tokenizer: Any) -> None:
    ids = byte_ids(tiny_tokenizer, "你".encode())
    assert len(ids) == 3
    detok = IncrementalDetokenizer(tiny_tokenizer)
    assert [detok.push_piece(i) for i in ids] == [
        Piece("", ()),
        Piece("", ()),
        Piece("你", tuple(ids)),
    ]
    assert detok.flush() == ""


def test_chinese_sentence_streams_without_replacement_chars(tiny_tokenizer: Any) -> None:
    text = "繁體中文測試：你好，世界！今天天氣很好。"
    ids = tiny_tokenizer.encode(text)
    assert len(ids) > 5
    detok = IncrementalDetokenizer(tiny_tokenizer)
    pieces = [detok.push(i) for i in ids]
    assert all(FFFD not in p for p in pieces)
    assert "".join(pieces) + detok.flush() == text


@pytest.mark.parametrize("emoji", ["👨‍👩‍👧‍👦", "👍🏽", "🇹🇼", "🧑🏽‍💻 codes"])
def test_emoji_sequences_stream_intact(tiny_tokenizer: Any, emoji: str) -> None:
    text = f"Hi {emoji}!"
    ids = tiny_tokenizer.encode(text)
    detok = IncrementalDetokenizer(tiny_tokenizer)
    pieces = [detok.push(i) for i in ids]
    assert all(FFFD not in p for p in pieces)
    assert "".join(pieces) + detok.flush() == text


def test_model_stopping_mid_character_flushes_what_decode_gives(tiny_tokenizer: Any) -> None:
    ids = byte_ids(tiny_tokenizer, b"ok \xe4\xbd")  # "ok " then 2 of the 3 bytes of "你"
    detok = IncrementalDetokenizer(tiny_tokenizer)
    assert "".join(detok.push(i) for i in ids) == "ok "
    assert detok.pending_ids == tuple(ids[3:])
    assert detok.flush() == FFFD == decode(tiny_tokenizer, ids[3:])
    assert detok.flush() == ""


def test_invalid_bytes_mid_stream_are_shown_once_followed_by_text(tiny_tokenizer: Any) -> None:
    ids = byte_ids(tiny_tokenizer, b"\x80a")  # a stray continuation byte, then "a"
    detok = IncrementalDetokenizer(tiny_tokenizer)
    assert detok.push(ids[0]) == ""
    assert detok.push(ids[1]) == FFFD + "a"


def test_end_of_text_token_is_emitted_verbatim(tiny_tokenizer: Any) -> None:
    ids = [*tiny_tokenizer.encode("The end."), tiny_tokenizer.eos_token_id]
    assert assert_stream_matches(tiny_tokenizer, ids) == "The end.<|endoftext|>"


def test_numpy_ids_are_accepted(tiny_tokenizer: Any) -> None:
    ids = tiny_tokenizer.encode("你好 world")
    detok = IncrementalDetokenizer(tiny_tokenizer)
    text = "".join(detok.push(np.int32(i)) for i in ids)  # type: ignore[arg-type]
    assert text + detok.flush() == "你好 world"


def test_push_after_flush_is_refused(tiny_tokenizer: Any) -> None:
    detok = IncrementalDetokenizer(tiny_tokenizer)
    detok.flush()
    with pytest.raises(RuntimeError, match="flush"):
        detok.push(tiny_tokenizer.eos_token_id)


class _CountingTokenizer:
    """The real tokenizer, recording how many ids each decode call gets."""

    def __init__(self, tok: Any) -> None:
        self.tok = tok
        self.lengths: list[int] = []

    def decode(
        self,
        token_ids: list[int],
        skip_special_tokens: bool = False,
        clean_up_tokenization_spaces: bool | None = None,
    ) -> str:
        self.lengths.append(len(token_ids))
        return str(self.tok.decode(token_ids, skip_special_tokens, clean_up_tokenization_spaces))


def test_cost_per_token_does_not_grow_with_the_stream(tiny_tokenizer: Any) -> None:
    text = "Once upon a time 你好世界 🙂 the fox jumps. " * 100
    ids = tiny_tokenizer.encode(text)
    counting = _CountingTokenizer(tiny_tokenizer)
    prompt_ids = tiny_tokenizer.encode("A long prompt. " * 50)
    detok = IncrementalDetokenizer(counting, prompt_ids)
    out = "".join(detok.push(i) for i in ids) + detok.flush()
    assert out == text
    assert len(ids) > 1000
    assert max(counting.lengths) <= 8
