"""Fixtures for tests that talk to the local hub server (imported by tests/conftest.py).

Fixtures:
    tiny_repo: The files of the tiny model folder, as a repository to serve.
    hub_server: A ``HubServer`` serving the tiny model as ``tiny/gpt2``; stopped
        at the end of the test.
    hf_cache: An empty Hugging Face hub cache of this test only; it is also
        what ``huggingface_hub`` (and so gpt2desk) uses as the default cache.

Layouts of the Chinese GPT-2s on the Hub (:func:`serve_conversion`,
:func:`serve_msgpack`): main with only pickle weights plus the Hub's
safetensors conversion pull request, and main with flax_model.msgpack.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hubserver import HubServer, Repo, discussion, folder_files

TINY_ID = "tiny/gpt2"
#: What a pickle-only repository serves as pytorch_model.bin: gpt2desk never asks for it.
PICKLE = b"pytorch_model.bin stand-in: gpt2desk must never download or open it"
WEIGHTS = ("model.safetensors", "tf_model.h5", "flax_model.msgpack")


def pickle_only(files: dict[str, bytes]) -> dict[str, bytes]:
    """``files`` with its weights replaced by pytorch_model.bin (and nothing else)."""
    kept = {name: data for name, data in files.items() if name not in WEIGHTS}
    return {**kept, "pytorch_model.bin": PICKLE}


def serve_conversion(
    server: HubServer,
    repo_id: str,
    files: dict[str, bytes],
    *,
    number: int = 1,
    others: tuple[dict[str, object], ...] = (),
) -> Repo:
    """A repo whose main has only pytorch_model.bin, and the Hub's safetensors conversion
    (``files``, which hold model.safetensors, plus the pickle) at ``refs/pr/{number}``,
    listed by the discussions API after ``others`` (newest first, as the Hub lists)."""
    assert "model.safetensors" in files
    repo = server.add(repo_id, pickle_only(files))
    repo.add_revision(f"refs/pr/{number}", {**files, "pytorch_model.bin": PICKLE})
    repo.discussions = [*others, discussion(number, repo_id=repo_id)]
    return repo


def serve_msgpack(server: HubServer, repo_id: str, files: dict[str, bytes]) -> Repo:
    """A repo whose main has flax_model.msgpack and pytorch_model.bin, as CKIP's base model."""
    assert "flax_model.msgpack" in files
    return server.add(repo_id, {**files, "pytorch_model.bin": PICKLE})


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
