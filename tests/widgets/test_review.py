"""Offline review: the views over a cache file at a chosen time, with no network."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from console.cache import Cache
from console.decode import decode_jobs, decode_power, decode_racks, decode_site, decode_unhealthy
from console.hub.sim import SimulatedHub
from widgets.review import REVIEW_KINDS, open_review_window


def record_shift(path: Path, polls: int = 30, timezone: str | None = None) -> list[float]:
    """Write polls of a 'hall' simulated hub into a cache, 60 s apart (the site in
    ``timezone`` when given); returns poll times."""
    hub = SimulatedHub("hall", seed=3, start=1_780_000_000.0)
    cache = Cache.open(path)
    site = hub.site()
    if timezone is not None:
        site["timezone"] = timezone
    topo = decode_site(site)
    cache.write_poll([topo], topology=topo)
    times = []
    last_power = hub.now - 3600
    for i in range(polls):
        hub.step(hub.now + 60)
        if i == 10:
            hub.inject("cooling_loss", "A-03")
        snaps = [
            decode_racks(hub.racks(), topo),
            decode_unhealthy(hub.unhealthy_gpus()),
            decode_power(hub.power(last_power, hub.now, 10)),
        ]
        if i % 10 == 0:
            snaps.append(decode_jobs(hub.jobs()))
        last_power = hub.now + 1e-3
        cache.write_poll(snaps, topology=topo)
        times.append(hub.now)
    cache.close()
    return times


@pytest.fixture(scope="module")
def shift_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[float]]:
    path = tmp_path_factory.mktemp("review") / "shift.db"
    times = record_shift(path)
    return path, times


def test_review_shows_the_site_as_it_was(qtbot: Any, shift_file: tuple[Path, list[float]]) -> None:
    path, times = shift_file
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    window = open_review_window(str(path), start=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.feed.seeked, timeout=20_000):
        window.feed.start()
    assert window.scrubber.last == pytest.approx(times[-1])
    qtbot.waitUntil(lambda: "racks" in window.latest)
    assert window.latest["racks"].time == pytest.approx(times[-1])
    hot_late = float(window.latest["racks"]["inlet_c"][window.topology.rack_index["A-03-05"]])

    with qtbot.waitSignal(window.feed.seeked, timeout=20_000):
        window.scrubber.seek(times[5])
    assert window.latest["racks"].time == pytest.approx(times[5])
    cool_early = float(window.latest["racks"]["inlet_c"][window.topology.rack_index["A-03-05"]])
    assert hot_late > cool_early + 3  # the cooling loss heated row A-03 after poll 10
    assert window.link_status.text() == "REVIEW (offline)"
    assert not window.summary.stale
    assert window.last_seek_ms is not None
    window.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # never written


def test_review_of_a_broken_file_says_so(qtbot: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    window = open_review_window(str(bad), start=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.feed.sourceFailed, timeout=20_000) as blocker:
        window.feed.start()
    assert "not" in blocker.args[0].lower()
    window.close()


def test_review_says_not_recorded_inside_a_recording_gap(qtbot: Any, tmp_path: Path) -> None:
    """A span the live console could not record reads as "not recorded", never as a quiet site."""
    import sqlite3

    from console.cache import records

    path = tmp_path / "gap.db"
    times = record_shift(path, polls=12)
    with sqlite3.connect(path) as conn:  # what the live cache writes when it heals
        records.insert_gap(conn, times[4], times[8], "cache locked by another program", 30, 0)
    window = open_review_window(str(path), start=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.feed.gapsFound, timeout=20_000):
        window.feed.start()
    qtbot.waitUntil(lambda: window.scrubber.position > 0, timeout=20_000)
    assert not window.scrubber.gap_label.isVisible()  # the last poll was recorded
    with qtbot.waitSignal(window.feed.seeked, timeout=20_000):
        window.scrubber.seek(times[6])
    text = window.scrubber.gap_label.text()
    assert window.scrubber.gap_label.isVisible()
    assert "Not recorded" in text and "cache locked by another program" in text and "30 polls" in text
    with qtbot.waitSignal(window.feed.seeked, timeout=20_000):
        window.scrubber.seek(times[10])
    assert not window.scrubber.gap_label.isVisible()
    window.close()


def test_review_says_the_recorded_sites_time(qtbot: Any, tmp_path: Path) -> None:
    """The timeline and the status bar say the wall time of the site the file recorded,
    not the default site's."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    path = tmp_path / "tokyo.db"
    times = record_shift(path, polls=6, timezone="Asia/Tokyo")
    window = open_review_window(str(path), start=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.feed.seeked, timeout=20_000):
        window.feed.start()
    tokyo = datetime.fromtimestamp(times[-1], ZoneInfo("Asia/Tokyo"))
    stamp = f"{tokyo:%a %d %b %Y %H:%M:%S} site time"
    assert window.scrubber.time_label.text().startswith(stamp)
    window.refresh_ages()
    assert stamp in window.age_status.text()
    with qtbot.waitSignal(window.feed.seeked, timeout=20_000):
        window.scrubber.seek(times[2])
    tokyo = datetime.fromtimestamp(times[2], ZoneInfo("Asia/Tokyo"))
    assert window.scrubber.time_label.text().startswith(f"{tokyo:%a %d %b %Y %H:%M:%S}")
    window.close()


def test_a_jump_reaches_the_window_in_one_go(qtbot: Any, shift_file: tuple[Path, list[float]]) -> None:
    """Every kind read at a jump, then its alarms, shift log and KPIs, are handed to the
    window in one event: no timer, queued call or repaint runs with half a jump applied
    (nor draws it to be drawn again)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    path, times = shift_file
    window = open_review_window(str(path), start=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.feed.seeked, timeout=20_000):
        window.feed.start()

    class Turns(QObject):
        """Counts what only the event loop delivers: queued calls, timers, paints."""

        count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() in (QEvent.Type.MetaCall, QEvent.Type.Timer,
                                QEvent.Type.UpdateRequest):
                self.count += 1
            return False

    turns = Turns()
    seen: list[tuple[str, int]] = []
    feed = window.feed
    feed.polled.connect(lambda r: seen.append((f"polled:{r.kind}", turns.count)))
    feed.alarmsUpdated.connect(lambda *_: seen.append(("alarms", turns.count)))
    feed.seeked.connect(lambda *_: seen.append(("seeked", turns.count)))
    feed.alarmKpisReady.connect(lambda *_: seen.append(("kpis", turns.count)))
    QApplication.instance().installEventFilter(turns)
    try:
        with qtbot.waitSignal(feed.alarmKpisReady, timeout=20_000):
            window.scrubber.seek(times[7])
    finally:
        QApplication.instance().removeEventFilter(turns)
    names = [name for name, _ in seen]
    assert names == [f"polled:{kind}" for kind in REVIEW_KINDS] + ["alarms", "seeked", "kpis"]
    assert len({count for _, count in seen}) == 1  # nothing from the event loop between
    assert window.latest["racks"].time == pytest.approx(times[7])
    window.close()
