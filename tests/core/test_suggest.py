"""Autocomplete suggestions: a few words each, one seed each, cut at a sentence end."""

# Chinese text uses fullwidth punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import threading
from typing import Any

import pytest

from gpt2desk.core.engine.decode import Done, encode_tail, generate
from gpt2desk.core.engine.suggest import (
    CONTEXT_TOKENS,
    SuggestionDone,
    SuggestionPiece,
    _Cutter,
    prompt_tail,
    suggest,
    suggestion_settings,
)
from gpt2desk.core.settings import SEED_LIMIT, GenerationSettings

PROMPT = "Once upon a time"


def cut(*pieces: str) -> tuple[str, list[str], bool]:
    """Feeds pieces until one ends the suggestion: (whole text, kept parts, ended)."""
    cutter = _Cutter()
    kept = []
    for piece in pieces:
        text, ended = cutter.feed(piece)
        kept.append(text)
        if ended:
            return cutter.text, kept, True
    return cutter.text, kept, False


def test_a_suggestion_ends_after_its_sentence() -> None:
    assert cut(" the lazy", " dog.", " Then", " more") == (
        " the lazy dog.",
        [" the lazy", " dog.", ""],
        True,
    )
    assert cut(" he said", "! And")[0] == " he said!"
    assert cut(' "Stop."', " he")[0] == ' "Stop."'


def test_a_decimal_point_does_not_end_it() -> None:
    assert cut(" pi is 3.", "14 or", " so") == (
        " pi is 3.14 or so",
        [" pi is 3.", "14 or", " so"],
        False,
    )


def test_a_line_break_ends_it_but_leading_ones_stay() -> None:
    assert cut("\n\nThe", " next\nline")[0] == "\n\nThe next"
    assert cut(" end of", " line\n", "more")[:2] == (" end of line", [" end of", " line"])


def test_chinese_full_stops_end_it_at_once() -> None:
    assert cut("我們去", "公園。散步")[0] == "我們去公園。"


def test_chinese_exclamation_and_question_marks_end_it_at_once() -> None:
    assert cut("好", "美！", "我們") == ("好美！", ["好", "美！"], True)
    assert cut("真的", "嗎？", "他說") == ("真的嗎？", ["真的", "嗎？"], True)
    # Doubled marks and a closing quote stay with the sentence.
    assert cut("「真的", "嗎？！」", "他") == ("「真的嗎？！」", ["「真的", "嗎？！」"], True)
    assert cut("他問：「去", "哪？」")[0] == "他問：「去哪？」"
    # A comma or an enumeration mark does not end it.
    assert cut("我們，", "你們、", "他們")[2] is False


def test_a_latin_stop_right_before_chinese_ends_it() -> None:
    # WordPiece models write no space between "OK." and Chinese that follows.
    assert cut(" OK", ".", "我們") == (" OK.", [" OK", ".", ""], True)
    assert cut(" wow", "!", "「好") == (" wow!", [" wow", "!", ""], True)
    assert cut("圓周率是3.", "14。")[0] == "圓周率是3.14。"


def test_seeds_follow_a_fixed_seed_and_greedy_samples_anyway() -> None:
    user = GenerationSettings(temperature=0.0, seed=SEED_LIMIT - 2, top_k=5, stop=("x",))
    three = suggestion_settings(user, 3, 8)
    assert [s.seed for s in three] == [SEED_LIMIT - 2, SEED_LIMIT - 1, 0]
    assert {s.max_new_tokens for s in three} == {8}
    assert {s.temperature for s in three} == {GenerationSettings().temperature}
    assert {(s.top_k, s.stop) for s in three} == {(5, ("x",))}
    random_seeds = [s.seed for s in suggestion_settings(GenerationSettings(), 3, 8)]
    assert random_seeds == [(random_seeds[0] + i) % SEED_LIMIT for i in range(3)]


def test_three_suggestions_are_three_seeded_engine_runs(tiny: Any) -> None:
    settings = GenerationSettings(seed=0)
    events = list(suggest(tiny.runner, tiny.tokenizer, PROMPT, settings))
    done = [e for e in events if isinstance(e, SuggestionDone)]
    assert [d.index for d in done] == [0, 1, 2]
    assert [d.seed for d in done] == [0, 1, 2]
    for d in done:
        pieces = [e.text for e in events if isinstance(e, SuggestionPiece) and e.index == d.index]
        assert "".join(pieces) == d.text
        alone = GenerationSettings(max_new_tokens=8, seed=d.seed)
        run = list(generate(tiny.runner, tiny.tokenizer, PROMPT, alone))
        whole = "".join(e.text for e in run if not isinstance(e, Done))
        assert whole.startswith(d.text)
        if d.reason == "length":
            assert d.text == whole
        assert d.new_tokens <= 8


def test_cancel_ends_the_current_one_and_starts_no_other(tiny: Any) -> None:
    cancel = threading.Event()
    # Seed 5 runs 1000 tokens with no sentence end on this prompt.
    stream = suggest(
        tiny.runner,
        tiny.tokenizer,
        PROMPT,
        GenerationSettings(seed=5),
        max_new_tokens=1000,
        cancel=cancel,
    )
    first = next(stream)
    assert isinstance(first, SuggestionPiece) and first.index == 0
    cancel.set()
    rest = list(stream)
    assert isinstance(rest[-1], SuggestionDone)
    assert (rest[-1].index, rest[-1].reason) == (0, "cancelled")
    assert rest[-1].new_tokens < 5
    assert all(e.index == 0 for e in rest)


def test_only_the_end_of_a_long_draft_is_read(tiny: Any, prompt_of: Any) -> None:
    long_prompt = prompt_of(900)
    ids, was_cut = encode_tail(tiny.tokenizer, long_prompt, CONTEXT_TOKENS)
    assert was_cut
    tail = tiny.tokenizer.decode(ids)
    settings = GenerationSettings(seed=3)
    from_long = list(suggest(tiny.runner, tiny.tokenizer, long_prompt, settings, count=1))
    from_tail = list(suggest(tiny.runner, tiny.tokenizer, tail, settings, count=1))
    assert from_long == from_tail


def test_bad_settings_are_refused_before_any_token(tiny: Any) -> None:
    with pytest.raises(ValueError, match="Temperature"):
        next(suggest(tiny.runner, tiny.tokenizer, PROMPT, GenerationSettings(temperature=-1)))


def test_a_cut_draft_still_ends_as_written(tmp_path: Any, tiny_tokenizer: Any) -> None:
    """A long draft ending in a space gets "world", not " world" (no double space)."""
    from transformers import BertTokenizerFast

    from tests.tinywordpiece import write_vocab

    write_vocab(tmp_path)
    bert = BertTokenizerFast(
        vocab_file=str(tmp_path / "vocab.txt"), tokenize_chinese_chars=True, do_lower_case=False
    )
    for tok in (bert, tiny_tokenizer):
        for ending in (" ", "\n", "\n\n", ""):
            draft = "今天天氣很好，我們去公園散步。" * 200 + "Hello" + ending
            assert encode_tail(tok, draft, CONTEXT_TOKENS)[1]  # long enough to be cut
            tail = prompt_tail(tok, draft)
            assert tail.endswith("Hello" + ending)
            assert len(tail) < len(draft)
    assert prompt_tail(bert, "short ") == "short "
    assert prompt_tail(bert, "") == ""
