"""Shared test setup: headless Qt, a private Hugging Face cache, tiny models, thread checks.

Fixtures:
    tiny_model_dir: Folder with a tiny GPT-2 (tokenizer + TF weights), built once.
    tiny_tokenizer_dir: Folder with only the tiny tokenizer (no TensorFlow import).
    tiny_tokenizer: The tiny ``GPT2TokenizerFast``, loaded once.
    tiny_loaded: The tiny model loaded and compiled as the app does it
        (``load_model``, offline), once per session: tests that do not test
        loading share it. Never run it from two threads at once (its runner's
        cache is written in place); tests/ui/conftest.py hands it to one
        worker at a time.
    cli_main: ``cli_main(*args)`` runs ``gpt2desk ARGS`` in this process
        (``cli.main``) and returns its exit code, stdout and stderr; the tiny
        folder gets ``tiny_loaded`` unless ``share=False``, the folders of
        ``loaded={folder: model}`` the models given.
    thread_guard: ``thread_guard.register(thread)`` to check a QThread that was
        not started from Python; threads started with ``QThread.start()`` are
        checked anyway.
    _dangling_qthreads (autouse): fails a test that leaves a QThread running.
"""

from __future__ import annotations

# The environment must be set before Qt, TensorFlow or huggingface_hub load:
# they read it once, at import.
import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
# The test hub (tests/hubserver.py) speaks plain HTTP, not Xet.
os.environ["HF_HUB_DISABLE_XET"] = "1"
# Never read or write the user's real cache. Variables that would override
# HF_HOME are dropped, and so are the offline switches: tests that need
# offline mode set it themselves.
_HF_HOME = tempfile.mkdtemp(prefix="gpt2desk-test-hf-")
atexit.register(shutil.rmtree, _HF_HOME, ignore_errors=True)
os.environ["HF_HOME"] = _HF_HOME
for _var in (
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",
    "TRANSFORMERS_CACHE",
    "HF_TOKEN",
    "HF_TOKEN_PATH",
    "HF_HUB_OFFLINE",
    "TRANSFORMERS_OFFLINE",
    "HF_ENDPOINT",
):
    os.environ.pop(_var, None)

# A warm XLA cache of the tiny model's first compile (tests/xla_warmup.py): a
# process whose first XLA compile is the tiny model (the app and CLI children,
# each xdist worker's ``tiny_loaded``) reads it instead of compiling again (~7 s
# of CPU down to ~2 s). TensorFlow writes cache entries in place, so no test
# process ever writes it: it is read-only for all, filled by warm-up processes
# in folders of their own, and appears under its final name (one rename) only
# when complete. An entry's name holds the compiled module's fingerprint: a
# process that compiles anything else misses and compiles as before.
_XLA_CACHE_ENV = "GPT2DESK_TEST_XLA_CACHE"
_XLA_WARMUP = _XLA_CACHE_ENV not in os.environ  # the top pytest process, not a worker
if _XLA_WARMUP:
    os.environ[_XLA_CACHE_ENV] = tempfile.mkdtemp(prefix="gpt2desk-test-xla-")
    atexit.register(shutil.rmtree, os.environ[_XLA_CACHE_ENV], ignore_errors=True)
    os.environ["TF_XLA_FLAGS"] = " ".join(
        [
            os.environ.get("TF_XLA_FLAGS", ""),
            "--tf_xla_persistent_cache_directory="
            + os.path.join(os.environ[_XLA_CACHE_ENV], "cache"),
            "--tf_xla_persistent_cache_read_only=true",
        ]
    ).strip()
    # LLVM's -O0 for XLA's CPU code: the tiny models' loops compile ~30% sooner
    # (the decode loop 2.5 -> 1.7 s) and run as correctly (the parity tests
    # compare with transformers); their speed does not matter here. The app
    # and `make bench` keep XLA's default.
    os.environ["XLA_FLAGS"] = " ".join(
        [os.environ.get("XLA_FLAGS", ""), "--xla_backend_optimization_level=0"]
    ).strip()

import traceback  # noqa: E402
import weakref  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from tests.hubfixtures import hf_cache, hub_server, tiny_repo  # noqa: E402, F401
from tests.tinymodel import build_tiny_model, build_tiny_tokenizer  # noqa: E402


def _start_xla_warmup() -> None:
    """Fills the read-only XLA cache in child processes (tests/xla_warmup.py)."""
    folder = Path(os.environ[_XLA_CACHE_ENV])
    (folder / "started").touch()
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.xla_warmup", str(folder)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stopped with its loaders
    )

    def stop() -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    atexit.register(stop)


def pytest_configure(config: pytest.Config) -> None:
    # The top process of an xdist run starts the warm-up while the workers start
    # and collect. A plain run (one file, say) has none: waiting for it costs
    # more than the one compile of its own that it would save.
    if _XLA_WARMUP and getattr(config.option, "numprocesses", None):
        _start_xla_warmup()


#: Files whose tests take longest (child processes that load models): they run
#: first, so that under xdist the two workers do not end with one of them
#: still running a long test while the other is idle.
SLOW_FILES = (
    "tests/adversarial/test_model_switch.py",
    "tests/ui/test_kill.py",
    "tests/test_cli.py",
    "tests/test_screenshot.py",
    "tests/adversarial/test_cli.py",
    "tests/core/test_hub.py",
    "tests/ui/test_load_cancel.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The same order in every worker (xdist checks that they collected the same).
    rank = {path: i for i, path in enumerate(SLOW_FILES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


def _wait_for_xla_cache(timeout_s: float = 120) -> None:
    """Waits until the warm-up has ended (its cache is there, maybe empty)."""
    folder = Path(os.environ[_XLA_CACHE_ENV])
    if not (folder / "started").exists():
        return  # no warm-up in this run
    deadline = time.monotonic() + timeout_s
    while not (folder / "cache").exists() and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny GPT-2 checkpoint folder (config.json, tf_model.h5, tokenizer files).

    Ready once the run's warm XLA cache is (see tests/xla_warmup.py), so that
    the child processes given this folder find it."""
    folder = build_tiny_model(tmp_path_factory.mktemp("tiny-gpt2"))
    _wait_for_xla_cache()
    return folder


@pytest.fixture(scope="session")
def tiny_loaded(tiny_model_dir: Path) -> Any:
    """The tiny model as ``load_model`` returns it (``keep_model``: the core tests compare
    with transformers' own ``generate``), compiled once for the whole session."""
    from gpt2desk.core.engine.loading import load_model
    from gpt2desk.core.model_source import parse_model_ref

    _wait_for_xla_cache()
    return load_model(parse_model_ref(str(tiny_model_dir)), offline=True, keep_model=True)


@dataclass
class CliRun:
    """What ``gpt2desk ...`` ended with: exit code, stdout, stderr."""

    code: int | None
    out: str
    err: str


@pytest.fixture
def cli_main(
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tiny_model_dir: Path,
) -> Callable[..., CliRun]:
    """``cli_main(*args, share=True, loaded=None)``: ``gpt2desk ARGS`` run in this process.

    The same code as ``python -m gpt2desk`` (``cli.main``; argparse's exit is
    caught), offline as the subprocess tests run it, without starting Python
    and TensorFlow again. With ``share``, a ``--model`` on the tiny folder gets
    the session's compiled tiny model instead of compiling it again; so does
    a folder of ``loaded`` (a dict folder: ``load_model``'s result for it). The
    CLI still asks ``load_model`` for the model; what it does with it is real.
    """
    from gpt2desk.cli import main

    def run(
        *args: str, share: bool = True, loaded: dict[Path, Any] | None = None, stdout: Any = None
    ) -> CliRun:
        """``stdout``: a file to write to instead of the captured output (then ``out`` is "")."""
        models = dict(loaded or {})
        if share and str(tiny_model_dir) in args:
            models[tiny_model_dir] = request.getfixturevalue("tiny_loaded")
        capsys.readouterr()  # only this run's output
        with monkeypatch.context() as patch:
            patch.setenv("HF_HUB_OFFLINE", "1")
            if models:
                _share_loads(patch, models)
            if stdout is not None:
                patch.setattr(sys, "stdout", stdout)
            try:
                code: int | None = main(list(args))
            except SystemExit as exc:  # argparse's own exit (bad arguments)
                assert exc.code is None or isinstance(exc.code, int), exc.code
                code = exc.code or 0
        out, err = capsys.readouterr()
        return CliRun(code, out, err)

    return run


def _share_loads(patch: pytest.MonkeyPatch, models: dict[Path, Any]) -> None:
    """``load_model`` of a folder of ``models`` returns its model; any other model loads."""
    from gpt2desk.core.engine import loading
    from gpt2desk.core.model_source import parse_model_ref

    by_ref = {parse_model_ref(str(folder)): model for folder, model in models.items()}
    real_load = loading.load_model

    def load_model(ref: Any, **kwargs: Any) -> Any:
        return by_ref[ref] if ref in by_ref else real_load(ref, **kwargs)

    patch.setattr(loading, "load_model", load_model)


@pytest.fixture(scope="session")
def tiny_tokenizer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with only the tiny tokenizer; the same as the one in ``tiny_model_dir``."""
    target = tmp_path_factory.mktemp("tiny-tokenizer")
    build_tiny_tokenizer().save_pretrained(target)
    return target


@pytest.fixture(scope="session")
def tiny_tokenizer(tiny_tokenizer_dir: Path) -> Any:
    """The tiny byte-level BPE tokenizer as a loaded ``GPT2TokenizerFast``."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_tokenizer_dir)


class ThreadGuard:
    """Remembers QThreads; the test fails if one is still running at its end."""

    def __init__(self) -> None:
        self._threads: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()

    def register(self, thread: Any, where: str = "") -> Any:
        """Watch ``thread``; returns it so the call can wrap a constructor."""
        self._threads[thread] = where or "".join(traceback.format_stack(limit=4)[:-1])
        return thread

    def running(self) -> list[tuple[Any, str]]:
        """Threads still running, with where each was registered or started."""
        result = []
        for thread, where in list(self._threads.items()):
            try:
                if thread.isRunning():
                    result.append((thread, where))
            except RuntimeError:  # the C++ object is gone, so the thread is too
                pass
        return result


@pytest.fixture
def thread_guard() -> ThreadGuard:
    """The guard that ``_dangling_qthreads`` checks after this test."""
    return ThreadGuard()


@pytest.fixture(autouse=True)
def _dangling_qthreads(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Fail a test that leaves a QThread running (as napari does).

    Every ``QThread.start()`` called from Python is recorded. A leftover
    thread is asked to quit so that later tests are not disturbed, and the
    test fails with where it was started.
    """
    try:
        from PySide6.QtCore import QThread
    except ImportError:
        yield
        return
    guard: ThreadGuard = request.getfixturevalue("thread_guard")
    original_start = QThread.start

    def start(self: QThread, *args: Any) -> None:
        guard.register(self, "".join(traceback.format_stack(limit=3)[:-1]))
        original_start(self, *args)

    monkeypatch.setattr(QThread, "start", start)
    yield
    dangling = guard.running()
    for thread, _ in dangling:
        try:
            thread.quit()
            thread.wait(5000)
        except RuntimeError:
            pass
    if dangling:
        places = "\n".join(where for _, where in dangling)
        pytest.fail(
            f"{len(dangling)} QThread(s) still running after the test; started at:\n{places}"
        )
