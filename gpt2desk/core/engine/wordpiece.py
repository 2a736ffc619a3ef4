"""GPT-2 networks with BERT's WordPiece tokenizer (CKIP's, UER's, IDEA's Chinese GPT-2s).

These models read text as BERT does: one token per CJK character, words cut
into "##" pieces, [CLS]/[SEP]/[PAD]/[UNK]/[MASK] in the vocabulary. Their
model cards say to use ``BertTokenizerFast``, not ``AutoTokenizer``; here it
is built from the vocabulary alone (vocab.txt, or the vocab of a WordPiece
tokenizer.json) with BERT's normalizer and ``tokenize_chinese_chars`` on, so
no ``auto_map`` or other setting of tokenizer_config.json can bring code in.

BERT tokenizers have no end-of-text token of their own: the EOS and BOS come
from config.json, and only when they are ids of the vocabulary (UER's configs
carry GPT-2's 50256 with a 21,128-token vocabulary: no EOS).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message

#: tokenizer_config.json's ``tokenizer_class`` values that mean "BERT WordPiece".
BERT_CLASSES = frozenset({"BertTokenizer", "BertTokenizerFast"})
#: The roles of BERT's special tokens and their usual names.
SPECIAL_DEFAULTS = {
    "unk_token": "[UNK]",
    "sep_token": "[SEP]",
    "pad_token": "[PAD]",
    "cls_token": "[CLS]",
    "mask_token": "[MASK]",
}
#: Roles whose tokens a GPT-2 never writes: they mark no text (the EOS is let through).
NEVER_GENERATED = ("pad_token", "unk_token", "cls_token", "mask_token")
#: Unknown characters a message names; more are counted, not shown.
SHOWN_UNKNOWN = 20


def is_wordpiece_folder(folder: Path) -> bool:
    """Whether ``folder``'s tokenizer is BERT's WordPiece (else GPT-2's byte-level BPE).

    A tokenizer.json decides by its model type. Without one, a vocab.txt is
    WordPiece when tokenizer_config.json (or else config.json, as UER's
    carry it) names BertTokenizer(Fast), or names no class and there is no
    vocab.json. Raises ModelLoadError for a file that cannot be read (see
    core/engine/folder_files.py).
    """
    from gpt2desk.core.engine.folder_files import read_json

    # lexists, not is_file: a link to a device is then read, and refused, by
    # the bounded readers, instead of being skipped here and read whole later.
    tok_json = folder / "tokenizer.json"
    if os.path.lexists(tok_json):
        data = read_json(tok_json)
        model = data.get("model") if isinstance(data, dict) else None
        return isinstance(model, dict) and model.get("type") == "WordPiece"
    if not os.path.lexists(folder / "vocab.txt"):
        return False
    named = _tokenizer_class(folder)
    if named is not None:
        return named in BERT_CLASSES
    return not (folder / "vocab.json").is_file()


def _tokenizer_class(folder: Path) -> Any:
    """The ``tokenizer_class`` tokenizer_config.json names, else the one config.json names."""
    from gpt2desk.core.engine.folder_files import read_json

    for name in ("tokenizer_config.json", "config.json"):
        path = folder / name
        if path.is_file():
            data = read_json(path)
            named = data.get("tokenizer_class") if isinstance(data, dict) else None
            if named is not None:
                return named
    return None


def _settings(folder: Path) -> dict[str, Any]:
    """tokenizer_config.json, then special_tokens_map.json over it (as transformers reads them)."""
    from gpt2desk.core.engine.folder_files import read_json

    merged: dict[str, Any] = {}
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        path = folder / name
        if path.is_file():
            data = read_json(path)
            if isinstance(data, dict):
                merged.update(data)
    return merged


def _token_name(value: Any) -> str | None:
    """A special token as tokenizer files write it: "[SEP]" or {"content": "[SEP]", ...}."""
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) and value else None


def _flag(value: Any, default: bool | None) -> bool | None:
    return value if isinstance(value, bool) else default


def load_wordpiece(folder: Path, model_vocab_size: int) -> WordPieceTokenizer:
    """The WordPiece tokenizer of ``folder``, with EOS and BOS taken from its config.json.

    Raises:
        ModelLoadError: a file that cannot be read, or a vocabulary without its
            unknown token (every character it lacks would fail to encode).
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers
    from transformers import BertTokenizerFast

    from gpt2desk.core.engine.folder_files import bad_file, read_json, read_vocab_txt

    settings = _settings(folder)
    lowercase = _flag(settings.get("do_lower_case"), True)
    strip_accents = _flag(settings.get("strip_accents"), None)
    max_chars = 100
    tok_json = folder / "tokenizer.json"
    if tok_json.is_file():
        data = read_json(tok_json)
        model = data["model"]
        source = tok_json
        entries = model.get("vocab")
        entries = entries if isinstance(entries, dict) else {}
        vocab = {str(k): v for k, v in entries.items() if isinstance(v, int)}
        if isinstance(model.get("max_input_chars_per_word"), int):
            max_chars = model["max_input_chars_per_word"]
        unk_default = _token_name(model.get("unk_token")) or "[UNK]"
        norm = data.get("normalizer")
        if isinstance(norm, dict) and norm.get("type") == "BertNormalizer":
            lowercase = _flag(norm.get("lowercase"), lowercase)
            strip_accents = _flag(norm.get("strip_accents"), strip_accents)
    else:
        source = folder / "vocab.txt"
        vocab = read_vocab_txt(source)
        unk_default = "[UNK]"
    names = {
        role: _token_name(settings.get(role)) or (unk_default if role == "unk_token" else default)
        for role, default in SPECIAL_DEFAULTS.items()
    }
    if names["unk_token"] not in vocab:
        raise bad_file(
            source,
            QT_TRANSLATE_NOOP(
                "Models", "its vocabulary has no {token} token for characters it does not know"
            ),
            token=names["unk_token"],
        )
    backend = Tokenizer(
        models.WordPiece(vocab, unk_token=names["unk_token"], max_input_chars_per_word=max_chars)
    )
    backend.normalizer = normalizers.BertNormalizer(
        clean_text=True,
        handle_chinese_chars=True,
        strip_accents=strip_accents,
        lowercase=bool(lowercase),
    )
    backend.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    backend.decoder = decoders.WordPiece(prefix="##")
    # A special token the vocabulary lacks would be appended past the model's
    # rows: such a role stays empty instead.
    specials = {role: (name if name in vocab else None) for role, name in names.items()}
    fast = BertTokenizerFast(
        tokenizer_object=backend,
        do_lower_case=bool(lowercase),
        tokenize_chinese_chars=True,
        strip_accents=strip_accents,
        model_max_length=1_000_000,
        **specials,
    )
    config = read_json(folder / "config.json")
    size = min(model_vocab_size, len(fast))

    def config_id(key: str) -> int | None:
        value = config.get(key) if isinstance(config, dict) else None
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < size:
            return value
        return None

    return WordPieceTokenizer(
        fast, eos_token_id=config_id("eos_token_id"), bos=config_id("bos_token_id")
    )


class WordPieceTokenizer:
    """BertTokenizerFast as the engine uses a tokenizer: no [CLS]/[SEP] around prompts.

    Attributes:
        fast: the ``BertTokenizerFast`` (for ``convert_ids_to_tokens`` and such).
        eos_token_id: config.json's EOS if it is an id of the vocabulary, else
            None (then nothing ends the text but its length).
        bos_token_id: what an empty prompt starts from: config.json's BOS if
            valid, else [CLS] (what these models saw at the start of a text).
        sep_token_id, unk_token_id: those tokens' ids (None if absent).
        never_generated: ids sampling must never pick ([PAD], [UNK], [CLS],
            [MASK], those present, except an EOS).
    """

    is_wordpiece = True

    def __init__(self, fast: Any, *, eos_token_id: int | None, bos: int | None) -> None:
        self.fast = fast
        self.eos_token_id = eos_token_id
        self.unk_token_id: int | None = fast.unk_token_id
        self.sep_token_id: int | None = fast.sep_token_id
        self.cls_token_id: int | None = fast.cls_token_id
        for fallback in (self.cls_token_id, eos_token_id, self.sep_token_id, 0):
            if bos is None:
                bos = fallback
        self.bos_token_id: int = int(bos or 0)
        banned = {getattr(fast, f"{role}_id") for role in NEVER_GENERATED}
        self.never_generated: tuple[int, ...] = tuple(
            sorted(i for i in banned if i is not None and i != eos_token_id)
        )
        self._vocab: dict[str, int] = fast.get_vocab()
        self._normalizer = fast.backend_tokenizer.normalizer

    @property
    def sep_is_eos(self) -> bool:
        """Whether [SEP] ends the text (else it is a line break within it)."""
        return self.sep_token_id is not None and self.sep_token_id == self.eos_token_id

    def __len__(self) -> int:
        return len(self.fast)

    def encode(self, text: str, add_special_tokens: bool = False) -> list[int]:
        """Token ids of ``text``; [CLS]/[SEP] only when asked for (the engine never does)."""
        return list(self.fast.encode(text, add_special_tokens=add_special_tokens))

    @property
    def backend_tokenizer(self) -> Any:
        """The tokenizers-library tokenizer (its model is WordPiece)."""
        return self.fast.backend_tokenizer

    @property
    def all_special_ids(self) -> list[int]:
        return list(self.fast.all_special_ids)

    def convert_ids_to_tokens(self, ids: int | Sequence[int]) -> Any:
        """The vocabulary entry of an id, or a list of them for a list of ids."""
        if isinstance(ids, int):
            return self.fast.convert_ids_to_tokens(int(ids))
        return list(self.fast.convert_ids_to_tokens([int(i) for i in ids]))

    def decode(
        self,
        token_ids: Sequence[int],
        skip_special_tokens: bool = False,
        clean_up_tokenization_spaces: bool | None = None,
    ) -> str:
        """The text of ``token_ids`` as written Chinese (detok_wordpiece.py rendering).

        Special tokens never show, whatever ``skip_special_tokens`` says;
        [SEP] is a line break unless it is the EOS.
        """
        from gpt2desk.core.engine.detok_wordpiece import render

        return render(self, [int(i) for i in token_ids], eos_id=self.eos_token_id)

    def unknown_chars(self, text: str, last_tokens: int | None = None) -> list[str]:
        """The characters of ``text`` the vocabulary lacks (they become [UNK]), each once.

        With ``last_tokens``, only those of the last ``last_tokens`` tokens
        (the part of a long prompt the model is given); only a tail of the
        text a few times that long is read.
        """
        if self.unk_token_id is None:
            return []
        backend = self.fast.backend_tokenizer
        if last_tokens is None:
            encoding = backend.encode(text, add_special_tokens=False)
            offset, tail = 0, list(zip(encoding.ids, encoding.offsets, strict=True))
        else:
            n_chars = max(1, last_tokens) * 8
            while True:
                offset = max(0, len(text) - n_chars)
                encoding = backend.encode(text[offset:], add_special_tokens=False)
                if offset == 0 or len(encoding.ids) > last_tokens:
                    break
                n_chars *= 4
            pairs = list(zip(encoding.ids, encoding.offsets, strict=True))
            tail = pairs[-last_tokens:] if last_tokens > 0 else []
        found: dict[str, None] = {}
        for token_id, (start, end) in tail:
            if token_id != self.unk_token_id:
                continue
            span = text[offset + start : offset + end]
            if span == self.fast.unk_token:
                continue  # "[UNK]" typed as such
            chars = [c for c in span if not self._knows(c)]
            # A word of known characters can still be [UNK] (too long, or no
            # split into pieces exists): then the word is what is unknown.
            for c in chars or [span[:SHOWN_UNKNOWN]]:
                found.setdefault(c, None)
        return list(found)

    def _knows(self, char: str) -> bool:
        norm = self._normalizer.normalize_str(char).strip()
        return not norm or norm in self._vocab or f"##{norm}" in self._vocab


def unknown_chars_message(chars: Sequence[str]) -> Message:
    """ "3 characters this model does not know: 「…」" (at most SHOWN_UNKNOWN named)."""
    shown = "".join(chars[:SHOWN_UNKNOWN]) + ("…" if len(chars) > SHOWN_UNKNOWN else "")
    if len(chars) == 1:
        return Message(
            QT_TRANSLATE_NOOP("Models", "1 character this model does not know: 「{chars}」"),
            chars=shown,
        )
    return Message(
        QT_TRANSLATE_NOOP("Models", "{count} characters this model does not know: 「{chars}」"),
        count=len(chars),
        chars=shown,
    )
