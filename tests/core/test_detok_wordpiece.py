"""WordPiece (BERT) ids streamed as written Chinese: no stray spaces, same text as all at once."""

# Chinese text uses fullwidth punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gpt2desk.core.engine.detok import IncrementalDetokenizer, Piece
from gpt2desk.core.engine.detok_wordpiece import (
    UNKNOWN_MARK,
    WordPieceDetokenizer,
    is_cjk,
    is_wordpiece,
    render,
)
from gpt2desk.core.engine.detokenizers import detokenizer_for, render_wordpiece

PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[unused1]"]
CJK = list("你好世界我們去公園散步今天氣很的是不了人在有中文臺灣繁體說他寫作年")
CJK_PUNCT = list("。，、！？：；「」『』（）《》…—·“”‘’")
FULLWIDTH = ["Ａ", "１", "２", "##１", "##２"]
KANA = ["の", "##の"]
WORDS = ["Hello", "The", "the", "world", "is", "a", "I", "you", "play", "model", "GPT", "2024"]
PIECES = ["##ing", "##s", "##ed", "##的", "##好", "##"]
LETTERS = [c for c in "abcdefghijklmnopqrstuvwxyzHTWG" if c not in WORDS]
DIGITS = [str(d) for d in range(10)] + ["10", "14", "000"]
ASCII_PUNCT = list(",.!?;:'\"()-/%$#")
SYMBOLS = ["°", "€", "❤", "😀", "©", "한", "국"]
CONTINUATIONS = [f"##{c}" for c in "abcdefghijklmnopqrstuvwxyzHTWGI0123456789°€❤😀©국"]
VOCAB = list(
    dict.fromkeys(
        SPECIALS
        + CJK
        + CJK_PUNCT
        + FULLWIDTH
        + KANA
        + WORDS
        + PIECES
        + LETTERS
        + DIGITS
        + ASCII_PUNCT
        + SYMBOLS
        + CONTINUATIONS
    )
)
UNK, SEP, CLS = 1, 3, 2


@pytest.fixture(scope="module")
def bert(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real BertTokenizerFast over a small CKIP-like vocab.txt (case kept)."""
    from transformers import BertTokenizerFast

    folder: Path = tmp_path_factory.mktemp("wordpiece")
    (folder / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    return BertTokenizerFast(
        vocab_file=str(folder / "vocab.txt"), tokenize_chinese_chars=True, do_lower_case=False
    )


def ids_of(tok: Any, *tokens: str) -> list[int]:
    return [tok.convert_tokens_to_ids(t) for t in tokens]


def stream(
    tok: Any,
    ids: list[int],
    prompt_ids: list[int] | None = None,
    eos_id: int | None = None,
    prompt_text: str | None = None,
) -> list[Piece]:
    detok = detokenizer_for(tok, prompt_ids or [], eos_id, prompt_text)
    pieces = [detok.push_piece(i) for i in ids]
    return [*pieces, detok.flush_piece()]


def show(tok: Any, *tokens: str, **kwargs: Any) -> str:
    """The streamed text of ``tokens``, checked against rendering them all at once."""
    ids = ids_of(tok, *tokens)
    text = "".join(p.text for p in stream(tok, ids, **kwargs))
    assert text == render(tok, ids, **kwargs)
    return text


# --- what a reader sees ------------------------------------------------------------


def test_chinese_has_no_spaces(bert: Any) -> None:
    assert show(bert, *"我們去公園散步，今天天氣很好！") == "我們去公園散步，今天天氣很好！"
    assert show(bert, "「", "你", "好", "」", "他", "說", "。") == "「你好」他說。"


def test_latin_words_take_one_space_and_pieces_join(bert: Any) -> None:
    assert show(bert, "Hello", "world", "!") == "Hello world!"
    assert show(bert, "play", "##ing", "the", "model", "##s") == "playing the models"
    assert show(bert, "GPT", "-", "2", "model") == "GPT-2 model"


def test_space_after_ascii_punctuation_only_before_a_letter(bert: Any) -> None:
    assert show(bert, "Hello", ".", "The", "world", "!") == "Hello. The world!"
    assert show(bert, "3", ".", "14") == "3.14"
    assert show(bert, "1", ",", "000") == "1,000"
    assert show(bert, "a", ",", "b", ";", "c", ":", "d", "?", "I") == "a, b; c: d? I"
    assert show(bert, "(", "a", ")", "'", "s", "/", "b") == "(a)'s/b"


def test_no_space_between_chinese_and_latin_or_digits(bert: Any) -> None:
    assert (
        show(bert, "我", "們", "play", "GPT", "2024", "。", "Hello") == "我們play GPT 2024。Hello"
    )
    assert show(bert, "Hello", ".", "你", "好", "１", "##２", "年") == "Hello.你好１２年"
    # Full-width letters and digits are parts of words, as BERT reads them.
    assert show(bert, "１", "##２", "Ａ") == "１２ Ａ"
    assert show(bert, "の", "##の", "の") == "ののの"


def test_separator_is_a_line_break_unless_it_ends_the_text(bert: Any) -> None:
    assert show(bert, "你", "好", "[SEP]", "Hello", "[SEP]") == "你好\nHello\n"
    assert show(bert, "Hello", "[SEP]", "world") == "Hello\nworld"
    assert show(bert, "你", "好", "[SEP]", eos_id=SEP) == "你好"


def test_unknown_is_a_visible_mark_spaced_like_a_word(bert: Any) -> None:
    assert show(bert, "I", "[UNK]", "you") == f"I {UNKNOWN_MARK} you"
    assert show(bert, "你", "[UNK]", "好", "[UNK]") == f"你{UNKNOWN_MARK}好{UNKNOWN_MARK}"


def test_tokens_that_mark_no_text_show_nothing_and_wait(bert: Any) -> None:
    ids = ids_of(bert, "Hello", "[CLS]", "[PAD]", "[MASK]", "[unused1]", "world", "[CLS]")
    pieces = stream(bert, ids)
    assert pieces == [
        Piece("Hello", (ids[0],)),
        Piece("", ()),
        Piece("", ()),
        Piece("", ()),
        Piece("", ()),
        Piece(" world", tuple(ids[1:6])),
        Piece("", ()),
        Piece("", (ids[6],)),  # flushed: covers what showed nothing
    ]


def test_first_piece_joins_the_prompt_by_the_same_rules(bert: Any) -> None:
    world = ids_of(bert, "world")
    assert show(bert, "world", prompt_ids=ids_of(bert, "Hello")) == " world"
    assert show(bert, "world", prompt_ids=ids_of(bert, "你", "好")) == "world"
    assert show(bert, "##ing", prompt_ids=ids_of(bert, "play")) == "ing"
    assert show(bert, "The", prompt_ids=ids_of(bert, "3", ".")) == " The"
    assert show(bert, "14", prompt_ids=ids_of(bert, "3", ".")) == "14"
    # An empty prompt starts from [CLS]: nothing to space from.
    assert show(bert, "world", prompt_ids=[CLS]) == "world"
    # The prompt as typed wins over its ids, which do not keep its trailing space.
    assert show(bert, "world", prompt_ids=ids_of(bert, "Hello"), prompt_text="Hello ") == "world"
    assert show(bert, "world", prompt_text="Hello\n") == "world"
    assert show(bert, "world", prompt_text="Assistant:") == " world"
    assert show(bert, "你", prompt_text="Assistant:") == "你"
    assert show(bert, "world", prompt_text="") == "world"
    # The prompt's own text is never part of the stream.
    assert "".join(p.text for p in stream(bert, world, ids_of(bert, "你", "好"))) == "world"


def test_ids_outside_the_vocabulary_show_nothing(bert: Any) -> None:
    assert render(bert, [len(VOCAB) + 5, *ids_of(bert, "你")]) == "你"


def test_push_after_flush_is_refused(bert: Any) -> None:
    detok = WordPieceDetokenizer(bert)
    detok.flush()
    with pytest.raises(RuntimeError, match="flush"):
        detok.push(UNK)


def test_tokenizer_kind_picks_the_detokenizer(
    bert: Any, tiny_tokenizer: Any, tmp_path: Path
) -> None:
    from transformers import BertTokenizer

    (tmp_path / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    slow = BertTokenizer(vocab_file=str(tmp_path / "vocab.txt"), do_lower_case=False)
    assert is_wordpiece(bert) and is_wordpiece(slow)
    assert not is_wordpiece(tiny_tokenizer)
    assert isinstance(detokenizer_for(bert, [], None), WordPieceDetokenizer)
    assert isinstance(detokenizer_for(tiny_tokenizer, [], None), IncrementalDetokenizer)
    # The slow tokenizer's vocabulary strings render the same.
    ids = bert.encode("Hello.你好 world 3.14", add_special_tokens=False)
    assert render(slow, ids) == render(bert, ids) == "Hello.你好world 3.14"


def test_render_wordpiece_over_vocabulary_strings(bert: Any) -> None:
    tokens = ["你", "好", "[SEP]", "play", "##ing", "[CLS]", ".", "The", "[UNK]"]
    assert render_wordpiece(tokens) == f"你好\nplaying. The {UNKNOWN_MARK}"
    assert render_wordpiece(tokens, sep_is_eos=True) == f"你好playing. The {UNKNOWN_MARK}"
    ids = ids_of(bert, *tokens)
    assert render_wordpiece(bert.convert_ids_to_tokens(ids)) == render(bert, ids)


# --- properties ----------------------------------------------------------------------

ALL_TOKENS = st.sampled_from(VOCAB)
PROMPT_TEXT = st.one_of(
    st.none(), st.text(st.sampled_from([*"你。Ａa1.,:!? \n「」😀-"]), max_size=3)
)


def wordish(char: str) -> bool:
    """A character BERT reads as part of a word (letters, digits, symbols, emoji)."""
    punct = unicodedata.category(char).startswith("P") or (char.isascii() and not char.isalnum())
    return not (char.isspace() or punct or is_cjk(char))


def assert_spacing(text: str) -> None:
    """(b) no space next to CJK or full-width punctuation, (c) only single, expected spaces."""
    assert "  " not in text
    for i, char in enumerate(text):
        if char == " ":
            assert 0 < i < len(text) - 1, repr(text)
            left, right = text[i - 1], text[i + 1]
            assert not is_cjk(left) and not is_cjk(right), repr(text)
            # Between two words, or after , . ! ? ; : before a letter: nowhere else.
            assert wordish(right), repr(text)
            assert wordish(left) or (left in ",.!?;:" and right.isalpha()), repr(text)


@PROPERTY
@given(
    tokens=st.lists(ALL_TOKENS, max_size=30),
    prompt=st.lists(ALL_TOKENS, max_size=4),
    prompt_text=PROMPT_TEXT,
    sep_ends=st.booleans(),
)
def test_streamed_pieces_are_the_rendering_without_stray_spaces(
    bert: Any, tokens: list[str], prompt: list[str], prompt_text: str | None, sep_ends: bool
) -> None:
    ids, prompt_ids = ids_of(bert, *tokens), ids_of(bert, *prompt)
    eos = SEP if sep_ends else None
    pieces = stream(bert, ids, prompt_ids, eos, prompt_text)
    text = render(bert, ids, prompt_ids, eos, prompt_text)
    # (a) the stream is the rendering of all ids at once, and covers every id once.
    assert "".join(p.text for p in pieces) == text
    assert [i for p in pieces for i in p.token_ids] == ids
    assert all(bool(p.text) == bool(p.token_ids) for p in pieces[:-1])
    # (b), (c), also across the join with what the reader already sees.
    if prompt_text is not None:
        before = prompt_text[-1:]
    else:
        before = render(bert, prompt_ids, eos_id=eos)[-1:]
    if before and not before.isspace():
        assert_spacing(before + text)
    else:
        assert not text.startswith(" ")
        assert_spacing(text)
    # Nothing is lost or changed: the vocabulary strings, "##" taken off, spaces aside.
    if not any(t in SPECIALS for t in tokens):
        assert text.replace(" ", "") == "".join(
            t[2:] if t.startswith("##") and t != "##" else t for t in tokens
        )


WRITABLE = [t for t in VOCAB if t not in SPECIALS and not t.startswith("##") and t not in KANA]


@PROPERTY
@given(parts=st.lists(st.tuples(st.sampled_from(WRITABLE), st.sampled_from(["", "", " ", "\n"]))))
def test_rendered_text_encodes_back_to_the_same_ids(
    bert: Any, parts: list[tuple[str, str]]
) -> None:
    """(d) encode(render(ids)) == ids for every ``ids`` the tokenizer itself produces.

    Precisely: ``ids = encode(text)`` for any text of vocabulary characters and
    words (no kana), as long as ``ids`` holds no [UNK]. Ids no text encodes to
    (a word followed by its own "##" piece that the vocabulary has whole, a
    CJK "##" piece, a word after kana) render fine but encode differently;
    [UNK] shows as U+FFFD, which BERT's normalizer deletes.
    """
    text = "".join(word + sep for word, sep in parts)
    ids = bert.encode(text, add_special_tokens=False)
    assume(UNK not in ids)
    shown = render(bert, ids)
    assert bert.encode(shown, add_special_tokens=False) == ids
    # So text written from the stream and read back as a prompt renders the same.
    assert render(bert, bert.encode(shown, add_special_tokens=False)) == shown
    assert_spacing(shown)


# --- through the engine, with a real WordPiece GPT-2 --------------------------------


@pytest.fixture(scope="module")
def wordpiece_model(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A tiny CKIP-like model whose config has no valid EOS, so [SEP] is a line break."""
    from gpt2desk.core.engine.loading import load_model
    from gpt2desk.core.model_source import parse_model_ref
    from tests.tinywordpiece import build_tiny_wordpiece_model

    folder = build_tiny_wordpiece_model(
        tmp_path_factory.mktemp("wp-model"), eos="invalid", n_positions=128
    )
    return load_model(parse_model_ref(str(folder)), offline=True, keep_model=True)


@pytest.mark.parametrize("prompt", ["今天天氣", "Hello", "Hello ", "hello,", "你好\n", ""])
def test_generated_text_streams_as_rendered_after_the_prompt(
    wordpiece_model: Any, prompt: str
) -> None:
    from gpt2desk.core.engine.decode import Done, generate
    from gpt2desk.core.settings import GenerationSettings

    tok = wordpiece_model.tokenizer
    settings = GenerationSettings(seed=1, max_new_tokens=60)
    events = list(generate(wordpiece_model.runner, tok, prompt, settings))
    done = events[-1]
    assert isinstance(done, Done)
    text = "".join(e.text for e in events[:-1] if not isinstance(e, Done))
    ids = list(done.new_token_ids)
    assert text == render(tok, ids, eos_id=tok.eos_token_id, prompt_text=prompt)
    assert text.strip() and "[" not in text  # no [CLS]/[SEP]/[UNK] written out
    if prompt[-1:].strip():
        assert_spacing(prompt[-1] + text)
    else:
        assert not text.startswith(" ")
        assert_spacing(text)
