"""The UI language: Qt translators for gpt2desk and Qt's own dialogs.

``resources/translations/gpt2desk_<locale>.qm`` is compiled from the ``.ts``
next to it (``make translations``). English is the source language and needs
no file; any other language without a usable ``.qm`` falls back to English.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from gpt2desk.assets import resource_path
from gpt2desk.core import i18n

log = logging.getLogger(__name__)

# (setting value, name shown in its own language); "system" follows the locale.
LANGUAGES = {"en": "English", "zh_TW": "繁體中文"}
_installed: list[QTranslator] = []
_current = ["en"]


def current_language() -> str:
    """The language of the installed translation: "en" or "zh_TW"."""
    return _current[0]


def language_for_locale(locale: QLocale) -> str:
    """The UI language for a locale: Traditional Chinese for zh_TW/zh_HK/zh_Hant, else English."""
    if locale.language() == QLocale.Language.Chinese and (
        locale.script() == QLocale.Script.TraditionalChineseScript
        or locale.territory() in (QLocale.Country.Taiwan, QLocale.Country.HongKong)
    ):
        return "zh_TW"
    if locale.language() != QLocale.Language.English:
        log.info("no translation for locale %s; the UI is in English", locale.name())
    return "en"


def install_translations(setting: str = "system", locale: QLocale | None = None) -> str:
    """Loads the translators for ``setting`` ("system", "en" or "zh_TW"); returns the language.

    Replaces translators installed by an earlier call. A missing or damaged
    ``.qm`` is logged and the UI stays in English.
    """
    app = QCoreApplication.instance()
    # The core's messages (errors, download progress) are translated by the same translators.
    i18n.set_translator(QCoreApplication.translate)
    while _installed:
        QCoreApplication.removeTranslator(_installed.pop())
    _current[0] = "en"
    if setting not in LANGUAGES:
        if setting != "system":
            log.warning("unknown UI language %r; following the system", setting)
        setting = language_for_locale(locale or QLocale.system())
    if app is None:
        return "en"
    if setting != "en" and _install(app, setting):
        _current[0] = setting
        return setting
    # English is the source text; its .qm only holds the singular forms of "%n" texts.
    english = QTranslator(app)
    if english.load(str(resource_path("translations/gpt2desk_en.qm"))):
        QCoreApplication.installTranslator(english)
        _installed.append(english)
    else:
        log.info("gpt2desk_en.qm is missing: counts of one read as plurals")
    return "en"


def _install(app: QCoreApplication, language: str) -> bool:
    """Installs gpt2desk's and Qt's translators for ``language``; False if ours is unusable."""
    ours = QTranslator(app)
    qm = resource_path(f"translations/gpt2desk_{language}.qm")
    if not ours.load(str(qm)):
        log.warning("cannot load %s (missing or damaged); the UI is in English", qm)
        return False
    QCoreApplication.installTranslator(ours)
    _installed.append(ours)
    # Qt's own strings: standard buttons (OK, Cancel, Close) and file and font dialogs.
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(f"qtbase_{language}", qt_dir):
        QCoreApplication.installTranslator(qt)
        _installed.append(qt)
        # Installed last, so asked first: it only answers what qtbase leaves in English.
        accelerated = _AcceleratorFallback(qt, app)
        QCoreApplication.installTranslator(accelerated)
        _installed.append(accelerated)
    else:
        log.info("Qt's own %s translation is not installed", language)
    return True


#: qtbase_zh_TW names the arrow keys 左鍵, 右鍵 (read as the mouse buttons): "Alt+左鍵"
#: for Alt+Left. Shortcuts show the arrows themselves.
ARROW_KEYS = {"Left": "←", "Right": "→", "Up": "↑", "Down": "↓"}


class _AcceleratorFallback(QTranslator):
    """Qt texts with a shortcut letter that ``qtbase`` translates only without one.

    qtbase_zh_TW.qm has "Look in:" but not the "&Look in:" and "Files of &type:"
    that Qt's file dialog shows, so they stayed English. Such a text is
    translated without its "&", and the letter is added back before the colon,
    as Chinese labels write it ("尋找於(&L)" + colon). None means "not mine"
    (Qt's null string: the next translator is asked; "" would be the answer).
    It also names the arrow keys in shortcuts (``ARROW_KEYS``).
    """

    def __init__(self, qt: QTranslator, parent: QCoreApplication) -> None:
        super().__init__(parent)
        self._qt = qt

    def isEmpty(self) -> bool:
        return False

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        if context == "QShortcut" and source in ARROW_KEYS:
            return ARROW_KEYS[source]
        if not context.startswith("Q") or source.count("&") != 1 or "&&" in source:
            return None
        at = source.index("&")
        letter = source[at + 1 : at + 2]
        if not letter.isalnum():
            return None
        if self._qt.translate(context, source, disambiguation, n):
            return None  # qtbase has this very text: its own answer stands
        plain = self._qt.translate(context, source.replace("&", ""), disambiguation, n)
        if not plain or plain == source.replace("&", ""):
            return None
        end = len(plain.rstrip(":：. …"))  # noqa: RUF001
        return f"{plain[:end]}(&{letter.upper()}){plain[end:]}"
