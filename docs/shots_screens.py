"""Screenshots of the console under a real X server (Xvfb, the xcb platform), no window
manager: the main window at 1280x800, 1920x1080 and 3840x2160 on a first run, in French and
Arabic at 1920x1080, and wall mode on two screens side by side.

    python docs/shots_screens.py [--only main_window_1280x800,wall_two_screens] [--wait S]

Needs Xvfb and ImageMagick (``import``, ``convert``). Each shot starts its own X server and a fresh home
folder (so each window opens as on a first run), waits for the site's data, and saves the
whole screen into docs/screenshots/.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"

SHOTS = {
    "main_window_1280x800": (["-screen", "0", "1280x800x24"], []),
    "main_window_1920x1080": (["-screen", "0", "1920x1080x24"], []),
    "main_window_3840x2160": (["-screen", "0", "3840x2160x24"], []),
    "main_window_fr": (["-screen", "0", "1920x1080x24"], ["--lang", "fr"]),
    "main_window_ar": (["-screen", "0", "1920x1080x24"], ["--lang", "ar"]),
    "wall_two_screens": (
        # Two X screens (Qt sees each as a screen; Xvfb's RandR shows one with +xinerama),
        # shot one by one and put side by side.
        ["-screen", "0", "1920x1080x24", "-screen", "1", "1920x1080x24"],
        ["wall", "--views", "rackmap,power,alarms", "--screens", "0,1"],
    ),
}


def start_x(args: list[str]) -> tuple[subprocess.Popen[bytes], str]:
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp", *args],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.terminate()
        raise SystemExit("Xvfb did not start")
    return proc, f":{number}"


def shoot(name: str, wait_s: float, source: str) -> Path:
    x_args, command = SHOTS[name]
    x, display = start_x(x_args)
    home = Path(tempfile.mkdtemp(prefix="console-shot-"))
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", HOME=str(home),
               XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"))
    for variable in ("WAYLAND_DISPLAY", "QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS"):
        env.pop(variable, None)
    app = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--source", source, "--cache", "off", *command],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.5)
        if app.poll() is not None:
            raise SystemExit(f"{name}: the console ended: {app.stderr.read().decode()[-2000:]}")
        target = OUT / f"{name}.png"
        screens = [f"{display}.{i}" for i in range(x_args.count("-screen"))]
        parts = [home / f"screen{i}.png" for i in range(len(screens))]
        for screen, part in zip(screens, parts, strict=True):
            subprocess.run(["import", "-display", screen, "-window", "root", str(part)],
                           check=True, timeout=60)
        if len(parts) == 1:
            shutil.copyfile(parts[0], target)
        else:
            subprocess.run(["convert", *map(str, parts), "+append", str(target)], check=True,
                           timeout=60)
        return target
    finally:
        app.terminate()
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            app.kill()
        x.terminate()
        x.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated shot names: " + ", ".join(SHOTS))
    parser.add_argument("--wait", type=float, default=40.0,
                        help="seconds to wait for the site's data before each shot")
    parser.add_argument("--source", default="sim://tetouan")
    args = parser.parse_args()
    if shutil.which("Xvfb") is None or shutil.which("import") is None:
        raise SystemExit("needs Xvfb and ImageMagick's import")
    names = args.only.split(",") if args.only else list(SHOTS)
    for name in names:
        print(shoot(name, args.wait, args.source))
    return 0


if __name__ == "__main__":
    sys.exit(main())
