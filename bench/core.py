"""Foundation figures: one full-site simulation step, and start-up to first live frame."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sim_tick_ms(ticks: int = 30) -> float:
    """Median milliseconds of one full-site step (2 s of simulated time)."""
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub("tetouan", seed=7)
    times = []
    now = hub.now
    for _ in range(ticks):
        now += 2.0
        t0 = time.perf_counter()
        hub.step(now)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def installed_env(home: Path) -> dict[str, str]:
    """The environment of a console run as an operator's installed one: its own home and
    user folders under ``home`` (no config file, no source from the caller's environment),
    Qt offscreen unless said otherwise, and bytecode written (into ``home``: pip compiles
    an installed package's modules, whatever ``PYTHONDONTWRITEBYTECODE`` says here). A
    first, untimed run then compiles them."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               HOME=str(home), XDG_CONFIG_HOME=str(home / "c"), XDG_DATA_HOME=str(home / "d"),
               PYTHONPYCACHEPREFIX=str(home / "pycache"))
    for name in ("PYTHONDONTWRITEBYTECODE", "HUB_SOURCE", "HUB_CONSOLE_CONFIG"):
        env.pop(name, None)
    return env


def startup_frames_s(runs: int = 3) -> dict[str, float]:
    """Median seconds from process start to the window's first painted frame, and to its
    first painted frame of live data.

    The console runs as installed, started again by an operator: its modules' bytecode
    compiled (pip compiles a package's modules when it installs them; here into a folder
    of the bench's own, by an untimed first start, whatever ``PYTHONDONTWRITEBYTECODE``
    says), the operating system's file cache warm, and its history cache holding the site
    as the last start recorded it (the default cache file of the bench's own home). The
    first frame shows that recorded floor (stale, with its age) until the live one comes;
    without a recording both figures are the same."""
    first, live, sources = [], [], []
    env = installed_env(ROOT / ".bench-home")
    command = [sys.executable, str(ROOT / "main.py"), "--source", "sim://tetouan",
               "--exit-after-first-frame"]
    for run in range(runs + 1):
        t0 = time.time()
        out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120,
                             check=True)
        if run == 0:
            continue  # the install's compile, the file cache's warm-up, the first recording
        line = next(ln for ln in out.stdout.splitlines() if ln.startswith("{"))
        stamp = json.loads(line)
        first.append(stamp["first_frame_epoch"] - t0)
        live.append(stamp["live_frame_epoch"] - t0)
        sources.append(stamp.get("first_frame_from") == "cache")
    return {
        "startup_first_frame_s": round(statistics.median(first), 3),
        "startup_live_frame_s": round(statistics.median(live), 3),
        "startup_first_frames_from_cache": float(sum(sources)),
    }


def run(quick: bool = False) -> dict[str, float]:
    return {
        "sim_tick_ms": round(sim_tick_ms(8 if quick else 30), 2),
        **startup_frames_s(1 if quick else 3),
    }
