"""Tell the user, before Qt starts, why it could not open a window and how to fix it.

Qt's xcb platform plugin needs X11 libraries that minimal Debian/Ubuntu systems
lack (libxcb-cursor0, libxcb-icccm4, ...). Without them Qt aborts with a long
message that does not name the package to install. ``python -m gpt2desk.syscheck``
(run by ``make run``) asks ``ldd`` which libraries the plugin cannot find and
prints the one command that installs them.

It must stay fast and must never import Qt: it runs in the environment where
Qt itself would fail, so it only locates PySide6's files.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

# soname -> Debian/Ubuntu package that ships it (same names on Debian 12 and
# Ubuntu 22.04/24.04; where 24.04 renamed a package to *t64 apt picks it).
DEBIAN_PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libzstd.so.1": "libzstd1",
}

# The platform plugin and the Qt library it wraps, relative to PySide6's folder.
_XCB_FILES = ("Qt/plugins/platforms/libqxcb.so", "Qt/lib/libQt6XcbQpa.so.6")

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)


def parse_ldd_missing(text: str) -> list[str]:
    """Return the sonames that ``ldd`` output reports as "not found", in order, once each."""
    return list(dict.fromkeys(_NOT_FOUND.findall(text)))


def packages_for(sonames: Iterable[str]) -> list[str]:
    """Map sonames to Debian package names, once each; an unknown soname stays as it is."""
    return list(dict.fromkeys(DEBIAN_PACKAGES.get(name, name) for name in sonames))


def xcb_plugin_files() -> list[Path]:
    """Return the xcb plugin files of the installed PySide6 (without importing it)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    files: list[Path] = []
    for location in spec.submodule_search_locations:
        files.extend(Path(location, rel) for rel in _XCB_FILES if Path(location, rel).is_file())
    return files


def missing_libraries(files: Iterable[Path]) -> list[str] | None:
    """Return the sonames that ``files`` need but the loader cannot find.

    Returns None when ``ldd`` is not available, so the caller cannot tell.
    """
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    output = []
    for path in files:
        try:
            result = subprocess.run(
                [ldd, str(path)], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None
        output.append(result.stdout)
    return parse_ldd_missing("\n".join(output))


def _is_debian_like(os_release: Path = Path("/etc/os-release")) -> bool:
    try:
        text = os_release.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True  # unknown: apt is the likeliest guess for a Qt desktop user
    ids = re.findall(r"^(?:ID|ID_LIKE)=\"?([^\"\n]*)", text, re.MULTILINE)
    return any(word in ("debian", "ubuntu") for line in ids for word in line.split())


def _missing_message(sonames: list[str]) -> str:
    lines = ["Qt cannot open a window: these system libraries are missing: " + ", ".join(sonames)]
    known = packages_for(name for name in sonames if name in DEBIAN_PACKAGES)
    unknown = [name for name in sonames if name not in DEBIAN_PACKAGES]
    if not _is_debian_like():
        lines.append("Install the packages that provide them with your system's package manager.")
        return "\n".join(lines)
    if known:
        sudo = "" if os.geteuid() == 0 else "sudo "
        lines += ["Install them with:", f"  {sudo}apt-get install -y {' '.join(known)}"]
    if unknown:
        lines.append(
            "No package is known for: " + ", ".join(unknown) + " (find one with `apt-file search`)."
        )
    return "\n".join(lines)


def _requested_platform() -> str | None:
    """Return the platform plugin Qt will try first, or None if it is not xcb's business."""
    requested = os.environ.get("QT_QPA_PLATFORM", "").strip()
    if requested:
        # "xcb", "xcb:option=value" or a fallback list such as "wayland;xcb".
        return requested.split(";")[0].split(":")[0].strip()
    if os.environ.get("WAYLAND_DISPLAY"):
        return "wayland"  # Qt prefers its Wayland plugin when a compositor is there
    return "xcb"


def check() -> str | None:
    """Return what stops Qt from opening a window here, or None if nothing is known to."""
    if not sys.platform.startswith("linux") or _requested_platform() != "xcb":
        return None
    problems = []
    if not os.environ.get("DISPLAY") and os.environ.get("WAYLAND_DISPLAY"):
        problems.append(
            "Qt cannot open a window: QT_QPA_PLATFORM asks for X11 (xcb) but DISPLAY is not set.\n"
            "Unset QT_QPA_PLATFORM to use Wayland."
        )
    elif not os.environ.get("DISPLAY"):
        problems.append(
            "Qt cannot open a window: no display (DISPLAY and WAYLAND_DISPLAY are not set).\n"
            "Run gpt2desk inside a desktop session, or under a virtual X server "
            "(Debian package xvfb): `xvfb-run make run`."
        )
    missing = missing_libraries(xcb_plugin_files())
    if missing:
        problems.append(_missing_message(missing))
    return "\n\n".join(problems) or None


def main() -> int:
    """Print what stops Qt from opening a window; exit status 1 if anything does."""
    problem = check()
    if problem is None:
        return 0
    print(problem, file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
