"""The layering rules of STYLE.md, checked on the real imports."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import gpt2desk.core


def _modules_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(out.stdout))


def test_core_never_imports_qt() -> None:
    core = [m.name for m in pkgutil.walk_packages(gpt2desk.core.__path__, "gpt2desk.core.")]
    assert len(core) >= 8
    loaded = _modules_after_import(core)
    assert not any(name.startswith("PySide6") for name in loaded)


def test_gui_modules_do_not_import_tensorflow() -> None:
    # The window must paint before TensorFlow loads: only the worker thread
    # imports it, lazily, when it loads a model.
    loaded = _modules_after_import(
        [
            "gpt2desk.app",
            "gpt2desk.ui.window.main_window",
            "gpt2desk.ui.generation.worker",
            "gpt2desk.cli",
            "gpt2desk.ui.models.dialog",
            "gpt2desk.ui.models.downloads",
        ]
    )
    assert "tensorflow" not in loaded
    assert "transformers" not in loaded
