"""The tiny test model: reproducible, loadable offline, and splitting characters like GPT-2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.tinymodel import build_tiny_model


def _weights(model: Any) -> list[np.ndarray]:
    return [w.numpy() for w in model.weights]


def test_loads_offline_and_generates(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from transformers import AutoTokenizer, TFGPT2LMHeadModel

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = TFGPT2LMHeadModel.from_pretrained(tiny_model_dir)
    assert model.config.vocab_size == len(tok)
    assert (
        model.config.eos_token_id == tok.eos_token_id == tok.convert_tokens_to_ids("<|endoftext|>")
    )
    logits = model(np.array([tok.encode("Hello 你好")])).logits
    assert logits.shape[-1] == len(tok)
    assert np.isfinite(logits.numpy()).all()


def test_same_seed_gives_the_same_weights(tiny_model_dir: Path, tmp_path: Path) -> None:
    from transformers import TFGPT2LMHeadModel

    again = build_tiny_model(tmp_path / "again")
    other = build_tiny_model(tmp_path / "other", seed=1)
    a, b, c = (
        _weights(TFGPT2LMHeadModel.from_pretrained(d)) for d in (tiny_model_dir, again, other)
    )
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c, strict=True))


def test_tokenizer_splits_unseen_characters_into_bytes(tiny_tokenizer: Any) -> None:
    assert 500 <= len(tiny_tokenizer) <= 1000
    assert len(tiny_tokenizer.encode("你")) == 3  # not in the corpus: one token per byte
    assert len(tiny_tokenizer.encode("中文")) < 6  # in the corpus: merged
    text = "Hello 繁體中文 👨‍👩‍👧‍👦 🇹🇼 café"
    assert tiny_tokenizer.decode(tiny_tokenizer.encode(text)) == text
