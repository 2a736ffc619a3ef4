"""Model preferences kept between launches: offline mode, Hub endpoint, added models.

One small wrapper around ``QSettings`` with a defaults dict, so a missing or
mangled value never breaks the app.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from PySide6.QtCore import QSettings

DEFAULTS: dict[str, object] = {
    "hub/offline": False,
    "hub/endpoint": "",
    "hub/added": "[]",
}


@dataclass
class HubPrefs:
    """What the Models dialog and the model loader need to know.

    Args:
        offline: never use the network (only cached models and folders).
        endpoint: the Hub or a mirror; "" means ``HF_ENDPOINT`` or huggingface.co.
        added: models the user added, as ("hub", id) or ("local", folder).
    """

    offline: bool = False
    endpoint: str = ""
    added: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def load(cls) -> HubPrefs:
        s = QSettings()
        offline = str(s.value("hub/offline", DEFAULTS["hub/offline"])).lower() in ("true", "1")
        endpoint = str(s.value("hub/endpoint", DEFAULTS["hub/endpoint"]) or "")
        try:
            raw = json.loads(str(s.value("hub/added", DEFAULTS["hub/added"])))
            added = [
                (str(kind), str(name))
                for kind, name in raw
                if kind in ("hub", "local") and isinstance(name, str)
            ]
        except (ValueError, TypeError):
            added = []
        return cls(offline, endpoint, added)

    def save(self) -> None:
        s = QSettings()
        s.setValue("hub/offline", self.offline)
        s.setValue("hub/endpoint", self.endpoint)
        s.setValue("hub/added", json.dumps([list(a) for a in self.added]))
