"""The rows of the Models table: which models are listed and what each cell says.

Plain Python (no Qt): the dialog turns these into table items.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gpt2desk.core import cache
from gpt2desk.core.catalog import FAMILY, MEMORY_FORMULA, CatalogEntry, format_bytes
from gpt2desk.core.models import ModelLoadError

COLUMNS = ("Model", "Parameters", "Download", "Memory needed", "On disk", "Disk use")
STATE_TEXT = {"complete": "On disk", "partial": "Partly downloaded", "absent": "Not downloaded"}


@dataclass(frozen=True)
class Row:
    """One line of the table: a Hub model (``ids``: the id and its aliases) or a folder."""

    kind: str
    name: str
    entry: CatalogEntry | None = None
    ids: tuple[str, ...] = ()
    note: str = ""


def table_rows(added: list[tuple[str, str]]) -> list[Row]:
    """The family, then the models the user added, then other GPT-2s found in the cache."""
    rows = [Row("hub", e.repo_id, e, (e.repo_id, *e.aliases)) for e in FAMILY]
    for kind, name in added:
        rows.append(Row(kind, name, None, (name,) if kind == "hub" else ()))
    known = {i for r in rows for i in r.ids}
    for repo_id in cache.cached_gpt2_ids():
        if repo_id not in known:
            rows.append(Row("hub", repo_id, None, (repo_id,), "found in the cache"))
    return rows


def row_cells(row: Row, active: str, downloading: bool) -> list[tuple[str, str]]:
    """(text, tooltip) of each column of ``row``; ``active`` is the loaded model."""
    e = row.entry
    name = row.name if row.kind == "hub" else f"{Path(row.name).name} (folder)"
    if row.note:
        name += f" ({row.note})"
    if active and active in (row.name, *row.ids):
        name += " — in use"
    params = (e.label, f"{e.params:,} parameters") if e else ("—", "")
    size = (
        ("≈ " + format_bytes(e.download_bytes), "model.safetensors + tokenizer files")
        if e
        else ("—", "")
    )
    memory = (format_bytes(e.memory_bytes), MEMORY_FORMULA) if e else ("—", MEMORY_FORMULA)
    state, tip, used = _disk_state(row, downloading)
    return [(name, row.name), params, size, memory, (state, tip), (used, "")]


def _disk_state(row: Row, downloading: bool) -> tuple[str, str, str]:
    if row.kind == "local":
        try:
            cache.check_gpt2_folder(Path(row.name))
        except ModelLoadError as exc:
            return "Folder has a problem", str(exc), "—"
        return "Folder", row.name, format_bytes(cache.folder_bytes(Path(row.name)))
    found = cache.best_status(row.ids)
    text = "Downloading…" if downloading else STATE_TEXT[found.state]
    used = format_bytes(found.disk_bytes) if found.state != "absent" else "—"
    return text, str(cache.repo_folder(found.repo_id)), used
