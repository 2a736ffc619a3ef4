"""Build a tiny, deterministic GPT-2 (tokenizer + TensorFlow weights) for tests.

The tokenizer is a real byte-level BPE trained on a small built-in corpus that
mixes English, Traditional Chinese and emoji, so multi-byte characters really
split across tokens, just as they do with the real GPT-2 vocabulary.
"""

# Chinese text uses fullwidth punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from pathlib import Path
from typing import Any

EOS = "<|endoftext|>"

_SENTENCES: tuple[str, ...] = (
    "The quick brown fox jumps over the lazy dog.",
    "Once upon a time, there was a small desk lamp that wanted to write stories.",
    "User: Hello there!\nAssistant: Hi! How can I help you today?",
    "User: Can you write a poem about the sea?\nAssistant: The sea is wide and blue.",
    "It was a bright cold day in April, and the clocks were striking thirteen.",
    "Writing is thinking on paper; a good draft is a rough one.",
    "Numbers like 42, 3.14 and 1999 appear in text too.",
    "今天天氣很好，我們去公園散步吧。",
    "這是一個繁體中文的句子，用來測試分詞器。",
    "我喜歡寫作，也喜歡閱讀小說。",
    "電腦可以在本機離線產生文字。",
    "臺灣的夜市有很多好吃的東西。",
    "I love writing 🙂 and reading 📚 on rainy days ☔.",
    "Family: 👨‍👩‍👧‍👦 and a thumbs up 👍🏽 and a flag 🇹🇼.",
    "Mixed: hello 世界 🌏, good morning 早安 ☀️!",
    "Café, naïve, résumé, and jalapeño are words with accents.",
)

#: The corpus the tokenizer is trained on (exposed so tests can reuse it).
CORPUS: tuple[str, ...] = tuple(f"{s} {EOS}" for s in _SENTENCES for _ in range(3))


def build_tiny_tokenizer(vocab_size: int = 1000) -> Any:
    """Train the tiny byte-level BPE tokenizer and wrap it for transformers.

    Args:
        vocab_size: Upper bound on the vocabulary size (the small corpus may
            run out of merges first).

    Returns:
        A ``transformers.GPT2TokenizerFast``.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2TokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=1,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=[EOS],
        show_progress=False,
    )
    tok.train_from_iterator(CORPUS, trainer)
    return GPT2TokenizerFast(
        tokenizer_object=tok,
        bos_token=EOS,
        eos_token=EOS,
        unk_token=EOS,
        model_max_length=1024,
    )


def build_tiny_model(
    target: Path,
    *,
    n_layer: int = 2,
    n_embd: int = 64,
    n_head: int = 4,
    n_positions: int = 1024,
    seed: int = 0,
) -> Path:
    """Write a tiny GPT-2 checkpoint (tokenizer, config.json, tf_model.h5) to ``target``.

    Two builds with the same arguments give identical weights.

    Args:
        target: Folder to write to (created if missing).
        n_layer: Number of transformer blocks.
        n_embd: Embedding width.
        n_head: Attention heads (must divide ``n_embd``).
        n_positions: Context window in tokens.
        seed: Seed for the random weights.

    Returns:
        ``target``, for chaining.
    """
    import numpy as np
    import tensorflow as tf
    from transformers import GPT2Config, TFGPT2LMHeadModel

    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tiny_tokenizer()
    tokenizer.save_pretrained(target)
    eos_id = tokenizer.convert_tokens_to_ids(EOS)

    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=n_positions,
        n_embd=n_embd,
        n_layer=n_layer,
        n_head=n_head,
        bos_token_id=eos_id,
        eos_token_id=eos_id,
    )
    tf.keras.utils.set_random_seed(seed)
    model = TFGPT2LMHeadModel(config)
    model(tf.constant([[eos_id, eos_id]], dtype=tf.int32))  # build the weights
    # Keras initializers are not reproducible across TF versions and processes,
    # so overwrite every matrix with numpy draws; norms keep gamma=1, beta=0.
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        if weight.shape.rank >= 2:
            values = rng.normal(0.0, config.initializer_range, weight.shape.as_list())
            weight.assign(values.astype(np.float32))
        elif "bias" in weight.name:
            weight.assign(np.zeros(weight.shape.as_list(), dtype=np.float32))
    model.save_pretrained(target)
    return target
