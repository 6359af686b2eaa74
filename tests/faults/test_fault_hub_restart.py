"""The simulated hub killed (SIGKILL) and restarted on the same port ten times while a console
polls its events into a cache: every event of every hub lifetime is stored exactly once.

The hub is a real ``main.py hub`` process; each lifetime numbers its events from 1 again.
The check reads each lifetime's whole event list from the hub just before the kill, after
the console's last poll of it (``bench/faults_events.py`` runs the rounds).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from bench.faults_events import measure_events_after_restarts


def test_ten_hub_kills_lose_and_double_no_event(tmp_path: Path) -> None:
    t0 = time.monotonic()
    figures = measure_events_after_restarts(10, folder=tmp_path)
    assert figures["hub_restarts"] == 10 and figures["hub_lifetimes"] == 11
    assert figures["events_expected"] >= 30, figures  # enough to mean something
    assert figures["events_stored"] == figures["events_expected"], figures
    assert figures["events_missing"] == 0, figures
    assert figures["events_duplicated"] == 0, figures
    assert figures["events_unexpected"] == 0, figures
    assert figures["events_polls_failed"] == 0, figures  # each restart bound the port at once
    conn = sqlite3.connect(tmp_path / "events.db")
    try:
        lifetimes = conn.execute("SELECT lifetime, count(*), max(hub_id) FROM events "
                                 "GROUP BY lifetime").fetchall()
    finally:
        conn.close()
    # Each lifetime under the hub's own name for it, its ids from 1 (no lifetime holds
    # more ids than events).
    assert all(name.startswith("sim-rack-") for name, _, _ in lifetimes), lifetimes
    assert sum(n for _, n, _ in lifetimes) == figures["events_expected"]
    assert all(n == top for _, n, top in lifetimes), lifetimes
    assert time.monotonic() - t0 < 100
