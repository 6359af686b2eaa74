"""SIGKILL the simulated hub, again and again, while a console polls its events into a cache.

Each lifetime starts ``main.py hub --scale rack --no-faults`` on one 127.0.0.1 port, raises a
seeded random number of events in it (``POST /api/v1/sim/faults``, a wind drop: one event
each) between polls of a real ``Poller`` with a ``HubApiSource`` and a ``Cache``, reads the
lifetime's whole event list from the hub (the truth), lets the poller poll once more, and kills
the process; the next lifetime binds the same port at once. Event ids start at 1 in every
lifetime, so a console that keys events by id alone, or whose cursor never goes back, loses the
later lifetimes' events. Afterwards every event of every lifetime must be in the cache once.

Figures: ``hub_restarts``, ``events_expected`` (the hub's events over all lifetimes),
``events_stored`` (those found in the cache), ``events_missing``, ``events_duplicated`` (extra
copies) and ``events_unexpected`` (stored events no lifetime produced), ``hub_restart_s``.
"""

from __future__ import annotations

import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 30.0
"""Longest a lifetime's hub process may take to answer /healthz."""
POLLS_PER_LIFETIME = 3
MAX_EVENTS_PER_POLL = 4


def free_port() -> int:
    """A TCP port on 127.0.0.1 free now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_hub(port: int, log: Any) -> subprocess.Popen[bytes]:
    """``main.py hub`` at rack scale, no random faults (events only when asked for)."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "hub", "--port", str(port), "--scale", "rack",
         "--no-faults", "--tick", "0.5"],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
    )


def wait_ready(url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"hub exited ({proc.returncode}): {log_path.read_text()[-500:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"hub did not answer within {START_TIMEOUT_S:g} s")
        time.sleep(0.05)


def raise_events(url: str, n: int) -> None:
    for _ in range(n):
        answer = requests.post(f"{url}/api/v1/sim/faults", timeout=5.0,
                               json={"kind": "wind_drop", "params": {"duration_s": 7200}})
        answer.raise_for_status()


def event_key(event: dict[str, Any]) -> tuple[int, float, str]:
    """What tells one event from another across lifetimes: id, hub time, message."""
    return int(event["id"]), round(float(event["time"]), 3), str(event["message"])


def measure_events_after_restarts(
    n: int = 10, seed: int = 10, folder: Path | None = None
) -> dict[str, Any]:
    """Kill and restart the simulated hub ``n`` times under a polling console; see the module.
    ``folder``: where the cache (``events.db``) and the hubs' log are kept (default: a
    temporary folder, removed after)."""
    from console.cache import Cache
    from console.poller import Poller
    from console.sources.hub import HubApiSource

    t0 = time.monotonic()
    rng = random.Random(seed)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    truth: Counter[tuple[int, float, str]] = Counter()
    instances: set[str] = set()
    failed_polls = 0
    with tempfile.TemporaryDirectory() as scratch:
        where = Path(scratch) if folder is None else Path(folder)
        log_path = where / "hub.log"
        with Cache.open(where / "events.db") as cache, open(log_path, "ab") as log:
            source = HubApiSource(url, timeout=(1.0, 5.0), retries=0)
            poller = Poller(source, cache)
            try:
                for life in range(n + 1):
                    proc = start_hub(port, log)
                    try:
                        wait_ready(url, proc, log_path)
                        for _ in range(POLLS_PER_LIFETIME):
                            raise_events(url, rng.randint(0, MAX_EVENTS_PER_POLL))
                            failed_polls += not poller.poll("events").ok
                        answer = requests.get(f"{url}/api/v1/events", params={"since": "0"},
                                              timeout=5.0).json()
                        instances.add(answer.get("instance") or f"lifetime {life}")
                        truth.update(event_key(e) for e in answer["events"])
                        failed_polls += not poller.poll("events").ok
                    finally:
                        proc.kill()  # SIGKILL: no clean shutdown, sockets left to the kernel
                        proc.wait(timeout=10)
                    if life < n:  # polls while the hub is down fail and change nothing
                        poller.poll("events")
            finally:
                source.close()
            now = time.time()
            stored = Counter(event_key(e) for e in cache.events(now - 86_400, now + 3_600))
    found = truth & stored
    return {
        "hub_restarts": n,
        "hub_lifetimes": len(instances),
        "events_expected": sum(truth.values()),
        "events_stored": sum(found.values()),
        "events_missing": sum((truth - stored).values()),
        "events_duplicated": sum(c - 1 for c in stored.values() if c > 1),
        "events_unexpected": sum(c for k, c in stored.items() if k not in truth),
        "events_polls_failed": failed_polls,
        "hub_restart_s": round(time.monotonic() - t0, 1),
    }


def run(quick: bool = False) -> dict[str, Any]:
    return measure_events_after_restarts(3 if quick else 10)


if __name__ == "__main__":
    print(json.dumps(measure_events_after_restarts(), indent=2))
