"""Room to write: the docks' first sizes, and the window's layout kept between launches.

The text column (chat view and composer) gets most of the window. The
conversations sidebar starts at about a fifth of the width; the settings
panel starts folded away unless the window is wide enough that both docks
leave the page at least 60% of it. The window's geometry, the docks' sizes
and which docks are open are saved on close (``saveGeometry``/``saveState``,
base64 text in ui/preferences.py) and restored at the next start; a stored
value that Qt cannot read is ignored and the window opens with the defaults.
"""

from __future__ import annotations

import base64
import binascii
import logging

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from gpt2desk.ui.preferences import get_str, set_value

log = logging.getLogger(__name__)

DEFAULT_SIZE = (1000, 700)
#: The settings panel starts open only on windows at least this wide: there its
#: SETTINGS_WIDTH and the sidebar's widest default leave the page 60% of the width.
SETTINGS_OPEN_MIN_WIDTH = 1400
SETTINGS_WIDTH = 300
#: The sidebar's default width: this share of the window, within these bounds.
SIDEBAR_SHARE = 0.2
SIDEBAR_WIDTH = (180, 240)
#: Bumped when the docks change so much that an old saved state makes no sense.
STATE_VERSION = 1
GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"


def _decode(key: str) -> QByteArray | None:
    text = get_str(key)
    if not text:
        return None
    try:
        return QByteArray(base64.b64decode(text.encode("ascii"), validate=True))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        log.info("setting %s: not base64; using the default layout", key)
        return None


def _encode(data: QByteArray) -> str:
    return base64.b64encode(data.data()).decode("ascii")


class WindowLayout:
    """Restores the window's layout from the preferences, or lays out its defaults.

    Args:
        window: the main window; its docks must all exist (``restoreState`` finds
            them by object name).
        sidebar: the conversations dock (left).
        settings: the settings panel's dock (right).
    """

    def __init__(self, window: QMainWindow, sidebar: QDockWidget, settings: QDockWidget) -> None:
        self.window = window
        self.sidebar = sidebar
        self.settings = settings
        self._defaults_pending = True

    def restore(self) -> None:
        """Puts back the saved geometry and docks; call before the window is shown."""
        w = self.window
        geometry = _decode(GEOMETRY_KEY)
        if geometry is not None and not w.restoreGeometry(geometry):
            log.info("the saved window geometry is unusable; using %s", DEFAULT_SIZE)
            w.resize(*DEFAULT_SIZE)
        state = _decode(STATE_KEY)
        if state is not None:
            if w.restoreState(state, STATE_VERSION):
                self._defaults_pending = False
            else:
                log.info("the saved dock layout is unusable; using the default layout")
        if self._defaults_pending:
            # Folded away until shown, so that a small window never flashes it open.
            self.settings.hide()

    def shown(self) -> None:
        """The window is shown for the first time: the docks get their default sizes
        (not before: a dock's size needs the window's)."""
        if not self._defaults_pending:
            return
        self._defaults_pending = False
        width = self.window.width()
        lo, hi = SIDEBAR_WIDTH
        sidebar = max(lo, min(hi, round(width * SIDEBAR_SHARE)))
        horizontal = Qt.Orientation.Horizontal
        if width >= SETTINGS_OPEN_MIN_WIDTH:
            self.settings.show()
            self.window.resizeDocks(
                [self.sidebar, self.settings], [sidebar, SETTINGS_WIDTH], horizontal
            )
        else:
            self.window.resizeDocks([self.sidebar], [sidebar], horizontal)
            # Opened later (View > Show settings panel, Ctrl+,): no wider than needed.
            self.settings.visibilityChanged.connect(self._first_unfold)

    def _first_unfold(self, visible: bool) -> None:
        if not visible:
            return
        self.settings.visibilityChanged.disconnect(self._first_unfold)
        self.window.resizeDocks([self.settings], [SETTINGS_WIDTH], Qt.Orientation.Horizontal)

    def save(self) -> None:
        """Keeps the geometry, the docks' sizes and which are open, for the next start."""
        set_value(GEOMETRY_KEY, _encode(self.window.saveGeometry()))
        set_value(STATE_KEY, _encode(self.window.saveState(STATE_VERSION)))
