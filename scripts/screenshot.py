"""Saves a screenshot of the real app for the README (offscreen, no display needed).

Usage: ``python scripts/screenshot.py [--lang en|zh_TW] [--model ID_OR_FOLDER] [--out PNG]``

Without ``--model`` it builds the tiny test GPT-2 (tests/tinymodel.py), so it
needs no download; its text is random-looking. Settings and data go to a
temporary folder, never the user's. Chinese text needs a CJK font
(fonts-noto-cjk on Debian/Ubuntu).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

PROMPT = {
    "en": "The lighthouse keeper opened the door and saw",
    "zh_TW": "從前有一座山，山上有一座燈塔。",  # noqa: RUF001 (Chinese punctuation)
}


def _wait(app: object, done: object, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:  # type: ignore[operator]
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en", choices=["en", "zh_TW"])
    parser.add_argument("--model", default="")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gpt2desk-shot-"))
    os.environ["GPT2DESK_DATA_DIR"] = str(tmp / "data")

    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from gpt2desk.assets import resource_path
    from gpt2desk.ui.translations import install_translations
    from gpt2desk.ui.window.main_window import MainWindow

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp / "cfg"))
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("gpt2desk-screenshot")
    app.setApplicationName("gpt2desk")
    app.setWindowIcon(QIcon(str(resource_path("icons/gpt2desk.svg"))))
    install_translations(args.lang)
    model = args.model
    if not model:
        from tests.tinymodel import build_tiny_model

        model = str(build_tiny_model(tmp / "tiny-gpt2"))
    window = MainWindow(model, offline=True)
    window.resize(1200, 760)
    window.show()
    window.start()
    _wait(app, window.send_button.isEnabled)
    window.settings_panel.seed.setText("7")
    window.settings_panel.max_new_tokens.setValue(60)
    # A draft: the writer's beginning on the page, a continuation, and a retry of
    # it (so the page shows the model's colour and the alternatives bar).
    ui = window.workspace_ui
    ui.new_conversation("draft")
    ui.editor.setFocus()
    ui.editor.insertPlainText(PROMPT[args.lang])
    flow = ui.manuscript
    for start in (flow.continue_end, flow.retry):
        start()
        _wait(app, lambda: not flow.streaming() and window.send_button.isEnabled())
    _wait(app, lambda: False, 0.5)  # let the status bar and layout settle
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(out))
    window.close()
    print(out if ok else "saving failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
