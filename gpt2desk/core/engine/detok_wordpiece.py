"""Streaming text for WordPiece (BERT) vocabularies, written as Chinese is written.

BERT's own ``decode`` puts a space between every two tokens, so Chinese comes
out as "你 好 世 界". This renders the vocabulary strings instead:

- a continuation piece ("##ing") joins the previous token with no space;
- no space next to a CJK character, kana, bopomofo, CJK or full-width
  punctuation;
- one space between two words made of letters, digits or symbols (what BERT
  itself reads as two words: "hello world", "3 14", "I ❤ you"), and after an
  ASCII ``, . ! ? ; :`` before a letter ("Hello. The", but "3.14", "1,000");
- no other space (not around brackets, quotes or dashes);
- [SEP] is a line break, unless it is the model's end of text: then it shows
  nothing, as do [CLS], [PAD], [MASK] and the "[unused…]" entries;
- [UNK] is U+FFFD, spaced like a word.

Every token's text depends only on itself and the character shown before it
(the prompt's last one for the first token), so each token is shown at once
and the pieces always add up to :func:`render` of all the new ids.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from gpt2desk.core.engine.detok import Piece

#: What [UNK] shows: the Unicode mark for a character that cannot be shown.
UNKNOWN_MARK = "\ufffd"
_SPACE_AFTER = frozenset(",.!?;:")
_UNUSED = re.compile(r"\[unused\d+\]")
# Code point ranges written without spaces: BERT's "Chinese characters" (the
# ones its tokenizer splits one by one), CJK symbols and punctuation, kana,
# bopomofo, radicals, enclosed and compatibility CJK, vertical and small forms.
_CJK_RANGES = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x3040, 0x30FF),
    (0x3100, 0x312F),
    (0x31A0, 0x33FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE1F),
    (0xFE30, 0xFE6F),
    (0x20000, 0x2FA1F),
    (0x30000, 0x323AF),
)

# What a token shows; its kind decides how it joins what came before.
_WORD, _CONTINUATION, _LINE, _HIDDEN = range(4)


class _Token(NamedTuple):
    kind: int
    text: str


def is_cjk(char: str) -> bool:
    """Whether ``char`` is written without spaces around it (CJK, full-width punctuation)."""
    cp = ord(char)
    if 0xFF00 <= cp <= 0xFFEF:
        # Full-width and half-width forms: all but the full-width letters and
        # digits, which BERT reads as parts of words like ASCII ones.
        return not ("０" <= char <= "９" or "Ａ" <= char <= "Ｚ" or "ａ" <= char <= "ｚ")  # noqa: RUF001
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def _is_punctuation(char: str) -> bool:
    """BERT's punctuation: every ASCII non-alphanumeric sign and Unicode P*."""
    cp = ord(char)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_wordish(char: str) -> bool:
    """Part of a word as BERT splits text: not a space, punctuation or CJK."""
    return not (char.isspace() or _is_punctuation(char) or is_cjk(char))


def space_between(before: str, after: str) -> bool:
    """Whether one space goes between the character ``before`` and a new word starting ``after``."""
    if not before or is_cjk(before) or is_cjk(after):
        return False
    if _is_wordish(before) and _is_wordish(after):
        return True
    return before in _SPACE_AFTER and after.isalpha()


def is_wordpiece(tokenizer: Any) -> bool:
    """Whether ``tokenizer`` is a WordPiece (BERT-style) tokenizer."""
    if getattr(tokenizer, "is_wordpiece", False) is True:  # core/engine/wordpiece.py's wrapper
        return True
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is not None:
        return type(backend.model).__name__ == "WordPiece"
    return hasattr(tokenizer, "wordpiece_tokenizer")  # the slow BertTokenizer


class _Rules:
    """What each vocabulary string shows, and how it joins what comes before.

    Args:
        unk_token: Shown as :data:`UNKNOWN_MARK`.
        sep_token: A line break, unless it is ``eos_token``.
        eos_token: Shows nothing (the text ends with it).
        hidden: Other special tokens; they show nothing.
        prefix: What marks a continuation piece ("##").
    """

    def __init__(
        self,
        *,
        unk_token: str | None = "[UNK]",
        sep_token: str | None = "[SEP]",
        eos_token: str | None = None,
        hidden: Iterable[str] = ("[PAD]", "[CLS]", "[MASK]"),
        prefix: str = "##",
    ) -> None:
        self.unk = unk_token
        self.line = sep_token if sep_token != eos_token else None
        self.hidden = {*hidden, eos_token} - {unk_token, self.line, None}
        self.prefix = prefix or "##"

    def token(self, text: Any) -> _Token:
        if not isinstance(text, str) or not text or text in self.hidden or _UNUSED.fullmatch(text):
            return _Token(_HIDDEN, "")
        if text == self.unk:
            return _Token(_WORD, UNKNOWN_MARK)
        if text == self.line:
            return _Token(_LINE, "\n")
        if text.startswith(self.prefix) and len(text) > len(self.prefix):
            return _Token(_CONTINUATION, text[len(self.prefix) :])
        return _Token(_WORD, text)


class _Vocab:
    """What each id shows, looked up once per id (a stream uses few of them)."""

    def __init__(self, tokenizer: Any, eos_id: int | None) -> None:
        # core/engine/wordpiece.py wraps BertTokenizerFast as ``fast``; use it directly.
        hf = getattr(tokenizer, "fast", tokenizer)
        self._hf = hf
        backend = getattr(hf, "backend_tokenizer", None)
        prefix = getattr(getattr(backend, "model", None), "continuing_subword_prefix", None)
        self.rules = _Rules(
            unk_token=hf.unk_token,
            sep_token=hf.sep_token,
            eos_token=self._string(eos_id) if eos_id is not None else None,
            hidden=hf.all_special_tokens,
            prefix=prefix if isinstance(prefix, str) else "##",
        )
        self._cache: dict[int, _Token] = {}

    def _string(self, token_id: int) -> str | None:
        if token_id < 0:
            return None
        try:
            text = self._hf.convert_ids_to_tokens(int(token_id))
        except (IndexError, OverflowError, ValueError):
            return None
        return text if isinstance(text, str) else None

    def __getitem__(self, token_id: int) -> _Token:
        token = self._cache.get(token_id)
        if token is None:
            token = self._cache[token_id] = self.rules.token(self._string(token_id))
        return token


def _shown(token: _Token, before: str) -> str:
    """The text ``token`` adds after text ending in ``before``."""
    if token.kind == _WORD and space_between(before, token.text[0]):
        return " " + token.text
    return token.text


def _join(tokens: Iterable[_Token], before: str) -> str:
    parts = []
    for token in tokens:
        if token.text:
            parts.append(_shown(token, before))
            before = token.text[-1]
    return "".join(parts)


def _last_char(vocab: _Vocab, ids: Sequence[int]) -> str:
    for token_id in reversed(ids):
        text = vocab[int(token_id)].text
        if text:
            return text[-1]
    return ""


def render(
    tokenizer: Any,
    ids: Sequence[int],
    prompt_ids: Sequence[int] = (),
    eos_id: int | None = None,
    prompt_text: str | None = None,
) -> str:
    """The text of ``ids`` written after the prompt, all at once (see the module)."""
    vocab = _Vocab(tokenizer, eos_id)
    before = prompt_text[-1:] if prompt_text is not None else _last_char(vocab, prompt_ids)
    return _join((vocab[int(i)] for i in ids), before)


def render_tokens(
    tokens: Iterable[str],
    *,
    sep_token: str | None = "[SEP]",
    sep_is_eos: bool = False,
    unk_token: str | None = "[UNK]",
    hidden: Iterable[str] = ("[PAD]", "[CLS]", "[MASK]"),
    before: str = "",
) -> str:
    """:func:`render` over vocabulary strings (``convert_ids_to_tokens``'s output).

    Args:
        tokens: The strings, "##" pieces and special tokens included.
        sep_token: The separator: a line break unless ``sep_is_eos``.
        sep_is_eos: Whether the separator ends the text (then it shows nothing).
        unk_token: Shown as :data:`UNKNOWN_MARK`.
        hidden: Special tokens that show nothing.
        before: The character the text follows ("" at the start of a text).
    """
    rules = _Rules(
        unk_token=unk_token,
        sep_token=sep_token,
        eos_token=sep_token if sep_is_eos else None,
        hidden=hidden,
    )
    return _join((rules.token(t) for t in tokens), before[-1:])


class WordPieceDetokenizer:
    """Turn a stream of WordPiece ids into text pieces, one visible token each.

    Same interface and contract as
    :class:`~gpt2desk.core.engine.detok.IncrementalDetokenizer`: the pieces (pushed,
    then flushed) concatenate to :func:`render` of the ids pushed, and their
    ``token_ids`` to those ids; an id that shows nothing waits in
    ``pending_ids`` for the next piece.

    Args:
        tokenizer: A BERT-style tokenizer (``convert_ids_to_tokens``, special ids).
        prompt_ids: Ids before the stream; only the last visible one matters
            (its last character decides the first token's space).
        eos_id: The model's end-of-text id; [SEP] is a line break unless it is this.
        prompt_text: The prompt as the user wrote it; when given, its last
            character decides the first space instead ("Hello " gets "world",
            not " world", though its ids do not show the space).
    """

    def __init__(
        self,
        tokenizer: Any,
        prompt_ids: Sequence[int] = (),
        eos_id: int | None = None,
        prompt_text: str | None = None,
    ) -> None:
        self._vocab = _Vocab(tokenizer, eos_id)
        if prompt_text is not None:
            self._before = prompt_text[-1:]
        else:
            self._before = _last_char(self._vocab, prompt_ids)
        self._pending: list[int] = []
        self._finished = False

    @property
    def pending_ids(self) -> tuple[int, ...]:
        """Ids pushed whose text has not been emitted yet (ones that show nothing)."""
        return tuple(self._pending)

    def push(self, token_id: int) -> str:
        """Add one token; return the text it adds (possibly "")."""
        return self.push_piece(token_id).text

    def push_piece(self, token_id: int) -> Piece:
        """Add one token; return the text it adds with the ids it covers.

        Raises:
            RuntimeError: If ``flush()`` already ended the stream.
        """
        if self._finished:
            raise RuntimeError("push() after flush(): start a new WordPieceDetokenizer")
        token_id = int(token_id)
        self._pending.append(token_id)
        token = self._vocab[token_id]
        if not token.text:
            return Piece("", ())
        text = _shown(token, self._before)
        self._before = token.text[-1]
        piece = Piece(text, tuple(self._pending))
        self._pending.clear()
        return piece

    def flush(self) -> str:
        """End the stream; return the text still pending (always "": nothing waits)."""
        return self.flush_piece().text

    def flush_piece(self) -> Piece:
        """End the stream; an empty piece covering the ids that showed nothing."""
        self._finished = True
        pending = tuple(self._pending)
        self._pending.clear()
        return Piece("", pending)
