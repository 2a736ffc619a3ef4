"""The wheel carries the code and resources/, and resource_path() finds them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gpt2desk.assets import resource_path

REPO = Path(__file__).resolve().parent.parent
ICON = "icons/gpt2desk.svg"

# Build artefacts and caches that must not be copied into the build folder.
_NOT_SOURCES = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*_cache",
    ".hypothesis",
    ".llamacpp",  # make bench-llamacpp's build and models (gigabytes)
    ".models",  # make bench's big random-weight model folders (~11 GB)
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from a copy of the checkout (building in place litters it)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    shutil.copytree(REPO, source, ignore=_NOT_SOURCES)
    out = tmp / "dist"
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    result = subprocess.run(
        [*pip_wheel, "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("gpt2desk-*.whl")
    return built


def test_wheel_ships_resources_inside_the_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert f"gpt2desk/resources/{ICON}" in names
    assert "gpt2desk/resources/gpt2desk.desktop" in names
    assert "gpt2desk/resources/translations/gpt2desk_zh_TW.qm" in names
    assert "gpt2desk/resources/__init__.py" in names
    assert not any(name.startswith("resources/") for name in names)


def test_wheel_ships_every_module_of_the_checkout(wheel: Path) -> None:
    # pyproject.toml lists the packages by hand: a new subpackage must be added there.
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "gpt2desk").rglob("*.py")}
    assert modules - names == set()


def test_installed_wheel_finds_its_own_resources(wheel: Path, tmp_path: Path) -> None:
    # A pure-Python wheel unpacked onto sys.path is what `pip install` lays out.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = f"from gpt2desk.assets import resource_path; print(resource_path({ICON!r}))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": ""},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    found = Path(result.stdout.strip())
    assert found == site / "gpt2desk" / "resources" / ICON
    assert found.is_file()


def test_resource_path_finds_the_icon_from_the_checkout() -> None:
    path = resource_path(ICON)
    assert path.is_file()
    assert path.read_bytes() == (REPO / "resources" / ICON).read_bytes()
