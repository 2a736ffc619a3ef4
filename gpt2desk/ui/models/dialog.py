"""The Models dialog: the GPT-2 family, Chinese GPT-2s and added models, downloads,
disk use, licences, conversion of Simplified Chinese output, settings.

Downloads run in the ``DownloadHost``'s thread; the model switch itself is
the main window's (``use_requested``), which loads in the model thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gpt2desk.core.engine.convert_script import available as opencc_available
from gpt2desk.core.hub import cache
from gpt2desk.core.hub.cache import CacheStatus
from gpt2desk.core.hub.catalog import format_bytes
from gpt2desk.core.model_source import ModelLoadError
from gpt2desk.ui.displayable import literal
from gpt2desk.ui.generation.model_state import ModelState
from gpt2desk.ui.generation.worker import WorkerHost
from gpt2desk.ui.models.cache_facts import CacheFacts, CacheFactsReader, run_waiting
from gpt2desk.ui.models.convert import converted_models, set_converted
from gpt2desk.ui.models.downloads import DownloadHost
from gpt2desk.ui.models.folder_facts import FolderFacts, FolderFactsReader
from gpt2desk.ui.models.hub_prefs import HubPrefs
from gpt2desk.ui.models.licence import licence_accepted
from gpt2desk.ui.models.rows import (
    COLUMN_COUNT,
    Row,
    columns,
    memory_formula,
    row_cells,
    table_rows,
)


class ModelsDialog(QDialog):
    """Lists models with size, memory needed and disk state; downloads, deletes, switches.

    Args:
        active: the model in use (a Hub id or a folder's full path; "" for none);
            :meth:`set_active_model` changes it. It is marked "in use", and listed
            even if the user never added it (a ``--model`` folder).

    Signals:
        use_requested(model): load this Hub id or folder as the active model.
        preferences_changed(offline, endpoint): the settings were applied and saved.
    """

    use_requested = Signal(str)
    preferences_changed = Signal(bool, str)

    def __init__(
        self,
        host: WorkerHost,
        prefs: HubPrefs,
        parent: QWidget | None = None,
        active: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Models"))
        self.resize(900, 560)
        self.prefs = prefs
        self.host = host
        self.downloads = DownloadHost(self)
        d = self.downloads.worker
        d.progress.connect(self._on_progress)
        d.finished.connect(self._on_finished)
        d.failed.connect(self._on_failed)
        d.checked.connect(self._on_checked)
        host.worker.state_changed.connect(self._on_model_state)
        self.rows: list[Row] = []
        self.active = active
        # A folder's size, parameters and memory, read in a thread (folder_facts.py).
        self.facts: dict[str, FolderFacts] = {}
        self.folder_reader = FolderFactsReader(self)
        self.folder_reader.read.connect(self._on_facts)
        # What the Hugging Face cache holds, read in a thread (cache_facts.py); the
        # table and the buttons show the last answer until the next arrives.
        self.cache_facts: CacheFacts | None = None
        self.cache_reader = CacheFactsReader(self)
        self.cache_reader.read.connect(self._on_cache_read)
        self._revision_note: tuple[str, str] | None = None  # (repo id, message) awaiting it
        self._running: dict[str, int] = {}  # repo id -> request id
        self._use_after: set[str] = set()
        self._checking: dict[int, str] = {}
        self._deleting = False  # a delete's files are being removed (in a thread)
        self._build()
        self.refresh()

    # -- construction --------------------------------------------------------

    def _build(self) -> None:
        self.cache_label = QLabel()
        self.cache_label.setTextFormat(Qt.TextFormat.PlainText)  # holds a folder name
        self.cache_label.setWordWrap(True)
        # OpenAI's GPT-2 was trained on English text only; the user may be reading another
        # language, and the Chinese models are GPT-2 networks trained on Chinese.
        self.english_note = QLabel(
            self.tr(
                "OpenAI's GPT-2 models read and write English only; the Chinese models "
                "write Chinese (繁體中文: Traditional, 简体中文: Simplified)."
            )
        )
        self.english_note.setObjectName("englishOnlyNote")
        self.english_note.setTextFormat(Qt.TextFormat.PlainText)
        self.english_note.setWordWrap(True)
        self.table = QTableWidget(0, COLUMN_COUNT)
        self.table.setAccessibleName(self.tr("Models"))
        self.table.setToolTip(self.tr("GPT-2 models: size, memory needed and whether on disk"))
        self.table.setHorizontalHeaderLabels(columns())
        memory_header = QTableWidgetItem(columns()[3])
        memory_header.setToolTip(memory_formula())
        self.table.setHorizontalHeaderItem(3, memory_header)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for col in range(1, COLUMN_COUNT):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.progress_bar = QProgressBar()
        self.progress_label = QLabel()
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)  # Hub ids, server texts
        self.message = _MessageLine()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.download_button = QPushButton(self.tr("Download"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.use_button = QPushButton(self.tr("Use"))
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.download_button.setToolTip(self.tr("Downloads the selected model into the cache"))
        self.cancel_button.setToolTip(self.tr("Stops the download; what arrived is kept"))
        self.use_button.setToolTip(self.tr("Makes the selected model the one that writes"))
        self.delete_button.setToolTip(self.tr("Removes the selected model from disk or list"))
        self.download_button.clicked.connect(self.download_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.use_button.clicked.connect(self.use_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        actions = QHBoxLayout()
        for b in (self.download_button, self.cancel_button, self.use_button, self.delete_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.convert_check = QCheckBox(self.tr("Convert to Traditional Chinese (Taiwan)"))
        self.convert_check.setObjectName("convertS2twp")
        self.convert_check.setToolTip(
            self.tr(
                "Converts what this Simplified-Chinese model writes into Traditional Chinese "
                "with Taiwan's words (OpenCC s2twp), from its next reply on"
            )
        )
        self.convert_check.clicked.connect(self._on_convert_clicked)
        actions.addWidget(self.convert_check)
        self.hub_id_edit = QLineEdit()
        self.hub_id_edit.setPlaceholderText(self.tr("Hub id of a GPT-2 model, e.g. user/my-gpt2"))
        self.hub_id_edit.setAccessibleName(self.tr("Hub id"))
        self.hub_id_edit.setToolTip(self.tr("The Hub id of a GPT-2 model to add to the list"))
        add_id = QPushButton(self.tr("Add Hub model"))
        add_id.setToolTip(self.tr("Checks the Hub id on the Hub and adds it to the list"))
        add_id.clicked.connect(lambda: self.add_hub_id(self.hub_id_edit.text()))
        add_folder = QPushButton(self.tr("Add folder…"))
        add_folder.setToolTip(self.tr("Adds a model folder on this computer to the list"))
        add_folder.clicked.connect(self._choose_folder)
        adding = QHBoxLayout()
        adding.addWidget(self.hub_id_edit, 1)
        adding.addWidget(add_id)
        adding.addWidget(add_folder)
        layout = QVBoxLayout(self)
        layout.addWidget(self.cache_label)
        layout.addWidget(self.english_note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.progress_label)
        layout.addLayout(actions)
        layout.addLayout(adding)
        layout.addWidget(self.message)
        layout.addWidget(self._build_settings())
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.hide)
        for button in close.buttons():
            button.setToolTip(self.tr("Hides this window; downloads go on"))
        layout.addWidget(close)
        self.progress_bar.hide()

    def _build_settings(self) -> QGroupBox:
        box = QGroupBox(self.tr("Settings"))
        self.offline_check = QCheckBox(
            self.tr("Offline mode: no network at all, only models on disk")
        )
        self.offline_check.setChecked(self.prefs.offline)
        self.endpoint_edit = QLineEdit(self.prefs.endpoint)
        self.endpoint_edit.setPlaceholderText(self.tr("https://huggingface.co (or HF_ENDPOINT)"))
        self.endpoint_edit.setToolTip(
            self.tr(
                "A mirror of the Hugging Face Hub, for example https://hf-mirror.com. "
                "Every download and Hub check uses it. Empty: HF_ENDPOINT, else huggingface.co."
            )
        )
        apply = QPushButton(self.tr("Apply"))
        apply.setToolTip(self.tr("Saves offline mode and the Hub endpoint"))
        self.offline_check.setToolTip(self.tr("Only models already on disk can be used"))
        self.endpoint_edit.setAccessibleName(self.tr("Hub endpoint"))
        apply.clicked.connect(self.apply_settings)
        row = QHBoxLayout()
        row.addWidget(self.endpoint_edit, 1)
        row.addWidget(apply)
        form = QFormLayout(box)
        form.addRow(self.offline_check)
        form.addRow(self.tr("Hub endpoint (mirror):"), row)
        return box

    # -- the table -----------------------------------------------------------

    def refresh(self) -> None:
        """Rebuilds the table from what is known, keeping the selection, and re-reads
        the cache in a thread (the table follows when the answer arrives)."""
        self._rebuild()
        self.cache_reader.request(i for row in self.rows for i in row.ids)

    def _rebuild(self) -> None:
        selected = self.selected()
        known = self.cache_facts
        self.rows = table_rows(self.prefs.added, self.active, known.gpt2_ids if known else ())
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            self._fill_row(i, row)
            if row.kind == "local" and row.name not in self.facts:
                self.folder_reader.request(row.name)
            if selected is not None and row.name == selected.name:
                self.table.selectRow(i)
        where = cache.default_cache_dir()  # from the environment: no disk read
        size = format_bytes(known.total_bytes) if known else "…"
        self.cache_label.setText(
            self.tr(
                "Models are stored in the Hugging Face cache, {where} — "
                "{size} in use (shared with other Hugging Face tools)."
            ).format(where=where, size=size)
        )
        self._update_buttons()

    @Slot(object)
    def _on_cache_read(self, facts: CacheFacts) -> None:
        self.cache_facts = facts
        self._rebuild()
        if self._revision_note is not None:
            repo_id, done = self._revision_note
            found = facts.statuses.get(repo_id)
            if found is not None:
                self._revision_note = None
                if (
                    found.state == "complete"
                    and found.revision != "main"
                    and self.message.text() == done
                ):
                    from gpt2desk.core.hub.download import revision_note

                    self.message.setText(done + " " + revision_note(found.revision))

    def _known_status(self, row: Row) -> CacheStatus | None:
        """What the cache held of ``row``'s model at the last read (None: not read yet)."""
        return self.cache_facts.best_status(row.ids) if self.cache_facts else None

    def _fill_row(self, i: int, row: Row) -> None:
        running = any(r in self._running for r in row.ids)
        cells = row_cells(
            row, self.active, running, self.facts.get(row.name), self._known_status(row)
        )
        for col, (text, tip) in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(literal(tip))
            self.table.setItem(i, col, item)

    @Slot(str)
    def set_active_model(self, name: str) -> None:
        """Marks ``name`` (a Hub id or a folder's full path; "" for none) as the model in use."""
        if name != self.active:
            self.active = name
            self.refresh()

    @Slot(str, object)
    def _on_facts(self, folder: str, facts: FolderFacts) -> None:
        self.facts[folder] = facts
        for i, row in enumerate(self.rows):
            if row.kind == "local" and row.name == folder:
                self._fill_row(i, row)

    def selected(self) -> Row | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rows[rows[0].row()] if rows and rows[0].row() < len(self.rows) else None

    def select(self, name: str) -> None:
        for i, row in enumerate(self.rows):
            if row.name == name:
                self.table.selectRow(i)
                return
        raise KeyError(name)

    def _update_buttons(self) -> None:
        row = self.selected()
        hub = row is not None and row.kind == "hub"
        # The last read of the cache; a click re-checks it (download/use/delete_selected).
        found = self._known_status(row) if row is not None and hub else None
        running = row is not None and any(r in self._running for r in row.ids)
        online = not self.prefs.offline
        partial = bool(found and found.state == "partial")
        self.download_button.setText(self.tr("Resume") if partial else self.tr("Download"))
        self.download_button.setEnabled(
            bool(found and found.state != "complete" and online and not running)
        )
        self.cancel_button.setEnabled(running)
        usable = row is not None and (not hub or (found is not None and found.state == "complete"))
        in_use = row is not None and bool(self.active) and self.active in (row.name, *row.ids)
        self.use_button.setEnabled((usable or (hub and online and not running)) and not in_use)
        local = row is not None and row.kind == "local"
        self.delete_button.setText(self.tr("Remove from list") if local else self.tr("Delete…"))
        deletable = bool(found and found.state != "absent" and not running)
        self.delete_button.setEnabled(deletable or (local and row is not None and row.listed))
        simplified = row is not None and row.entry is not None and row.entry.simplified
        self.convert_check.setVisible(simplified)
        self.convert_check.setEnabled(simplified and opencc_available())
        self.convert_check.setChecked(row is not None and row.name in converted_models())

    # -- actions -------------------------------------------------------------

    def download_selected(self) -> None:
        row = self.selected()
        if row is None or row.kind != "hub" or self.prefs.offline:
            return
        if not licence_accepted(self, row.entry):
            self._use_after.discard(cache.best_status(row.ids).repo_id)
            self.message.setText(self.tr("{model} was not downloaded.").format(model=row.name))
            return
        loading = self._being_loaded(row)
        if loading:
            # Two downloads into the same cache files would spoil each other.
            self._error(
                self.tr(
                    "{model} is being downloaded for loading right now; its progress and "
                    "Cancel are in the main window's status bar."
                ).format(model=loading)
            )
            return
        repo_id = cache.best_status(row.ids).repo_id
        self._running[repo_id] = self.downloads.download(repo_id, self.prefs.endpoint)
        self.message.setText(self.tr("Downloading {model}…").format(model=repo_id))
        self.refresh()

    def _on_convert_clicked(self, on: bool) -> None:
        row = self.selected()
        if row is None:
            return
        set_converted(row.name, on)
        text = (
            self.tr("{model}: its replies will be converted to Traditional Chinese (Taiwan).")
            if on
            else self.tr("{model}: its replies are shown as it writes them.")
        )
        self.message.setText(text.format(model=row.name))

    def cancel_selected(self) -> None:
        row = self.selected()
        for repo_id in row.ids if row else ():
            if repo_id in self._running:
                self.downloads.cancel(self._running[repo_id])
                self._use_after.discard(repo_id)

    def use_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.kind == "local":
            self.use_requested.emit(row.name)
            return
        found = cache.best_status(row.ids)
        if found.state == "complete":
            self.message.setText(self.tr("Switching to {model}…").format(model=found.repo_id))
            self.use_requested.emit(found.repo_id)
        else:
            self._use_after.add(found.repo_id)
            self.download_selected()

    def delete_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.kind == "local":
            self._forget(row)  # the user's own folder is never deleted
            return
        if self._deleting or self._refuse_while_loading(row):
            return
        self._deleting = True
        try:
            self._delete(row)
        finally:
            self._deleting = False
            self.refresh()

    def _delete(self, row: Row) -> None:
        # Re-checked on the click, not the last read; the disk is read and written
        # in a thread (a model's files can take seconds to remove on a slow disk).
        try:
            statuses = run_waiting(lambda: [cache.status(r) for r in row.ids])
        except OSError as exc:
            self._error(self.tr("Could not read the model cache: {error}").format(error=exc))
            return
        present = [s.repo_id for s in statuses if s.state != "absent"]
        size = sum(s.disk_bytes for s in statuses if s.state != "absent")
        in_use = (
            self.tr(" It stays loaded until you switch models.") if self.active in row.ids else ""
        )
        answer = QMessageBox.question(
            self,
            self.tr("Delete model"),
            literal(
                self.tr("Delete {models} from disk ({size})?").format(
                    models=", ".join(present), size=format_bytes(size)
                )
                + in_use
            ),
        )
        if answer != QMessageBox.StandardButton.Yes or self._refuse_while_loading(row):
            return
        self.message.setText(self.tr("Deleting {models}…").format(models=", ".join(present)))
        self.delete_button.setEnabled(False)
        try:
            freed = run_waiting(lambda: sum(cache.delete_model(r) for r in present))
        except (ModelLoadError, OSError) as exc:
            self._error(str(exc))
            return
        self.message.setText(
            self.tr("Deleted {models}: {size} freed.").format(
                models=", ".join(present), size=format_bytes(freed)
            )
        )

    def _being_loaded(self, row: Row) -> str:
        """The name of ``row``'s model if the model thread is loading it (or ``""``)."""
        from gpt2desk.core.model_source import parse_model_ref

        for text in self.host.loading():
            try:
                name = parse_model_ref(text).name
            except ModelLoadError:
                continue
            if name in row.ids:
                return name
        return ""

    def _refuse_while_loading(self, row: Row) -> bool:
        """True (and says why) when the model thread is loading this model from these files."""
        name = self._being_loaded(row)
        if name:
            self._error(
                self.tr(
                    "{model} is being loaded right now, so it cannot be deleted. "
                    "Wait until it is loaded, or cancel its download in the main "
                    "window's status bar, then delete it."
                ).format(model=name)
            )
        return bool(name)

    def _forget(self, row: Row) -> None:
        self.prefs.added = [a for a in self.prefs.added if a != (row.kind, row.name)]
        self.prefs.save()
        self.refresh()

    def add_hub_id(self, text: str) -> None:
        """Validates a Hub id, checks it on the Hub (unless offline), then lists it."""
        from gpt2desk.core.hub.download import HubError, check_hub_id

        try:
            repo_id = check_hub_id(text)
        except HubError as exc:
            self._error(str(exc))
            return
        if self.prefs.offline:
            self._add(("hub", repo_id), self.tr("added (not checked: offline mode is on)"))
            return
        self._checking[self.downloads.check(repo_id, self.prefs.endpoint)] = repo_id
        self.message.setText(self.tr("Checking {model} on the Hub…").format(model=repo_id))

    def add_folder(self, folder: str) -> bool:
        """Lists a local model folder if it is a complete GPT-2; else says what is wrong."""
        path = Path(folder).expanduser().resolve()
        try:
            cache.check_gpt2_folder(path)
        except ModelLoadError as exc:
            self._error(str(exc))
            return False
        self.facts.pop(str(path), None)  # read again: the folder may have changed
        self._add(("local", str(path)), self.tr("added"))
        return True

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose a Hugging Face model folder")
        )
        if folder:
            self.add_folder(folder)

    def _add(self, item: tuple[str, str], note: str) -> None:
        if item not in self.prefs.added:
            self.prefs.added.append(item)
            self.prefs.save()
        self.refresh()
        self.select(item[1])
        self.message.setText(f"{item[1]}: {note}.")

    def apply_settings(self) -> None:
        from gpt2desk.core.hub.download import HubError, normalize_endpoint

        try:
            endpoint = normalize_endpoint(self.endpoint_edit.text())
        except HubError as exc:
            self._error(str(exc))
            return
        self.endpoint_edit.setText(endpoint)
        self.prefs.offline = self.offline_check.isChecked()
        self.prefs.endpoint = endpoint
        self.prefs.save()
        where = endpoint or self.tr("the default Hub")
        mode = (
            self.tr("Offline mode is on: no network use.")
            if self.prefs.offline
            else self.tr("Using {where}.").format(where=where)
        )
        self.message.setText(self.tr("Settings saved.") + " " + mode)
        self.preferences_changed.emit(self.prefs.offline, endpoint)
        self._update_buttons()

    def _error(self, text: str) -> None:
        self.message.show_error(text)

    def shutdown(self) -> None:
        self.downloads.shutdown()

    # -- worker signals ------------------------------------------------------

    @Slot(int, str, dict)
    def _on_progress(self, _request_id: int, repo_id: str, info: dict[str, Any]) -> None:
        total = int(info["total"]) or 1
        self.progress_bar.show()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(int(1000 * int(info["done"]) / total))
        self.progress_label.setText(f"{repo_id}: {info['text']}")

    @Slot(int, str)
    def _on_finished(self, _request_id: int, repo_id: str) -> None:
        self._running.pop(repo_id, None)
        self.progress_bar.setValue(self.progress_bar.maximum())
        done = self.tr("{model} is downloaded and checked.").format(model=repo_id)
        self.message.setText(done)
        # A conversion pull request's note follows when the cache has been read (refresh).
        self._revision_note = (repo_id, done)
        if repo_id in self._use_after:
            self._use_after.discard(repo_id)
            self.use_requested.emit(repo_id)
        self.refresh()

    @Slot(int, str, str, bool)
    def _on_failed(self, _request_id: int, repo_id: str, message: str, cancelled: bool) -> None:
        self._running.pop(repo_id, None)
        self._use_after.discard(repo_id)
        if cancelled:
            self.message.setText(message)
        else:
            self._error(message)
        self.refresh()

    @Slot(int, str, str)
    def _on_checked(self, request_id: int, repo_id: str, message: str) -> None:
        self._checking.pop(request_id, None)
        if message:
            self._error(message)
        else:
            self._add(("hub", repo_id), self.tr("found on the Hub; GPT-2 with usable weights"))

    @Slot(str, str)
    def _on_model_state(self, state: str, detail: str) -> None:
        if state == ModelState.READY:
            self.set_active_model(detail)
        elif state == ModelState.FAILED:
            self._error(detail)
        elif state == ModelState.CANCELLED:
            self.message.setText(detail)
            self.refresh()
        elif state in (ModelState.LOADING, ModelState.PREPARING):
            loading = (
                self.tr("Loading {model}…")
                if state == ModelState.LOADING
                else self.tr("Preparing {model}…")
            )
            self.message.setText(loading.format(model=detail))
        elif state == ModelState.DOWNLOADING:
            self.message.setText(detail)


class _MessageLine(QLabel):
    """The dialog's message line: plain text (it shows Hub answers, folder names and
    error texts, never markup), red while it shows an error."""

    ERROR_STYLE = "color: #b00020"

    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:  # a plain message ends the red of an error
        self.setStyleSheet("")
        super().setText(text)

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setStyleSheet(self.ERROR_STYLE)
