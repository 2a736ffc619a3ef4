"""Fixtures for tests that talk to the local hub server (imported by tests/conftest.py).

Fixtures:
    tiny_repo: The files of the tiny model folder, as a repository to serve.
    hub_server: A ``HubServer`` serving the tiny model as ``tiny/gpt2``; stopped
        at the end of the test.
    hf_cache: An empty Hugging Face hub cache of this test only; it is also
        what ``huggingface_hub`` (and so gpt2desk) uses as the default cache.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hubserver import HubServer, folder_files

TINY_ID = "tiny/gpt2"


@pytest.fixture(scope="session")
def tiny_repo(tiny_model_dir: Path) -> dict[str, bytes]:
    return folder_files(tiny_model_dir)


@pytest.fixture
def hub_server(tiny_repo: dict[str, bytes]) -> Iterator[HubServer]:
    server = HubServer({TINY_ID: tiny_repo})
    yield server
    server.stop()


@pytest.fixture
def hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from huggingface_hub import constants

    cache = tmp_path / "hf-hub-cache"
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    return cache
