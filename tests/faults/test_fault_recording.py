"""Recording heals itself and says so: a locked or full cache, at start or while running.

Each case runs the live feed on a simulated site over loopback HTTP with a real fault: a
second SQLite connection holding ``BEGIN EXCLUSIVE`` on the cache file, or SQLite's own
SQLITE_FULL from ``PRAGMA max_page_count`` lowered to the file's size. After the fault
clears, recording must resume within two rack-poll intervals (measured and printed), the
banner signal must have carried the reason and the recovery signal fired, the polls not
recorded must be a row of the gaps table, journal entries written meanwhile must all be in
the file, and ``PRAGMA integrity_check`` must say ok.

Before this, the first failing write marked the cache failed for the rest of the session
(nothing called ``retry``), with no banner when that write was a journal write.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from console.alarms.service import AlarmService
from console.cache.store import FUTURE_TOLERANCE_S, Cache, CacheHealth
from console.decode import decode_racks, decode_site
from console.model import PowerSeries
from console.sources.sim import SimSource
from widgets.live import LiveFeed
from widgets.main_window import MainWindow

INTERVAL = 1.0
"""Racks (and events) poll interval of these tests; resume is asserted against it."""
POLL = {"site": 60.0, "racks": INTERVAL, "gpus": 2.0, "power": 2.0, "jobs": 10.0,
        "events": INTERVAL}
RETRY_MAX_S = INTERVAL / 4
BUSY_S = 0.1
WAIT_MS = 30_000


def _entry(t: float, alarm_id: str, message: str = "") -> dict[str, Any]:
    return {"time": t, "alarm_id": alarm_id, "source": "test", "rack": "site",
            "priority": "low", "state_from": "normal", "state_to": "active-unacknowledged",
            "message": message}


class Rig:
    """A live window on ``sim://SCALE`` recording into ``path`` (the cache as opened is
    :attr:`cache`; ``hook`` sees it first)."""

    def __init__(self, qtbot: Any, tmp_path: Path, path: Path, *, scale: str = "rack",
                 alarms: bool = True, hook: Callable[[Cache], None] | None = None) -> None:
        self.qtbot = qtbot
        self.path = path
        self.cache: Cache | None = None
        self.failed: list[str] = []
        self.recovered: list[CacheHealth] = []
        self.poll_errors: list[str] = []
        self.service: AlarmService | None = None

        def open_cache() -> Cache:
            cache = Cache.open(path, busy_timeout_s=BUSY_S, retry_max_s=RETRY_MAX_S)
            if hook is not None:
                hook(cache)
            self.cache = cache
            return cache

        def make_alarms(cache: Any) -> AlarmService:
            self.service = AlarmService(cache=cache)
            return self.service

        self.feed = LiveFeed(
            lambda: SimSource(f"sim://{scale}", tick_s=0.2, timeout=(0.5, 2.0), retries=0),
            open_cache, POLL, alarm_factory=make_alarms if alarms else None,
        )
        self.feed.cacheFailed.connect(self.failed.append)
        self.feed.cacheRecovered.connect(self.recovered.append)
        self.feed.polled.connect(
            lambda r: self.poll_errors.append(r.cache_error) if r.cache_error else None)
        settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(f"sim://{scale}", feed=self.feed, intervals=POLL,
                                 settings=settings)
        qtbot.addWidget(self.window)
        self.window.show()
        self._reader: sqlite3.Connection | None = None

    def start(self) -> None:
        self.feed.start()

    def _read(self, sql: str) -> Any:
        """One value read from the file by a connection of the test's own (None while the
        file does not exist or cannot be read)."""
        try:
            if self._reader is None:
                if not self.path.exists():
                    return None
                self._reader = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                               isolation_level=None)
            return self._reader.execute(sql).fetchone()[0]
        except sqlite3.Error:
            return None

    def newest(self) -> float:
        """The newest rack poll in the file (0 while none, or while it cannot be read)."""
        return float(self._read("SELECT max(time) FROM rack_raw") or 0.0)

    def frames(self) -> int:
        return int(self._read("SELECT count(*) FROM rack_raw") or 0)

    def recording(self, frames: int = 2) -> None:
        self.qtbot.waitUntil(lambda: self.frames() >= frames, timeout=WAIT_MS)

    def missed(self, polls: int) -> None:
        """Wait until ``polls`` polls were not recorded (the fault holds)."""
        self.qtbot.waitUntil(
            lambda: self.cache is not None and self.cache.health().polls >= polls,
            timeout=WAIT_MS)

    def resume_after(self, before: float, cleared: float) -> float:
        """Seconds from ``cleared`` (monotonic) until a rack poll newer than ``before`` is in
        the file; asserted within two poll intervals."""
        self.qtbot.waitUntil(lambda: self.newest() > before, timeout=WAIT_MS)
        resumed = time.monotonic() - cleared
        print(f"recording resumed {resumed:.2f} s after the fault cleared "
              f"(racks poll every {INTERVAL:.1f} s; limit {2 * INTERVAL:.1f} s)")
        assert resumed <= 2 * INTERVAL
        self.qtbot.waitUntil(lambda: bool(self.recovered), timeout=WAIT_MS)
        self.qtbot.waitUntil(lambda: not self.window.cache_banner.isVisible(), timeout=WAIT_MS)
        assert "recording resumed" in self.window.statusBar().currentMessage()
        return resumed

    def finish(self) -> sqlite3.Connection:
        """Close the window (the feed closes the cache); a connection on the file."""
        self.window.close()
        if self._reader is not None:
            self._reader.close()
        conn = sqlite3.connect(self.path, isolation_level=None)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn


@pytest.fixture
def cache_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "cache.db"
    yield path


def _gaps(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute('SELECT start, "end", reason, polls, dropped FROM gaps').fetchall()


def _journal(conn: sqlite3.Connection) -> set[tuple]:
    return set(conn.execute("SELECT time, alarm_id, state_to FROM alarm_journal"))


def _all_journal_written(rig: Rig, conn: sqlite3.Connection) -> None:
    """Every entry the alarm engine wrote through the cache is in the file."""
    assert rig.service is not None
    wanted = {(float(e["time"]), str(e["alarm_id"]), e.get("state_to"))
              for e in rig.service.recent.entries}
    assert wanted <= _journal(conn)


def test_lock_released_recording_resumes(qtbot: Any, tmp_path: Path, cache_file: Path) -> None:
    rig = Rig(qtbot, tmp_path, cache_file)
    rig.start()
    rig.recording()
    other = sqlite3.connect(cache_file, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    try:
        qtbot.waitUntil(lambda: bool(rig.failed), timeout=WAIT_MS)
        assert "locked" in rig.failed[0]
        qtbot.waitUntil(lambda: rig.window.cache_banner.isVisible(), timeout=WAIT_MS)
        assert "locked" in rig.window.cache_banner.text()
        assert rig.cache is not None
        rig.cache.append_journal([_entry(time.time(), "test:during-lock")])  # kept
        rig.missed(2)
        before = rig.newest()
    finally:
        other.execute("ROLLBACK")
        other.close()
    rig.resume_after(before, time.monotonic())
    conn = rig.finish()
    [(start, end, reason, polls, dropped)] = _gaps(conn)
    assert "locked" in reason and polls >= 2 and dropped == 0
    assert start <= before < end
    assert any(a == "test:during-lock" for _, a, _ in _journal(conn))
    _all_journal_written(rig, conn)
    conn.close()


def _fill(cache: Cache) -> None:
    """The file cannot grow any more (SQLite answers SQLITE_FULL for a new page)."""
    pages = cache.conn.execute("PRAGMA page_count").fetchone()[0]
    cache.conn.execute(f"PRAGMA max_page_count = {pages}")


def _free(cache: Cache) -> None:
    with cache._lock:
        cache.conn.execute("PRAGMA max_page_count = 1000000")


def test_full_disk_first_failing_write_a_journal_entry(
    qtbot: Any, tmp_path: Path, cache_file: Path
) -> None:
    rig = Rig(qtbot, tmp_path, cache_file)
    rig.start()
    rig.recording()
    cache = rig.cache
    assert cache is not None
    big = "x" * 20_000  # needs new pages: the write that meets the full disk first
    with cache._lock:  # no poll in between
        _fill(cache)
        cache.append_journal([_entry(time.time(), "test:full-journal", big)])
        assert cache.failed is not None and "disk is full" in cache.failed
    qtbot.waitUntil(lambda: bool(rig.failed), timeout=WAIT_MS)
    assert "disk is full" in rig.failed[0]
    assert not rig.poll_errors  # it was the journal, not a poll, that failed first
    qtbot.waitUntil(lambda: rig.window.cache_banner.isVisible(), timeout=WAIT_MS)
    cache.append_journal([_entry(time.time(), "test:while-full")])
    rig.missed(2)
    before = rig.newest()
    _free(cache)
    rig.resume_after(before, time.monotonic())
    assert rig.recovered[0].kept >= 2
    conn = rig.finish()
    [(_start, _end, reason, polls, _dropped)] = _gaps(conn)
    assert "disk is full" in reason and polls >= 2
    names = {a for _, a, _ in _journal(conn)}
    assert {"test:full-journal", "test:while-full"} <= names
    assert conn.execute("SELECT length(message) FROM alarm_journal WHERE alarm_id = ?",
                        ("test:full-journal",)).fetchone()[0] == len(big)
    _all_journal_written(rig, conn)
    conn.close()


def test_full_disk_first_failing_write_a_poll(
    qtbot: Any, tmp_path: Path, cache_file: Path
) -> None:
    rig = Rig(qtbot, tmp_path, cache_file, scale="hall", alarms=False)  # frames of ~2 KB
    rig.start()
    rig.recording()
    cache = rig.cache
    assert cache is not None
    with cache._lock:
        _fill(cache)
    qtbot.waitUntil(lambda: bool(rig.poll_errors), timeout=WAIT_MS)
    assert "disk is full" in rig.poll_errors[0]
    qtbot.waitUntil(lambda: bool(rig.failed), timeout=WAIT_MS)
    assert "disk is full" in rig.failed[0]
    cache.append_journal([_entry(time.time(), "test:poll-full")])
    rig.missed(2)
    before = rig.newest()
    _free(cache)
    rig.resume_after(before, time.monotonic())
    conn = rig.finish()
    [(_start, _end, reason, polls, _dropped)] = _gaps(conn)
    assert "disk is full" in reason and polls >= 2
    assert "test:poll-full" in {a for _, a, _ in _journal(conn)}
    conn.close()


def _recorded_cache(path: Path) -> None:
    """A cache with a few polls of the hall, as a previous session left it."""
    from console.hub.sim import SimulatedHub

    t0 = time.time() - 60
    hub = SimulatedHub(scale="hall", seed=7, start=t0)
    topo = decode_site(hub.site(), received=t0)
    with Cache.open(path) as cache:
        for k in range(3):
            hub.step(t0 + 2 * (k + 1))
            cache.write_poll([decode_racks(hub.racks(), topo, received=t0)], topology=topo)


def test_full_disk_at_start_shows_the_banner_then_records(
    qtbot: Any, tmp_path: Path, cache_file: Path
) -> None:
    _recorded_cache(cache_file)
    rig = Rig(qtbot, tmp_path, cache_file, scale="hall", hook=_fill)
    rig.start()
    qtbot.waitUntil(lambda: bool(rig.failed), timeout=WAIT_MS)
    assert "disk is full" in rig.failed[0]
    qtbot.waitUntil(lambda: rig.window.cache_banner.isVisible(), timeout=WAIT_MS)
    assert rig.cache is not None
    rig.missed(2)
    before = rig.newest()
    _free(rig.cache)
    rig.resume_after(before, time.monotonic())
    conn = rig.finish()
    assert len(_gaps(conn)) == 1
    _all_journal_written(rig, conn)
    conn.close()


def test_locked_at_start_opens_later_then_records(
    qtbot: Any, tmp_path: Path, cache_file: Path
) -> None:
    _recorded_cache(cache_file)
    setup = sqlite3.connect(cache_file, isolation_level=None)
    setup.execute("PRAGMA journal_mode = DELETE")  # so the lock also keeps it from opening
    before = setup.execute("SELECT max(time) FROM rack_raw").fetchone()[0]
    setup.close()
    other = sqlite3.connect(cache_file, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    rig = Rig(qtbot, tmp_path, cache_file)
    try:
        rig.start()
        qtbot.waitUntil(lambda: bool(rig.failed), timeout=WAIT_MS)
        assert "locked" in rig.failed[0]
        qtbot.waitUntil(lambda: rig.window.cache_banner.isVisible(), timeout=WAIT_MS)
        pending = rig.feed._worker
        qtbot.waitUntil(lambda: pending.cache is not None and pending.cache.health().polls >= 2,
                        timeout=WAIT_MS)
        assert rig.cache is None  # not opened while locked
    finally:
        other.execute("ROLLBACK")
        other.close()
    rig.resume_after(before, time.monotonic())
    conn = rig.finish()
    [(start, _end, reason, polls, _dropped)] = _gaps(conn)
    assert "locked" in reason and polls >= 2 and start <= before
    _all_journal_written(rig, conn)
    conn.close()


def test_rows_stamped_a_year_ahead_do_not_block_later_writes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A rack frame and a power sample once stamped a year ahead used to make every later
    frame and sample "not newer", even after a restart."""
    from console.hub.sim import SimulatedHub

    now = time.time()
    year = 365 * 86_400.0
    hub = SimulatedHub(scale="rack", seed=3, start=now - 10)
    topo = decode_site(hub.site(), received=now)
    path = tmp_path / "poisoned.db"

    def racks(t: float) -> Any:
        hub.step(min(t, now))
        return dataclasses.replace(decode_racks(hub.racks(), topo, received=t), time=t)

    def power(t: float) -> PowerSeries:
        return PowerSeries(time=t, t=np.array([t]), step=10.0,
                           fields={"it_mw": np.array([1.0]), "facility_mw": np.array([1.3])})

    with Cache.open(path) as cache:
        cache.write_poll([racks(now - 4)], topology=topo)
        cache.write_poll([power(now - 4)])
        cache.write_poll([racks(now + year)])  # the bad one, as written then
        cache.write_poll([power(now + year)])
        cache.maintain()  # rolls up "to" the future too
        cache.write_poll([racks(now - 2)])
        assert cache.racks_at(now + year).time == now + year  # blocked: not newer
    with caplog.at_level(logging.WARNING, logger="console.cache.store"):
        cache = Cache.open(path)
    try:
        assert cache.future_dropped["rack_raw"] == 1 and cache.future_dropped["power"] == 1
        assert any("stamped after" in r.getMessage() for r in caplog.records)
        assert cache.time_range()[1] <= now + FUTURE_TOLERANCE_S
        cache.write_poll([racks(now)])
        cache.write_poll([power(now)])
        got = cache.racks_at(now + 1)
        assert got is not None and got.time == now
        assert cache.power(now - 60, now + 1)["it_mw"][-1] == 1.0
        assert cache.power(now - 60, now + 1).t[-1] == now
        cache.maintain()
        assert cache.conn.execute("SELECT count(*) FROM rack_1m WHERE time > ?",
                                  (now + FUTURE_TOLERANCE_S,)).fetchone()[0] == 0
    finally:
        cache.close()
