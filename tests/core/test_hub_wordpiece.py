"""Chinese GPT-2s from the (local) Hub: the safetensors conversion pull request of a
pickle-only main, msgpack-only repos, and the checks of what the discussions API says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gpt2desk.core.hub import cache
from gpt2desk.core.hub import download as hub
from gpt2desk.core.hub.guard import UnsafeAnswer, check_pr_revision
from gpt2desk.core.hub.progress import Progress
from tests.hubfixtures import serve_conversion, serve_msgpack
from tests.hubserver import HubServer, discussion, folder_files
from tests.tinywordpiece import build_tiny_wordpiece_model

REPO = "ckiplab/tiny-chinese"


@pytest.fixture(scope="module")
def safetensors_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A tiny WordPiece GPT-2 with PyTorch-named model.safetensors (the Hub's conversion)."""
    folder = tmp_path_factory.mktemp("wordpiece-st")
    return folder_files(
        build_tiny_wordpiece_model(folder, weights="safetensors-pt", n_positions=128)
    )


@pytest.fixture(scope="module")
def msgpack_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("wordpiece-msgpack")
    return folder_files(build_tiny_wordpiece_model(folder, weights="msgpack"))


@pytest.fixture
def server() -> Any:
    hub_server = HubServer()
    yield hub_server
    hub_server.stop()


def no_pickle_asked(server: HubServer) -> bool:
    return not server.requests(contains="pytorch_model.bin")


def test_a_pickle_only_main_is_downloaded_from_the_conversion_pull_request(
    server: HubServer, hf_cache: Path, safetensors_files: dict[str, bytes]
) -> None:
    others = (
        discussion(4, title="Which licence?", pull_request=False),
        # Anyone can open a pull request with the bot's title: only the bot's counts.
        discussion(3, author="mallory"),
        discussion(2, status="closed"),
    )
    repo = serve_conversion(server, REPO, safetensors_files, others=others)
    for number in (3, 2):
        repo.add_revision(f"refs/pr/{number}", {**safetensors_files, "model.safetensors": b"x"})
    seen: list[Progress] = []

    snapshot = hub.download_model(REPO, endpoint=server.url, on_progress=seen.append)

    pr = repo.revisions["refs/pr/1"]
    assert snapshot.name == pr.commit
    assert (snapshot / "model.safetensors").read_bytes() == safetensors_files["model.safetensors"]
    assert (snapshot / "vocab.txt").is_file() and (snapshot / "config.json").is_file()
    assert not (snapshot / "pytorch_model.bin").exists() and no_pickle_asked(server)
    assert not server.requests(contains="refs%2Fpr%2F3")  # mallory's
    assert not server.requests(contains="refs%2Fpr%2F2")  # closed
    # The cache keeps the pull request's commit under its own ref; main is not claimed.
    folder = cache.repo_folder(REPO, hf_cache)
    assert (folder / "refs" / "refs" / "pr" / "1").read_text() == pr.commit
    assert not (folder / "refs" / "main").exists()
    found = cache.status(REPO, hf_cache)
    assert (found.state, found.revision, found.snapshot) == ("complete", "refs/pr/1", snapshot)
    # Progress says where the files come from.
    assert seen[-1].stage == "done"
    assert "pull request #1 (not yet merged on the Hub)" in seen[-1].text()
    assert seen[-1].as_dict()["revision"] == "refs/pr/1"


def test_the_conversion_is_found_on_a_later_page_of_discussions(
    server: HubServer, hf_cache: Path, safetensors_files: dict[str, bytes]
) -> None:
    chatter = tuple(
        discussion(n, title=f"Question {n}", pull_request=False) for n in range(130, 9, -1)
    )
    serve_conversion(server, REPO, safetensors_files, number=7, others=chatter)
    plan = hub.plan_download(REPO, endpoint=server.url)
    assert plan.revision == "refs/pr/7"
    assert plan.note == (
        "Using the safetensors conversion from pull request #7 (not yet merged on the Hub)."
    )
    assert [f.name for f in plan.files][-1] == "model.safetensors"
    assert len(server.requests("GET", "/discussions")) == 3  # 122 entries, 50 a page


@pytest.mark.parametrize(
    "others",
    [
        pytest.param((discussion(1, author="mallory"),), id="someone else's pull request"),
        pytest.param((discussion(1, status="closed"),), id="a closed one"),
        pytest.param((discussion(1, title="Add safetensors"),), id="another title"),
        pytest.param((discussion(1, pull_request=False),), id="a discussion"),
    ],
)
def test_only_an_open_pull_request_of_the_conversion_bot_counts(
    server: HubServer,
    hf_cache: Path,
    safetensors_files: dict[str, bytes],
    others: tuple[dict[str, Any], ...],
) -> None:
    repo = server.add(
        REPO, {"pytorch_model.bin": b"p", "config.json": safetensors_files["config.json"]}
    )
    repo.add_revision("refs/pr/1", safetensors_files)
    repo.discussions = list(others)
    with pytest.raises(hub.HubError, match="only pickle weights"):
        hub.download_model(REPO, endpoint=server.url)
    assert not server.requests(contains="/resolve/")
    assert not server.requests(contains="/revision/")
    assert not cache.repo_folder(REPO, hf_cache).exists()


def test_a_pull_request_without_safetensors_is_not_used(
    server: HubServer, hf_cache: Path, safetensors_files: dict[str, bytes]
) -> None:
    repo = serve_conversion(server, REPO, safetensors_files)
    del repo.revisions["refs/pr/1"].files["model.safetensors"]
    with pytest.raises(hub.HubError, match="no safetensors conversion"):
        hub.download_model(REPO, endpoint=server.url)
    assert not server.requests(contains="/resolve/") and no_pickle_asked(server)


def test_a_hub_without_the_discussions_api_says_pickle_only(
    server: HubServer, hf_cache: Path, safetensors_files: dict[str, bytes]
) -> None:
    serve_conversion(server, REPO, safetensors_files)
    server.faults.discussions = False
    with pytest.raises(hub.HubError, match="only pickle weights"):
        hub.plan_download(REPO, endpoint=server.url)


@pytest.mark.parametrize("number", ["1/../../../../escape", "../1", True, 0, -1, 1.5, None])
def test_a_pull_request_number_that_is_not_a_number_is_refused(
    server: HubServer, hf_cache: Path, safetensors_files: dict[str, bytes], number: object
) -> None:
    serve_conversion(server, REPO, safetensors_files)

    def hostile(listing: dict[str, Any]) -> dict[str, Any]:
        for entry in listing["discussions"]:
            entry["num"] = number
        return listing

    server.faults.discussions_edit = hostile
    with pytest.raises(hub.RefusedAnswer, match="refs/pr/ and a number"):
        hub.download_model(REPO, endpoint=server.url)
    assert not server.requests(contains="/resolve/")
    assert not cache.repo_folder(REPO, hf_cache).exists()


def test_a_malformed_discussions_listing_is_named(
    server: HubServer, hf_cache: Path, safetensors_files: dict[str, bytes]
) -> None:
    serve_conversion(server, REPO, safetensors_files)
    server.faults.discussions_edit = lambda listing: {"discussions": "many"}
    with pytest.raises(hub.HubError, match="malformed"):
        hub.download_model(REPO, endpoint=server.url)


def test_msgpack_on_main_is_downloaded_without_looking_for_a_conversion(
    server: HubServer, hf_cache: Path, msgpack_files: dict[str, bytes]
) -> None:
    serve_msgpack(server, REPO, msgpack_files)
    seen: list[Progress] = []
    snapshot = hub.download_model(REPO, endpoint=server.url, on_progress=seen.append)
    assert (snapshot / "flax_model.msgpack").read_bytes() == msgpack_files["flax_model.msgpack"]
    assert no_pickle_asked(server) and not server.requests(contains="/discussions")
    assert "pull request" not in seen[-1].text()
    found = cache.status(REPO, hf_cache)
    assert (found.state, found.revision) == ("complete", "main")


def test_the_cache_follows_a_pull_request_only_when_main_is_not_loadable(
    server: HubServer, hf_cache: Path, safetensors_files: dict[str, bytes]
) -> None:
    repo = serve_conversion(server, REPO, safetensors_files)
    snapshot = hub.download_model(REPO, endpoint=server.url)
    folder = cache.repo_folder(REPO, hf_cache)
    # Refs that are no pull request's are never followed.
    for odd in ("01", "x", "1.lock"):
        (folder / "refs" / "refs" / "pr" / odd).write_text(repo.revisions["refs/pr/1"].commit)
    assert cache.status(REPO, hf_cache).snapshot == snapshot
    # Another tool downloaded main (pickle only): still the conversion.
    main = folder / "snapshots" / repo.commit
    main.mkdir()
    (main / "config.json").write_bytes(safetensors_files["config.json"])
    (folder / "refs" / "main").write_text(repo.commit)
    assert cache.status(REPO, hf_cache).revision == "refs/pr/1"
    # Main became loadable (the pull request was merged): main it is.
    for name in ("vocab.txt", "tokenizer_config.json", "model.safetensors"):
        (main / name).write_bytes(safetensors_files[name])
    found = cache.status(REPO, hf_cache)
    assert (found.revision, found.snapshot) == ("main", main)


def test_pull_request_revisions_are_checked() -> None:
    assert check_pr_revision("refs/pr/1") == "refs/pr/1"
    assert check_pr_revision("refs/pr/120") == "refs/pr/120"
    for bad in ("refs/pr/0", "refs/pr/01", "refs/pr/1/../../x", "refs/heads/main", "main", 1, ""):
        with pytest.raises(UnsafeAnswer):
            check_pr_revision(bad)


def test_the_downloaded_conversion_loads_offline_and_writes(
    server: HubServer, hf_cache: Path, safetensors_files: dict[str, bytes]
) -> None:
    from gpt2desk.core.engine.decode import Done, Piece, generate
    from gpt2desk.core.engine.loading import load_model
    from gpt2desk.core.model_source import ModelRef
    from gpt2desk.core.settings import GenerationSettings

    serve_conversion(server, REPO, safetensors_files)
    hub.download_model(REPO, endpoint=server.url)
    server.stop()  # from here on, the cache only
    loaded = load_model(ModelRef("hub", REPO), offline=True)
    events = list(
        generate(
            loaded.runner,
            loaded.tokenizer,
            "今天天氣",
            GenerationSettings(max_new_tokens=8, temperature=0.0, seed=1),
        )
    )
    done = events[-1]
    assert isinstance(done, Done) and done.new_token_ids
    assert done.reason in ("length", "eos") and done.prompt_tokens == 4
    text = "".join(e.text for e in events if isinstance(e, Piece))
    assert "[CLS]" not in text and "[PAD]" not in text
