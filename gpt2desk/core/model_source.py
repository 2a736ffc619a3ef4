"""Where a model comes from, and whether a folder can be one.

The bottom layer under ``engine`` (which loads models) and ``hub`` (which
downloads them): a :class:`ModelRef` parsed from what the user typed, the
:class:`ModelLoadError` both raise, and the check that a folder holds a
config, weights and a tokenizer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, UserError

DEFAULT_MODEL = "gpt2"
#: In the order they are preferred; pytorch_model.bin is never opened (unpickling runs code).
WEIGHT_FILES = ("model.safetensors", "tf_model.h5", "flax_model.msgpack")
TOKENIZER_FILES = (
    ("tokenizer.json",),
    ("vocab.json", "merges.txt"),
    ("vocab.txt",),  # BERT's WordPiece (core/engine/wordpiece.py)
)


class ModelLoadError(UserError):
    """A model could not be loaded; ``str()`` is a message for the user (core/i18n.py)."""


@dataclass(frozen=True)
class ModelRef:
    """Where a model comes from: ``kind`` is "hub" or "local"."""

    kind: str
    name: str

    def __str__(self) -> str:
        return self.name


def parse_model_ref(text: str) -> ModelRef:
    """Reads what a user typed after ``--model``.

    A path is recognised by its form (absolute, ``./``, ``../``, ``~``) or by
    being an existing folder that is not also a valid Hub id, so a folder in
    the working directory never shadows a Hub id by accident.
    """
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    text = text.strip()
    if not text:
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models", "No model given: name a Hub id such as gpt2, or a model folder."
            )
        )
    explicit_path = text.startswith((".", "~", os.sep)) or os.path.isabs(text)
    if explicit_path:
        return ModelRef("local", str(Path(text).expanduser().resolve()))
    try:
        validate_repo_id(text)
    except HFValidationError:
        if Path(text).is_dir():
            return ModelRef("local", str(Path(text).resolve()))
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models", "“{text}” is neither a model folder nor a valid Hugging Face Hub id."
            ),
            text=text,
        ) from None
    return ModelRef("hub", text)


def check_local_folder(path: Path) -> None:
    """Raises ModelLoadError naming what a Hugging Face model folder lacks."""
    if not path.is_dir():
        if path.exists():
            raise ModelLoadError(
                QT_TRANSLATE_NOOP(
                    "Models",
                    "{path} is a file, not a model folder. Give the folder that holds "
                    "config.json, the weights and the tokenizer files.",
                ),
                path=path,
            )
        raise ModelLoadError(
            QT_TRANSLATE_NOOP("Models", "The model folder {path} does not exist."), path=path
        )
    if not (path / "config.json").is_file():
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models", "{path} has no config.json, so it is not a Hugging Face model folder."
            ),
            path=path,
        )
    if not any((path / f).is_file() for f in WEIGHT_FILES):
        if (path / "pytorch_model.bin").exists():
            raise ModelLoadError(
                QT_TRANSLATE_NOOP(
                    "Models",
                    "{path} has no model.safetensors, tf_model.h5 or flax_model.msgpack weights "
                    "(pytorch_model.bin is never loaded: it can run code). Save the model with "
                    "save_pretrained() from transformers.",
                ),
                path=path,
            )
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models",
                "{path} has no model.safetensors, tf_model.h5 or flax_model.msgpack weights. "
                "Save the model with save_pretrained() from transformers.",
            ),
            path=path,
        )
    if not any(all((path / f).is_file() for f in group) for group in TOKENIZER_FILES):
        raise ModelLoadError(
            QT_TRANSLATE_NOOP(
                "Models",
                "{path} has no tokenizer files (tokenizer.json, vocab.json and merges.txt, "
                "or vocab.txt).",
            ),
            path=path,
        )
