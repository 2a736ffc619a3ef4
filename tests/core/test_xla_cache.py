"""The app's persistent XLA cache (core/engine/xla_cache.py): named before TensorFlow
loads, never over the user's own flags, kept small, and really written by TensorFlow."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gpt2desk.core.engine.xla_cache import ENV, FLAG, prune, use_xla_cache

ROOT = Path(__file__).resolve().parents[2]


def test_the_flag_names_the_folder_before_tensorflow_loads(tmp_path: Path) -> None:
    env: dict[str, str] = {"TF_XLA_FLAGS": "--tf_xla_auto_jit=2"}
    folder = tmp_path / "cache" / "xla"
    assert use_xla_cache(folder, env, modules={}) == folder
    assert folder.is_dir()
    assert env["TF_XLA_FLAGS"] == f"--tf_xla_auto_jit=2 {FLAG}={folder}"


def test_nothing_changes_when_it_cannot_or_must_not_apply(tmp_path: Path) -> None:
    folder = tmp_path / "xla"
    cases: list[tuple[dict[str, str], dict[str, object]]] = [
        ({}, {"tensorflow": object()}),  # too late: TensorFlow read its flags
        ({"TF_XLA_FLAGS": f"{FLAG}=/elsewhere"}, {}),  # the user's (or the tests') cache
        ({ENV: ""}, {}),  # turned off
        ({ENV: str(tmp_path / "with space")}, {}),  # TF_XLA_FLAGS is split at spaces
    ]
    for env, modules in cases:
        before = dict(env)
        assert use_xla_cache(folder, env, modules=modules) is None
        assert env == before
    assert not folder.exists()
    env = {ENV: str(tmp_path / "mine")}
    assert use_xla_cache(folder, env, modules={}) == tmp_path / "mine"
    assert not folder.exists()


def test_the_oldest_entries_go_when_it_grows_too_big(tmp_path: Path) -> None:
    for i in range(10):
        path = tmp_path / f"entry{i}.pb"
        path.write_bytes(b"x" * 100)
        os.utime(path, (1000 + i, 1000 + i))
    assert prune(tmp_path, limit=2000) == []  # 1000 bytes: under the limit
    removed = prune(tmp_path, limit=800)
    assert [p.name for p in removed] == [f"entry{i}.pb" for i in range(6)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"entry{i}.pb" for i in range(6, 10)]


def test_tensorflow_writes_the_compiled_loop_there(tmp_path: Path, tiny_model_dir: Path) -> None:
    folder = tmp_path / "xla"
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from gpt2desk.core.engine.xla_cache import use_xla_cache\n"
        "assert use_xla_cache(Path(sys.argv[1])) is not None\n"
        "from gpt2desk.core.engine.loading import load_model\n"
        "from gpt2desk.core.model_source import parse_model_ref\n"
        "load_model(parse_model_ref(sys.argv[2]), offline=True)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("TF_XLA_FLAGS", ENV)}
    subprocess.run(
        [sys.executable, "-c", code, str(folder), str(tiny_model_dir)],
        env={**env, "PYTHONPATH": str(ROOT)},
        check=True,
        timeout=180,
        capture_output=True,
    )
    assert list(folder.glob("xla_compile_cache__*.pb")), sorted(os.listdir(folder))
