"""Hostile Hubs and mirrors: answers that would write outside the cache, odd model
info, redirect loops, stalls; and the faults that are handled today, kept so.

Every case runs against the real local hub server (tests/hubserver.py) and
checks what the user sees (the message, or the CLI's exit code and single
line) and that nothing was written outside the model cache: the hub cache
sits deep inside the test's folder, so a '../../../..' from a blob still lands
in that folder, which is compared file by file before and after.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gpt2desk.core.hub import cache
from gpt2desk.core.hub import download as hub
from gpt2desk.core.hub.download import HubError, download_model
from gpt2desk.core.hub.progress import Progress
from tests.hubfixtures import TINY_ID
from tests.hubserver import HubServer

WEIGHTS = "tf_model.h5"
ESCAPE = "../../../../escaped/x"  # from cache/models--tiny--gpt2/blobs: inside the test folder


@dataclass
class Home:
    """The test's folder: a user's home with the hub cache deep inside it."""

    root: Path
    cache: Path
    work: Path

    def outside_cache(self) -> dict[str, tuple[int, int]]:
        """Every path under ``root`` but not in the cache, with its mode and size."""
        found: dict[str, tuple[int, int]] = {}
        for folder, dirs, files in os.walk(self.root):
            here = Path(folder)
            dirs[:] = [d for d in dirs if here / d != self.cache]
            for name in dirs + files:
                st = (here / name).lstat()
                found[str((here / name).relative_to(self.root))] = (st.st_mode, st.st_size)
        return found

    def links_leaving_cache(self) -> list[str]:
        """Links in the cache whose target is not in the cache."""
        leaving = []
        top = self.cache.resolve()
        for folder, _dirs, files in os.walk(self.cache):
            for name in files:
                path = Path(folder) / name
                if path.is_symlink() and not path.resolve().is_relative_to(top):
                    leaving.append(f"{path} -> {os.readlink(path)}")
        return leaving


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    from huggingface_hub import constants

    found = Home(
        tmp_path,
        tmp_path / "home" / "user" / ".cache" / "huggingface" / "hub",
        tmp_path / "work",
    )
    found.cache.parent.mkdir(parents=True)
    found.work.mkdir()
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(found.cache))
    return found


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tiny weights are ~0.9 MB: 64 kB reads give progress (and cancel) many chances.
    monkeypatch.setattr(hub, "CHUNK_SIZE", 64 * 1024)


def assert_nothing_escaped(home: Home, before: dict[str, tuple[int, int]]) -> None:
    assert home.outside_cache() == before, "files were written outside the model cache"
    assert home.links_leaving_cache() == []


@dataclass
class Cli:
    code: int
    out: str
    err: str


def run_cli(home: Home, server: HubServer, model: str = TINY_ID) -> Cli:
    """``gpt2desk generate`` as a user runs it, with the server as its Hub."""
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    env["HF_ENDPOINT"] = server.url
    env["HF_HUB_CACHE"] = str(home.cache)
    proc = subprocess.run(
        [sys.executable, "-m", "gpt2desk", "generate", "--model", model, "--prompt", "Hello"],
        capture_output=True,
        env=env,
        cwd=home.work,
        timeout=300,
        check=False,
    )
    return Cli(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def assert_one_line_naming(result: Cli, server: HubServer, *words: str) -> str:
    host = server.url.removeprefix("http://")
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    line = result.err.strip()
    assert line.startswith("gpt2desk: error: ") and "\n" not in line, result.err
    assert host in line, line
    for word in words:
        assert word in line, line
    assert result.out == ""
    return line


def _headers(name: str, **headers: str) -> Callable[[HubServer, Home], None]:
    def setup(server: HubServer, home: Home) -> None:
        values = {k.replace("_", "-"): v.format(root=home.root) for k, v in headers.items()}
        server.faults.headers[name] = values

    return setup


def _missing_with(commit: str) -> Callable[[HubServer, Home], None]:
    """generation_config.json is listed, then answered 404 with this X-Repo-Commit."""

    def setup(server: HubServer, home: Home) -> None:
        server.faults.missing.add("generation_config.json")
        server.faults.headers["generation_config.json"] = {"X-Repo-Commit": commit}

    return setup


def _info(**changes: Any) -> Callable[[HubServer, Home], None]:
    def setup(server: HubServer, home: Home) -> None:
        server.faults.info_edit = lambda info: {**info, **changes}

    return setup


def _extra_sibling(name: object) -> Callable[[HubServer, Home], None]:
    def setup(server: HubServer, home: Home) -> None:
        server.faults.info_edit = lambda info: {
            **info,
            "siblings": [*info["siblings"], {"rfilename": name, "size": 10}],
        }

    return setup


def _loop(where: str) -> Callable[[HubServer, Home], None]:
    def setup(server: HubServer, home: Home) -> None:
        server.faults.redirect_loop = where

    return setup


# -- item 4: names, hashes and revisions from the server never become paths ----


_PATH_ANSWERS = [
    pytest.param(_headers("config.json", ETag=f'"{ESCAPE}"'), id="etag-dotdot"),
    pytest.param(_headers("config.json", ETag='"{root}/abs-escaped"'), id="etag-absolute"),
    pytest.param(_headers("vocab.json", ETag='W/"../../../../escaped/v"'), id="weak-etag-dotdot"),
    pytest.param(
        _headers(WEIGHTS, X_Linked_Etag='"../../../../escaped/w"'), id="linked-etag-dotdot"
    ),
    pytest.param(_headers(WEIGHTS, X_Linked_Etag='"' + "a" * 63 + '"'), id="linked-etag-63-hex"),
    pytest.param(_headers("config.json", X_Repo_Commit="../x"), id="commit-dotdot"),
    pytest.param(_headers("config.json", X_Repo_Commit="main/../../"), id="commit-main-dotdot"),
    pytest.param(_headers("tokenizer.json", X_Repo_Commit="a" * 39), id="commit-39-hex"),
    pytest.param(_headers("merges.txt", X_Repo_Commit="{root}"), id="commit-absolute"),
    pytest.param(_missing_with("../../../../escaped"), id="commit-dotdot-on-a-404"),
    pytest.param(_extra_sibling("../../../../escaped/x"), id="sibling-dotdot"),
    pytest.param(_info(sha="../../../../escaped"), id="info-sha-dotdot"),
]


@pytest.mark.parametrize("setup", _PATH_ANSWERS)
def test_a_hub_answer_that_is_a_path_is_refused_and_nothing_is_written_outside_the_cache(
    home: Home, hub_server: HubServer, setup: Callable[[HubServer, Home], None]
) -> None:
    setup(hub_server, home)
    before = home.outside_cache()
    with pytest.raises(HubError) as info:
        download_model(TINY_ID, endpoint=hub_server.url)
    message = str(info.value)
    assert "refused" in message and hub_server.url.removeprefix("http://") in message
    assert "outside the model cache" in message and "\n" not in message
    assert_nothing_escaped(home, before)
    assert cache.status(TINY_ID, home.cache).state == "absent"  # no half-model left behind


@pytest.mark.parametrize(
    "setup", [p for p in _PATH_ANSWERS if p.id in ("etag-dotdot", "commit-dotdot-on-a-404")]
)
def test_cli_refuses_a_hub_answer_that_is_a_path_in_one_line(
    home: Home, hub_server: HubServer, setup: Callable[[HubServer, Home], None]
) -> None:
    setup(hub_server, home)
    before = home.outside_cache()
    result = run_cli(home, hub_server)
    assert_one_line_naming(result, hub_server, "refused")
    assert_nothing_escaped(home, before)
    assert cache.status(TINY_ID, home.cache).state == "absent"


@pytest.mark.parametrize(
    "name",
    [
        "../../../../escaped/x",
        "sub/../../../../../escaped/x",
        "/tmp/gpt2desk-escaped",
        "..\\..\\escaped",
        "con\x00fig.json",
        "new\nline.json",
        5,
        None,
    ],
    ids=["dotdot", "inner-dotdot", "absolute", "backslash", "nul", "newline", "int", "null"],
)
def test_a_listing_with_an_unsafe_file_name_is_refused_before_any_download(
    home: Home, hub_server: HubServer, name: object
) -> None:
    _extra_sibling(name)(hub_server, home)
    before = home.outside_cache()
    with pytest.raises(HubError) as info:
        download_model(TINY_ID, endpoint=hub_server.url)
    message = str(info.value)
    assert "refused" in message and hub_server.url.removeprefix("http://") in message
    assert "\n" not in message and "\x00" not in message
    assert not hub_server.requests(contains="/resolve/")
    assert_nothing_escaped(home, before)


@pytest.mark.parametrize("sha", ["../x", "a" * 39, "a" * 41, "A" * 40, 12345, ["x"]], ids=repr)
def test_a_model_info_commit_that_is_not_40_hex_is_refused(
    home: Home, hub_server: HubServer, sha: object
) -> None:
    _info(sha=sha)(hub_server, home)
    with pytest.raises(HubError, match="refused") as info:
        download_model(TINY_ID, endpoint=hub_server.url)
    assert hub_server.url.removeprefix("http://") in str(info.value)
    assert not hub_server.requests(contains="/resolve/")


def test_a_refused_etag_leaves_no_blob_and_no_link_out_of_the_cache(
    home: Home, hub_server: HubServer
) -> None:
    # What the report saw: the blob outside the cache and the snapshot linking to it.
    hub_server.faults.headers["config.json"] = {"ETag": f'"{ESCAPE}"'}
    before = home.outside_cache()
    with pytest.raises(HubError, match="refused"):
        download_model(TINY_ID, endpoint=hub_server.url)
    assert_nothing_escaped(home, before)
    assert not (home.root / "home" / "user" / ".cache" / "escaped").exists()
    # A server that answers as the Hub does afterwards: the download works.
    hub_server.faults.headers.clear()
    snapshot = download_model(TINY_ID, endpoint=hub_server.url)
    assert (snapshot / "config.json").read_bytes() == hub_server.repos[TINY_ID].files["config.json"]


@pytest.mark.parametrize(
    "repo_id",
    [
        "../../escaped",
        "..",
        "tiny%2f..%2f..%2fescaped",
        "/tmp/escaped",
        "tiny\\..\\escaped",
        "tiny/../escaped",
    ],
)
def test_a_repo_id_that_is_a_path_is_refused_without_asking_the_server(
    home: Home, hub_server: HubServer, repo_id: str
) -> None:
    before = home.outside_cache()
    with pytest.raises(HubError, match=r"is a path|not a valid Hub id"):
        download_model(repo_id, endpoint=hub_server.url)
    assert hub_server.requests() == []
    assert_nothing_escaped(home, before)
    assert not home.cache.exists()


# -- item 9: odd model info, redirect loops, stalls -----------------------------


def _with_size(size: object) -> Callable[[dict[str, Any]], Any]:
    def edit(info: dict[str, Any]) -> Any:
        siblings = [{**s, "size": size} for s in info["siblings"]]
        return {**info, "siblings": siblings}

    return edit


@pytest.mark.parametrize(
    "size",
    ["12345", None, -5, 10**30, 1.5, True, [1], {"a": 1}],
    ids=["string", "null", "negative", "huge", "float", "bool", "list", "object"],
)
def test_odd_sizes_in_the_model_info_are_ignored_and_the_download_completes(
    home: Home, hub_server: HubServer, tiny_repo: dict[str, bytes], size: object
) -> None:
    hub_server.faults.info_edit = _with_size(size)
    events: list[Progress] = []
    snapshot = download_model(TINY_ID, endpoint=hub_server.url, on_progress=events.append)
    assert (snapshot / WEIGHTS).read_bytes() == tiny_repo[WEIGHTS]
    assert events[-1].stage == "done"
    assert all(0 <= e.total < 10**12 for e in events)


def test_fields_gpt2desk_does_not_read_may_be_odd(
    home: Home, hub_server: HubServer, tiny_repo: dict[str, bytes]
) -> None:
    # huggingface_hub's ModelInfo fails on each of these; gpt2desk reads none of them.
    odd = {"createdAt": "yesterday", "cardData": "x", "safetensors": 5, "transformersInfo": 1}
    hub_server.faults.info_edit = lambda info: {**info, **odd}
    snapshot = download_model(TINY_ID, endpoint=hub_server.url)
    assert (snapshot / "config.json").read_bytes() == tiny_repo["config.json"]


@pytest.mark.parametrize(
    "edit",
    [
        lambda info: {**info, "siblings": "abc"},
        lambda info: {**info, "siblings": {"config.json": {}}},
        lambda info: {**info, "siblings": 5},
        lambda info: {**info, "siblings": [1, 2]},
        lambda info: {**info, "siblings": [{"size": 3}]},
        lambda info: {
            **info,
            "siblings": [{**s, "lfs": "abc"} if "lfs" in s else s for s in info["siblings"]],
        },
        lambda info: [info],
        lambda info: None,
        lambda info: "abc",
    ],
    ids=[
        "siblings-string",
        "siblings-object",
        "siblings-number",
        "siblings-numbers",
        "sibling-without-name",
        "lfs-string",
        "info-list",
        "info-null",
        "info-string",
    ],
)
def test_malformed_model_info_is_reported_naming_the_server(
    home: Home, hub_server: HubServer, edit: Callable[[dict[str, Any]], Any]
) -> None:
    hub_server.faults.info_edit = edit
    before = home.outside_cache()
    with pytest.raises(HubError) as info:
        download_model(TINY_ID, endpoint=hub_server.url)
    message = str(info.value)
    assert "model information" in message and hub_server.url.removeprefix("http://") in message
    assert not hub_server.requests(contains="/resolve/")
    assert_nothing_escaped(home, before)


def test_cli_reports_a_malformed_file_list_in_one_line(home: Home, hub_server: HubServer) -> None:
    hub_server.faults.info_edit = lambda info: {**info, "siblings": "abc"}
    result = run_cli(home, hub_server)
    assert_one_line_naming(result, hub_server, "model information")


@pytest.mark.parametrize("where", ["resolve", "download", "api"])
def test_a_redirect_loop_is_reported_as_such(home: Home, hub_server: HubServer, where: str) -> None:
    hub_server.faults.redirect_loop = where
    before = home.outside_cache()
    with pytest.raises(HubError) as info:
        download_model(TINY_ID, endpoint=hub_server.url)
    message = str(info.value)
    assert "redirects in a loop" in message and hub_server.url.removeprefix("http://") in message
    assert "recursion" not in message
    assert_nothing_escaped(home, before)
    # Bounded: a handful of requests, not hundreds.
    assert len(hub_server.requests()) < 80


def test_cli_reports_a_redirect_loop_in_one_line(home: Home, hub_server: HubServer) -> None:
    hub_server.faults.redirect_loop = "resolve"
    result = run_cli(home, hub_server)
    assert_one_line_naming(result, hub_server, "redirects in a loop")


def _download_in_thread(server: HubServer, **kwargs: Any) -> BaseException | None:
    """Runs a download; returns what it raised. Fails if it has not ended after 60 s."""
    raised: list[BaseException | None] = [None]

    def run() -> None:
        try:
            download_model(TINY_ID, endpoint=server.url, **kwargs)
        except BaseException as exc:
            raised[0] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "a stalled download did not end within 60 s"
    return raised[0]


def test_a_server_that_goes_silent_after_1000_bytes_ends_the_download_with_a_message(
    home: Home, hub_server: HubServer
) -> None:
    hub_server.faults.stall_after[WEIGHTS] = 1000
    error = _download_in_thread(hub_server, stall_s=0.5)
    assert isinstance(error, HubError), repr(error)
    message = str(error)
    assert "stopped sending" in message and WEIGHTS in message
    assert hub_server.url.removeprefix("http://") in message
    # One stall ends it: no string of retries against a silent server.
    assert len(hub_server.requests("GET", "/lfs/")) == 1
    assert cache.status(TINY_ID, home.cache).state == "partial"


def test_a_server_that_never_answers_the_download_request_ends_it_with_a_message(
    home: Home, hub_server: HubServer, tiny_repo: dict[str, bytes]
) -> None:
    hub_server.faults.silent.add(WEIGHTS)
    error = _download_in_thread(hub_server, stall_s=0.5)
    assert isinstance(error, HubError) and "stopped sending" in str(error), repr(error)
    # Not retried with backoff (5 more tries, 23 s of waits): once is enough.
    assert len(hub_server.requests("GET", "/lfs/")) == 1
    hub_server.faults.silent.clear()
    snapshot = download_model(TINY_ID, endpoint=hub_server.url)
    assert (snapshot / WEIGHTS).read_bytes() == tiny_repo[WEIGHTS]


def test_a_stalled_download_keeps_what_arrived_and_resume_completes_it(
    home: Home, hub_server: HubServer, tiny_repo: dict[str, bytes]
) -> None:
    hub_server.faults.stall_after[WEIGHTS] = 300_000
    error = _download_in_thread(hub_server, stall_s=0.5)
    assert isinstance(error, HubError) and "stopped sending" in str(error)
    blobs = cache.repo_folder(TINY_ID, home.cache) / "blobs"
    (partial,) = blobs.glob("*.incomplete")
    kept = partial.stat().st_size
    assert 0 < kept <= 300_000
    # Resume: the server answers again; only the rest is asked for.
    hub_server.faults.stall_after.clear()
    snapshot = download_model(TINY_ID, endpoint=hub_server.url)
    assert hub_server.requests("GET", "/lfs/")[-1].range == f"bytes={kept}-"
    assert (snapshot / WEIGHTS).read_bytes() == tiny_repo[WEIGHTS]
    assert cache.status(TINY_ID, home.cache).state == "complete"


# -- kept from today: faults that are handled, so they stay handled ------------


def test_a_body_with_the_wrong_sha256_is_deleted_and_reported(
    home: Home, hub_server: HubServer
) -> None:
    hub_server.faults.corrupt.add(WEIGHTS)
    before = home.outside_cache()
    with pytest.raises(HubError) as info:
        download_model(TINY_ID, endpoint=hub_server.url)
    message = str(info.value)
    assert WEIGHTS in message and "sha256" in message and "deleted" in message
    blobs = cache.repo_folder(TINY_ID, home.cache) / "blobs"
    assert not [p for p in blobs.iterdir() if p.stat().st_size > 100_000]
    assert cache.status(TINY_ID, home.cache).state == "partial"
    assert_nothing_escaped(home, before)


@pytest.mark.parametrize("where", ["all", "resolve"])
def test_a_captive_portal_is_reported_and_nothing_is_saved(
    home: Home, hub_server: HubServer, where: str
) -> None:
    hub_server.faults.captive = where
    before = home.outside_cache()
    with pytest.raises(HubError, match="captive portal") as info:
        download_model(TINY_ID, endpoint=hub_server.url)
    assert "Nothing was saved" in str(info.value)
    assert cache.cached_model_ids(home.cache) == []
    assert_nothing_escaped(home, before)


def test_dropped_connections_are_resumed_not_restarted(
    home: Home, hub_server: HubServer, tiny_repo: dict[str, bytes]
) -> None:
    hub_server.faults.drop_after[WEIGHTS] = [300_000, 200_000]
    snapshot = download_model(TINY_ID, endpoint=hub_server.url, backoff_s=0.01)
    ranges = [r.range for r in hub_server.requests("GET", "/lfs/")]
    assert ranges[0] is None and len(ranges) == 3
    assert all(r is not None and r != "bytes=0-" for r in ranges[1:])
    assert (snapshot / WEIGHTS).read_bytes() == tiny_repo[WEIGHTS]


class _Touch:
    """Unpickling this creates a file: the proof that a pickle was loaded."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.path), "w"))


def test_cli_refuses_a_pickle_only_repo_without_downloading_or_unpickling_it(
    home: Home, tiny_repo: dict[str, bytes]
) -> None:
    marker = home.root / "unpickled"
    files = {n: b for n, b in tiny_repo.items() if n != WEIGHTS}
    files["pytorch_model.bin"] = pickle.dumps(_Touch(marker))
    before = home.outside_cache()
    with HubServer({"evil/gpt2": files}) as server:
        result = run_cli(home, server, "evil/gpt2")
        assert not server.requests(contains="pytorch_model.bin")
    assert result.code == 2 and "Traceback" not in result.err
    line = result.err.strip()
    assert "\n" not in line and "pickle" in line
    assert not marker.exists()
    assert_nothing_escaped(home, before)


@pytest.mark.parametrize("ref", ["../../../escaped", "/etc", "a" * 39, "main"])
def test_a_refs_main_that_is_not_a_commit_is_never_followed(tmp_path: Path, ref: str) -> None:
    """A ``refs/main`` written by hand or by an older version is no path into the disk."""
    cache_dir = tmp_path / "cache"
    folder = cache.repo_folder("org/model", cache_dir)
    (folder / "refs").mkdir(parents=True)
    (folder / "refs" / "main").write_text(ref, encoding="utf-8")
    (tmp_path / "escaped").mkdir()
    (folder / "snapshots" / "main").mkdir(parents=True)
    assert cache.snapshot_dir("org/model", cache_dir) is None
    assert cache.status("org/model", cache_dir).state == "partial"
