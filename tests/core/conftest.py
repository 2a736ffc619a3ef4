"""Fixtures for core tests that run the tiny GPT-2.

Fixtures:
    tiny: The tiny model loaded as the app loads it (``load_model``, offline,
        compiled): the session's ``tiny_loaded``, so TensorFlow work is not repeated.
    prompt_of: ``prompt_of(n)`` is English/Chinese text that encodes to exactly
        ``n`` tokens, none of them EOS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.tinymodel import CORPUS, EOS

#: The tokenizer's corpus without document separators: text the model "knows".
PLAIN_TEXT = " ".join(s.removesuffix(f" {EOS}") for s in CORPUS)


@pytest.fixture(scope="module")
def tiny(tiny_loaded: Any) -> Any:
    return tiny_loaded


@pytest.fixture(scope="module")
def prompt_of(tiny: Any) -> Callable[[int], str]:
    tok = tiny.tokenizer

    def make(n: int) -> str:
        text = PLAIN_TEXT
        while len(tok.encode(text)) < n + 50:
            text = f"{text} {PLAIN_TEXT}"
        ids = tok.encode(text)
        # A cut at an arbitrary id may re-encode differently; a nearby one will not.
        for k in range(n, n + 50):
            candidate = tok.decode(ids[:k])
            if "\ufffd" not in candidate and len(tok.encode(candidate)) == n:
                assert tok.eos_token_id not in tok.encode(candidate)
                return str(candidate)
        raise AssertionError(f"no prompt of exactly {n} tokens")

    return make


def hf_generate(model: Any, ids: list[int], eos: int, **kwargs: Any) -> list[int]:
    """New ids from transformers' own ``generate`` (the reference implementation)."""
    import tensorflow as tf

    input_ids = tf.constant([ids], tf.int32)
    out = model.generate(
        input_ids,
        # Without an explicit mask, generate masks every token equal to pad_token_id.
        attention_mask=tf.ones_like(input_ids),
        pad_token_id=eos,
        do_sample=False,
        **kwargs,
    )
    return [int(i) for i in out[0, len(ids) :].numpy()]
