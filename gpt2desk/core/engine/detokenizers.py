"""Which streaming detokenizer a tokenizer gets: byte-level BPE or WordPiece."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gpt2desk.core.engine import detok_wordpiece
from gpt2desk.core.engine.detok import IncrementalDetokenizer, StreamDetokenizer


def detokenizer_for(
    tokenizer: Any,
    prompt_ids: Sequence[int] = (),
    eos_id: int | None = None,
    prompt_text: str | None = None,
) -> StreamDetokenizer:
    """The streaming detokenizer that fits ``tokenizer``'s kind.

    WordPiece (BERT) vocabularies get
    :class:`~gpt2desk.core.engine.detok_wordpiece.WordPieceDetokenizer`, which writes
    Chinese without spaces and needs the prompt's last character (or ids) and
    the model's EOS id; every other tokenizer gets :class:`IncrementalDetokenizer`
    (byte-level BPE decodes its own spaces, so only ``prompt_ids`` matter).

    Args:
        tokenizer: The model's tokenizer.
        prompt_ids: Ids fed to the model before the stream (their text is never emitted).
        eos_id: The id that ends the text (from the model's config).
        prompt_text: The prompt as written, when the caller has it.
    """
    if detok_wordpiece.is_wordpiece(tokenizer):
        return detok_wordpiece.WordPieceDetokenizer(tokenizer, prompt_ids, eos_id, prompt_text)
    return IncrementalDetokenizer(tokenizer, prompt_ids)


def render_wordpiece(
    tokens: Sequence[str], *, sep_token: str | None = "[SEP]", sep_is_eos: bool = False
) -> str:
    """WordPiece vocabulary strings as written text, as the stream shows them.

    See :func:`gpt2desk.core.engine.detok_wordpiece.render_tokens` (this is it with
    BERT's usual special tokens).
    """
    return detok_wordpiece.render_tokens(tokens, sep_token=sep_token, sep_is_eos=sep_is_eos)
