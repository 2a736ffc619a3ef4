"""Incremental, UTF-8-safe detokenization for streaming generation.

Follows the prefix/read offset method of text-generation-inference and vLLM:
decode a small window of recent tokens, emit only the text past what the
already-emitted part of the window decodes to, and emit nothing while the
window's text ends in U+FFFD (a character whose bytes have not all arrived).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

REPLACEMENT_CHAR = "\ufffd"

# How many prompt tokens seed the window; vLLM uses the same number. Byte-level
# BPE needs none, but SentencePiece-style decoders drop a leading space
# when a window starts at a word boundary, and context fixes that.
_PROMPT_CONTEXT = 5


class SupportsDecode(Protocol):
    """The one tokenizer method the detokenizer needs (any HF tokenizer has it)."""

    def decode(
        self,
        token_ids: list[int],
        skip_special_tokens: bool = ...,
        clean_up_tokenization_spaces: bool | None = ...,
    ) -> str:
        """Turn token ids into text."""
        ...


class Piece(NamedTuple):
    """Newly completed text and the token ids whose text it completes.

    Attributes:
        text: Text to append to the output (may be empty).
        token_ids: The ids whose text ends in this piece, in order. A pushed
            piece with empty text covers no ids; the flushed piece covers all
            still pending. Over a whole stream the pieces' ``token_ids``
            concatenate to exactly the ids pushed.
    """

    text: str
    token_ids: tuple[int, ...]


class StreamDetokenizer(Protocol):
    """What the decode loop needs: ids in, text pieces out (made by ``detokenizers``)."""

    @property
    def pending_ids(self) -> tuple[int, ...]:
        """Ids pushed whose text has not been emitted yet."""
        ...

    def push_piece(self, token_id: int) -> Piece:
        """Add one token; return the completed text with the ids it covers."""
        ...

    def flush_piece(self) -> Piece:
        """End the stream; return the pending text with the ids it covers."""
        ...


class IncrementalDetokenizer:
    """Turn a stream of token ids into text pieces that never split a character.

    For every stream, ``"".join(pieces) + flush()`` equals
    ``tokenizer.decode(new_ids, skip_special_tokens=False,
    clean_up_tokenization_spaces=False)`` for byte-level BPE tokenizers such
    as GPT-2's, and every piece is a slice of that text at its position. A
    U+FFFD inside a piece is therefore a real one (invalid bytes the model
    produced); a trailing U+FFFD is held back until the character completes,
    and only ``flush()`` may end with one (when the model stopped mid-character).

    Cost per token is at most two decodes of a window holding the last emitted piece's
    tokens plus the pending ones, independent of the stream's length.

    Args:
        tokenizer: Anything with a Hugging Face style ``decode``.
        prompt_ids: Ids before the stream; the last few give the decoder
            context (spacing), their text is never emitted. Ignored if they
            end mid-character, so that the output still matches decoding the
            new ids alone.
    """

    def __init__(self, tokenizer: SupportsDecode, prompt_ids: Sequence[int] = ()) -> None:
        self._tokenizer = tokenizer
        seed = [int(i) for i in prompt_ids[-_PROMPT_CONTEXT:]]
        seed_text = self._decode(seed)
        if seed_text.endswith(REPLACEMENT_CHAR):
            seed, seed_text = [], ""
        # _window[:_read] is already emitted (or prompt); _window[_read:] is pending.
        self._window = seed
        self._read = len(seed)
        self._prefix_text = seed_text
        self._finished = False

    @property
    def pending_ids(self) -> tuple[int, ...]:
        """Ids pushed whose text has not been emitted yet."""
        return tuple(self._window[self._read :])

    def push(self, token_id: int) -> str:
        """Add one token; return the text it completes (possibly "")."""
        return self.push_piece(token_id).text

    def push_piece(self, token_id: int) -> Piece:
        """Add one token; return the completed text with the ids it covers.

        Raises:
            RuntimeError: If ``flush()`` already ended the stream.
        """
        if self._finished:
            raise RuntimeError("push() after flush(): start a new IncrementalDetokenizer")
        self._window.append(int(token_id))
        text = self._decode(self._window)
        if text.endswith(REPLACEMENT_CHAR) or len(text) <= len(self._prefix_text):
            return Piece("", ())
        piece = Piece(text[len(self._prefix_text) :], tuple(self._window[self._read :]))
        # The tokens just emitted become the next window's prefix (its context).
        self._window = self._window[self._read :]
        self._read = len(self._window)
        self._prefix_text = self._decode(self._window)
        return piece

    def flush(self) -> str:
        """End the stream; return the text still pending (may end in U+FFFD)."""
        return self.flush_piece().text

    def flush_piece(self) -> Piece:
        """End the stream; return the pending text with the ids it covers.

        Calling it again returns an empty piece.
        """
        pending = tuple(self._window[self._read :])
        self._finished = True
        if not pending:
            return Piece("", ())
        text = self._decode(self._window)[len(self._prefix_text) :]
        self._window = []
        self._read = 0
        self._prefix_text = ""
        return Piece(text, pending)

    def _decode(self, ids: list[int]) -> str:
        if not ids:
            return ""
        return self._tokenizer.decode(
            ids, skip_special_tokens=False, clean_up_tokenization_spaces=False
        )
