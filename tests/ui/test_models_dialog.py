"""The Models dialog, the download thread and model switching, against the local hub server."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QSettings, Slot
from PySide6.QtWidgets import QMessageBox, QToolBar

from gpt2desk.core.hub import cache
from gpt2desk.core.hub import download as hub
from gpt2desk.core.hub.catalog import FAMILY
from gpt2desk.core.writing.prompts import Mode
from gpt2desk.ui.generation.worker import WorkerHost
from gpt2desk.ui.models.dialog import ModelsDialog
from gpt2desk.ui.models.downloads import DownloadHost
from gpt2desk.ui.models.hub_prefs import HubPrefs
from gpt2desk.ui.window.main_window import MainWindow
from tests.hubfixtures import TINY_ID, serve_conversion
from tests.hubserver import HubServer, folder_files
from tests.ui.conftest import SharedModel
from tests.ui.helpers import GEN_TIMEOUT_MS, LOAD_TIMEOUT_MS, Recorder, wait_ready

WEIGHTS = "tf_model.h5"
WAIT_MS = 30_000


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub, "CHUNK_SIZE", 16 * 1024)


@pytest.fixture
def make_dialog(
    qtbot: Any, host: WorkerHost, hf_cache: Path, hub_server: HubServer
) -> Iterator[Callable[..., ModelsDialog]]:
    """Builds Models dialogs on the local hub; their download threads are stopped after."""
    dialogs: list[ModelsDialog] = []

    def make(prefs: HubPrefs | None = None) -> ModelsDialog:
        dialog = ModelsDialog(host, prefs or HubPrefs(endpoint=hub_server.url))
        qtbot.addWidget(dialog)
        dialogs.append(dialog)
        dialog.show()
        return settled(dialog)

    yield make
    for dialog in dialogs:
        dialog.shutdown()


def settled(dialog: ModelsDialog) -> ModelsDialog:
    """``dialog`` once its cache reads (a thread: cache_facts.py) have answered."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while dialog.cache_reader.busy() or dialog.cache_facts is None:
        assert time.monotonic() < deadline, "the cache was not read"
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return dialog


def names(dialog: ModelsDialog) -> list[str]:
    return [row.name for row in settled(dialog).rows]


def cell(dialog: ModelsDialog, name: str, column: int) -> str:
    item = dialog.table.item(names(dialog).index(name), column)
    assert item is not None
    return item.text()


def wait_state(qtbot: Any, dialog: ModelsDialog, name: str, state: str) -> None:
    qtbot.waitUntil(lambda: cell(dialog, name, 4) == state, timeout=WAIT_MS)


class DownloadRecorder(QObject):
    """The download worker's signals, recorded in the GUI thread (see helpers.Recorder)."""

    def __init__(self, downloads: DownloadHost) -> None:
        super().__init__()
        self.events: list[tuple[Any, ...]] = []
        w = downloads.worker
        w.progress.connect(self._on_progress)
        w.finished.connect(self._on_finished)
        w.failed.connect(self._on_failed)

    @Slot(int, str, dict)
    def _on_progress(self, request_id: int, repo_id: str, info: dict[str, Any]) -> None:
        self.events.append(("progress", repo_id, info))

    @Slot(int, str)
    def _on_finished(self, request_id: int, repo_id: str) -> None:
        self.events.append(("finished", repo_id))

    @Slot(int, str, str, bool)
    def _on_failed(self, request_id: int, repo_id: str, message: str, cancelled: bool) -> None:
        self.events.append(("failed", repo_id, message, cancelled))

    def weights_done(self) -> int:
        done = [e[2]["done"] for e in self.events if e[0] == "progress" and e[2]["file"] == WEIGHTS]
        return max(done, default=0)


def test_the_family_is_listed_with_size_memory_and_disk_state(
    make_dialog: Callable[..., ModelsDialog],
    hub_server: HubServer,
    tiny_repo: dict[str, bytes],
    hf_cache: Path,
) -> None:
    dialog = make_dialog()
    assert names(dialog)[:5] == ["gpt2", "distilgpt2", "gpt2-medium", "gpt2-large", "gpt2-xl"]
    assert [cell(dialog, e.repo_id, 1) for e in FAMILY] == ["124M", "82M", "355M", "774M", "1.5B"]
    assert cell(dialog, "gpt2", 2) == "≈ 551.1 MB"
    assert cell(dialog, "gpt2-xl", 2) == "≈ 6.43 GB"
    assert cell(dialog, "gpt2", 3) == "1.73 GB"
    memory_tip = dialog.table.horizontalHeaderItem(3).toolTip()
    assert "6.05 bytes per parameter" in memory_tip and "Measured" in memory_tip
    assert all(cell(dialog, e.repo_id, 4) == "Not downloaded" for e in FAMILY)
    assert str(hf_cache) in dialog.cache_label.text()

    # A model another tool downloaded under the Hub's new id counts as on disk;
    # any other GPT-2 in the cache is listed too.
    hub_server.add("openai-community/gpt2-medium", tiny_repo)
    hub_server.add("someone/tiny", tiny_repo)
    hub.download_model("openai-community/gpt2-medium", endpoint=hub_server.url)
    hub.download_model("someone/tiny", endpoint=hub_server.url)
    dialog.refresh()
    assert cell(dialog, "gpt2-medium", 4) == "On disk"
    assert cell(dialog, "gpt2-medium", 5).endswith("kB")
    assert cell(dialog, "someone/tiny", 0) == "someone/tiny (found in the cache)"
    assert "1.9 MB in use" in dialog.cache_label.text()


def test_download_with_progress_then_delete(
    make_dialog: Callable[..., ModelsDialog],
    qtbot: Any,
    hub_server: HubServer,
    tiny_repo: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hub_server.add("distilgpt2", tiny_repo)
    hub_server.faults.slow[WEIGHTS] = (64 * 1024, 0.02)
    dialog = make_dialog()
    rec = DownloadRecorder(dialog.downloads)
    dialog.select("distilgpt2")
    assert dialog.download_button.isEnabled()
    dialog.download_button.click()
    assert cell(dialog, "distilgpt2", 4) == "Downloading…"
    assert not dialog.download_button.isEnabled() and dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: "/s · " in dialog.progress_label.text(), timeout=WAIT_MS)
    assert " of 948.0 kB · " in dialog.progress_label.text()
    assert dialog.progress_label.text().endswith(" left")
    wait_state(qtbot, dialog, "distilgpt2", "On disk")
    done = [e[2]["done"] for e in rec.events if e[0] == "progress"]
    assert done == sorted(done) and len(done) > 5
    assert rec.events[-1] == ("finished", "distilgpt2")
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum()
    assert "downloaded and checked" in dialog.message.text()

    asked: list[str] = []

    def confirm(_parent: Any, _title: str, text: str, *args: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", confirm)
    dialog.delete_button.click()
    assert asked and "distilgpt2" in asked[0] and "kB" in asked[0]
    assert cell(dialog, "distilgpt2", 4) == "Not downloaded"
    assert cache.status("distilgpt2").state == "absent"
    assert "freed" in dialog.message.text()


def test_a_delete_runs_beside_the_window_and_a_failure_is_a_message(
    make_dialog: Callable[..., ModelsDialog],
    qtbot: Any,
    hub_server: HubServer,
    tiny_repo: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hub_server.add("distilgpt2", tiny_repo)
    dialog = make_dialog()
    dialog.select("distilgpt2")
    dialog.download_button.click()
    wait_state(qtbot, dialog, "distilgpt2", "On disk")
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    delete = cache.delete_model
    threads: list[str] = []

    def refused_once(repo_id: str) -> int:
        threads.append(threading.current_thread().name)
        if len(threads) == 1:  # root here: no permission can refuse it, a disk can
            raise OSError(30, "Read-only file system", str(cache.repo_folder(repo_id)))
        return delete(repo_id)

    monkeypatch.setattr(cache, "delete_model", refused_once)
    dialog.delete_button.click()
    assert "Read-only file system" in dialog.message.text()
    assert cell(dialog, "distilgpt2", 4) == "On disk"
    assert dialog.delete_button.isEnabled()
    dialog.delete_button.click()
    assert "freed" in dialog.message.text()
    assert cache.status("distilgpt2").state == "absent"
    assert threads and threading.main_thread().name not in threads


def test_cancel_then_resume_from_the_dialog(
    make_dialog: Callable[..., ModelsDialog],
    qtbot: Any,
    hub_server: HubServer,
    tiny_repo: dict[str, bytes],
) -> None:
    hub_server.add("gpt2", tiny_repo)
    hub_server.faults.slow[WEIGHTS] = (16 * 1024, 0.05)
    dialog = make_dialog()
    rec = DownloadRecorder(dialog.downloads)
    dialog.select("gpt2")
    dialog.download_button.click()
    qtbot.waitUntil(lambda: rec.weights_done() > 300_000, timeout=WAIT_MS)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: "cancelled" in dialog.message.text(), timeout=WAIT_MS)
    assert cell(dialog, "gpt2", 4) == "Partly downloaded"
    assert dialog.download_button.text() == "Resume"

    hub_server.faults.slow.clear()
    dialog.download_button.click()
    wait_state(qtbot, dialog, "gpt2", "On disk")
    ranges = [r.range for r in hub_server.requests("GET", "/lfs/")]
    assert ranges[0] is None and ranges[-1] is not None and ranges[-1].startswith("bytes=")
    blob = (cache.snapshot_dir("gpt2") or Path()) / WEIGHTS
    assert (
        hashlib.sha256(blob.read_bytes()).hexdigest()
        == hashlib.sha256(tiny_repo[WEIGHTS]).hexdigest()
    )


def test_offline_mode_and_endpoint_persist_and_offline_makes_no_request(
    make_dialog: Callable[..., ModelsDialog], qtbot: Any, hub_server: HubServer
) -> None:
    dialog = make_dialog(HubPrefs())
    dialog.endpoint_edit.setText("hf-mirror.com")
    dialog.apply_settings()
    assert "http:// or https://" in dialog.message.text()
    dialog.endpoint_edit.setText(hub_server.url + "/")
    dialog.offline_check.setChecked(True)
    with qtbot.waitSignal(dialog.preferences_changed) as blocker:
        dialog.apply_settings()
    assert blocker.args == [True, hub_server.url]
    saved = HubPrefs.load()
    assert (saved.offline, saved.endpoint) == (True, hub_server.url)

    dialog.select("gpt2")
    assert not dialog.download_button.isEnabled()
    assert not dialog.use_button.isEnabled()
    dialog.add_hub_id("tiny/gpt2")
    assert "not checked: offline mode is on" in dialog.message.text()
    assert HubPrefs.load().added == [("hub", "tiny/gpt2")]
    assert hub_server.requests() == []


def test_adding_hub_ids_and_folders_is_validated(
    make_dialog: Callable[..., ModelsDialog],
    qtbot: Any,
    hub_server: HubServer,
    tiny_model_dir: Path,
    tmp_path: Path,
) -> None:
    dialog = make_dialog()
    dialog.add_hub_id("not a model!")
    assert "not a valid Hub id" in dialog.message.text()
    dialog.add_hub_id("nobody/nothing")
    qtbot.waitUntil(lambda: "There is no model named" in dialog.message.text(), timeout=WAIT_MS)
    dialog.add_hub_id(TINY_ID)
    qtbot.waitUntil(lambda: TINY_ID in names(dialog), timeout=WAIT_MS)
    assert cell(dialog, TINY_ID, 4) == "Not downloaded"

    assert not dialog.add_folder(str(tmp_path / "nowhere"))
    assert "does not exist" in dialog.message.text()
    bert = tmp_path / "bert"
    bert.mkdir()
    for f in tiny_model_dir.iterdir():
        (bert / f.name).write_bytes(f.read_bytes())
    (bert / "config.json").write_text('{"model_type": "bert"}')
    assert not dialog.add_folder(str(bert))
    assert "holds a bert model" in dialog.message.text()
    assert dialog.add_folder(str(tiny_model_dir))
    folder = str(tiny_model_dir.resolve())
    qtbot.waitUntil(lambda: cell(dialog, folder, 4) == "Folder")  # read in a thread
    assert HubPrefs.load().added == [("hub", TINY_ID), ("local", folder)]
    assert dialog.delete_button.text() == "Remove from list"
    dialog.delete_button.click()
    assert folder not in names(dialog)
    assert (tiny_model_dir / "config.json").exists()


def test_switching_models_from_the_main_window(
    make_window: Callable[..., MainWindow],
    qtbot: Any,
    hub_server: HubServer,
    hf_cache: Path,
) -> None:
    window = make_window()
    toolbar = window.findChild(QToolBar, "modelsToolbar")
    assert toolbar is not None and window.models_action in toolbar.actions()
    menus = [a.menu() for a in window.menuBar().actions()]
    assert any(m is not None and window.models_action in m.actions() for m in menus)
    window.open_models()
    dialog = window.models_dialog
    assert isinstance(dialog, ModelsDialog) and dialog.isVisible()
    # The mirror setting is what the download and the switch use.
    dialog.endpoint_edit.setText(hub_server.url)
    dialog.apply_settings()
    dialog.add_hub_id(TINY_ID)
    qtbot.waitUntil(lambda: TINY_ID in names(dialog), timeout=WAIT_MS)
    dialog.use_button.click()  # not on disk yet: download, then switch
    qtbot.waitUntil(
        lambda: window.model_label.text() == f"Ready — {TINY_ID}", timeout=LOAD_TIMEOUT_MS
    )
    # The dialog hears of the switch through its own queued slot, after the label.
    qtbot.waitUntil(lambda: cell(dialog, TINY_ID, 0) == f"{TINY_ID} — in use", timeout=WAIT_MS)
    assert hub_server.requests("GET", "/lfs/")
    wait_ready(qtbot, window)


def test_a_damaged_model_keeps_the_old_one(
    loaded_host: WorkerHost, qtbot: Any, hub_server: HubServer, hf_cache: Path
) -> None:
    snapshot = hub.download_model(TINY_ID, endpoint=hub_server.url)
    blob = (snapshot / WEIGHTS).resolve()
    blob.write_bytes(blob.read_bytes()[:1000])
    rec = Recorder(loaded_host.worker)
    loaded_host.load(TINY_ID, True)
    state, detail = rec.wait_loaded(qtbot)
    assert state == "failed"
    assert WEIGHTS in detail and "damaged or incomplete" in detail and "download it again" in detail
    request = loaded_host.generate("Once upon a time", {"max_new_tokens": 5, "seed": 1})
    assert rec.wait_finished(qtbot, request)["new_tokens"] == 5


def test_a_download_does_not_block_the_model(
    loaded_host: WorkerHost, qtbot: Any, hub_server: HubServer, hf_cache: Path
) -> None:
    hub_server.faults.slow[WEIGHTS] = (16 * 1024, 0.1)
    downloads = DownloadHost()
    try:
        rec = DownloadRecorder(downloads)
        downloads.download(TINY_ID, hub_server.url)
        qtbot.waitUntil(lambda: rec.weights_done() > 0, timeout=WAIT_MS)
        model = Recorder(loaded_host.worker)
        request = loaded_host.generate("Once upon a time", {"max_new_tokens": 10, "seed": 1})
        qtbot.waitUntil(lambda: model.finished(request) is not None, timeout=GEN_TIMEOUT_MS)
        assert not any(e[0] in ("finished", "failed") for e in rec.events), "download still running"
    finally:
        downloads.shutdown()
    assert cache.status(TINY_ID).state == "partial"


def test_a_finished_download_or_check_leaves_no_connection_open(
    qtbot: Any, hub_server: HubServer, hf_cache: Path
) -> None:
    # huggingface_hub keeps a session per thread, with its keep-alive sockets.
    downloads = DownloadHost()
    try:
        rec = DownloadRecorder(downloads)
        checked: list[str] = []
        downloads.worker.checked.connect(lambda _id, _repo, message: checked.append(message))
        downloads.check(TINY_ID, hub_server.url)
        qtbot.waitUntil(lambda: checked == [""], timeout=WAIT_MS)
        qtbot.waitUntil(lambda: hub_server.open_connections() == 0, timeout=5_000)
        downloads.download(TINY_ID, hub_server.url)
        qtbot.waitUntil(lambda: ("finished", TINY_ID) in rec.events, timeout=WAIT_MS)
        assert len(hub_server.requests()) > 2
        qtbot.waitUntil(lambda: hub_server.open_connections() == 0, timeout=5_000)
    finally:
        downloads.shutdown()


def test_loading_a_hub_model_not_on_disk_downloads_it_with_progress(
    host: WorkerHost, qtbot: Any, hub_server: HubServer, hf_cache: Path
) -> None:
    hub_server.faults.slow[WEIGHTS] = (64 * 1024, 0.02)
    rec = Recorder(host.worker)
    host.load(TINY_ID, False, hub_server.url)
    assert rec.wait_loaded(qtbot) == ("ready", TINY_ID)
    states = rec.states()
    assert states[:2] == [("loading", TINY_ID), ("downloading", f"Downloading {TINY_ID}…")]
    progress = [d for s, d in states if s == "downloading" and " of " in d]
    assert progress and progress[-1].startswith(f"Downloading {TINY_ID}: ")
    assert [s for s, _ in states[-2:]] == ["loading", "ready"]


def test_saved_offline_mode_applies_to_the_main_window(
    qtbot: Any,
    tiny_model_dir: Path,
    hub_server: HubServer,
    hf_cache: Path,
    shared_model: SharedModel,
) -> None:
    HubPrefs(offline=True, endpoint=hub_server.url).save()
    window = MainWindow(str(tiny_model_dir))
    try:
        window.show()
        shared_model.start(window)  # window.start(), on the session's compiled model
        wait_ready(qtbot, window)
        window.load_model(TINY_ID)
        qtbot.waitUntil(lambda: "offline mode is on" in window.model_label.text())
        assert "still using" in window.model_label.text()
        assert hub_server.requests() == []
    finally:
        window.close()


# -- the Chinese models: language, licence, conversion, first start ------------------


CKIP_TINY = "ckiplab/gpt2-tiny-chinese"
WENZHONG = "IDEA-CCNL/Wenzhong2.0-GPT2-110M-BertTokenizer-chinese"
UER = "uer/gpt2-chinese-cluecorpussmall"


@pytest.fixture(scope="module")
def wordpiece_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    from tests.tinywordpiece import build_tiny_wordpiece_model

    folder = tmp_path_factory.mktemp("wordpiece")
    return folder_files(build_tiny_wordpiece_model(folder, weights="safetensors-pt"))


def test_chinese_models_are_listed_with_language_and_licence(
    make_dialog: Callable[..., ModelsDialog],
) -> None:
    dialog = make_dialog()
    chinese = ["ckiplab/gpt2-base-chinese", CKIP_TINY, WENZHONG, UER]
    assert names(dialog)[5:9] == chinese
    assert [dialog.table.horizontalHeaderItem(c).text() for c in (6, 7)] == ["Language", "Licence"]
    assert [cell(dialog, m, 6) for m in ("gpt2", *chinese)] == [
        "English",
        "繁體中文",
        "繁體中文",
        "简体中文",
        "简体中文",
    ]
    assert [cell(dialog, m, 7) for m in ("gpt2", *chinese)] == [
        "MIT",
        "GPL-3.0",
        "GPL-3.0",
        "Apache-2.0",
        "not stated",
    ]
    assert cell(dialog, "ckiplab/gpt2-base-chinese", 1) == "102M"
    assert cell(dialog, "ckiplab/gpt2-base-chinese", 2) == "≈ 408.4 MB"
    assert cell(dialog, "ckiplab/gpt2-base-chinese", 3) == "1.60 GB"
    # No claim that every model writes English only.
    note = dialog.english_note.text()
    assert "All GPT-2 models" not in note
    assert (
        note.startswith("OpenAI's GPT-2 models read and write English only") and "Chinese" in note
    )
    tip = dialog.table.item(names(dialog).index(CKIP_TINY), 0).toolTip()
    assert "Traditional Chinese" in tip and "English" not in tip
    assert "English only" in dialog.table.item(0, 0).toolTip()


def test_a_gpl_model_asks_before_downloading_and_uses_the_conversion(
    make_dialog: Callable[..., ModelsDialog],
    qtbot: Any,
    hub_server: HubServer,
    wordpiece_files: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve_conversion(hub_server, CKIP_TINY, wordpiece_files)
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(_parent: Any, _title: str, text: str, *args: Any) -> Any:
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog = make_dialog()
    dialog.select(CKIP_TINY)
    dialog.download_button.click()
    assert len(asked) == 1 and "GPL-3.0" in asked[0] and CKIP_TINY in asked[0]
    assert "MB" in asked[0]
    assert "not downloaded" in dialog.message.text()
    assert hub_server.requests() == []
    dialog.use_button.click()  # Use downloads first: it asks too
    assert len(asked) == 2 and hub_server.requests() == []

    answer[0] = QMessageBox.StandardButton.Yes
    dialog.download_button.click()
    wait_state(qtbot, dialog, CKIP_TINY, "On disk (conversion pull request)")
    assert "pull request #1 (not yet merged on the Hub)" in dialog.message.text()
    assert "pull request #1" in dialog.table.item(names(dialog).index(CKIP_TINY), 4).toolTip()
    assert not hub_server.requests(contains="pytorch_model.bin")


def test_gpt2_downloads_without_a_licence_question(
    make_dialog: Callable[..., ModelsDialog],
    qtbot: Any,
    hub_server: HubServer,
    tiny_repo: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hub_server.add("distilgpt2", tiny_repo)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("asked"))
    dialog = make_dialog()
    dialog.select("distilgpt2")
    dialog.download_button.click()
    wait_state(qtbot, dialog, "distilgpt2", "On disk")


def test_converting_simplified_chinese_is_per_model_and_off_by_default(
    make_dialog: Callable[..., ModelsDialog],
) -> None:
    from gpt2desk.ui.models.convert import converted_models

    dialog = make_dialog()
    check = dialog.convert_check
    dialog.select("gpt2")
    assert not check.isVisible()
    dialog.select(CKIP_TINY)  # Traditional already
    assert not check.isVisible()
    dialog.select(WENZHONG)
    assert check.isVisible() and check.isEnabled() and not check.isChecked()
    assert check.text() == "Convert to Traditional Chinese (Taiwan)"
    check.click()
    assert converted_models() == {WENZHONG}
    assert "converted to Traditional Chinese" in dialog.message.text()
    dialog.select(UER)
    assert check.isVisible() and not check.isChecked()
    # Kept between windows (QSettings).
    other = make_dialog()
    other.select(WENZHONG)
    assert other.convert_check.isChecked()
    other.convert_check.click()
    assert converted_models() == set()


def test_a_converted_reply_streams_in_traditional_chinese_and_never_rewrites_itself(
    qtbot: Any,
) -> None:
    from gpt2desk.ui.models.convert import set_converted

    set_converted(WENZHONG, True)
    # Not started: the model asked for names the reply (no model is loaded, so the
    # worker's late "no model" failure of this request is stale by then).
    window = MainWindow(WENZHONG, offline=True)
    other = MainWindow(UER, offline=True)

    def send(w: MainWindow) -> int:
        """A chat message sent the window's way (the session files only its own replies)."""
        w.workspace_ui.generation.send("prompt", Mode.CHAT, None, w.settings_panel.settings())
        return w.generation.request_id

    try:
        request_id = send(window)
        signals = window.host.worker
        pieces = ["我们在计", "算机上使用软", "件。内存", "条和鼠标", "很好"]
        shown = []
        for piece in pieces:
            signals.token_generated.emit(request_id, piece)
            shown.append(window.chat.toPlainText().rstrip())
        stats = {
            "reason": "length",
            "new_tokens": 5,
            "ttft_ms": 1.0,
            "tokens_per_s": 1.0,
            "seed": 1,
            "prompt_truncated": False,
            "context_shifts": 0,
        }
        signals.generation_finished.emit(request_id, stats)
        shown.append(window.chat.toPlainText().rstrip())
        assert all(b.startswith(a) for a, b in itertools.pairwise(shown)), shown
        assert "我們在計算機上使用軟體。記憶體模組和滑鼠很好" in shown[-1]
        assert "软" not in shown[-1] and "软件" not in "".join(shown)
        # Another model's reply is shown as written.
        request_id = send(other)
        other.host.worker.token_generated.emit(request_id, "软件")
        assert other.chat.toPlainText().rstrip().endswith("软件")
    finally:
        window.close()
        other.close()


def test_stop_shows_and_keeps_the_converted_text_still_held(
    make_window: Callable[..., MainWindow], tiny_model_dir: Path
) -> None:
    from gpt2desk.ui.models.convert import set_converted

    set_converted(str(tiny_model_dir), True)
    window = make_window()
    window.composer.setPlainText("Hello")
    window.send()
    # Before any real token is delivered (no event is processed here): a piece whose
    # conversion may still change (软件 could go on as a longer phrase) is held back.
    window.host.worker.token_generated.emit(window.generation.request_id, "我们的软件很")
    assert "我們" not in window.chat.toPlainText()
    window.workspace_ui.stop_and_keep()
    assert "我們的軟體很" in window.chat.toPlainText()
    conv = window.workspace_ui.workspace.current
    assert conv is not None and conv.last() is not None
    assert conv.last().text == "我們的軟體很" and conv.last().status == "stopped"


def test_first_start_in_zh_tw_offers_the_traditional_chinese_model(
    qapp: Any, monkeypatch: pytest.MonkeyPatch, hf_cache: Path
) -> None:
    from gpt2desk.ui.models.first_start import start_model
    from gpt2desk.ui.translations import install_translations

    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(_parent: Any, _title: str, text: str, *args: Any) -> Any:
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    # English: gpt2, no question, nothing remembered.
    assert install_translations("en") == "en"
    assert start_model(None, offline=False) == "gpt2"
    assert asked == []
    try:
        assert install_translations("zh_TW") == "zh_TW"
        # A model given on the command line is used as given.
        assert start_model("distilgpt2", offline=False) == "distilgpt2"
        # Offline: nothing to download, nothing offered.
        assert start_model(None, offline=True) == "gpt2" and asked == []
        # The first start asks, naming size and licence; No keeps gpt2, and is kept.
        assert start_model(None, offline=False) == "gpt2"
        assert len(asked) == 1
        assert "ckiplab/gpt2-base-chinese" in asked[0] and "GPL-3.0" in asked[0]
        assert "408.4 MB" in asked[0]
        assert start_model(None, offline=False) == "gpt2" and len(asked) == 1
        # A first start that says Yes loads (and so downloads) CKIP's model.
        QSettings().remove("models/start_model")
        answer[0] = QMessageBox.StandardButton.Yes
        assert start_model(None, offline=False) == "ckiplab/gpt2-base-chinese"
        assert start_model(None, offline=False) == "ckiplab/gpt2-base-chinese"
        assert len(asked) == 2
    finally:
        install_translations("en")


def _spy_on_cache_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, threading.Thread]]:
    """Records the thread of every cache read that walks folders (the real reads still run)."""
    calls: list[tuple[str, threading.Thread]] = []
    for name in ("total_bytes", "status", "folder_bytes", "cached_gpt2_ids"):
        real = getattr(cache, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            calls.append((_name, threading.current_thread()))
            return _real(*args, **kwargs)

        monkeypatch.setattr(cache, name, spy)
    return calls


def test_the_models_window_reads_the_cache_off_the_gui_thread(
    make_dialog: Callable[..., ModelsDialog],
    qtbot: Any,
    hub_server: HubServer,
    tiny_repo: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hub_server.add("distilgpt2", tiny_repo)
    hub.download_model("distilgpt2", endpoint=hub_server.url)
    calls = _spy_on_cache_reads(monkeypatch)
    dialog = make_dialog()
    # The window fills in what the cache holds once it is read.
    qtbot.waitUntil(lambda: cell(dialog, "distilgpt2", 4) == "On disk", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "kB in use" in dialog.cache_label.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: cell(dialog, "gpt2", 4) == "Not downloaded", timeout=WAIT_MS)
    dialog.select("distilgpt2")
    assert dialog.delete_button.isEnabled() and dialog.use_button.isEnabled()
    assert not dialog.download_button.isEnabled()
    dialog.select("gpt2")
    assert not dialog.delete_button.isEnabled() and dialog.download_button.isEnabled()
    dialog.refresh()
    qtbot.waitUntil(lambda: not dialog.cache_reader.busy(), timeout=WAIT_MS)
    assert cell(dialog, "distilgpt2", 4) == "On disk"
    on_gui = [name for name, thread in calls if thread is threading.main_thread()]
    assert on_gui == []
    assert {name for name, _thread in calls} >= {"total_bytes", "status"}


def test_the_first_start_question_reads_the_cache_off_the_gui_thread(
    qapp: Any, monkeypatch: pytest.MonkeyPatch, hf_cache: Path
) -> None:
    from gpt2desk.ui.models.first_start import start_model
    from gpt2desk.ui.translations import install_translations

    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *args: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    calls = _spy_on_cache_reads(monkeypatch)
    try:
        assert install_translations("zh_TW") == "zh_TW"
        assert start_model(None, offline=False) == "gpt2"
    finally:
        install_translations("en")
    assert len(asked) == 1
    assert [name for name, _thread in calls] == ["status"]
    assert [name for name, thread in calls if thread is threading.main_thread()] == []
