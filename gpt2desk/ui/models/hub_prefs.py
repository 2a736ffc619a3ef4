"""Model preferences kept between launches: offline mode, Hub endpoint, added models.

Kept through :mod:`gpt2desk.ui.preferences`, so a missing or mangled value
never breaks the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gpt2desk.ui import preferences


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
        added = [
            (str(item[0]), str(item[1]))
            for item in preferences.get_json("hub/added", list)
            if isinstance(item, list)
            and len(item) == 2
            and item[0] in ("hub", "local")
            and isinstance(item[1], str)
        ]
        return cls(preferences.get_bool("hub/offline"), preferences.get_str("hub/endpoint"), added)

    def save(self) -> None:
        preferences.set_value("hub/offline", self.offline)
        preferences.set_value("hub/endpoint", self.endpoint)
        preferences.set_json("hub/added", [list(a) for a in self.added])
