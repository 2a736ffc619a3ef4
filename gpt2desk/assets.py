"""Locate files from the top-level ``resources/`` folder (icons, styles, translations).

An installed gpt2desk (wheel or editable install) carries that folder as the
``gpt2desk.resources`` package; a plain checkout run without installing has only
the folder next to the package. ``resource_path`` works in both cases.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

_CHECKOUT_RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def resources_root() -> Path:
    """Return the folder that holds gpt2desk's resources."""
    try:
        root = importlib.resources.files("gpt2desk.resources")
    except ModuleNotFoundError:
        return _CHECKOUT_RESOURCES
    # Qt needs real file names. gpt2desk is never installed zipped, so the
    # package is a folder on disk; anything else falls back to the checkout.
    if isinstance(root, Path):
        return root
    return _CHECKOUT_RESOURCES


def resource_path(relative: str) -> Path:
    """Return the path of a resource file, e.g. ``resource_path("icons/gpt2desk.svg")``.

    The path is returned whether or not the file exists, so callers can report
    a missing file by name.
    """
    return resources_root() / relative
