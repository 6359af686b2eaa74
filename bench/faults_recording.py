"""Recording resumes by itself after a cache fault: seconds from the fault clearing to the
first rack poll recorded again.

``measure_resume_after_fault(tmp_dir)`` runs a live :class:`console.poller.Poller` on the
small simulated site (``sim://rack``, over loopback HTTP) with the console's default poll
intervals and cache settings, writing a cache in ``tmp_dir``. Once it records, a second
SQLite connection holds ``BEGIN EXCLUSIVE`` on the file for 4 s, then releases it. The
figure is the time from the release until a rack poll newer than the last one recorded
before the lock is in the file; the target is two rack-poll intervals (4 s).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from console.cache import Cache
from console.poller import DEFAULT_INTERVALS, Poller
from console.sources.sim import SimSource

LOCK_HELD_S = 4.0
"""How long the second connection holds the lock."""


def measure_resume_after_fault(tmp_dir: str | Path) -> float:
    """Seconds from the release of a 4 s lock to the first rack poll recorded again."""
    path = Path(tmp_dir) / "faults_recording.db"
    interval = DEFAULT_INTERVALS["racks"]
    source = SimSource("sim://rack", tick_s=min(interval / 2, 1.0), retries=0)
    source.start()
    cache = Cache.open(path)
    reader: sqlite3.Connection | None = None
    other: sqlite3.Connection | None = None
    release: threading.Timer | None = None
    try:
        poller = Poller(source, cache)
        reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)

        def newest() -> float:
            value = reader.execute("SELECT max(time) FROM rack_raw").fetchone()[0]
            return 0.0 if value is None else float(value)

        released: list[float] = []
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

        def unlock() -> None:
            assert other is not None
            other.execute("ROLLBACK")
            released.append(time.monotonic())

        due = time.monotonic()
        before: float | None = None
        deadline = due + 60.0
        while time.monotonic() < deadline:
            time.sleep(max(0.0, due - time.monotonic()))
            due += interval
            poller.poll("racks")
            poller.poll("events")
            if before is None and newest() > 0:
                before = newest()
                other.execute("BEGIN EXCLUSIVE")
                release = threading.Timer(LOCK_HELD_S, unlock)
                release.start()
            elif released and before is not None and newest() > before:
                return time.monotonic() - released[0]
        raise RuntimeError("recording did not resume within 60 s")
    finally:
        if release is not None:
            release.cancel()
            release.join()
        for conn in (other, reader):
            if conn is not None:
                conn.close()
        cache.close()
        source.close()
