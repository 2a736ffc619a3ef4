"""Short continuations for Tab autocomplete: a few words each, one seed each.

"Write With Transformer" style: the same prompt is continued several times,
one after another, each with its own seed, and each suggestion stops after a
few tokens, at the end of a sentence or at a line break. Only the end of the
prompt matters for a few words, so it is cut to a short tail first (a long
draft would otherwise be prefilled in full, once per suggestion).
"""

# Chinese sentence ends and quotes are fullwidth on purpose.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gpt2desk.core.engine.decode import CancelFlag, Done, Runner, encode_tail, generate
from gpt2desk.core.engine.sampling import new_seed
from gpt2desk.core.settings import SEED_LIMIT, GenerationSettings

COUNT = 3
MAX_NEW_TOKENS = 8
# Prompt tokens a suggestion sees: plenty for a few words, and cheap to prefill.
CONTEXT_TOKENS = 256

# A sentence ends at . ! ? … once a space follows (so "3.14" goes on), at . ! ?
# right before a CJK character (WordPiece models' text has no space there), or
# at 。！？ at once; closing quotes and brackets stay with the sentence.
_SENTENCE_END = re.compile(
    r"[.!?…]+[\"'”’)\]」』]*(?=\s)"
    r"|[.!?]+[\"'”’)\]」』]*(?=[\u2e80-\u9fff\uf900-\ufaff])"
    r"|[。！？]+[」』”’）》]*"
)


@dataclass(frozen=True)
class SuggestionPiece:
    """More text of suggestion ``index`` (0-based)."""

    index: int
    text: str


@dataclass(frozen=True)
class SuggestionDone:
    """Suggestion ``index`` is complete.

    Attributes:
        text: the whole suggestion (the concatenated pieces).
        seed: the seed it was sampled with.
        reason: "sentence" (a sentence or line ended), "length", "eos", "stop"
            (a user's stop string) or "cancelled".
        new_tokens: tokens sampled for it.
    """

    index: int
    text: str
    seed: int
    reason: str
    new_tokens: int


def suggestion_settings(
    settings: GenerationSettings, count: int = COUNT, max_new_tokens: int = MAX_NEW_TOKENS
) -> list[GenerationSettings]:
    """The settings of each suggestion: the user's, with their own seed and length.

    Seeds are consecutive from the user's fixed seed (so suggestions repeat
    with it) or from a random one. Greedy decoding would give the same text
    every time, so temperature 0 samples at the default temperature instead.
    """
    base = settings.seed if settings.seed is not None else new_seed()
    temperature = settings.temperature or GenerationSettings().temperature
    return [
        dataclasses.replace(
            settings,
            max_new_tokens=max_new_tokens,
            temperature=temperature,
            seed=(base + i) % SEED_LIMIT,
        )
        for i in range(count)
    ]


def prompt_tail(tokenizer: Any, prompt: str) -> str:
    """The end of ``prompt`` a suggestion reads: its last ``CONTEXT_TOKENS`` tokens.

    The tail still ends as the draft does: a WordPiece tokenizer's text keeps
    no spaces or line breaks, and the first suggested word is spaced from the
    draft's last character ("Hello " takes "world", "Hello" takes " world").
    """
    if not prompt:
        return prompt
    ids, cut = encode_tail(tokenizer, prompt, CONTEXT_TOKENS)
    if not cut:
        return prompt
    tail = str(tokenizer.decode(ids))
    ending = prompt[len(prompt.rstrip()) :]
    if ending and not tail.endswith(ending):
        tail = tail.rstrip() + ending
    return tail


class _Cutter:
    """Ends a suggestion after its first sentence or line (leading line breaks stay)."""

    def __init__(self) -> None:
        self.text = ""

    def feed(self, piece: str) -> tuple[str, bool]:
        """Adds a piece; returns the part of it to keep and whether the suggestion ended."""
        start = len(self.text)
        text = self.text + piece
        body = len(text) - len(text.lstrip())  # where the words begin
        if body == len(text):
            self.text = text
            return piece, False
        cut = None
        newline = text.find("\n", body)
        if newline >= 0:
            cut = newline
        match = _SENTENCE_END.search(text, body)
        if match is not None and (cut is None or match.end() <= cut):
            cut = match.end()
        if cut is None:
            self.text = text
            return piece, False
        self.text = text[:cut]
        return text[start:cut], True


def suggest(
    runner: Runner,
    tokenizer: Any,
    prompt: str,
    settings: GenerationSettings,
    *,
    count: int = COUNT,
    max_new_tokens: int = MAX_NEW_TOKENS,
    cancel: CancelFlag | None = None,
) -> Iterator[SuggestionPiece | SuggestionDone]:
    """Streams ``count`` continuations of ``prompt``, one after another.

    Each suggestion is pieces, then its ``SuggestionDone``. Once ``cancel`` is
    set, the suggestion being written ends as "cancelled" before its next
    token is shown and no further one starts.
    """
    settings.validate()
    prompt = prompt_tail(tokenizer, prompt)
    for index, one in enumerate(suggestion_settings(settings, count, max_new_tokens)):
        if cancel is not None and cancel.is_set():
            return
        cutter = _Cutter()
        reason, new_tokens = "length", 0
        # Leaving this loop early drops the stream: nothing more is sampled for it.
        for event in generate(runner, tokenizer, prompt, one, cancel=cancel):
            if isinstance(event, Done):
                reason, new_tokens = event.reason, len(event.new_token_ids)
                break
            new_tokens += len(event.token_ids)
            text, ended = cutter.feed(event.text)
            if text:
                yield SuggestionPiece(index, text)
            if ended:
                reason = "sentence"
                break
        assert one.seed is not None
        yield SuggestionDone(index, cutter.text, one.seed, reason, new_tokens)
        if reason == "cancelled":
            return
