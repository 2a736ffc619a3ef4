"""Preferences kept between launches: the one wrapper around ``QSettings``.

Every key has a default of a fixed type in :data:`DEFAULTS`. A missing value,
or a stored one of the wrong type (a hand-edited or older settings file), reads
as the default: a mangled setting never breaks a start. An unknown key is a bug
(a typo) and raises ``KeyError``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QSettings

log = logging.getLogger(__name__)

DEFAULTS: dict[str, bool | int | str] = {
    # View > Theme, Font and Language (ui/window/appearance.py).
    "appearance/theme": "system",
    "appearance/font_family": "",
    "appearance/font_size": 0,
    "appearance/language": "system",
    # The Models window (ui/models/hub_prefs.py): "added" is a JSON list of [kind, name].
    "hub/offline": False,
    "hub/endpoint": "",
    "hub/added": "[]",
    # The model chosen at the first start; "" until the question was answered.
    "models/start_model": "",
    # A JSON list of Hub ids whose replies are converted to Traditional Chinese.
    "models/convert_s2twp": "[]",
    # The generation settings panel's state, a JSON object.
    "generation": "",
    # The folder of the last export or import.
    "files/last_folder": "",
    # The window's geometry and dock layout, base64 of saveGeometry/saveState
    # (ui/window/window_layout.py); "" or unreadable: the default layout.
    "window/geometry": "",
    "window/state": "",
}

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off", "")


def get(key: str) -> Any:
    """The stored value of ``key`` as its default's type, or the default."""
    default = DEFAULTS[key]
    value = QSettings().value(key, default)
    try:
        if isinstance(default, bool):
            # INI files give "true"/"false" back as strings.
            text = str(value).strip().lower()
            if text in _TRUE or text in _FALSE:
                return text in _TRUE
            raise ValueError(value)
        if isinstance(default, int):
            if isinstance(value, (float, bool)):
                raise ValueError(value)
            return int(str(value))
        if not isinstance(value, str):
            raise ValueError(value)
        return value
    except (TypeError, ValueError):
        log.info("setting %s: stored value %r is unusable; using %r", key, value, default)
        return default


def get_bool(key: str) -> bool:
    return bool(get(key))


def get_int(key: str) -> int:
    return int(get(key))


def get_str(key: str) -> str:
    return str(get(key))


def get_json(key: str, kind: type) -> Any:
    """A JSON value kept as text; anything not of ``kind`` (list, dict) reads as empty."""
    try:
        value = json.loads(get_str(key) or "null")
    except ValueError:
        value = None
    return value if isinstance(value, kind) else kind()


def set_value(key: str, value: bool | int | str) -> None:
    """Stores ``value`` under ``key``; it must have the type of the key's default."""
    default = DEFAULTS[key]
    if type(value) is not type(default):
        raise TypeError(f"setting {key} takes {type(default).__name__}, not {value!r}")
    QSettings().setValue(key, value)


def set_json(key: str, value: Any) -> None:
    set_value(key, json.dumps(value))
