"""Downloading models from a real local hub server: progress, cancel, resume, faults.

No mocks of huggingface_hub or requests: tests/hubserver.py speaks the Hub's
HTTP protocol on 127.0.0.1 and every request it receives is logged.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gpt2desk.core.engine.loading import load_model
from gpt2desk.core.hub import cache
from gpt2desk.core.hub import download as hub
from gpt2desk.core.hub.download import DownloadCancelled, HubError, download_model
from gpt2desk.core.hub.progress import Progress
from gpt2desk.core.model_source import ModelLoadError, ModelRef
from tests.hubfixtures import TINY_ID
from tests.hubserver import HubServer

WEIGHTS = "tf_model.h5"
EXPECTED_FILES = {
    "config.json",
    "generation_config.json",
    "tokenizer_config.json",
    "tokenizer.json",
    "vocab.json",
    "merges.txt",
    "special_tokens_map.json",
    WEIGHTS,
}


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tiny weights are ~0.9 MB: 64 kB reads give progress (and cancel) many chances.
    monkeypatch.setattr(hub, "CHUNK_SIZE", 64 * 1024)


def lfs_gets(server: HubServer) -> list[str | None]:
    """The Range header of each weights GET the server saw (None: the whole file)."""
    return [r.range for r in server.requests("GET", "/lfs/")]


def incomplete_files(hf_cache: Path) -> list[Path]:
    return list((cache.repo_folder(TINY_ID, hf_cache) / "blobs").glob("*.incomplete"))


def test_full_download_reports_progress_in_order(
    hub_server: HubServer, hf_cache: Path, tiny_repo: dict[str, bytes]
) -> None:
    hub_server.faults.slow[WEIGHTS] = (64 * 1024, 0.03)
    events: list[Progress] = []
    snapshot = download_model(TINY_ID, endpoint=hub_server.url, on_progress=events.append)

    total = sum(len(tiny_repo[name]) for name in EXPECTED_FILES)
    assert {p.name for p in snapshot.iterdir()} == EXPECTED_FILES
    assert (snapshot / WEIGHTS).read_bytes() == tiny_repo[WEIGHTS]
    done = [e.done for e in events]
    assert done == sorted(done), "progress went backwards"
    assert all(e.total == total for e in events)
    assert events[-1].stage == "done" and events[-1].done == total
    # Bytes of the weights arrived in several steps, with a speed and a time left.
    during = [e for e in events if e.file == WEIGHTS and e.stage == "downloading"]
    assert len({e.done for e in during}) >= 5
    assert any(e.speed > 0 and e.eta_s > 0 for e in during)
    assert " of " in during[-1].text() and "/s" in during[-1].text()
    assert any(e.stage == "verifying" for e in events)
    # The default cache (HF_HUB_CACHE) was used; only the needed files were fetched.
    assert cache.status(TINY_ID).state == "complete"
    assert snapshot.is_relative_to(hf_cache)
    assert not hub_server.requests(contains=".bin")


def test_the_progress_hook_is_in_place() -> None:
    """hf_hub_download has no progress callback in 0.36: this private hook is it."""
    import huggingface_hub
    from huggingface_hub import file_download

    assert huggingface_hub.__version__.startswith("0.36.")
    assert "_get_progress_bar_context(" in inspect.getsource(file_download.http_get)
    hub._prepare_client(hub.STALL_S)
    assert getattr(file_download._get_progress_bar_context, "gpt2desk_hook", False)
    assert file_download.constants.HF_HUB_DISABLE_XET


def test_the_checks_of_hub_answers_are_in_place() -> None:
    """core/hub/guard.py relies on where huggingface_hub 0.36 gets paths and bodies from."""
    from huggingface_hub import file_download

    hub._prepare_client(hub.STALL_S)
    # Every ETag and X-Repo-Commit comes out of this module-level function...
    metadata = inspect.getsource(file_download._get_metadata_or_catch_error)
    assert "metadata = get_hf_file_metadata(" in metadata
    assert getattr(file_download.get_hf_file_metadata, "gpt2desk_guard", False)
    # ...and the body is read with iter_content from a _request_wrapper response.
    body = inspect.getsource(file_download.http_get)
    assert "r = _request_wrapper(" in body and "r.iter_content(" in body
    assert "stream=True" in body
    assert file_download.constants.HF_HUB_DOWNLOAD_TIMEOUT == hub.STALL_S


def test_safetensors_preferred_and_one_weights_file_only(hf_cache: Path) -> None:
    files = {
        "config.json": b'{"model_type": "gpt2"}',
        "tokenizer.json": b"{}",
        "model.safetensors": b"S" * 1000,
        "tf_model.h5": b"H" * 1000,
        "pytorch_model.bin": b"P" * 1000,
        "flax_model.msgpack": b"F" * 1000,
    }
    with HubServer({"some/gpt2": files}) as server:
        snapshot = download_model("some/gpt2", endpoint=server.url)
        fetched = {r.path.rsplit("/", 1)[-1] for r in server.requests("HEAD")}
    assert fetched == {"config.json", "tokenizer.json", "model.safetensors"}
    assert {p.name for p in snapshot.iterdir()} == fetched


def test_cancel_then_resume_with_a_range_request(
    hub_server: HubServer, hf_cache: Path, tiny_repo: dict[str, bytes]
) -> None:
    hub_server.faults.slow[WEIGHTS] = (32 * 1024, 0.02)
    cancel = threading.Event()

    def cancel_midway(p: Progress) -> None:
        if p.file == WEIGHTS and p.done > sum(len(v) for v in tiny_repo.values()) // 3:
            cancel.set()

    with pytest.raises(DownloadCancelled, match="cancelled"):
        download_model(TINY_ID, endpoint=hub_server.url, on_progress=cancel_midway, cancel=cancel)
    (partial,) = incomplete_files(hf_cache)
    kept = partial.stat().st_size
    assert 0 < kept < len(tiny_repo[WEIGHTS])
    assert cache.status(TINY_ID).state == "partial"

    hub_server.faults.slow.clear()
    snapshot = download_model(TINY_ID, endpoint=hub_server.url)
    assert lfs_gets(hub_server) == [None, f"bytes={kept}-"]
    assert (snapshot / WEIGHTS).read_bytes() == tiny_repo[WEIGHTS]
    assert not incomplete_files(hf_cache)


def test_a_partial_file_left_by_a_crash_is_resumed(
    hub_server: HubServer, hf_cache: Path, tiny_repo: dict[str, bytes]
) -> None:
    # What a killed app leaves behind: the first bytes under the blob's name + .incomplete.
    sha = hashlib.sha256(tiny_repo[WEIGHTS]).hexdigest()
    blobs = cache.repo_folder(TINY_ID, hf_cache) / "blobs"
    blobs.mkdir(parents=True)
    (blobs / f"{sha}.incomplete").write_bytes(tiny_repo[WEIGHTS][:123_456])
    snapshot = download_model(TINY_ID, endpoint=hub_server.url)
    assert lfs_gets(hub_server) == ["bytes=123456-"]
    assert (snapshot / WEIGHTS).read_bytes() == tiny_repo[WEIGHTS]


def test_a_connection_dropped_mid_file_is_retried_and_resumed(
    hub_server: HubServer, hf_cache: Path, tiny_repo: dict[str, bytes]
) -> None:
    hub_server.faults.drop_after[WEIGHTS] = [300_000]
    events: list[Progress] = []
    snapshot = download_model(
        TINY_ID, endpoint=hub_server.url, on_progress=events.append, backoff_s=0.01
    )
    ranges = lfs_gets(hub_server)
    assert len(ranges) == 2 and ranges[0] is None
    assert ranges[1] is not None and ranges[1].startswith("bytes=")
    assert 0 < int(ranges[1][6:-1]) <= 300_000  # resumed, not restarted
    assert any(e.stage == "retrying" for e in events)
    assert (snapshot / WEIGHTS).read_bytes() == tiny_repo[WEIGHTS]


def test_retries_are_bounded(hub_server: HubServer, hf_cache: Path) -> None:
    # Every try brings a chunk: the download goes on as long as it makes progress.
    hub_server.faults.drop_after[WEIGHTS] = [70_000] * 20
    download_model(TINY_ID, endpoint=hub_server.url, retries=2, backoff_s=0.001)
    assert len(lfs_gets(hub_server)) == 14  # 13 tries bring 64 kB each, the 14th the rest
    # No new byte in three tries in a row: it gives up and keeps what arrived.
    cache.delete_model(TINY_ID)
    hub_server.faults.drop_after[WEIGHTS] = [70_000] + [1_000] * 10
    with pytest.raises(HubError, match="kept dropping") as info:
        download_model(TINY_ID, endpoint=hub_server.url, retries=2, backoff_s=0.001)
    assert "4 tries" in str(info.value) and WEIGHTS in str(info.value)
    (partial,) = incomplete_files(hf_cache)
    assert partial.stat().st_size == 64 * 1024


def test_a_wrong_sha256_deletes_the_file_and_says_so(hub_server: HubServer, hf_cache: Path) -> None:
    hub_server.faults.corrupt.add(WEIGHTS)
    with pytest.raises(HubError) as info:
        download_model(TINY_ID, endpoint=hub_server.url)
    message = str(info.value)
    assert WEIGHTS in message and "sha256" in message and "deleted" in message
    blobs = cache.repo_folder(TINY_ID, hf_cache) / "blobs"
    sha = hashlib.sha256(hub_server.repos[TINY_ID].files[WEIGHTS]).hexdigest()
    assert not (blobs / sha).exists()
    assert cache.status(TINY_ID).state == "partial"
    # Downloading again (the transfer is fine now) repairs the model.
    hub_server.faults.corrupt.clear()
    download_model(TINY_ID, endpoint=hub_server.url)
    assert cache.status(TINY_ID).state == "complete"


def test_a_mirror_without_the_api_routes_still_works(
    hub_server: HubServer, hf_cache: Path, tiny_repo: dict[str, bytes]
) -> None:
    hub_server.faults.api = False
    snapshot = download_model(TINY_ID, endpoint=hub_server.url)
    assert {p.name for p in snapshot.iterdir()} == EXPECTED_FILES
    assert (snapshot / WEIGHTS).read_bytes() == tiny_repo[WEIGHTS]
    assert hub_server.requests("HEAD", "config.json")  # probed one file at a time
    assert not hub_server.requests("GET", "pytorch_model.bin")
    with pytest.raises(HubError, match="There is no model named “nobody/nothing”"):
        download_model("nobody/nothing", endpoint=hub_server.url)


def test_an_unknown_model_id(hub_server: HubServer, hf_cache: Path) -> None:
    with pytest.raises(HubError, match=r"There is no model named “nobody/nothing” on 127\.0\.0\.1"):
        download_model("nobody/nothing", endpoint=hub_server.url)
    assert not hf_cache.exists() or not list(hf_cache.iterdir())


@pytest.mark.parametrize("where", ["all", "resolve"])
def test_a_captive_portal_is_a_network_error_and_nothing_is_saved(
    hub_server: HubServer, hf_cache: Path, where: str
) -> None:
    hub_server.faults.captive = where
    with pytest.raises(HubError, match="captive portal") as info:
        download_model(TINY_ID, endpoint=hub_server.url)
    assert "Nothing was saved" in str(info.value)
    assert cache.cached_model_ids() == []
    assert hub_server.requests()  # it did answer: with a web page


def test_offline_mode_makes_no_request_at_all(hub_server: HubServer, hf_cache: Path) -> None:
    with pytest.raises(ModelLoadError, match="offline mode is on"):
        load_model(ModelRef("hub", TINY_ID), offline=True, endpoint=hub_server.url)
    assert hub_server.requests() == []


def test_the_endpoint_setting_takes_effect_for_download_and_load(
    hub_server: HubServer, hf_cache: Path
) -> None:
    stages: list[str] = []
    loaded = load_model(ModelRef("hub", TINY_ID), endpoint=hub_server.url, on_stage=stages.append)
    assert stages == ["loading", "downloading", "loading", "preparing"]
    assert hub_server.requests("HEAD", "config.json")
    assert loaded.ref == ModelRef("hub", TINY_ID)
    # Loaded from the cache from now on: no request, even online. (Up to the
    # compile, which needs no network: the first load covered it.)
    before = len(hub_server.requests())

    class Compiling(Exception):
        pass

    def stop_at_compile(stage: str) -> None:
        if stage == "preparing":
            raise Compiling

    with pytest.raises(Compiling):
        load_model(ModelRef("hub", TINY_ID), endpoint=hub_server.url, on_stage=stop_at_compile)
    assert len(hub_server.requests()) == before


def test_the_endpoint_setting_wins_over_hf_endpoint(
    hub_server: HubServer, tiny_repo: dict[str, bytes], tmp_path: Path
) -> None:
    # huggingface_hub reads HF_ENDPOINT once, at import: hence new processes.
    code = (
        "import sys\n"
        "from gpt2desk.core.hub.download import download_model\n"
        "download_model(sys.argv[1], endpoint=sys.argv[2] or None, backoff_s=0.01)\n"
    )
    with HubServer({TINY_ID: tiny_repo}) as env_hub:
        env = {**os.environ, "HF_ENDPOINT": env_hub.url, "HF_HOME": str(tmp_path / "hf")}
        env.pop("HF_HUB_CACHE", None)
        for endpoint in (hub_server.url, ""):
            subprocess.run(
                [sys.executable, "-c", code, TINY_ID, endpoint],
                env=env,
                check=True,
                timeout=60,
                capture_output=True,
            )
            if endpoint:
                # The setting: every request went to the mirror, none to HF_ENDPOINT.
                assert env_hub.requests() == []
                assert hub_server.requests("GET", "/lfs/")
                shutil.rmtree(tmp_path / "hf")
        # No setting: HF_ENDPOINT, as for any Hugging Face tool.
        assert env_hub.requests("GET", "/lfs/")


def test_a_truncated_weights_file_on_disk_is_named(hub_server: HubServer, hf_cache: Path) -> None:
    snapshot = download_model(TINY_ID, endpoint=hub_server.url)
    blob = (snapshot / WEIGHTS).resolve()
    data = blob.read_bytes()
    blob.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError) as info:
        load_model(ModelRef("hub", TINY_ID), offline=True)
    message = str(info.value)
    assert WEIGHTS in message and "damaged or incomplete" in message
    assert str(blob) in message and "download it again" in message


def test_a_model_of_another_architecture_is_refused_before_its_weights(hf_cache: Path) -> None:
    files = {
        "config.json": b'{"model_type": "bert"}',
        "tokenizer.json": b"{}",
        "model.safetensors": b"S" * 100,
    }
    with HubServer({"some/bert": files}) as server:
        with pytest.raises(HubError, match="is a bert model; gpt2desk runs GPT-2 models only"):
            download_model("some/bert", endpoint=server.url)
        assert not server.requests(contains="/resolve/")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pytorch_model.bin": b"x", "tokenizer.json": b"{}"}, "pickle weights"),
        ({"model.safetensors": b"x"}, "no tokenizer files"),
        ({"tokenizer.json": b"{}"}, "no model.safetensors, tf_model.h5 or flax_model.msgpack"),
        (
            {"model.safetensors.index.json": b"{}", "tokenizer.json": b"{}"},
            r"split \(sharded\) weights",
        ),
    ],
)
def test_unusable_repositories_are_refused_with_the_reason(
    hf_cache: Path, files: dict[str, bytes], expected: str
) -> None:
    with HubServer({"some/model": {"config.json": b'{"model_type": "gpt2"}', **files}}) as server:
        with pytest.raises(HubError, match=expected):
            download_model("some/model", endpoint=server.url)
        assert not server.requests(contains="/resolve/")


def test_cache_status_disk_use_and_delete(hub_server: HubServer, hf_cache: Path) -> None:
    assert cache.status(TINY_ID).state == "absent"
    download_model(TINY_ID, endpoint=hub_server.url)
    found = cache.status(TINY_ID)
    assert found.state == "complete"
    assert found.disk_bytes >= sum(len(v) for v in hub_server.repos[TINY_ID].files.values())
    assert cache.total_bytes() >= found.disk_bytes
    assert cache.cached_model_ids() == [TINY_ID]
    assert cache.best_status(("tiny/other", TINY_ID)).repo_id == TINY_ID
    assert cache.delete_model(TINY_ID) == found.disk_bytes
    assert cache.status(TINY_ID).state == "absent"
    assert not (hf_cache / ".locks" / "models--tiny--gpt2").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("./folder", "is a path"),
        ("not a model!", "not a valid Hub id"),
        ("a/b/c", "not a valid Hub id"),
    ],
)
def test_hub_ids_are_validated(text: str, expected: str) -> None:
    with pytest.raises(HubError, match=expected):
        hub.check_hub_id(text)


def test_endpoints_are_validated() -> None:
    assert hub.normalize_endpoint(" https://hf-mirror.com/ ") == "https://hf-mirror.com"
    assert hub.normalize_endpoint("") == ""
    with pytest.raises(HubError, match="http:// or https://"):
        hub.normalize_endpoint("hf-mirror.com")
