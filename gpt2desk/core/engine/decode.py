"""The decode loop: prompt in, a stream of text pieces out.

nanoGPT's ``generate`` made streaming: fit the context, prefill, then per
token sample, feed it back through the KV cache and emit whatever text is
complete. Everything a request can vary is an argument; the compiled
functions in :class:`~gpt2desk.core.engine.runner.GPT2Runner` never change.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from gpt2desk.core.engine.detok import Piece
from gpt2desk.core.engine.detokenizers import detokenizer_for
from gpt2desk.core.engine.sampling import Sampling, new_seed
from gpt2desk.core.engine.stopping import StopScanner
from gpt2desk.core.settings import GenerationSettings

__all__ = ["Done", "Piece", "Runner", "fit_prompt", "generate", "prompt_budget"]


class Runner(Protocol):
    """What the loop needs from a model: see :class:`gpt2desk.core.engine.runner.GPT2Runner`."""

    n_ctx: int
    vocab_size: int
    decode_chunk: int

    def first(self, ids: Sequence[int], sampling: Sampling, index: int) -> int: ...

    def decode(
        self, token_id: int, pos: int, count: int, sampling: Sampling, index: int, eos_id: int
    ) -> list[int]: ...


class CancelFlag(Protocol):
    """Anything with ``is_set()``, such as a ``threading.Event``."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class Done:
    """The end of a stream, with what a status bar or a script wants to know.

    Attributes:
        reason: "length", "eos", "stop" or "cancelled".
        prompt_tokens: tokens actually fed to the model (after any cut).
        prompt_truncated: whether the oldest prompt text was left out to fit the window.
        context_shifts: times the window was full mid-stream and slid forward.
        new_token_ids: every sampled id (including a final EOS or stop text).
        ttft_ms: request start to the first sampled token.
        tokens_per_s: decode rate after the first token (0 with < 2 tokens).
        seed: the seed actually used (drawn at random when settings had none).
        unknown_chars: characters of the prompt the vocabulary lacks (a
            WordPiece model reads each as [UNK]); empty for GPT-2's BPE.
    """

    reason: str
    prompt_tokens: int
    prompt_truncated: bool
    context_shifts: int
    new_token_ids: tuple[int, ...]
    ttft_ms: float
    tokens_per_s: float
    seed: int
    unknown_chars: tuple[str, ...] = ()


def encode_tail(tokenizer: Any, text: str, max_tokens: int) -> tuple[list[int], bool]:
    """Token ids of the end of ``text``, at most ``max_tokens`` of them.

    A pasted 5 MB prompt must not be tokenized whole: only a tail a few times
    longer than the window can matter. The first token of a cut tail may be
    half a word, so it is dropped. Returns the ids and whether text was cut.
    """
    n_chars = max_tokens * 8
    while True:
        if n_chars >= len(text):
            ids = tokenizer.encode(text, add_special_tokens=False)
            return ids[-max_tokens:], len(ids) > max_tokens
        ids = tokenizer.encode(text[-n_chars:], add_special_tokens=False)[1:]
        if len(ids) >= max_tokens:
            return ids[-max_tokens:], True
        n_chars *= 4


def fit_prompt(tokenizer: Any, text: str, max_tokens: int) -> tuple[list[int], bool]:
    """:func:`encode_tail`, but a cut prompt starts at the beginning of a line.

    When the text is cut and a line break lies in the first eighth of what
    fits, the part before it goes too: a chat transcript then starts with a
    whole turn ("User: ..."), a draft with a whole line or paragraph, instead
    of half a word. A longer first line is cut as it is (no more than an
    eighth of the window is given up for this).
    """
    ids, cut = encode_tail(tokenizer, text, max_tokens)
    if not cut:
        return ids, cut
    kept = tokenizer.decode(ids)
    line = kept.find("\n", 0, len(kept) // 8)
    if line < 0 or not kept[line + 1 :].strip():
        return ids, cut
    return tokenizer.encode(kept[line + 1 :], add_special_tokens=False)[-max_tokens:], True


def prompt_budget(max_new_tokens: int, n_ctx: int) -> int:
    """How many prompt tokens fit so the answer has room in the window.

    The answer gets its full length when the window allows it, but the
    prompt never shrinks below half the window (a longer answer slides the
    window instead).
    """
    return max(n_ctx - max_new_tokens, n_ctx // 2)


def generate(
    runner: Runner,
    tokenizer: Any,
    prompt: str,
    settings: GenerationSettings,
    *,
    cancel: CancelFlag | None = None,
    clock: Callable[[], float] = time.perf_counter,
    on_unknown: Callable[[tuple[str, ...]], None] | None = None,
) -> Iterator[Piece | Done]:
    """Streams the continuation of ``prompt``: ``Piece`` objects, then one ``Done``.

    ``cancel`` is checked before every token is shown, so a stop request
    ends the stream within one token (computing stops after the burst of
    at most ``runner.decode_chunk`` tokens under way). ``on_unknown`` hears
    of the prompt's characters the vocabulary lacks before the first token
    (only when there are some); ``Done.unknown_chars`` has them too.

    Raises:
        SettingsError: before any token, if ``settings`` are not valid.
    """
    settings.validate()
    t_start = clock()
    n_ctx = runner.n_ctx
    # None for a WordPiece model whose config.json names no valid EOS: only
    # the length ends its text (the compiled loop takes -1 for "none").
    eos_id = tokenizer.eos_token_id
    budget = prompt_budget(settings.max_new_tokens, n_ctx)
    ids, truncated = fit_prompt(tokenizer, prompt, budget) if prompt else ([], False)
    unknown: tuple[str, ...] = ()
    find_unknown = getattr(tokenizer, "unknown_chars", None)
    if find_unknown is not None and tokenizer.unk_token_id in ids:
        unknown = tuple(find_unknown(prompt, last_tokens=len(ids)))
        if unknown and on_unknown is not None:
            on_unknown(unknown)
    if not ids:
        # GPT-2 was trained with <|endoftext|> between documents: an empty
        # prompt means "start a new document" (a WordPiece GPT-2 starts from
        # config.json's BOS, [CLS], as transformers' generate does).
        bos = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else eos_id
        ids = [int(bos)]
    seed = settings.seed if settings.seed is not None else new_seed()
    stops = StopScanner(settings.stop)
    # WordPiece text needs the prompt's last character to space its first word.
    detok = detokenizer_for(tokenizer, ids, eos_id, prompt)
    context = list(ids)
    banned = getattr(tokenizer, "never_generated", ())
    sampling = Sampling.start(settings, seed, runner.vocab_size, context, banned)
    loop_eos = -1 if eos_id is None else int(eos_id)
    new_ids: list[int] = []
    shifts = 0
    t_first = t_last = 0.0
    reason = ""
    # Tokens arrive in bursts from the compiled loop; the first bursts are
    # short so the text starts flowing at once.
    burst = 1
    picked = [runner.first(context, sampling, 0)]
    while not reason:
        for token in picked:
            if cancel is not None and cancel.is_set():
                reason = "cancelled"
                break
            t_last = clock()
            if not new_ids:
                t_first = t_last
            new_ids.append(token)
            if token == eos_id:
                reason = "eos"
                break
            piece = detok.push_piece(token)
            text, piece_ids = stops.feed(piece.text, piece.token_ids) if piece.text else ("", [])
            if text:
                yield Piece(text, tuple(piece_ids))
            if stops.stopped:
                reason = "stop"
                break
            if len(new_ids) >= settings.max_new_tokens:
                reason = "length"
                break
            context.append(token)
        if reason:
            break
        if len(context) >= n_ctx:
            # The window is full: keep its newer half and go on from there.
            context = context[-(n_ctx // 2) :]
            shifts += 1
            sampling.restart(context)
            picked = [runner.first(context, sampling, len(new_ids))]
            continue
        burst = min(burst * 2, runner.decode_chunk)
        count = min(burst, settings.max_new_tokens - len(new_ids), n_ctx - len(context))
        picked = runner.decode(
            context[-1], len(context) - 1, count, sampling, len(new_ids), loop_eos
        )

    if reason != "stop":
        # Text still pending (a character whose bytes never all arrived) is
        # shown now; it can still complete a stop string.
        last = detok.flush_piece()
        text, piece_ids = stops.feed(last.text, last.token_ids)
        rest, rest_ids = stops.finish()
        if stops.stopped:
            reason = "stop"
        if text + rest:
            yield Piece(text + rest, (*piece_ids, *rest_ids))
    n = len(new_ids)
    rate = (n - 1) / (t_last - t_first) if n >= 2 and t_last > t_first else 0.0
    yield Done(
        reason=reason,
        prompt_tokens=len(ids),
        prompt_truncated=truncated,
        context_shifts=shifts,
        new_token_ids=tuple(new_ids),
        ttft_ms=(t_first - t_start) * 1000.0 if n else 0.0,
        tokens_per_s=rate,
        seed=seed,
        unknown_chars=unknown,
    )
