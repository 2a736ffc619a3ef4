"""The core's translatable messages: English by default, the UI's translation when installed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gpt2desk.core import i18n
from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message, UserError
from gpt2desk.core.model_source import ModelLoadError, check_local_folder
from gpt2desk.core.settings import GenerationSettings, SettingsError

# A tiny stand-in for a .qm file: (context, English) -> translation.
PIRATE = {
    ("Settings", "Seed"): "Treasure number",
    ("Settings", "{field} must be a whole number; got {value}."): "Arr, {field} be whole: {value}!",
    ("Models", "The model folder {path} does not exist."): "No folder {nope} here.",
}


@pytest.fixture
def pirate() -> Iterator[None]:
    i18n.set_translator(lambda context, text: PIRATE.get((context, text), text))
    yield
    i18n.set_translator(None)


def test_without_a_translator_messages_are_english() -> None:
    i18n.set_translator(None)
    with pytest.raises(SettingsError) as caught:
        GenerationSettings.from_dict({"seed": "x"})
    assert str(caught.value) == "Seed must be a whole number; got 'x'."
    assert caught.value.args == ("Seed must be a whole number; got 'x'.",)
    assert caught.value.field == "seed"


def test_the_installed_translator_translates_template_and_nested_labels(pirate: None) -> None:
    with pytest.raises(SettingsError) as caught:
        GenerationSettings.from_dict({"seed": "x"})
    assert str(caught.value) == "Arr, Treasure number be whole: 'x'!"
    # The English text stays available (logs, the CLI's view of the same error).
    assert caught.value.message.english() == "Seed must be a whole number; got 'x'."


def test_a_translation_with_other_fields_falls_back_to_english(
    pirate: None, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(ModelLoadError) as caught:
        check_local_folder(Path("/no/such/folder"))
    assert str(caught.value) == "The model folder /no/such/folder does not exist."
    assert "bad translation" in caplog.text


def test_plain_text_and_third_party_details_are_shown_as_they_are(pirate: None) -> None:
    assert str(UserError("already translated")) == "already translated"
    detail = OSError("[Errno 28] No space left on device")
    message = Message(QT_TRANSLATE_NOOP("Store", "Saving failed: {error}"), error=detail)
    assert str(message) == "Saving failed: [Errno 28] No space left on device"
