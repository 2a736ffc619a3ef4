"""Greedy parity with transformers on a WordPiece GPT-2 (issue 13, item 4).

gpt2desk's greedy ids, through the engine the CLI and the window use, must be
the ids of ``TFGPT2LMHeadModel.generate(do_sample=False)`` on the same prompt
ids, for a CKIP-like model whose weights come as PyTorch-named safetensors,
Keras h5 or flax msgpack. The transformers side is built from the same
weights independently (tests/tinywordpiece.py), tokenizes with transformers'
own ``BertTokenizerFast`` and masks [PAD], [UNK], [CLS] and [MASK] with
``suppress_tokens``: those ids stand for no text and are never generated.
"""

# Chinese text uses fullwidth punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gpt2desk.core.engine.decode import Done, generate
from gpt2desk.core.engine.loading import LoadedModel, load_model
from gpt2desk.core.engine.sampling import Sampling
from gpt2desk.core.model_source import parse_model_ref
from gpt2desk.core.settings import GenerationSettings
from tests.tinywordpiece import (
    CLS_ID,
    INVALID_EOS,
    MASK_ID,
    NEVER_GENERATED,
    PAD_ID,
    SEP_ID,
    WEIGHT_FORMATS,
    build_tiny_wordpiece_model,
    reference_model,
)

PROMPT = "今天天氣很好，我們去公園散步吧。Hello world"
N = 20
NPOS = 128  # a short window compiles faster; the weights depend on it, so every build uses it
#: The steps at which the model is made to write [MASK] and [SEP] at the latest.
MASK_STEP, SEP_STEP = 2, 6
GREEDY = GenerationSettings(
    max_new_tokens=N, temperature=0.0, top_k=0, top_p=1.0, repetition_penalty=1.0, seed=0
)


@dataclass
class Pair:
    """A folder loaded by gpt2desk, and transformers' model of the same weights."""

    folder: Path
    loaded: LoadedModel
    reference: Any
    eos_id: int


def _prompt_ids(folder: Path, text: str) -> list[int]:
    from transformers import BertTokenizerFast

    tokenizer = BertTokenizerFast(
        vocab_file=str(folder / "vocab.txt"), do_lower_case=False, tokenize_chinese_chars=True
    )
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def _generate(
    model: Any, ids: list[int] | None, eos_id: int, *, masked: bool = True, n: int = N
) -> tuple[int, ...]:
    """transformers' greedy continuation of ``ids`` (None: from the config's BOS)."""
    import tensorflow as tf

    extra: dict[str, Any] = {"suppress_tokens": list(NEVER_GENERATED)} if masked else {}
    inputs = None if ids is None else tf.constant([ids], dtype=tf.int32)
    out = model.generate(
        inputs,
        do_sample=False,
        max_new_tokens=n,
        eos_token_id=eos_id,
        pad_token_id=PAD_ID,
        **extra,
    )
    return tuple(int(i) for i in out[0, 1 if ids is None else len(ids) :].numpy())


@pytest.fixture(scope="module")
def like(tmp_path_factory: pytest.TempPathFactory) -> dict[int, int]:
    """[MASK] and [SEP] made to win where greedy decoding writes other tokens.

    Unmasked, the model then writes [MASK] by step MASK_STEP, which the
    masking must prevent; masked, it writes [SEP] by step SEP_STEP.
    """
    folder = build_tiny_wordpiece_model(
        tmp_path_factory.mktemp("probe"), weights="msgpack", n_positions=NPOS
    )
    ids = _prompt_ids(folder, PROMPT)
    path = _generate(reference_model(folder), ids, INVALID_EOS, n=SEP_STEP + 1)
    assert path[MASK_STEP] != path[SEP_STEP]
    return {MASK_ID: path[MASK_STEP], SEP_ID: path[SEP_STEP]}


def _pair(root: Path, weights: str, eos: str, like: dict[int, int]) -> Pair:
    folder = build_tiny_wordpiece_model(root, weights=weights, eos=eos, like=like, n_positions=NPOS)
    return Pair(
        folder=folder,
        loaded=load_model(parse_model_ref(str(folder)), offline=True),
        reference=reference_model(folder, like=like),
        eos_id=SEP_ID if eos == "sep" else INVALID_EOS,
    )


@pytest.fixture(scope="module", params=WEIGHT_FORMATS)
def ckip(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Pair:
    """CKIP's layout: bos [CLS], eos [SEP]; one per weight format."""
    root = tmp_path_factory.mktemp(f"ckip-{request.param}")
    return _pair(root, request.param, "sep", request.getfixturevalue("like"))


@pytest.fixture(scope="module")
def uer(tmp_path_factory: pytest.TempPathFactory, like: dict[int, int]) -> Pair:
    """UER's config: eos 50256, outside the 21,128-token vocabulary."""
    return _pair(tmp_path_factory.mktemp("uer"), "h5", "invalid", like)


def _engine(pair: Pair, prompt: str) -> Done:
    events = list(generate(pair.loaded.runner, pair.loaded.tokenizer, prompt, GREEDY))
    done = events[-1]
    assert isinstance(done, Done)
    return done


def test_runner_greedy_matches_generate_unmasked(ckip: Pair) -> None:
    # The weights alone: the compiled runner, nothing masked, against generate.
    ids = _prompt_ids(ckip.folder, PROMPT)
    runner = ckip.loaded.runner
    sampling = Sampling.start(GREEDY, 0, runner.vocab_size, ids)
    got = [runner.first(ids, sampling, 0)]
    while len(got) < N and got[-1] != ckip.eos_id:
        count = min(runner.decode_chunk, N - len(got))
        pos = len(ids) + len(got) - 1
        got += runner.decode(got[-1], pos, count, sampling, len(got), ckip.eos_id)
    expected = _generate(ckip.reference, ids, ckip.eos_id, masked=False)
    assert tuple(got) == expected
    assert MASK_ID in expected[: MASK_STEP + 1]  # what the masking must prevent
    np.testing.assert_allclose(
        runner.prefill(ids), ckip.reference(np.array([ids])).logits[0, -1].numpy(), atol=1e-4
    )


def test_greedy_ids_match_generate_and_sep_ends(ckip: Pair) -> None:
    ids = _prompt_ids(ckip.folder, PROMPT)
    expected = _generate(ckip.reference, ids, SEP_ID)
    done = _engine(ckip, PROMPT)
    assert done.prompt_tokens == len(ids)  # no [CLS]/[SEP] added to the prompt
    assert done.new_token_ids == expected
    # The model was made to write [SEP] by step SEP_STEP: it ends the continuation.
    assert expected[-1] == SEP_ID and len(expected) <= SEP_STEP + 1
    assert done.reason == "eos"
    assert not set(done.new_token_ids) & set(NEVER_GENERATED)  # [MASK] was masked


def test_empty_prompt_starts_from_cls(ckip: Pair) -> None:
    # generate() with no input starts from the config's bos_token_id, [CLS] for CKIP.
    assert ckip.reference.generation_config.bos_token_id == CLS_ID
    done = _engine(ckip, "")
    assert done.prompt_tokens == 1
    assert done.new_token_ids == _generate(ckip.reference, None, SEP_ID)


def test_invalid_eos_runs_to_max_new_tokens(uer: Pair) -> None:
    # UER's eos 50256 is no token of the model: [SEP] is text (a line break)
    # and the continuation runs to max_new_tokens, as generate's does.
    ids = _prompt_ids(uer.folder, PROMPT)
    expected = _generate(uer.reference, ids, INVALID_EOS)
    assert len(expected) == N and SEP_ID in expected
    done = _engine(uer, PROMPT)
    assert done.new_token_ids == expected
    assert done.reason == "length"
