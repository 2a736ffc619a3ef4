"""The GPT-2 models the Models dialog lists, and how much memory each needs.

OpenAI's GPT-2 family (English) and GPT-2 models trained on Chinese, which
use a BERT WordPiece tokenizer. Sizes are those of the weights file gpt2desk
downloads (``model.safetensors``, else ``tf_model.h5`` or
``flax_model.msgpack``) plus the tokenizer files; the download itself uses the
exact sizes the Hub reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message

MB = 1_000_000
GB = 1_000_000_000

#: Fixed part: TensorFlow 2.20 + transformers 4.57 imported (540 MB RSS measured
#: on Linux x86_64, Python 3.11), plus ~0.35 GB of compiled decode loop, the
#: any-length graph that answers while it compiles, tokenizer and buffers.
BASE_BYTES = 900 * MB
#: fp32 weights take 4 bytes per parameter (the token embedding is kept once,
#: transposed, by the decode loop); loading and compiling add up to ~2.05 more at
#: their peak (more per parameter for deeper models: gpt2-large's compile). Fitted so
#: that no shape's measured peak is above its estimate (make bench, 2026-12-06).
BYTES_PER_PARAM = 6.05
#: The static KV cache has n_ctx + 32 slots (the padding of a last prefill chunk).
KV_SLACK = 32
TOKENIZER_BYTES = 3 * MB
#: vocab.txt (110 kB) and two small JSON files of a BERT WordPiece tokenizer.
WORDPIECE_TOKENIZER_BYTES = 120_000

#: The languages a model writes, as the Models dialog names them (in their own script).
ENGLISH = "English"
TRADITIONAL_CHINESE = "繁體中文"
SIMPLIFIED_CHINESE = "简体中文"
#: A licence not stated on the model card.
UNKNOWN_LICENCE = ""

MEMORY_FORMULA = (
    "Memory needed ≈ 0.9 GB (TensorFlow runtime and compiled decode loop) "
    "+ 6.05 bytes per parameter (fp32 weights at 4 bytes each, plus the peaks of "
    "loading and compiling) + 8 bytes x layers x (context + 32) x width "
    "(the key/value cache). Measured peaks of the model in a fresh process on Linux "
    "(make bench): gpt2 1.55 GB, gpt2-medium 2.86 GB, gpt2-large 5.94 GB, "
    "gpt2-xl 10.62 GB; the window adds about 0.1 GB."
)


@dataclass(frozen=True)
class CatalogEntry:
    """One model of the GPT-2 family.

    Args:
        repo_id: the Hub id (the short legacy id; the Hub redirects it).
        label: the size as people say it ("124M").
        params: parameter count.
        n_layer, n_embd: depth and width, for the memory estimate.
        weights_bytes: size of ``model.safetensors`` on the Hub.
        aliases: other ids of the same repository, found in the cache too.
        language: what it writes: ENGLISH, TRADITIONAL_CHINESE or SIMPLIFIED_CHINESE.
        licence: the licence of the weights as the Hub's model card names it
            (an SPDX id such as "GPL-3.0"); UNKNOWN_LICENCE when the card names none.
        tokenizer_bytes: size of the tokenizer files.
    """

    repo_id: str
    label: str
    params: int
    n_layer: int
    n_embd: int
    weights_bytes: int
    aliases: tuple[str, ...] = ()
    n_ctx: int = 1024
    language: str = ENGLISH
    licence: str = "MIT"
    tokenizer_bytes: int = TOKENIZER_BYTES

    @property
    def download_bytes(self) -> int:
        return self.weights_bytes + self.tokenizer_bytes

    @property
    def simplified(self) -> bool:
        """Trained on Simplified Chinese: its output can be converted to Traditional."""
        return self.language == SIMPLIFIED_CHINESE

    @property
    def licence_to_confirm(self) -> bool:
        """Whether a download first asks the user to accept the licence (not MIT's)."""
        return self.licence != "MIT"

    @property
    def memory_bytes(self) -> int:
        return estimate_memory(self.params, self.n_layer, self.n_embd, self.n_ctx)


FAMILY: tuple[CatalogEntry, ...] = (
    CatalogEntry("gpt2", "124M", 124_439_808, 12, 768, 548_105_171, ("openai-community/gpt2",)),
    CatalogEntry("distilgpt2", "82M", 81_912_576, 6, 768, 352_824_413, ("distilbert/distilgpt2",)),
    CatalogEntry(
        "gpt2-medium",
        "355M",
        354_823_168,
        24,
        1024,
        1_519_970_576,
        ("openai-community/gpt2-medium",),
    ),
    CatalogEntry(
        "gpt2-large", "774M", 774_030_080, 36, 1280, 3_247_159_640, ("openai-community/gpt2-large",)
    ),
    CatalogEntry(
        "gpt2-xl", "1.5B", 1_557_611_200, 48, 1600, 6_431_829_964, ("openai-community/gpt2-xl",)
    ),
)


def _wordpiece_gpt2(
    repo_id: str,
    label: str,
    n_layer: int,
    n_embd: int,
    weights_bytes: int,
    language: str,
    licence: str,
    vocab_size: int = 21128,
) -> CatalogEntry:
    """A GPT-2 with bert-base-chinese's WordPiece vocabulary (21,128 entries; CKIP's
    configs say 21,130 rows) and 1024 positions; parameters as model_folder counts them."""
    d = n_embd
    per_layer = 4 * d + (3 * d * d + 3 * d) + (d * d + d) + 2 * (d * 4 * d) + 4 * d + d
    params = n_layer * per_layer + (vocab_size + 1024 + 2) * d
    return CatalogEntry(
        repo_id,
        label,
        params,
        n_layer,
        n_embd,
        weights_bytes,
        language=language,
        licence=licence,
        tokenizer_bytes=WORDPIECE_TOKENIZER_BYTES,
    )


#: GPT-2 networks trained on Chinese text, with a BERT WordPiece tokenizer. Facts
#: from their Hub pages: CKIP Lab (Academia Sinica, Taiwan) trained on Traditional
#: Chinese, GPL-3.0; main holds flax_model.msgpack (408 MB) for the base model and
#: only pickle weights for the tiny one, whose safetensors (50.6 MB) are in the
#: Hub's conversion pull request. IDEA-CCNL's Wenzhong2.0 (Apache-2.0) and UER's
#: model (its card names no licence) write Simplified Chinese; their weights are
#: model.safetensors (421 MB, with the attention-mask buffers PyTorch saved) and
#: tf_model.h5 (408 MB). Wenzhong's name says 110M; its shape (12 x 768, the
#: size of its weights) makes 102M.
CHINESE: tuple[CatalogEntry, ...] = (
    _wordpiece_gpt2(
        "ckiplab/gpt2-base-chinese",
        "102M",
        12,
        768,
        408_300_000,
        TRADITIONAL_CHINESE,
        "GPL-3.0",
        vocab_size=21130,
    ),
    _wordpiece_gpt2(
        "ckiplab/gpt2-tiny-chinese",
        "12M",
        4,
        312,
        50_600_000,
        TRADITIONAL_CHINESE,
        "GPL-3.0",
        vocab_size=21130,
    ),
    _wordpiece_gpt2(
        "IDEA-CCNL/Wenzhong2.0-GPT2-110M-BertTokenizer-chinese",
        "102M",
        12,
        768,
        421_000_000,
        SIMPLIFIED_CHINESE,
        "Apache-2.0",
    ),
    _wordpiece_gpt2(
        "uer/gpt2-chinese-cluecorpussmall",
        "102M",
        12,
        768,
        408_000_000,
        SIMPLIFIED_CHINESE,
        UNKNOWN_LICENCE,
    ),
)

#: Every model the Models dialog lists, in its order.
CATALOG: tuple[CatalogEntry, ...] = FAMILY + CHINESE

#: The model offered at the first start when the UI speaks Traditional Chinese.
TRADITIONAL_CHINESE_DEFAULT = "ckiplab/gpt2-base-chinese"


def family_entry(repo_id: str) -> CatalogEntry | None:
    """The catalog entry for ``repo_id`` or one of its aliases."""
    for entry in CATALOG:
        if repo_id == entry.repo_id or repo_id in entry.aliases:
            return entry
    return None


def estimate_memory(params: int, n_layer: int, n_embd: int, n_ctx: int = 1024) -> int:
    """Bytes of RAM the app needs to run a GPT-2 of this shape (see MEMORY_FORMULA)."""
    kv_cache = 8 * n_layer * (n_ctx + KV_SLACK) * n_embd
    return round(BASE_BYTES + BYTES_PER_PARAM * params + kv_cache)


def format_bytes(n: float) -> str:
    """``1234567`` -> ``"1.2 MB"`` (decimal units, as the Hub shows sizes)."""
    for unit, size in (("GB", GB), ("MB", MB), ("kB", 1000)):
        if abs(n) >= size:
            value = n / size
            return f"{value:.2f} {unit}" if unit == "GB" else f"{value:.1f} {unit}"
    return f"{int(n)} B"


def format_duration(seconds: float) -> str:
    """A short human duration: ``"45 s"``, ``"3 min"``, ``"1 h 20 min"``."""
    s = max(0, round(seconds))
    if s < 60:
        return str(Message(QT_TRANSLATE_NOOP("Progress", "{s} s"), s=s))
    if s < 3600:
        return str(Message(QT_TRANSLATE_NOOP("Progress", "{min} min"), min=round(s / 60)))
    hours = QT_TRANSLATE_NOOP("Progress", "{h} h {min} min")
    return str(Message(hours, h=s // 3600, min=(s % 3600) // 60))
