"""gpt2desk.syscheck: the check `make run` does before Qt tries to open a window."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gpt2desk import syscheck

# ldd output for libqxcb.so on a Debian 12 machine without libxcb-cursor0/-icccm4.
LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffc2a5f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x7f3)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxkbcommon-x11.so.0 => /lib/x86_64-linux-gnu/libxkbcommon-x11.so.0 (0x00007f32b2715000)
\tlibxcb-icccm.so.4 => not found
\tlibfoo-unknown.so.3 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f32b0200000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f1620274000)
"""

XCB_PLUGIN_MISSING = [
    "libxcb-cursor.so.0",
    "libxcb-icccm.so.4",
    "libfoo-unknown.so.3",
]


def test_parse_ldd_missing_lists_each_missing_soname_once_in_order() -> None:
    assert syscheck.parse_ldd_missing(LDD_OUTPUT) == XCB_PLUGIN_MISSING


@pytest.mark.parametrize(
    "text", ["", "\tnot a dynamic executable\n", "\tstatically linked\n", LDD_OUTPUT.split("\n")[0]]
)
def test_parse_ldd_missing_finds_nothing_when_nothing_is_missing(text: str) -> None:
    assert syscheck.parse_ldd_missing(text) == []


def test_packages_for_maps_sonames_to_debian_packages() -> None:
    sonames = [
        "libxcb-cursor.so.0",
        "libxkbcommon-x11.so.0",
        "libEGL.so.1",
        "libdbus-1.so.3",
        "libglib-2.0.so.0",
        "libgthread-2.0.so.0",  # same package as glib: listed once
        "libfoo-unknown.so.3",
    ]
    assert syscheck.packages_for(sonames) == [
        "libxcb-cursor0",
        "libxkbcommon-x11-0",
        "libegl1",
        "libdbus-1-3",
        "libglib2.0-0",
        "libfoo-unknown.so.3",
    ]


def _ldd_not_found(path: Path) -> list[str]:
    out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False).stdout
    names = [line.split()[0] for line in out.splitlines() if "not found" in line]
    return list(dict.fromkeys(names))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd and xcb are Linux only")
@pytest.mark.skipif(shutil.which("ldd") is None, reason="no ldd on this machine")
def test_missing_libraries_agrees_with_ldd_on_the_installed_plugin() -> None:
    files = syscheck.xcb_plugin_files()
    assert [f.name for f in files] == ["libqxcb.so", "libQt6XcbQpa.so.6"]
    expected = list(dict.fromkeys(name for f in files for name in _ldd_not_found(f)))
    assert syscheck.missing_libraries(files) == expected


@pytest.fixture
def x11_session(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An X11 desktop session on Linux as far as the environment tells."""
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    return monkeypatch


@pytest.fixture
def fake_ldd(x11_session: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Put an `ldd` first on PATH that reports LDD_OUTPUT for any file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "ldd-output.txt").write_text(LDD_OUTPUT)
    script = bin_dir / "ldd"
    script.write_text(f"#!/bin/sh\ncat '{tmp_path / 'ldd-output.txt'}'\n")
    script.chmod(0o755)
    x11_session.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


@pytest.mark.usefixtures("fake_ldd")
def test_check_names_the_apt_packages_to_install(capsys: pytest.CaptureFixture[str]) -> None:
    message = syscheck.check()
    assert message is not None
    assert message.startswith(
        "Qt cannot open a window: these system libraries are missing: "
        "libxcb-cursor.so.0, libxcb-icccm.so.4, libfoo-unknown.so.3\n"
    )
    if syscheck._is_debian_like():
        assert "apt-get install -y libxcb-cursor0 libxcb-icccm4\n" in message
        assert "No package is known for: libfoo-unknown.so.3" in message

    assert syscheck.main() == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == message + "\n"


@pytest.mark.usefixtures("x11_session")
def test_check_passes_when_ldd_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no ldd
    assert syscheck.check() is None
    assert syscheck.main() == 0
    assert capsys.readouterr().err == ""


@pytest.mark.usefixtures("fake_ldd")
@pytest.mark.parametrize(
    "platform", ["offscreen", "wayland", "minimal", "wayland;xcb", "vnc:size=800x600"]
)
def test_check_skips_other_qt_platforms(monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", platform)
    assert syscheck.check() is None


@pytest.mark.usefixtures("fake_ldd")
@pytest.mark.parametrize("platform", ["xcb", "xcb:dpi=96", "xcb;wayland"])
def test_check_runs_for_xcb(monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", platform)
    assert "libxcb-cursor.so.0" in (syscheck.check() or "")


@pytest.mark.usefixtures("fake_ldd")
def test_check_skips_a_wayland_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert syscheck.check() is None


@pytest.mark.usefixtures("fake_ldd")
def test_check_skips_other_systems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert syscheck.check() is None


@pytest.mark.usefixtures("x11_session")
def test_check_without_any_display_says_how_to_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DISPLAY")
    monkeypatch.setenv("PATH", str(tmp_path))  # no ldd: only the display problem remains
    message = syscheck.check()
    assert message is not None
    assert "no display (DISPLAY and WAYLAND_DISPLAY are not set)" in message
    assert "xvfb-run make run" in message


@pytest.mark.usefixtures("x11_session")
def test_check_xcb_forced_without_x_display(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DISPLAY")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("PATH", str(tmp_path))
    message = syscheck.check()
    assert message is not None
    assert "DISPLAY is not set" in message


@pytest.mark.parametrize(
    ("os_release", "debian_like"),
    [
        ('ID=debian\nVERSION_ID="12"\n', True),
        ("ID=ubuntu\nID_LIKE=debian\n", True),
        ('ID=linuxmint\nID_LIKE="ubuntu debian"\n', True),
        ("ID=fedora\nVERSION_ID=40\n", False),
        ('ID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\n', False),
    ],
)
def test_is_debian_like(tmp_path: Path, os_release: str, debian_like: bool) -> None:
    path = tmp_path / "os-release"
    path.write_text(os_release)
    assert syscheck._is_debian_like(path) is debian_like


def test_syscheck_runs_without_importing_qt() -> None:
    code = (
        "import sys, gpt2desk.syscheck as s; s.check(); "
        "qt = sorted(m for m in sys.modules if m.startswith('PySide6')); "
        "sys.exit(f'imported {qt}' if qt else 0)"
    )
    env = {**os.environ, "DISPLAY": ":0"}
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
