"""Preferences: one wrapper around QSettings, typed, with defaults for bad stored values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

import gpt2desk
from gpt2desk.ui import preferences
from gpt2desk.ui.models.convert import converted_models
from gpt2desk.ui.models.first_start import start_model
from gpt2desk.ui.models.hub_prefs import HubPrefs
from gpt2desk.ui.window.appearance import Appearance

PACKAGE = Path(gpt2desk.__file__).parent


def test_only_the_preferences_module_opens_qsettings() -> None:
    users = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if re.search(r"QSettings\(", path.read_text(encoding="utf-8"))
    )
    assert users == ["ui/preferences.py"]


def test_every_preference_reads_back_what_was_set() -> None:
    for key, default in preferences.DEFAULTS.items():
        assert preferences.get(key) == default
    preferences.set_value("appearance/font_size", 14)
    preferences.set_value("hub/offline", True)
    preferences.set_value("hub/endpoint", "https://hf-mirror.com")
    assert preferences.get_int("appearance/font_size") == 14
    assert preferences.get_bool("hub/offline") is True
    assert preferences.get_str("hub/endpoint") == "https://hf-mirror.com"


def test_a_value_of_the_wrong_type_is_refused_when_set() -> None:
    with pytest.raises(TypeError):
        preferences.set_value("appearance/font_size", "14")
    with pytest.raises(KeyError):
        preferences.get("appearance/typo")


def test_mangled_stored_values_read_as_the_defaults() -> None:
    s = QSettings()
    s.setValue("hub/offline", "banana")
    s.setValue("hub/endpoint", ["https://a", "https://b"])
    s.setValue("hub/added", '{"not": "a list"}')
    s.setValue("models/start_model", ["gpt2", "gpt2-xl"])
    s.setValue("models/convert_s2twp", "[1, 2, null")
    s.setValue("appearance/font_size", "not a number")
    s.sync()
    prefs = HubPrefs.load()
    assert (prefs.offline, prefs.endpoint, prefs.added) == (False, "", [])
    # A list where the first start's model was kept: the default model, not "['gpt2', ...]".
    assert start_model(None, offline=True) == "gpt2"
    assert converted_models() == set()
    assert Appearance.load().font_size == 0


def test_hub_prefs_keep_added_models_between_launches(tmp_path: Path) -> None:
    HubPrefs(True, "https://hf-mirror.com", [("hub", "a/b"), ("local", str(tmp_path))]).save()
    assert HubPrefs.load() == HubPrefs(
        True, "https://hf-mirror.com", [("hub", "a/b"), ("local", str(tmp_path))]
    )
