"""The rows of the Models table: which models are listed and what each cell says.

Plain Python apart from Qt's translation lookup: the dialog turns these into table items.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from gpt2desk.core.hub import cache
from gpt2desk.core.hub.cache import CacheStatus
from gpt2desk.core.hub.catalog import (
    CATALOG,
    ENGLISH,
    MEMORY_FORMULA,
    SIMPLIFIED_CHINESE,
    TRADITIONAL_CHINESE,
    UNKNOWN_LICENCE,
    CatalogEntry,
    format_bytes,
)
from gpt2desk.ui.models.folder_facts import FolderFacts
from gpt2desk.ui.translations import current_language

COLUMN_COUNT = 8
#: Columns whose index tests and the dialog use.
LANGUAGE_COLUMN = 6
LICENCE_COLUMN = 7


def columns() -> tuple[str, ...]:
    """The column headings, in the UI's language."""
    return (
        QCoreApplication.translate("ModelRows", "Model"),
        QCoreApplication.translate("ModelRows", "Parameters"),
        QCoreApplication.translate("ModelRows", "Download"),
        QCoreApplication.translate("ModelRows", "Memory needed"),
        QCoreApplication.translate("ModelRows", "On disk"),
        QCoreApplication.translate("ModelRows", "Disk use"),
        QCoreApplication.translate("ModelRows", "Language"),
        QCoreApplication.translate("ModelRows", "Licence"),
    )


def language_name(language: str) -> str:
    """A catalog language as the table shows it: each Chinese in its own script."""
    if language == ENGLISH:
        return QCoreApplication.translate("ModelRows", "English")
    return language  # 繁體中文 and 简体中文 are written as their readers write them


def licence_name(licence: str) -> str:
    """A licence id as the table shows it ("GPL-3.0"), or that the card names none."""
    return licence or QCoreApplication.translate("ModelRows", "not stated")


def language_tip(row_name: str, language: str) -> str:
    """What a model writes, for its name's tooltip."""
    texts = {
        # Every GPT-2 of OpenAI was trained on English web text.
        ENGLISH: QCoreApplication.translate("ModelRows", "{name}: reads and writes English only"),
        TRADITIONAL_CHINESE: QCoreApplication.translate(
            "ModelRows", "{name}: writes Traditional Chinese (trained on text from Taiwan)"
        ),
        SIMPLIFIED_CHINESE: QCoreApplication.translate(
            "ModelRows",
            "{name}: writes Simplified Chinese; its output can be converted to "
            "Traditional Chinese (Taiwan)",
        ),
    }
    return texts[language].format(name=row_name)


def licence_tip(licence: str) -> str:
    if licence == UNKNOWN_LICENCE:
        return QCoreApplication.translate(
            "ModelRows", "The model card names no licence: ask its authors before you publish"
        )
    return QCoreApplication.translate("ModelRows", "The licence of the model's weights")


def memory_formula() -> str:
    """How the memory estimate is made (the core's formula, for the column's tooltip)."""
    if current_language() == "en":
        return MEMORY_FORMULA
    return QCoreApplication.translate(
        "ModelRows",
        "Memory needed ≈ 0.9 GB (TensorFlow runtime and compiled decode loop) + 6.05 bytes "
        "per parameter + 8 bytes x layers x 1056 x width (the key/value cache). Measured "
        "peaks on Linux: gpt2 1.55 GB, gpt2-medium 2.86 GB, gpt2-large 5.94 GB, "
        "gpt2-xl 10.62 GB; the window adds about 0.1 GB.",
    )


def _state_text(state: str) -> str:
    texts = {
        "complete": QCoreApplication.translate("ModelRows", "On disk"),
        "partial": QCoreApplication.translate("ModelRows", "Partly downloaded"),
        "absent": QCoreApplication.translate("ModelRows", "Not downloaded"),
    }
    return texts[state]


@dataclass(frozen=True)
class Row:
    """One line of the table: a Hub model (``ids``: the id and its aliases) or a folder.

    ``listed`` is False for the model in use when the user never added it to
    the list (``--model`` or File > Open model folder): it is shown while in use.
    """

    kind: str
    name: str
    entry: CatalogEntry | None = None
    ids: tuple[str, ...] = ()
    note: str = ""
    listed: bool = True


def table_rows(
    added: list[tuple[str, str]], active: str = "", cached_gpt2_ids: Iterable[str] = ()
) -> list[Row]:
    """The family, then the models the user added, then other GPT-2s found in the cache
    (``cached_gpt2_ids``, as last read), then the model in use (``active``: a Hub id or a
    folder's full path) if none of those."""
    rows = [Row("hub", e.repo_id, e, (e.repo_id, *e.aliases)) for e in CATALOG]
    for kind, name in added:
        rows.append(Row(kind, name, None, (name,) if kind == "hub" else ()))
    known = {i for r in rows for i in r.ids}
    for repo_id in cached_gpt2_ids:
        if repo_id not in known:
            note = QCoreApplication.translate("ModelRows", "found in the cache")
            rows.append(Row("hub", repo_id, None, (repo_id,), note))
    if active and not any(active in (r.name, *r.ids) for r in rows):
        # A model folder's reference is its full path (core.model_source.parse_model_ref).
        local = os.path.isabs(active)
        rows.append(Row("local" if local else "hub", active, None, () if local else (active,),
                        listed=False))  # fmt: skip
    return rows


def params_label(params: int) -> str:
    """A parameter count as the catalog writes it: "124M", "1.5B"."""
    if params >= 1_000_000_000:
        return f"{params / 1e9:.1f}B"
    if params >= 1_000_000:
        return f"{params / 1e6:.0f}M"
    return f"{params / 1e3:.0f}K" if params >= 1000 else str(params)


def row_cells(
    row: Row,
    active: str,
    downloading: bool,
    facts: FolderFacts | None = None,
    found: CacheStatus | None = None,
) -> list[tuple[str, str]]:
    """(text, tooltip) of each column of ``row``; ``active`` is the loaded model.

    ``facts`` is what was read from a folder row's folder, ``found`` what the cache
    holds of a Hub row's model (None: not read yet).
    """
    if row.kind == "local":
        return _folder_cells(row, active, facts)
    e = row.entry
    name = row.name
    if row.note:
        name += f" ({row.note})"
    name += _in_use(active if active in (row.name, *row.ids) else "")
    tip = language_tip(row.name, e.language) if e else row.name
    params = (
        (
            e.label,
            QCoreApplication.translate("ModelRows", "{n} parameters").format(n=f"{e.params:,}"),
        )
        if e
        else ("—", "")
    )
    size = (
        (
            "≈ " + format_bytes(e.download_bytes),
            QCoreApplication.translate("ModelRows", "weights + tokenizer files"),
        )
        if e
        else ("—", "")
    )
    formula = memory_formula()
    memory = (format_bytes(e.memory_bytes), formula) if e else ("—", formula)
    state, disk_tip, used = _disk_state(found, downloading)
    language = (language_name(e.language), tip) if e else ("—", "")
    licence = (licence_name(e.licence), licence_tip(e.licence)) if e else ("—", "")
    return [(name, tip), params, size, memory, (state, disk_tip), (used, ""), language, licence]


def _in_use(active: str) -> str:
    return QCoreApplication.translate("ModelRows", " — in use") if active else ""


def _folder_cells(row: Row, active: str, facts: FolderFacts | None) -> list[tuple[str, str]]:
    """A folder's row: its numbers come from its files and its config.json."""
    name = QCoreApplication.translate("ModelRows", "{name} (folder)").format(
        name=Path(row.name).name
    )
    name += _in_use(active if active == row.name else "")
    # A folder row shows only the folder's name: its tooltip is the whole path.
    formula = memory_formula()
    none = ("—", "")
    if facts is None:
        reading = QCoreApplication.translate("ModelRows", "Reading the folder…")
        waiting = ("…", reading)
        return [(name, row.name), waiting, waiting, ("…", formula), waiting, waiting, none, none]
    size = format_bytes(facts.disk_bytes)
    size_tip = QCoreApplication.translate(
        "ModelRows", "The files in the folder (nothing to download)"
    )
    if facts.problem:
        problem = (QCoreApplication.translate("ModelRows", "Folder has a problem"), facts.problem)
        return [(name, row.name), none, (size, size_tip), ("—", formula), problem, (size, ""),
                none, none]  # fmt: skip
    params = (
        params_label(facts.params),
        QCoreApplication.translate("ModelRows", "{n} parameters").format(n=f"{facts.params:,}"),
    )
    memory = (format_bytes(facts.memory_bytes), formula)
    state = (QCoreApplication.translate("ModelRows", "Folder"), row.name)
    return [(name, row.name), params, (size, size_tip), memory, state, (size, ""), none, none]


def _disk_state(found: CacheStatus | None, downloading: bool) -> tuple[str, str, str]:
    text = QCoreApplication.translate("ModelRows", "Downloading…") if downloading else ""
    if found is None:  # the cache is being read (cache_facts.py)
        return text or "…", QCoreApplication.translate("ModelRows", "Reading the cache…"), "…"
    text = text or _state_text(found.state)
    used = format_bytes(found.disk_bytes) if found.state != "absent" else "—"
    where = str(cache.repo_folder(found.repo_id))
    if found.state == "complete" and found.revision != "main":
        from gpt2desk.core.hub.download import revision_note

        text = QCoreApplication.translate("ModelRows", "On disk (conversion pull request)")
        where = f"{where}\n{revision_note(found.revision)}"
    return text, where, used
